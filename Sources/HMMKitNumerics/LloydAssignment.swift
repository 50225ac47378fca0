import CVectorMath

/// Lloyd's assignment step of k-means with scikit-learn's arithmetic: each frame's label is the
/// first centre of least `‖c‖² − 2·x·c`, the dot product one chain of fused multiply-adds over
/// the features in order (what the GEMM that scikit-learn calls does for every entry); then the
/// frames are added to their centres' sums frame after frame.
///
/// On the accelerated backend CVectorMath's `hmmkit_lloyd_assign` does both from a feature-major
/// copy of the frames made once here (full vectors of frames, where a product with 3 or 5 centre
/// columns fills a vector only partly); the reference backend (and a CPU without
/// AVX2, or with the skinny products switched off by ``KernelPolicy``) runs the plain loops. Both
/// give the same bits: the same fused chains, the same first minimum, the same summation order.
package struct LloydFrames<S: MatrixScalar>: Sendable {
    /// The frames, `[N × D]`.
    package let rows: Matrix<S>
    /// The frames feature-major in panels of `HMMKIT_LLOYD_BLOCK` frames (`[D × block]` each),
    /// zeros beyond N; empty when the kernel does not run.
    private let panels: [S]
    private let bits: Int

    /// Prepares `rows` for assignments on `backend`; `bits` is the kernel width (the skinny
    /// products' policy by default; 0 runs the plain loops).
    package init(_ rows: Matrix<S>, backend: ComputeBackend, bits: Int = KernelPolicy.current.skinnyProductBits) {
        self.rows = rows
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
    /// to its centre's sum and 1 to its count, frame after frame, onto what they hold.
    /// - Precondition: `k ≥ 1`; the buffers hold `k × D`, `k` and `N` values.
    package func assign(centres: UnsafeBufferPointer<S>, norms: UnsafeBufferPointer<S>,
                        labels: UnsafeMutableBufferPointer<Int32>,
                        sums: UnsafeMutableBufferPointer<S>?, counts: UnsafeMutableBufferPointer<S>?) {
        let n = rows.rowCount, d = rows.columnCount, k = norms.count
        precondition(k >= 1 && centres.count >= k * d && labels.count >= n
                     && (sums == nil || (sums!.count >= k * d && counts != nil && counts!.count >= k)),
                     "LloydFrames: inconsistent shapes")
        let done = bits > 0 && rows.withUnsafeElements { x in
            panels.withUnsafeBufferPointer { t in
                switch S.precision {
                case .double:
                    hmmkit_lloyd_assign_d(Self.raw(x.baseAddress, Double.self), Self.raw(t.baseAddress, Double.self),
                                          n, d, Self.raw(centres.baseAddress, Double.self),
                                          Self.raw(norms.baseAddress, Double.self), k, labels.baseAddress,
                                          Self.raw(sums?.baseAddress, Double.self), Self.raw(counts?.baseAddress, Double.self),
                                          Int32(bits)) != 0
                case .single:
                    hmmkit_lloyd_assign_s(Self.raw(x.baseAddress, Float.self), Self.raw(t.baseAddress, Float.self),
                                          n, d, Self.raw(centres.baseAddress, Float.self),
                                          Self.raw(norms.baseAddress, Float.self), k, labels.baseAddress,
                                          Self.raw(sums?.baseAddress, Float.self), Self.raw(counts?.baseAddress, Float.self),
                                          Int32(bits)) != 0
                }
            }
        }
        if !done { plainAssign(centres: centres, norms: norms, labels: labels, sums: sums, counts: counts) }
    }

    /// The reference loops: the kernel's arithmetic one frame and one centre at a time.
    private func plainAssign(centres: UnsafeBufferPointer<S>, norms: UnsafeBufferPointer<S>,
                             labels: UnsafeMutableBufferPointer<Int32>,
                             sums: UnsafeMutableBufferPointer<S>?, counts: UnsafeMutableBufferPointer<S>?) {
        let n = rows.rowCount, d = rows.columnCount, k = norms.count
        rows.withUnsafeElements { x in
            for i in 0..<n {
                let row = x.baseAddress! + i * d
                var label = 0, best = S.infinity
                for c in 0..<k {
                    let centre = centres.baseAddress! + c * d
                    var dot = S(0)
                    for j in 0..<d { dot = dot.addingProduct(row[j], centre[j]) }
                    let score = norms[c] + -2 * dot
                    if score < best { best = score; label = c }
                }
                labels[i] = Int32(label)
                if let sums, let counts {
                    let sum = sums.baseAddress! + label * d
                    for j in 0..<d { sum[j] += row[j] }
                    counts[label] += 1
                }
            }
        }
    }

    @inline(__always)
    private static func raw<T>(_ pointer: UnsafePointer<S>?, _: T.Type) -> UnsafePointer<T>? {
        pointer.map { UnsafeRawPointer($0).assumingMemoryBound(to: T.self) }
    }

    @inline(__always)
    private static func raw<T>(_ pointer: UnsafeMutablePointer<S>?, _: T.Type) -> UnsafeMutablePointer<T>? {
        pointer.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: T.self) }
    }
}
