import HMMKitNumerics

extension HiddenMarkovModel {
    /// `log p(x | state s)` of every frame under every state, `[N × S]` (hmmlearn's
    /// `_compute_log_likelihood`), from `frames` `[N × D]`.
    /// - Throws: ``HMMError/shapeMismatch(_:)`` for frames of another dimension.
    public func emissionLogLikelihoods(_ frames: Matrix<Scalar>) throws(HMMError) -> Matrix<Scalar> {
        guard frames.columnCount == dimension else {
            throw .shapeMismatch("frames have \(frames.columnCount) columns but the model has dimension \(dimension)")
        }
        var result = Matrix<Scalar>(rowCount: frames.rowCount, columnCount: stateCount)
        let workspace = emissions.makeWorkspace()
        let block = 2048
        result.withUnsafeMutableElements { out in
            for start in stride(from: 0, to: frames.rowCount, by: block) {
                let rows = start..<min(start + block, frames.rowCount)
                emissions.score(frames, rows: rows, workspace: workspace, into: out.baseAddress! + start * stateCount)
            }
        }
        return result
    }

    /// `log p(x_k)` of each sequence (natural log), `[lengths.count]`.
    /// - Parameters:
    ///   - frames: the stacked frames of all sequences, `[N × D]`.
    ///   - lengths: frames per sequence, summing to N.
    ///   - implementation: the forward pass (default ``ForwardBackwardImplementation/scaled``;
    ///     ``ForwardBackwardImplementation/logSpace`` is hmmlearn's default `"log"`, equal to rounding).
    ///   - threadCount: worker threads (results do not depend on it).
    ///   - partition: how sequences are cut into chunks and emission blocks (results do not depend
    ///     on the thread count for a given partition).
    ///   - unscorableAsNegativeInfinity: give a sequence shorter than the topology allows, or of
    ///     probability zero, the log-likelihood −∞ instead of throwing (a recognizer comparing
    ///     word models wants that: such a sequence cannot come from this word).
    /// - Throws: ``HMMError/shapeMismatch(_:)``, ``HMMError/nonFiniteData(sequence:frame:column:value:)``,
    ///   ``HMMError/markov(_:)`` for bad lengths, a sequence too short for the topology or of probability zero.
    @_specialize(where Emissions == MixtureEmissions<Float>)
    @_specialize(where Emissions == MixtureEmissions<Double>)
    public func logLikelihoods(of frames: Matrix<Scalar>, lengths: [Int], implementation: ForwardBackwardImplementation = .scaled,
                               threadCount: Int = 1, partition: WorkPartition = WorkPartition(),
                               unscorableAsNegativeInfinity: Bool = false) throws(HMMError) -> [Double] {
        let layout = try layout(frames, lengths: lengths, checkingLengths: !unscorableAsNegativeInfinity)
        let model = self, s = stateCount, minimum = chain.minimumFrameCount
        let partials = try runBatch(frames, layout: layout, threadCount: threadCount, partition: partition,
                                    initial: [Double](), scoringOnly: true) { (scores: inout [Double], worker, block, firstRow) throws(HMMError) in
            for sequence in block {
                let count = layout.lengths[sequence]
                guard count >= minimum else {
                    scores.append(-.infinity)  // only reachable with unscorableAsNegativeInfinity
                    continue
                }
                let input = worker.logLikelihoods.pointer + (layout.offsets[sequence] - firstRow) * s
                let outcome = implementation == .logSpace
                    ? model.chain.logSpaceForwardOnly(input, frames: count, sequence: sequence, workspace: worker.markovWorkspace)
                    : model.chain.scaledForwardOnly(input, frames: count, sequence: sequence,
                                                    checked: implementation == .checkedScaled, workspace: worker.markovWorkspace)
                switch outcome {
                case .success(let value): scores.append(value)
                case .failure(.impossibleSequence) where unscorableAsNegativeInfinity: scores.append(-.infinity)
                case .failure(let error): throw model.explain(error, frames: frames, layout: layout)
                }
            }
        }
        return partials.flatMap { $0 }
    }

    /// ``logLikelihoods(of:lengths:implementation:threadCount:partition:unscorableAsNegativeInfinity:)`` of separate sequences.
    public func logLikelihoods(of sequences: [Matrix<Scalar>], implementation: ForwardBackwardImplementation = .scaled,
                               threadCount: Int = 1) throws(HMMError) -> [Double] {
        let (frames, lengths) = try stack(sequences)
        return try logLikelihoods(of: frames, lengths: lengths, implementation: implementation, threadCount: threadCount)
    }

    /// The total `Σ_k log p(x_k)` (hmmlearn's `score(X, lengths)`). Same arguments and errors as
    /// ``logLikelihoods(of:lengths:implementation:threadCount:partition:unscorableAsNegativeInfinity:)``.
    public func score(_ frames: Matrix<Scalar>, lengths: [Int], implementation: ForwardBackwardImplementation = .scaled,
                      threadCount: Int = 1) throws(HMMError) -> Double {
        try logLikelihoods(of: frames, lengths: lengths, implementation: implementation, threadCount: threadCount).reduce(0, +)
    }

    /// `log p(x)` of one sequence (`lengths` = all its frames).
    public func score(_ sequence: Matrix<Scalar>, implementation: ForwardBackwardImplementation = .scaled) throws(HMMError) -> Double {
        try score(sequence, lengths: [sequence.rowCount], implementation: implementation)
    }

