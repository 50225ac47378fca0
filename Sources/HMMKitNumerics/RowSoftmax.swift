import RealModule

/// The softmax of one row in place, `v ← exp(v − max) / Σ exp(v − max)`, returning the row's
/// log-sum-exp: the responsibilities of a mixture and the normalisation of forward-backward.
///
/// The exponentials run four (Double) or eight (Float) at a time on SIMD vectors with
/// ``FastExponential``'s polynomial, since the scalar loop does not vectorise (its sum is a
/// floating-point reduction the compiler may not reorder). The lane sums make the result differ
/// from a left-to-right sum in the last bits, but it is the same for the same row every time.
public enum RowSoftmax {
    /// Normalises `row[0..<count]` in place and returns `log Σ exp(row)`. A row whose maximum is
    /// not finite (all −∞, or +∞, or NaN) is left as it is and that maximum is returned, so the
    /// caller decides (HMMKit's callers report such frames).
    @inlinable
    public static func normalize(_ row: UnsafeMutablePointer<Double>, count: Int) -> Double {
        var largest = -Double.infinity
        for i in 0..<count where row[i] > largest || row[i].isNaN { largest = row[i].isNaN ? .nan : row[i] }
        guard largest.isFinite else { return largest }
        let raw = UnsafeMutableRawPointer(row)
        let shift = SIMD4<Double>(repeating: largest)
        var lanes = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= count {
            let e = exp(raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) - shift)
            raw.storeBytes(of: e, toByteOffset: i * 8, as: SIMD4<Double>.self)
            lanes += e
            i += 4
        }
        var sum = lanes.sum()
        while i < count {
            let e = FastExponential.exp(nonPositive: row[i] - largest)
            row[i] = e
            sum += e
            i += 1
        }
        let inverse = 1 / sum
        for j in 0..<count { row[j] *= inverse }
        return largest + .log(sum)
    }

    /// The Float form of ``normalize(_:count:)-(UnsafeMutablePointer<Double>,_)``, eight lanes.
    @inlinable
    public static func normalize(_ row: UnsafeMutablePointer<Float>, count: Int) -> Float {
        var largest = -Float.infinity
        for i in 0..<count where row[i] > largest || row[i].isNaN { largest = row[i].isNaN ? .nan : row[i] }
        guard largest.isFinite else { return largest }
        let raw = UnsafeMutableRawPointer(row)
        let shift = SIMD8<Float>(repeating: largest)
        var lanes = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let e = exp(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - shift)
            raw.storeBytes(of: e, toByteOffset: i * 4, as: SIMD8<Float>.self)
            lanes += e
            i += 8
        }
        var sum = lanes.sum()
        while i < count {
            let e = FastExponential.exp(nonPositive: row[i] - largest)
            row[i] = e
            sum += e
            i += 1
        }
        let inverse = 1 / sum
        for j in 0..<count { row[j] *= inverse }
        return largest + .log(sum)
    }

    /// ``normalize(_:count:)-(UnsafeMutablePointer<Double>,_)`` for any ``MatrixScalar``.
    @inlinable @inline(__always)
    public static func normalize<S: MatrixScalar>(_ row: UnsafeMutablePointer<S>, count: Int) -> S {
        switch S.precision {
        case .double:
            return S(normalize(UnsafeMutableRawPointer(row).assumingMemoryBound(to: Double.self), count: count))
        case .single:
            return S(normalize(UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self), count: count))
        }
    }

    /// `e^x` lane-wise for x ≤ 0 (``FastExponential/exp(nonPositive:)-(Double)`` on four lanes).
    @inlinable @inline(__always)
    static func exp(_ v: SIMD4<Double>) -> SIMD4<Double> {
        let x = v.replacing(with: -708, where: v .< -708)
        let magic = SIMD4<Double>(repeating: 6755399441055744.0)
        let shifted = x * 1.4426950408889634 + magic
        let k = shifted - magic
        let r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
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

    /// `e^x` lane-wise for x ≤ 0, Float, eight lanes.
    @inlinable @inline(__always)
    static func exp(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let x = v.replacing(with: -87, where: v .< -87)
        let magic = SIMD8<Float>(repeating: 12582912)
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
