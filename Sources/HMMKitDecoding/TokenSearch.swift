import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// The frame loop of ``Decoder``: one utterance's tokens, word-end records and emission block.
/// Every buffer is sized once, from the graph, before the first frame.
struct TokenSearch {
    let graph: DecodingGraph
    let options: DecoderOptions
    /// Word-end records; tokens point into it.
    private(set) var records: [WordEnd] = []
    /// Per state: the token's score and word-end record at the previous frame (`score`) and this one (`next`).
    private var score: [Double], next: [Double]
    private var trace: [Int32], nextTrace: [Int32]
    /// Per instance: the best token waiting to enter it at the next frame.
    private var entry: [Double], entryTrace: [Int32]
    /// Instances with a token (in a state or waiting to enter), for this frame and the next.
    private var active: [Int] = [], nextActive: [Int] = []
    private var queued: [Bool]
    /// Scores that passed the beam, for the maximum-active cut.
    private var survivors: [Double] = []
    /// Emission log-likelihoods of the current block.
    private var block: EmissionBlock
    /// Record count at which unreachable records are next collected.
    private var collectAt = 4_096

    init(graph: DecodingGraph, options: DecoderOptions) {
        self.graph = graph
        self.options = options
        score = [Double](repeating: -.infinity, count: graph.stateCount)
        next = score
        trace = [Int32](repeating: -1, count: graph.stateCount)
        nextTrace = trace
        entry = [Double](repeating: -.infinity, count: graph.instanceCount)
        entryTrace = [Int32](repeating: -1, count: graph.instanceCount)
        queued = [Bool](repeating: false, count: graph.instanceCount)
        survivors.reserveCapacity(graph.stateCount)
        active.reserveCapacity(graph.instanceCount)
        nextActive.reserveCapacity(graph.instanceCount)
        block = EmissionBlock(graph: graph, blockFrames: options.blockFrames)
    }

    /// Runs the search over `features`; returns the record of the best path's last word (nil: no
    /// path reached the end).
    mutating func run(_ features: Matrix<Double>) -> Int32? {
        let frames = features.rowCount
        for (k, target) in graph.startTarget.enumerated() where graph.startWeight[k] > entry[target] {
            entry[target] = graph.startWeight[k]
            if !queued[target] { queued[target] = true; active.append(target) }
        }
        for frame in 0..<frames {
            block.scoreIfStarting(frame, features)
            let threshold = advance(row: frame % options.blockFrames)
            if frame == frames - 1 { return finish(threshold: threshold, frame: frame) }
            leaveWords(threshold: threshold, frame: frame)
            swap(&score, &next)
            swap(&trace, &nextTrace)
            swap(&active, &nextActive)
            if records.count >= collectAt { collect() }
        }
        return nil
    }

    /// Moves every active token one frame (emission row `row` of the block) into `next`; returns
    /// the pruning threshold of the frame.
    private mutating func advance(row: Int) -> Double {
        var best = -Double.infinity
        for i in active {
            let m = graph.instanceModel[i], base = graph.instanceBase[i], modelBase = graph.modelBase[m], states = graph.modelStates[m]
            let entering = entry[i], enteringTrace = entryTrace[i]
            entry[i] = -.infinity
            let emission = block.offset(emitter: graph.modelEmitter[m], row: row)
            for j in 0..<states {
                var value = entering + graph.logStart[modelBase + j], from = enteringTrace
                for p in graph.predecessorStart[modelBase + j]..<graph.predecessorStart[modelBase + j + 1] {
                    let candidate = score[base + graph.predecessorFrom[p]] + graph.predecessorLog[p]
                    if candidate > value {
                        value = candidate
                        from = trace[base + graph.predecessorFrom[p]]
                    }
                }
                value += block.emissions[emission + graph.emissionState[modelBase + j]]
                next[base + j] = value
                nextTrace[base + j] = from
                if value > best { best = value }
            }
        }
        var threshold = best - options.beam
        survivors.removeAll(keepingCapacity: true)
        for i in active {
            let base = graph.instanceBase[i]
            for j in 0..<graph.modelStates[graph.instanceModel[i]] where next[base + j] >= threshold { survivors.append(next[base + j]) }
        }
        if survivors.count > options.maximumActiveStates {
            threshold = max(threshold, Self.largest(options.maximumActiveStates, of: &survivors))
        }
        return threshold
    }

