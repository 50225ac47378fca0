import HMMKitNumerics

extension GaussianMixture {
    /// The E-step for the workspace's current block: responsibilities, then their sufficient
    /// statistics added to `statistics`. First and second order are one GEMM of the
    /// responsibilities with the scoring features: `γᵀ·[x, x²]` (diagonal, spherical) or
    /// `γᵀ·[x', x'ᵢx'ⱼ]` (full; or the same sums formed from the frames without storing the
    /// features, when the block was scored that way); tied adds one SYRK of x.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func accumulateBlock(_ workspace: MixtureWorkspace<Scalar>, into statistics: inout GaussianMixtureStatistics,
                         backend: ComputeBackend) {
        let n = workspace.rowCount, d = dimension
        guard n > 0 else { return }
        weightedLogDensities(workspace, backend: backend)
        normalizeToResponsibilities(workspace, backend: backend)
        statistics.withUnsafeMutableValues { values in
            values[GaussianMixtureStatistics.framesIndex] += Double(n)
            var logLikelihood = 0.0
            for value in workspace.frameLogLikelihoods { logLikelihood += Double(value) }
            values[GaussianMixtureStatistics.logLikelihoodIndex] += logLikelihood
        }
        addResponsibilityStatistics(workspace, into: &statistics, backend: backend)
        if covarianceType == .tied {
            MixtureWorkspace.shape(&workspace.outer, d, d)
            try! backend.symmetricRankUpdate(workspace.block, transposed: true, into: &workspace.outer)
            addOuter(workspace.outer, to: &statistics, at: statistics.secondOrderOffset)
        }
    }

    /// Adds the occupancies and first- and second-order sums of the responsibilities in
    /// `workspace.logDensities` (`[n × K]`, any non-negative weights) with the block's scoring
    /// features: one GEMM `γᵀ·[x, x², 1]` (diagonal, spherical), `γᵀ·[x', x'ᵢx'ⱼ, 1]` (full) or
    /// `γᵀ·x` (tied, whose second order the caller adds). Frames and log-likelihood are not touched.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func addResponsibilityStatistics(_ workspace: MixtureWorkspace<Scalar>, into statistics: inout GaussianMixtureStatistics,
                                             backend: ComputeBackend) {
        precondition(!workspace.scoringOnly, "a scoring-only workspace has no features to accumulate from")
        let d = dimension, k = componentCount
        let type = covarianceType
        // First order (+ diagonal second order): γᵀ · x  or  γᵀ · [x, x²]; full: γᵀ · [x', x'ᵢx'ⱼ].
        let width: Int
        switch type {
        case .diagonal, .spherical: width = 2 * d + 1
        case .full: width = d + d * (d + 1) / 2 + 1
        case .tied: width = d
        }
        MixtureWorkspace.shape(&workspace.statisticsProduct, k, width)
        if type != .tied && !workspace.hasFeatures {
            // Scored without the features: the statistics come straight from the frames too,
            // or, when that kernel does not apply, the features are built now.
            if !fusedStatistics(workspace, backend: backend) {
                if type == .full { buildQuadraticFeatures(workspace, backend: backend) } else { buildDiagonalFeatures(workspace, backend: backend) }
                try! backend.multiply(workspace.logDensities, by: workspace.features, transposeA: true,
                                      into: &workspace.statisticsProduct)
            }
        } else {
            try! backend.multiply(workspace.logDensities, by: type == .tied ? workspace.block : workspace.features,
                                  transposeA: true, into: &workspace.statisticsProduct)
        }
        if workspace.occupancy.count != k { workspace.occupancy = [Double](repeating: 0, count: k) }
        if workspace.firstOrder.count != d { workspace.firstOrder = [Double](repeating: 0, count: d) }
        blockOccupancies(workspace, width: width)
        let layout = (first: statistics.firstOrderOffset, second: statistics.secondOrderOffset)
        let occupancyOffset = statistics.occupancyOffset
        statistics.withUnsafeMutableValues { values in
            for c in 0..<k { values[occupancyOffset + c] += workspace.occupancy[c] }
            addProducts(workspace, width: width, into: values, firstOffset: layout.first, secondOffset: layout.second)
        }
    }

    /// `γᵀ·[x', x'ᵢx'ⱼ, 1]` (full) or `γᵀ·[x, x², 1]` (diagonal, spherical) of the block into
    /// `workspace.statisticsProduct` (`[K × width]`) by the kernel that forms the products from
    /// the frames (``DiagonalFeatures/statistics(_:rows:dimension:responsibilities:components:into:outputStride:backend:bits:)``,
    /// ``QuadraticFeatures/statistics(_:rows:dimension:centre:responsibilities:components:into:outputStride:backend:width:)``);
    /// false (nothing done) when it does not apply.
    private func fusedStatistics(_ workspace: MixtureWorkspace<Scalar>, backend: ComputeBackend) -> Bool {
        let n = workspace.rowCount, d = dimension, k = componentCount, centre = cache.centre
        let width = workspace.statisticsProduct.columnCount, full = covarianceType == .full
        return workspace.withBlock { x in
            workspace.logDensities.withUnsafeElements { gamma in
                workspace.statisticsProduct.withUnsafeMutableElements { out in
                    full ? QuadraticFeatures.statistics(x, rows: n, dimension: d, centre: centre, responsibilities: gamma.baseAddress!,
                                                        components: k, into: out.baseAddress!, outputStride: width, backend: backend)
                         : DiagonalFeatures.statistics(x, rows: n, dimension: d, responsibilities: gamma.baseAddress!,
                                                       components: k, into: out.baseAddress!, outputStride: width, backend: backend)
                }
            }
        }
    }

    /// `Σₙ γₙₖ` of the block into `workspace.occupancy`: the last column of `γᵀ·features` (the
    /// features end with a column of ones), or column sums of γ for tied.
    private func blockOccupancies(_ workspace: MixtureWorkspace<Scalar>, width: Int) {
        let n = workspace.rowCount, k = componentCount, tied = covarianceType == .tied
        workspace.occupancy.withUnsafeMutableBufferPointer { occupancy in
            if tied {
                for c in 0..<k { occupancy[c] = 0 }
                workspace.logDensities.withUnsafeElements { gamma in
                    for row in 0..<n { for c in 0..<k { occupancy[c] += Double(gamma[row * k + c]) } }
                }
            } else {
                workspace.statisticsProduct.withUnsafeElements { product in
                    for c in 0..<k { occupancy[c] = Double(product[c * width + width - 1]) }
                }
            }
        }
    }

    /// Adds the rows of `γᵀ·features` to the first- and second-order sums. Full covariance comes
    /// back from centred to raw coordinates, in Double:
    /// `Σγx = Σγx' + nₖm` and `Σγxxᵀ = Σγx'x'ᵀ + (Σγx')mᵀ + m(Σγx')ᵀ + nₖmmᵀ`.
    private func addProducts(_ workspace: MixtureWorkspace<Scalar>, width: Int, into values: UnsafeMutableBufferPointer<Double>,
                             firstOffset: Int, secondOffset: Int) {
        let d = dimension, k = componentCount, type = covarianceType
        let centre = cache.centreInDouble, occupancy = workspace.occupancy
        workspace.firstOrder.withUnsafeMutableBufferPointer { first in
            workspace.statisticsProduct.withUnsafeElements { product in
                for c in 0..<k {
                    let line = product.baseAddress! + c * width
                    switch type {
                    case .diagonal, .spherical:
                        for j in 0..<d {
                            values[firstOffset + c * d + j] += Double(line[j])
                            values[secondOffset + c * d + j] += Double(line[d + j])
                        }
                    case .tied:
                        for j in 0..<d { values[firstOffset + c * d + j] += Double(line[j]) }
                    case .full:
                        for j in 0..<d { first[j] = Double(line[j]) }
                        for j in 0..<d { values[firstOffset + c * d + j] += first[j] + occupancy[c] * centre[j] }
                        var feature = d
                        for i in 0..<d {
                            for j in i..<d {
                                let value = Double(line[feature]) + first[i] * centre[j] + centre[i] * first[j]
                                    + occupancy[c] * centre[i] * centre[j]
                                values[secondOffset + c * d * d + i * d + j] += value
                                if i != j { values[secondOffset + c * d * d + j * d + i] += value }
                                feature += 1
                            }
                        }
                    }
                }
            }
        }
    }

    private func addOuter(_ outer: Matrix<Scalar>, to statistics: inout GaussianMixtureStatistics, at offset: Int) {
        statistics.withUnsafeMutableValues { values in
            outer.withUnsafeElements { product in
                for i in 0..<product.count { values[offset + i] += Double(product[i]) }
            }
        }
    }
}

