import CVectorMath
import RealModule

/// The softmax of one row in place, `v ← exp(v − max) / Σ exp(v − max)`, returning the row's
/// log-sum-exp: the responsibilities of a mixture and the normalisation of forward-backward.
///
/// Two backends, like every kernel: ``normalizeRows(_:rows:columns:logSums:backend:)`` on
/// ``ComputeBackend/accelerated`` runs HMMKit's AVX2 + FMA C kernel when the CPU has them
/// (checked once at run time), and this pure-Swift code otherwise and on
/// ``ComputeBackend/reference``.
///
/// The exponentials run four (Double) or eight (Float) at a time on SIMD vectors with
/// ``FastExponential``'s polynomial, since the scalar loop does not vectorise (its sum is a
/// floating-point reduction the compiler may not reorder). The lane sums make the result differ
/// from a left-to-right sum in the last bits, but it is the same for the same row every time.
public enum RowSoftmax {
    /// Normalises `row[0..<count]` in place and returns `log Σ exp(row)`. A row whose maximum is
    /// not finite (all −∞, or +∞) is left as it is and that maximum is returned, so the caller
    /// decides (HMMKit's callers report such frames); a NaN anywhere makes the result NaN.
    @inlinable
    public static func normalize(_ row: UnsafeMutablePointer<Double>, count: Int) -> Double {
        let largest = maximum(row, count: count)
        guard largest.isFinite else { return largest }
        let raw = UnsafeMutableRawPointer(row)
        let shift = SIMD4<Double>(repeating: largest)
        var lanes = SIMD4<Double>(repeating: 0)
        var i = 0
        powersOfTwo.withUnsafeBufferPointer { table in
            while i + 4 <= count {
                let e = exp(raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) - shift, table: table.baseAddress!)
                raw.storeBytes(of: e, toByteOffset: i * 8, as: SIMD4<Double>.self)
                lanes += e
                i += 4
            }
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
        let largest = maximum(row, count: count)
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

    /// Whether the AVX2 + FMA kernel can run here (`hmmkit_vector_math_available`).
    public static let acceleratedKernelAvailable: Bool = hmmkit_vector_math_available() != 0

    /// Every row of the row-major `[rows × columns]` block at `values` normalised in place, with
    /// each row's log-sum-exp written to `logSums` (see ``normalize(_:count:)-(UnsafeMutablePointer<Double>,_)``).
    /// Accelerated: `hmmkit_softmax_rows_f64` / `_f32` (AVX2 + FMA) when available.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public static func normalizeRows<S: MatrixScalar>(
        _ values: UnsafeMutablePointer<S>, rows: Int, columns: Int, logSums: UnsafeMutablePointer<S>,
        backend: ComputeBackend
    ) {
        if backend == .accelerated && acceleratedKernelAvailable {
            switch S.precision {
            case .double:
                hmmkit_softmax_rows_f64(UnsafeMutableRawPointer(values).assumingMemoryBound(to: Double.self), rows, columns,
                                        UnsafeMutableRawPointer(logSums).assumingMemoryBound(to: Double.self))
            case .single:
                hmmkit_softmax_rows_f32(UnsafeMutableRawPointer(values).assumingMemoryBound(to: Float.self), rows, columns,
                                        UnsafeMutableRawPointer(logSums).assumingMemoryBound(to: Float.self))
            }
            return
        }
        for row in 0..<rows { logSums[row] = normalize(values + row * columns, count: columns) }
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

    /// The largest of `row[0..<count]`, four lanes at a time.
    @inlinable @inline(__always)
    static func maximum(_ row: UnsafeMutablePointer<Double>, count: Int) -> Double {
        let raw = UnsafeRawPointer(row)
        var lanes = SIMD4<Double>(repeating: -.infinity)
        var i = 0
        while i + 4 <= count {
            lanes = pointwiseMax(lanes, raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self))
            i += 4
        }
        var largest = lanes.max()
        while i < count {
            largest = Swift.max(largest, row[i])
            i += 1
        }
        return largest
    }

    /// The largest of `row[0..<count]`, eight lanes at a time.
    @inlinable @inline(__always)
    static func maximum(_ row: UnsafeMutablePointer<Float>, count: Int) -> Float {
        let raw = UnsafeRawPointer(row)
        var lanes = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            lanes = pointwiseMax(lanes, raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
            i += 8
        }
        var largest = lanes.max()
        while i < count {
            largest = Swift.max(largest, row[i])
            i += 1
        }
        return largest
    }

    /// `2^(j/64)` for j = 0 … 63, from libm's `exp2` (within half an ulp).
    @usableFromInline
    static let powersOfTwo: [Double] = (0..<64).map { Double.exp2(Double($0) / 64) }

    /// `e^x` lane-wise for x ≤ 0, four lanes, by a table: `x = (64k + j)·ln2/64 + r` with
    /// `|r| ≤ ln2/128`, so `eˣ = 2ᵏ · 2^(j/64) · eʳ` and a degree-5 polynomial gives `eʳ` to
    /// 3e-17; the result is within 2 ulp of the exact value (checked in the tests). Arguments
    /// below −708 are clamped (about 3e-308).
    @inlinable @inline(__always)
    static func exp(_ v: SIMD4<Double>, table: UnsafePointer<Double>) -> SIMD4<Double> {
        let x = v.replacing(with: -708, where: v .< -708)
        let magic = SIMD4<Double>(repeating: 6755399441055744.0)  // 1.5 · 2⁵²
        let shifted = x * (64 / 0.6931471805599453) + magic
        let n = shifted - magic
        let r = (x - n * (6.93147180369123816490e-01 / 64)) - n * (1.90821492927058770002e-10 / 64)
        var p = r * (1.0 / 120.0) + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let integer = unsafeBitCast(shifted, to: SIMD4<Int64>.self) &- Int64(bitPattern: magic[0].bitPattern)
        let j = integer & 63
        let k = integer &>> 6
        let powers = SIMD4<Double>(table[Int(j[0])], table[Int(j[1])], table[Int(j[2])], table[Int(j[3])])
        let scale = unsafeBitCast((k &+ 1023) &<< 52, to: SIMD4<Double>.self)
        return p * powers * scale
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