    /// Prunes `next` below `threshold`, clears the old scores, and passes the tokens leaving
    /// words (at frame `frame`) to the words after them; fills `nextActive`.
    private mutating func leaveWords(threshold: Double, frame: Int) {
        nextActive.removeAll(keepingCapacity: true)
        for i in active { queued[i] = false }
        for i in active {
            guard let (exitScore, exitTrace) = prune(i, threshold: threshold) else { continue }
            if !queued[i] { queued[i] = true; nextActive.append(i) }
            guard exitScore > -.infinity else { continue }
            var record: Int32? = nil
            for l in graph.linkStart[i]..<graph.linkStart[i + 1] {
                let target = graph.linkTarget[l], candidate = exitScore + graph.linkWeight[l]
                guard candidate >= threshold, candidate > entry[target] else { continue }
                if record == nil {
                    records.append(WordEnd(instance: Int32(i), endFrame: Int32(frame), score: exitScore, previous: exitTrace))
                    record = Int32(records.count - 1)
                }
                entry[target] = candidate
                entryTrace[target] = record!
                if !queued[target] { queued[target] = true; nextActive.append(target) }
            }
        }
    }

    /// Prunes instance `i`'s states in `next` below `threshold` and clears its old scores; nil
    /// when none survives, else its best exit score (−∞: none) and that token's record.
    private mutating func prune(_ i: Int, threshold: Double) -> (Double, Int32)? {
        let m = graph.instanceModel[i], base = graph.instanceBase[i], modelBase = graph.modelBase[m]
        var alive = false, exitScore = -Double.infinity, exitTrace: Int32 = -1
        for j in 0..<graph.modelStates[m] {
            score[base + j] = -.infinity
            let value = next[base + j]
            if value < threshold {
                next[base + j] = -.infinity
                continue
            }
            alive = true
            if graph.logEnd[modelBase + j] == 0 && value > exitScore {
                exitScore = value
                exitTrace = nextTrace[base + j]
            }
        }
        return alive ? (exitScore, exitTrace) : nil
    }

    /// The record of the best token leaving a word into the end at the last frame.
    private mutating func finish(threshold: Double, frame: Int) -> Int32? {
        var best: (score: Double, instance: Int, exit: Double, trace: Int32)? = nil
        for i in active {
            guard let (exitScore, exitTrace) = prune(i, threshold: threshold), exitScore > -.infinity else { continue }
            let total = exitScore + graph.endWeight[i]
            if total > -.infinity && total > best?.score ?? -.infinity { best = (total, i, exitScore, exitTrace) }
        }
        guard let best else { return nil }
        records.append(WordEnd(instance: Int32(best.instance), endFrame: Int32(frame), score: best.exit, previous: best.trace))
        return Int32(records.count - 1)
    }

    /// Drops the word-end records no live token leads back to, renumbering the others.
    private mutating func collect() {
        var starts: [Int32] = []
        for i in active {
            let base = graph.instanceBase[i]
            if entry[i] > -.infinity { starts.append(entryTrace[i]) }
            for j in 0..<graph.modelStates[graph.instanceModel[i]] where score[base + j] > -.infinity { starts.append(trace[base + j]) }
        }
        let renumbered = WordEnd.compact(&records, keeping: WordEnd.reachable(records, from: starts))
        for i in active {
            let base = graph.instanceBase[i]
            if entry[i] > -.infinity && entryTrace[i] >= 0 { entryTrace[i] = renumbered[Int(entryTrace[i])] }
            for j in 0..<graph.modelStates[graph.instanceModel[i]] where score[base + j] > -.infinity {
                trace[base + j] = trace[base + j] < 0 ? -1 : renumbered[Int(trace[base + j])]
            }
        }
        collectAt = max(4_096, 2 * records.count)
    }

    /// The `k`-th largest of `values` (1 ≤ k ≤ count), by quickselect in place.
    static func largest(_ k: Int, of values: inout [Double]) -> Double {
        var low = 0, high = values.count - 1
        let wanted = k - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if wanted <= j { high = j } else if wanted >= i { low = i } else { break }
        }
        return values[wanted]
    }
}
