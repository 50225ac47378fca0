import CVectorMath

/// `eˣ` without a libm call, for the inner loops of log-sum-exp and responsibilities, where one
/// `exp` per matrix element dominates the time (6.4 million per EM iteration for 100,000 frames
/// and 64 components).
///
/// `x = k·ln 2 + r` with `k = round(x / ln 2)` and `|r| ≤ ln 2 / 2` (ln 2 split in two parts so
/// that `r` is exact), then `eʳ` by its Taylor polynomial (degree 13 in Double: truncation
/// below 4e-18; degree 7 in Float: below 3e-9) and `2ᵏ` by building the exponent bits: CVectorMath's
/// `exp_polynomial.h` (`hmmkit_exp_f64`, `hmmkit_exp_f32`), the one definition per precision that
/// the AVX2 kernels also expand (with fused multiply-adds there).
/// Accuracy: within 2 ulp of the correctly rounded result on `[-708, 709]` (checked against
/// libm in the tests); below −708 the result is 0 (where libm gives subnormals, < 1e-307),
/// above 709 it is +∞, NaN stays NaN. The body is branch-light straight-line arithmetic, inlined
/// into the caller, so loops over arrays vectorise.
public enum FastExponential {
    /// `eˣ` in Double (see ``FastExponential``).
    @inlinable @inline(__always)
    public static func exp(_ x: Double) -> Double {
        if !(x > -708) { return x.isNaN ? x : 0 }
        if x > 709 { return .infinity }
        return hmmkit_exp_f64(x)
    }

    /// `eˣ` for `x ≤ 0` without any branch (arguments below −708 give about 3e-308 instead of
    /// 0), for `exp(v − max)` in log-sum-exp and softmax loops, which then vectorise. NaN is not
    /// checked: callers pass finite values.
    @inlinable @inline(__always)
    public static func exp(nonPositive x: Double) -> Double {
        hmmkit_exp_f64(Swift.max(x, -708))
    }

    /// `eˣ` in Float (see ``FastExponential``).
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        if !(x > -87) { return x.isNaN ? x : 0 }
        if x > 88 { return .infinity }
        return hmmkit_exp_f32(x)
    }

    /// `eˣ` for `x ≤ 0` without any branch (below −87: about 1.6e-38 instead of 0).
    @inlinable @inline(__always)
    public static func exp(nonPositive x: Float) -> Float {
        hmmkit_exp_f32(Swift.max(x, -87))
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
/// and polynomial lane by lane (`hmmkit_exp_f64x4`, `hmmkit_exp_f32x8`), bit for bit the scalar
/// result in each lane. Valid up to x = 709 (Double) / 88 (Float); smaller arguments than −708 /
/// −87 are clamped there.
@usableFromInline
protocol SoftmaxLanes: MatrixScalar, SIMDScalar {
    associatedtype Lanes: SIMD where Lanes.Scalar == Self
    static func exponentials(_ v: Lanes) -> Lanes
}

extension Double: SoftmaxLanes {
    @usableFromInline typealias Lanes = SIMD4<Double>

    @inlinable @inline(__always)
    static func exponentials(_ v: SIMD4<Double>) -> SIMD4<Double> {
        hmmkit_exp_f64x4(v.replacing(with: -708, where: v .< -708))
    }
}

extension Float: SoftmaxLanes {
    @usableFromInline typealias Lanes = SIMD8<Float>

    @inlinable @inline(__always)
    static func exponentials(_ v: SIMD8<Float>) -> SIMD8<Float> {
        hmmkit_exp_f32x8(v.replacing(with: -87, where: v .< -87))
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