    /// The most probable state path of each sequence and its log-probability (Viterbi;
    /// hmmlearn's `decode(X, lengths)` gives their concatenation and the sum of the log-probabilities).
    /// - Throws: as ``logLikelihoods(of:lengths:implementation:threadCount:partition:unscorableAsNegativeInfinity:)``.
    @_specialize(where Emissions == MixtureEmissions<Float>)
    @_specialize(where Emissions == MixtureEmissions<Double>)
    public func decode(_ frames: Matrix<Scalar>, lengths: [Int], threadCount: Int = 1) throws(HMMError) -> [ViterbiPath] {
        let layout = try layout(frames, lengths: lengths)
        let model = self, s = stateCount
        let partials = try runBatch(frames, layout: layout, threadCount: threadCount, partition: WorkPartition(),
                                    initial: [ViterbiPath](), scoringOnly: true) { (paths: inout [ViterbiPath], worker, block, firstRow) throws(HMMError) in
            for sequence in block {
                let input = worker.logLikelihoods.pointer + (layout.offsets[sequence] - firstRow) * s
                switch model.chain.viterbi(input, frames: layout.lengths[sequence], sequence: sequence, workspace: worker.markovWorkspace) {
                case .success(let path): paths.append(path)
                case .failure(let error): throw model.explain(error, frames: frames, layout: layout)
                }
            }
        }
        return partials.flatMap { $0 }
    }

    /// ``decode(_:lengths:threadCount:)`` of one sequence.
    public func decode(_ sequence: Matrix<Scalar>) throws(HMMError) -> ViterbiPath {
        try decode(sequence, lengths: [sequence.rowCount])[0]
    }

    /// State posteriors `P(state s at t | x)`, `[N × S]` (hmmlearn's `predict_proba`).
    /// - Throws: as ``logLikelihoods(of:lengths:implementation:threadCount:partition:unscorableAsNegativeInfinity:)``.
    public func predictProbabilities(_ frames: Matrix<Scalar>, lengths: [Int], implementation: ForwardBackwardImplementation = .scaled,
                                     threadCount: Int = 1) throws(HMMError) -> Matrix<Scalar> {
        let layout = try layout(frames, lengths: lengths)
        let model = self, s = stateCount
        let partials = try runBatch(frames, layout: layout, threadCount: threadCount, partition: WorkPartition(),
                                    initial: [Matrix<Scalar>](), scoringOnly: true) { (blocks: inout [Matrix<Scalar>], worker, block, firstRow) throws(HMMError) in
            for sequence in block {
                let count = layout.lengths[sequence]
                var gamma = Matrix<Scalar>(rowCount: count, columnCount: s)
                let input = worker.logLikelihoods.pointer + (layout.offsets[sequence] - firstRow) * s
                let outcome = gamma.withUnsafeMutableElements { out in
                    model.chain.forwardBackward(input, frames: count, sequence: sequence, implementation: implementation,
                                                workspace: worker.markovWorkspace, posteriors: out.baseAddress!)
                }
                if case .failure(let error) = outcome { throw model.explain(error, frames: frames, layout: layout) }
                blocks.append(gamma)
            }
        }
        var result = Matrix<Scalar>(rowCount: frames.rowCount, columnCount: s)
        var row = 0
        result.withUnsafeMutableElements { out in
            for gamma in partials.joined() {
                gamma.withUnsafeElements { source in
                    if source.count > 0 { (out.baseAddress! + row * s).update(from: source.baseAddress!, count: source.count) }
                }
                row += gamma.rowCount
            }
        }
        return result
    }

    /// The most likely state of each frame (the argmax of ``predictProbabilities(_:lengths:implementation:threadCount:)``;
    /// hmmlearn's `predict` decodes with Viterbi instead — use ``decode(_:lengths:threadCount:)`` for that).
    public func predict(_ frames: Matrix<Scalar>, lengths: [Int], threadCount: Int = 1) throws(HMMError) -> [Int] {
        let posteriors = try predictProbabilities(frames, lengths: lengths, threadCount: threadCount)
        return (0..<posteriors.rowCount).map { t in
            var best = 0
            for s in 1..<stateCount where posteriors[t, s] > posteriors[t, best] { best = s }
            return best
        }
    }

    /// `count` frames drawn from the model: a state path from the chain, then one frame per state
    /// visit (hmmlearn's `sample`). The same generator state gives the same sample.
    public func sample<G: RandomNumberGenerator>(count: Int, using generator: inout G) -> (frames: Matrix<Scalar>, states: [Int]) {
        precondition(count >= 0, "sample count must be ≥ 0 (got \(count))")
        var states: [Int] = []
        states.reserveCapacity(count)
        func draw(_ probabilities: (Int) -> Double) -> Int {
            let u = Double.random(in: 0..<1, using: &generator)
            var cumulative = 0.0
            for s in 0..<stateCount {
                cumulative += probabilities(s)
                if u < cumulative { return s }
            }
            return (0..<stateCount).last { probabilities($0) > 0 } ?? 0
        }
        for t in 0..<count {
            if t == 0 {
                states.append(draw { Double(chain.startProbabilities[$0]) })
            } else {
                let previous = states[t - 1]
                states.append(draw { Double(chain.transitions[previous, $0]) })
            }
        }
        return (emissions.sample(states: states, using: &generator), states)
    }
}
