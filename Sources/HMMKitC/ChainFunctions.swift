import HMMKitMarkov
import HMMKitNumerics

// The `hmmkit_chain_*` functions of hmmkit.h: forward-backward and Viterbi of a Markov chain on
// emission log-likelihoods the caller computed (hmmlearn's `_compute_log_likelihood` hook).

/// The chain and the caller's `[N × S]` log-likelihoods cut into sequences.
private func chainAndSequences(_ states: Int64, _ start: UnsafePointer<Double>?, _ transitions: UnsafePointer<Double>?,
                               _ logFrameProbabilities: UnsafePointer<Double>?, _ rows: Int64, _ lengthValues: UnsafePointer<Int64>?,
                               _ sequenceCount: Int64) throws -> (MarkovChain<Double>, [Matrix<Double>]) {
    let s = Int(states)
    guard s >= 1 else { throw CallError(.invalidArgument, "n_components must be ≥ 1") }
    let chain = try MarkovChain<Double>(startProbabilities: try doubles(start, count: s, "startprob"),
                                        transitions: Matrix(rowCount: s, columnCount: s,
                                                            elements: try doubles(transitions, count: s * s, "transmat")))
    let sequences = try lengths(lengthValues, count: Int(sequenceCount), rows: Int(rows))
    let all = try doubles(logFrameProbabilities, count: Int(rows) * s, "log_frameprob")
    var offset = 0
    let blocks = sequences.map { length -> Matrix<Double> in
        defer { offset += length }
        return Matrix(rowCount: length, columnCount: s, elements: Array(all[(offset * s)..<((offset + length) * s)]))
    }
    return (chain, blocks)
}

@_cdecl("hmmkit_chain_forward_backward")
public func hmmkitChainForwardBackward(_ states: Int64, _ start: UnsafePointer<Double>?, _ transitions: UnsafePointer<Double>?,
                                       _ logFrameProbabilities: UnsafePointer<Double>?, _ rows: Int64,
                                       _ lengthValues: UnsafePointer<Int64>?, _ sequenceCount: Int64, _ implementationCode: Int32,
                                       _ logProbabilities: UnsafeMutablePointer<Double>?, _ posteriors: UnsafeMutablePointer<Double>?,
                                       _ transitionCounts: UnsafeMutablePointer<Double>?,
                                       _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let (chain, blocks) = try chainAndSequences(states, start, transitions, logFrameProbabilities, rows, lengthValues, sequenceCount)
        let method = try implementation(implementationCode)
        let s = Int(states)
        var counts = [Double](repeating: 0, count: s * s)
        var row = 0
        for (index, block) in blocks.enumerated() {
            let result = try chain.forwardBackward(block, implementation: method, sequence: index)
            logProbabilities?[index] = result.logLikelihood
            if let posteriors {
                for (i, value) in result.posteriors.elements.enumerated() { posteriors[row * s + i] = Double(value) }
            }
            for (i, value) in result.transitionCounts.elements.enumerated() { counts[i] += Double(value) }
            row += block.rowCount
        }
        store(counts, into: transitionCounts)
    }
}

@_cdecl("hmmkit_chain_viterbi")
public func hmmkitChainViterbi(_ states: Int64, _ start: UnsafePointer<Double>?, _ transitions: UnsafePointer<Double>?,
                               _ logFrameProbabilities: UnsafePointer<Double>?, _ rows: Int64,
                               _ lengthValues: UnsafePointer<Int64>?, _ sequenceCount: Int64,
                               _ logProbabilities: UnsafeMutablePointer<Double>?, _ path: UnsafeMutablePointer<Int64>?,
                               _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let (chain, blocks) = try chainAndSequences(states, start, transitions, logFrameProbabilities, rows, lengthValues, sequenceCount)
        var row = 0
        for (index, block) in blocks.enumerated() {
            let best = try chain.viterbi(block, sequence: index)
            logProbabilities?[index] = best.logProbability
            for state in best.states {
                path?[row] = Int64(state)
                row += 1
            }
        }
    }
}