extension WorkPartition {
    /// The mixture E-step's default: chunks of blocks of 1024 frames, whose `[n × K]` and
    /// `[n × 2D]` buffers stay in the L2 cache.
    public static let mixtureEStep = WorkPartition(framesPerBlock: 1024)
}

extension GaussianMixture {
    /// Sufficient statistics of `data` (`[N × D]`) under this model: the E-step over all frames,
    /// on `threadCount` workers, bitwise independent of the thread count (see ``/HMMKitNumerics/WorkPartition/chunks(rows:)``).
    /// Finiteness is checked block by block inside the workers, while each block is in cache.
    /// - Throws: ``MixtureError/dimensionMismatch(model:data:)``; ``MixtureError/nonFiniteData(row:column:value:)``
    ///   naming the first bad element of the first frame that scores non-finite;
    ///   ``MixtureError/nonFiniteScore(row:value:)`` for such a frame without one.
    public func statistics(of data: Matrix<Scalar>, backend: ComputeBackend = .default, threadCount: Int = 1,
                           partition: WorkPartition = .mixtureEStep) throws(MixtureError) -> GaussianMixtureStatistics {
        guard data.columnCount == dimension else { throw .dimensionMismatch(model: dimension, data: data.columnCount) }
        let (statistics, firstBad) = accumulate(data, backend: backend, threadCount: threadCount, partition: partition,
                                                checking: true)
        if let (row, column, value) = firstBad {
            throw column < 0 ? .nonFiniteScore(row: row, value: value) : .nonFiniteData(row: row, column: column, value: value)
        }
        return statistics
    }

