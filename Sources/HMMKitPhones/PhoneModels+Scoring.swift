import HMMKitMarkov
import HMMKitNumerics

extension PhoneModels {
    /// The graph of each word of `words` alone, with optional silence before and after (the
    /// isolated-word recognizer's candidates), in that order.
    /// - Throws: ``PhoneModelError/lexicon(_:)`` listing every word the lexicon lacks.
    public func wordGraphs(_ words: [String]) throws(PhoneModelError) -> [UtteranceGraph] {
        let missing = lexicon.missingWords(in: words.map { ("the word list", [$0]) })
        guard missing.isEmpty else { throw .lexicon(.missingWords(missing)) }
        var graphs: [UtteranceGraph] = []
        for word in words { graphs.append(try UtteranceGraph(words: [word], models: self)) }
        return graphs
    }

    /// `log p(x | graph)` of every sequence under every graph, `[sequences][graphs]`: the pool
    /// scores each block of frames once (one GEMM for every pooled state), and each graph's
    /// forward pass reads its states' columns. A sequence too short for a graph, or impossible
    /// under it, scores −∞ there.
    /// - Parameters:
    ///   - frames: the sequences stacked, `[Σ lengths × D]`.
    ///   - lengths: frames per sequence (≥ 0, summing to the rows of `frames`).
    ///   - graphs: the candidates.
    ///   - threadCount: workers; the result does not depend on it.
    ///   - partition: how sequences are cut into blocks (each block's frames scored by one GEMM).
    /// - Throws: ``PhoneModelError/invalid(_:)`` for a dimension or lengths mismatch.
    public func logLikelihoods(of frames: Matrix<Double>, lengths: [Int], graphs: [UtteranceGraph], threadCount: Int = 1,
                               partition: WorkPartition = WorkPartition()) throws(PhoneModelError) -> [[Double]] {
        guard frames.columnCount == dimension || frames.rowCount == 0 else {
            throw .invalid("frames have \(frames.columnCount) columns but the phone models have dimension \(dimension)")
        }
        guard lengths.allSatisfy({ $0 >= 0 }), lengths.reduce(0, +) == frames.rowCount else {
            throw .invalid("the lengths must be ≥ 0 and sum to the \(frames.rowCount) rows of the frames")
        }
        var offsets: [Int] = [], total = 0
        for length in lengths {
            offsets.append(total)
            total += length
        }
        let chunks = partition.blocks(frameCounts: lengths), model = self, starts = offsets
        let parts = ParallelWork.map(chunks.count, threadCount: threadCount,
                                     worker: { AlignmentWorker(model.pool, scoringOnly: true) }) { (index, worker) -> [[Double]] in
            var scores: [[Double]] = []
            for block in chunks[index] {
                let p = model.pool.stateCount, first = starts[block.lowerBound]
                let rows = first..<(starts[block.upperBound - 1] + lengths[block.upperBound - 1])
                let pooled = worker.scores.reserve(max(rows.count * p, 1))
                model.pool.score(frames, rows: rows, workspace: worker.workspace, into: pooled)
                for sequence in block {
                    let t = lengths[sequence], local = starts[sequence] - first
                    scores.append(graphs.map { graph in
                        guard t >= graph.minimumFrameCount else { return -.infinity }
                        let emissions = graph.gather(pooled + local * p, frames: t, poolCount: p)
                        return (try? graph.chain.logLikelihood(of: emissions)) ?? -.infinity
                    })
                }
            }
            return scores
        }
        return parts.flatMap { $0 }
    }
}
