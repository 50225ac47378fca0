import CVectorMath

/// Lloyd's assignment step of k-means with scikit-learn's arithmetic: each frame's label is the
/// first centre of least `‖c‖² − 2·x·c`, then the frames are added to their centres' sums frame
/// after frame.
///
/// On the accelerated backend CVectorMath's `hmmkit_lloyd_assign` does both from a feature-major
/// copy of the frames made once here (full vectors of frames, where a product with 3 or 5 centre
/// columns fills a vector only partly), each dot product one chain of fused multiply-adds over
/// the features in order, as the GEMM scikit-learn calls forms every entry on a CPU with FMA.
/// Otherwise (the reference backend, a CPU without AVX2, the skinny products switched off by
/// ``KernelPolicy``) the products `−2·X·Cᵀ` come from the backend's GEMM and plain loops take the
/// labels and sums: the same labels unless two scores tie to the last bits (the GEMMs may sum in
/// another order), and the same sums for the same labels.
package struct LloydFrames<S: MatrixScalar>: Sendable {
    /// `hmmkit_lloyd_assign_d` / `_s` for element type T.
    private typealias Kernel<T> = (UnsafePointer<T>?, UnsafePointer<T>?, Int, Int, UnsafePointer<T>?, UnsafePointer<T>?, Int,
                                   UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?, Int32) -> Int32

    /// The frames, `[N × D]`.
    package let rows: Matrix<S>
    /// The frames feature-major in panels of `HMMKIT_LLOYD_BLOCK` frames (`[D × block]` each),
    /// zeros beyond N; empty when the kernel does not run.
    private let panels: [S]
    private let bits: Int
    private let backend: ComputeBackend

    /// Prepares `rows` for assignments on `backend`; `bits` is the kernel width (the skinny
    /// products' policy by default; 0, or a width this CPU lacks, takes the GEMM path).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package init(_ rows: Matrix<S>, backend: ComputeBackend, bits: Int = KernelPolicy.current.skinnyProductBits) {
        self.rows = rows
        self.backend = backend
        let n = rows.rowCount, d = rows.columnCount
        let block = Int(HMMKIT_LLOYD_BLOCK)
        let runs = backend == .accelerated && KernelPolicy.availableSkinnyProductBits.contains(bits)
        guard runs, n > 0, d > 0 else {
            (panels, self.bits) = ([], 0)
            return
        }
        var panels = [S](repeating: 0, count: (n + block - 1) / block * block * d)
        rows.withUnsafeElements { x in
            panels.withUnsafeMutableBufferPointer { t in
                for i in 0..<n {
                    let panel = t.baseAddress! + (i / block) * d * block + i % block
                    for j in 0..<d { panel[j * block] = x[i * d + j] }
                }
            }
        }
        (self.panels, self.bits) = (panels, bits)
    }

    /// Whether the vector kernel runs these assignments.
    package var runsKernel: Bool { bits > 0 }

    /// Labels every frame against `centres` (`[k × D]`) with their squared norms `norms` (`[k]`,
    /// as the caller rounds them); with `sums` (`[k × D]`) and `counts` (`[k]`), adds each frame
    /// to its centre's sum and 1 to its count, frame after frame, onto what they hold. `products`
    /// is scratch for the GEMM path (`[N × k]`, reshaped when it is not; untouched by the kernel).
    /// - Precondition: `k ≥ 1`; the buffers hold `k × D`, `k` and `N` values.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package func assign(centres: UnsafeBufferPointer<S>, norms: UnsafeBufferPointer<S>,
                        labels: UnsafeMutableBufferPointer<Int32>,
                        sums: UnsafeMutableBufferPointer<S>?, counts: UnsafeMutableBufferPointer<S>?,
                        products: inout Matrix<S>) {
        let n = rows.rowCount, d = rows.columnCount, k = norms.count
        precondition(k >= 1 && centres.count >= k * d && labels.count >= n
                     && (sums == nil || (sums!.count >= k * d && counts != nil && counts!.count >= k)),
                     "LloydFrames: inconsistent shapes")
        let done = bits > 0 && rows.withUnsafeElements { x in
            panels.withUnsafeBufferPointer { t in
                /// The kernel of element type T on these buffers (n, d, k ≥ 1 here: none is empty).
                func run<T>(_ kernel: Kernel<T>) -> Bool {
                    kernel(AcceleratedKernels.rebound(x.baseAddress!, to: T.self), AcceleratedKernels.rebound(t.baseAddress!, to: T.self),
                           n, d, AcceleratedKernels.rebound(centres.baseAddress!, to: T.self),
                           AcceleratedKernels.rebound(norms.baseAddress!, to: T.self), k, labels.baseAddress,
                           sums.map { AcceleratedKernels.rebound($0.baseAddress!, to: T.self) },
                           counts.map { AcceleratedKernels.rebound($0.baseAddress!, to: T.self) }, Int32(bits)) != 0
                }
                switch S.precision {
                case .double: return run(hmmkit_lloyd_assign_d)
                case .single: return run(hmmkit_lloyd_assign_s)
                }
            }
        }
        if !done {
            productAssign(centres: centres, norms: norms, labels: labels, sums: sums, counts: counts, products: &products)
        }
    }

    /// The GEMM path: `−2·X·Cᵀ` on the backend, `‖c‖²` added (scikit-learn's single rounding: the
    /// product by −2 is exact), the first least entry of each row, the sums frame after frame.
    private func productAssign(centres: UnsafeBufferPointer<S>, norms: UnsafeBufferPointer<S>,
                               labels: UnsafeMutableBufferPointer<Int32>,
                               sums: UnsafeMutableBufferPointer<S>?, counts: UnsafeMutableBufferPointer<S>?,
                               products: inout Matrix<S>) {
        let n = rows.rowCount, d = rows.columnCount, k = norms.count
        if products.rowCount != n || products.columnCount != k { products = Matrix(rowCount: n, columnCount: k) }
        let centreMatrix = Matrix(rowCount: k, columnCount: d, elements: Array(centres[0..<(k * d)]))
        try! backend.multiply(rows, by: centreMatrix, transposeB: true, alpha: -2, into: &products)  // shapes agree by construction
        products.withUnsafeElements { p in
            for i in 0..<n {
                var label = 0, best = norms[0] + p[i * k]
                for c in 1..<k {
                    let score = norms[c] + p[i * k + c]
                    if score < best { (best, label) = (score, c) }
                }
                labels[i] = Int32(label)
            }
        }
        guard let sums, let counts else { return }
        rows.withUnsafeElements { x in
            for i in 0..<n {
                let label = Int(labels[i]), row = x.baseAddress! + i * d, sum = sums.baseAddress! + label * d
                for j in 0..<d { sum[j] += row[j] }
                counts[label] += 1
            }
        }
    }
}
