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
/// ``FastExponential``'s polynomial (one generic implementation, `SoftmaxLanes` per precision), since the scalar loop does not vectorise (its sum is a
/// floating-point reduction the compiler may not reorder). The lane sums make the result differ
/// from a left-to-right sum in the last bits, but it is the same for the same row every time.
public enum RowSoftmax {
    /// Normalises `row[0..<count]` in place and returns `log Σ exp(row)`. A row whose maximum is
    /// not finite (all −∞, or +∞) is left as it is and that maximum is returned, so the caller
    /// decides (HMMKit's callers report such frames); a NaN anywhere makes the result NaN.
    @inlinable
    public static func normalize(_ row: UnsafeMutablePointer<Double>, count: Int) -> Double {
        normalizeByLanes(row, count: count)
    }

    /// The Float form of ``normalize(_:count:)-(UnsafeMutablePointer<Double>,_)``, eight lanes.
    @inlinable
    public static func normalize(_ row: UnsafeMutablePointer<Float>, count: Int) -> Float {
        normalizeByLanes(row, count: count)
    }

    /// The one implementation behind both precisions: maximum, exponentials and their sum a SIMD
    /// vector at a time (``SoftmaxLanes``), the tail one value at a time, then the scaling.
    @inlinable @inline(__always)
    static func normalizeByLanes<S: SoftmaxLanes>(_ row: UnsafeMutablePointer<S>, count: Int) -> S {
        let width = S.Lanes.scalarCount, bytes = MemoryLayout<S>.stride
        let raw = UnsafeMutableRawPointer(row)
        var maxima = S.Lanes(repeating: -S.infinity)
        var i = 0
        while i + width <= count {
            maxima = pointwiseMax(maxima, raw.loadUnaligned(fromByteOffset: i * bytes, as: S.Lanes.self))
            i += width
        }
        var largest = maxima.max()
        while i < count {
            largest = Swift.max(largest, row[i])
            i += 1
        }
        guard largest.isFinite else { return largest }
        let shift = S.Lanes(repeating: largest)
        var sums = S.Lanes(repeating: 0)
        i = 0
        while i + width <= count {
            let e = S.exponentials(raw.loadUnaligned(fromByteOffset: i * bytes, as: S.Lanes.self) - shift)
            raw.storeBytes(of: e, toByteOffset: i * bytes, as: S.Lanes.self)
            sums += e
            i += width
        }
        var sum = sums.sum()
        while i < count {
            let e = FastExponential.exp(nonPositive: row[i] - largest)
            row[i] = e
            sum += e
            i += 1
        }
        let inverse = 1 / sum
        for j in 0..<count { row[j] *= inverse }
        return largest + S.log(sum)
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
}