    /// The E-step over `data` in fixed chunks of rows (see ``/HMMKitNumerics/WorkPartition``); with `checking`, a chunk
    /// stops at a block with a frame that scores NaN or ±∞, and that frame's problem (lowest row)
    /// is returned as ``MixtureWorkspace/firstNonFiniteFrame()`` describes it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func accumulate(_ data: Matrix<Scalar>, backend: ComputeBackend, threadCount: Int,
                    partition: WorkPartition, checking: Bool = false)
        -> (GaussianMixtureStatistics, (Int, Int, Double)?)
    {
        let chunks = partition.chunks(rows: data.rowCount)
        let model = self
        let partials = ParallelWork.map(chunks.count, threadCount: threadCount, worker: { MixtureWorkspace<Scalar>() }) {
            (index, workspace) -> (GaussianMixtureStatistics, (Int, Int, Double)?) in
            var statistics = GaussianMixtureStatistics(for: model)
            for block in partition.blocks(ofRows: chunks[index]) {
                workspace.select(data, rows: block)
                model.accumulateBlock(workspace, into: &statistics, backend: backend)
                // NaN or ±∞ in a frame makes its log-likelihood non-finite (finite frames
                // always get a finite one), so only such frames are scanned.
                if checking, let problem = workspace.firstNonFiniteFrame() { return (statistics, problem) }
            }
            return (statistics, nil)
        }
        // Chunks are in row order, so the first chunk's problem is the lowest row's.
        let sum = partials.reduce(GaussianMixtureStatistics(for: model)) { $0 + $1.0 }
        return (sum, partials.lazy.compactMap(\.1).first)
    }
}
