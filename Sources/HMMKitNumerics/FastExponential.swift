import CVectorMath

/// `eˣ` without a libm call, for the inner loops of log-sum-exp and responsibilities, where one
/// `exp` per matrix element dominates the time (6.4 million per EM iteration for 100,000 frames
/// and 64 components).
///
/// `x = k·ln 2 + r` with `k = round(x / ln 2)` and `|r| ≤ ln 2 / 2` (ln 2 split in two parts so
/// that `r` is exact), then `eʳ` by its Taylor polynomial (degree 13 in Double: truncation
/// below 4e-18; degree 7 in Float: below 3e-9) and `2ᵏ` by building the exponent bits.
/// Accuracy: within 2 ulp of the correctly rounded result on `[-708, 709]` (checked against
/// libm in the tests); below −708 the result is 0 (where libm gives subnormals, < 1e-307),
/// above 709 it is +∞, NaN stays NaN. The body is branch-light straight-line arithmetic, so
/// loops over arrays vectorise.
public enum FastExponential {
    /// `eˣ` in Double (see ``FastExponential``).
    @inlinable @inline(__always)
    public static func exp(_ x: Double) -> Double {
        if !(x > -708) { return x.isNaN ? x : 0 }
        if x > 709 { return .infinity }
        return core(x)
    }

    /// `eˣ` for `x ≤ 0` without any branch (arguments below −708 give about 3e-308 instead of
    /// 0), for `exp(v − max)` in log-sum-exp and softmax loops, which then vectorise. NaN is not
    /// checked: callers pass finite values.
    @inlinable @inline(__always)
    public static func exp(nonPositive x: Double) -> Double {
        core(Swift.max(x, -708))
    }

    /// The reduction and polynomial for x in [−708, 709]. `k = round(x / ln 2)` by the
    /// 1.5·2⁵² trick, which also leaves k in the low bits of the sum, so `2ᵏ` is built with
    /// integer adds and shifts: no libm `rint`, no float-to-int conversion.
    @inlinable @inline(__always)
    static func core(_ x: Double) -> Double {
        let magic = 6755399441055744.0  // 1.5 · 2⁵²
        let shifted = x * 1.4426950408889634 + magic
        let k = shifted - magic
        let r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
        var p = 1.0 / 6227020800.0
        p = p * r + 1.0 / 479001600.0
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        // The low bits of `shifted` hold k (two's complement); (k + 1023) << 52 is 2ᵏ.
        let scale = Double(bitPattern: (shifted.bitPattern &+ 1023) << 52)
        return p * scale
    }

    /// `eˣ` in Float (see ``FastExponential``).
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        if !(x > -87) { return x.isNaN ? x : 0 }
        if x > 88 { return .infinity }
        return core(x)
    }

    /// `eˣ` for `x ≤ 0` without any branch (below −87: about 1.6e-38 instead of 0).
    @inlinable @inline(__always)
    public static func exp(nonPositive x: Float) -> Float {
        core(Swift.max(x, -87))
    }

    @inlinable @inline(__always)
    static func core(_ x: Float) -> Float {
        let magic: Float = 12582912  // 1.5 · 2²³
        let shifted = x * 1.44269504 + magic
        let k = shifted - magic
        let r = (x - k * 0.693145752) - k * 1.42860677e-06
        var p: Float = 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let scale = Float(bitPattern: (shifted.bitPattern &+ 127) << 23)
        return p * scale
    }

    /// `eˣ` for any ``MatrixScalar`` (dispatches on the precision; folds away when specialised).
    @inlinable @inline(__always)
    public static func exp<S: MatrixScalar>(_ x: S) -> S {
        switch S.precision {
        case .double: return S(exp(Double(x)))
        case .single: return S(exp(Float(x)))
        }
    }

    /// ``exp(nonPositive:)-(Double)`` for any ``MatrixScalar``.
    @inlinable @inline(__always)
    public static func exp<S: MatrixScalar>(nonPositive x: S) -> S {
        switch S.precision {
        case .double: return S(exp(nonPositive: Double(x)))
        case .single: return S(exp(nonPositive: Float(x)))
        }
    }
}

/// A precision with a SIMD width, and `eˣ` on a whole vector: ``FastExponential``'s reduction
/// and polynomial lane by lane (the scalar `core` functions above stay scalar so that debug
/// builds, where SIMD code is not optimised, stay fast), with `2ᵏ` built from the integer bits. Valid up to
/// x = 709 (Double) / 88 (Float); smaller arguments than −708 / −87 are clamped there.
@usableFromInline
protocol SoftmaxLanes: MatrixScalar, SIMDScalar {
    associatedtype Lanes: SIMD where Lanes.Scalar == Self
    static func exponentials(_ v: Lanes) -> Lanes
}

extension Double: SoftmaxLanes {
    @usableFromInline typealias Lanes = SIMD4<Double>

    /// Degree 13 after reduction to |r| ≤ ln 2 / 2 (truncation < 4e-18).
    @inlinable @inline(__always)
    static func exponentials(_ v: SIMD4<Double>) -> SIMD4<Double> {
        let x = v.replacing(with: -708, where: v .< -708)
        let magic = SIMD4<Double>(repeating: 6755399441055744.0)  // 1.5 · 2⁵²
        let shifted = x * 1.4426950408889634 + magic
        let k = shifted - magic
        let r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
        // Horner's rule on 1/13! … 1/2!, 1, 1 (written out: no array in this hot path).
        var p = SIMD4<Double>(repeating: 1.0 / 6227020800.0)
        p = p * r + 1.0 / 479001600.0
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let bits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &+ 1023
        return p * unsafeBitCast(bits &<< 52, to: SIMD4<Double>.self)
    }
}

extension Float: SoftmaxLanes {
    @usableFromInline typealias Lanes = SIMD8<Float>

    /// Degree 7 after reduction (truncation < 3e-9).
    @inlinable @inline(__always)
    static func exponentials(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let x = v.replacing(with: -87, where: v .< -87)
        let magic = SIMD8<Float>(repeating: 12582912)  // 1.5 · 2²³
        let shifted = x * 1.44269504 + magic
        let k = shifted - magic
        let r = (x - k * 0.693145752) - k * 1.42860677e-06
        var p = SIMD8<Float>(repeating: 1.0 / 5040.0)
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &+ 127
        return p * unsafeBitCast(bits &<< 23, to: SIMD8<Float>.self)
    }
}

extension FastExponential {
    /// `values[i] = e^values[i]` for `count` values ≤ 0 (NaN-free; exactly 0 below −708, −∞
    /// included), in place: the AVX2 + FMA kernel when the CPU has it, else ``exp(_:)-(Double)``
    /// value by value. The two agree to a few ulp.
    public static func exponentiateNonPositive(_ values: UnsafeMutablePointer<Double>, count: Int) {
        guard count > 0 else { return }
        if RowSoftmax.acceleratedKernelAvailable {
            hmmkit_exp_nonpositive_f64(values, count)
        } else {
            for i in 0..<count { values[i] = exp(values[i]) }
        }
    }
}
