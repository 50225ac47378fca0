import Foundation
import HMMKitMarkov
import HMMKitNumerics

/// The acoustic models a ``DecodingGraph``'s instances use: per model a Markov chain, its name,
/// and for each chain state the emitter state that scores it. Whole-word models are one emitter
/// each (chain state j scored by the model's own state j); phone-built words share one emitter,
/// the phone models' pool, and each word's chain states are indices into it — a view, never a copy.
struct DecodingModels: Sendable {
    /// Per model: its chain, its name (the word answers give; `<sil>` for silence), its emitter,
    /// and per chain state the emitter state scoring it.
    var chains: [MarkovChain<Double>]
    var names: [String]
    var emitterOfModel: [Int]
    var emissionStates: [[Int]]
    /// The emissions scored once per block of frames (one GEMM each).
    var emitters: [MixtureEmissions<Double>]
    /// The model of silence nodes (nil: silence nodes are dropped); always the last model.
    var silence: Int?

    /// Whole-word models, each its own emitter, and an optional silence model after them.
    init(words: [String], models: [GMMHMM<Double>], silence: GMMHMM<Double>?) {
        let all = models + (silence.map { [$0] } ?? [])
        chains = all.map(\.chain)
        names = words + (silence == nil ? [] : ["<sil>"])
        emitterOfModel = Array(all.indices)
        emissionStates = all.map { Array(0..<$0.stateCount) }
        emitters = all.map(\.emissions)
        self.silence = silence == nil ? nil : words.count
    }

    /// Models over shared emitters: `chains[i]` of `names[i]`, its state j scored by state
    /// `emissionStates[i][j]` of `emitters[emitterOfModel[i]]`.
    init(chains: [MarkovChain<Double>], names: [String], emitterOfModel: [Int], emissionStates: [[Int]],
         emitters: [MixtureEmissions<Double>], silence: Int?) {
        precondition(chains.count == names.count && chains.count == emitterOfModel.count && chains.count == emissionStates.count
            && zip(chains, emissionStates).allSatisfy { $0.stateCount == $1.count }
            && zip(emitterOfModel, emissionStates).allSatisfy { e, states in states.allSatisfy { (0..<emitters[e].stateCount).contains($0) } },
            "DecodingModels: one name, emitter and emission state list per chain, within the emitters")
        (self.chains, self.names, self.emitterOfModel, self.emissionStates, self.emitters, self.silence)
            = (chains, names, emitterOfModel, emissionStates, emitters, silence)
    }

    /// The words (every model but silence).
    var words: [String] { silence.map { Array(names[..<$0]) } ?? names }
}

/// A ``WordNetwork`` compiled against word models for ``Decoder``: every word or silence node an
/// instance of its model, the null nodes folded into weighted links between instances (and from
/// the start, and to the end), dead instances removed. Flat arrays, built once, read by the
/// frame loop.
struct DecodingGraph: Sendable {
    /// The emitters scored per block, and per emitter its first column in the block's emission
    /// buffer (in units of a frame: emitter e's `[blockFrames × S_e]` lies at `blockFrames · emitterBase[e]`)
    /// and its state count.
    let emitters: [MixtureEmissions<Double>]
    let emitterBase: [Int]
    let emitterStates: [Int]
    /// Per model: the name answers give (silence last, if any), and its emitter.
    let modelNames: [String]
    let modelEmitter: [Int]
    let silenceModel: Int?
    /// Per model: its states' first index in the per-model-state tables, and the state count.
    let modelBase: [Int]
    let modelStates: [Int]
    /// Per model state: `log π`, `log 1[end]`, the emitter state scoring it, the range of its
    /// predecessors in the two arrays below.
    let logStart: [Double]
    let logEnd: [Double]
    let emissionState: [Int]
    let predecessorStart: [Int]
    /// Predecessor (a state of the same model) and `log A[from, to]`.
    let predecessorFrom: [Int]
    let predecessorLog: [Double]
    /// Per instance: its model and its states' first index in the decoder's state arrays.
    let instanceModel: [Int]
    let instanceBase: [Int]
    /// Per instance: the range of its links in `linkTarget` / `linkWeight`, and its weight to the end (−∞: none).
    let linkStart: [Int]
    let linkTarget: [Int]
    /// Scaled grammar weight plus the insertion penalty when the target is a word.
    let linkWeight: [Double]
    let endWeight: [Double]
    /// Links from the start.
    let startTarget: [Int]
    let startWeight: [Double]
    /// States over all instances.
    let stateCount: Int
    /// The fewest frames any path from start to end takes.
    let minimumFrames: Int

    var instanceCount: Int { instanceModel.count }
    /// Emitter states over all emitters: the width of one frame of the emission buffer.
    var emissionWidth: Int { emitterStates.reduce(0, +) }

    /// Compiles `network` for `models` (without a silence model, silence nodes are dropped).
    /// - Throws: ``GrammarError`` for unknown words, a null cycle, or no path from start to end.
    init(network: WordNetwork, models: DecodingModels, grammarScale: Double, insertionPenalty: Double, source: String) throws(GrammarError) {
        let words = models.words
        let modelOfWord = Dictionary(words.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var unknown: [(String, Int?)] = []
        for case .word(let word, let line) in network.nodes where modelOfWord[word] == nil && !unknown.contains(where: { $0.0 == word }) {
            unknown.append((word, line))
        }
        guard unknown.isEmpty else {
            throw .unknownWords(source: source, words: unknown.map(\.0), lines: unknown.map(\.1), vocabulary: words)
        }
        emitters = models.emitters
        emitterStates = models.emitters.map(\.stateCount)
        var emitterBase: [Int] = [], width = 0
        for count in emitterStates {
            emitterBase.append(width)
            width += count
        }
        self.emitterBase = emitterBase
        modelNames = models.names
        modelEmitter = models.emitterOfModel
        let silenceModel = models.silence
        self.silenceModel = silenceModel

        // Per-model tables.
        var modelBase: [Int] = [], modelStates: [Int] = [], logStart: [Double] = [], logEnd: [Double] = []
        var predecessorStart: [Int] = [0], predecessorFrom: [Int] = [], predecessorLog: [Double] = []
        for chain in models.chains {
            let s = chain.stateCount
            modelBase.append(logStart.count)
            modelStates.append(s)
            for j in 0..<s {
                logStart.append(Foundation.log(Double(chain.startProbabilities[j])))
                logEnd.append(chain.endStates[j] ? 0 : -.infinity)
                for i in 0..<s where chain.transitions[i, j] > 0 {
                    predecessorFrom.append(i)
                    predecessorLog.append(Foundation.log(Double(chain.transitions[i, j])))
                }
                predecessorStart.append(predecessorFrom.count)
            }
        }
        (self.modelBase, self.modelStates, self.logStart, self.logEnd) = (modelBase, modelStates, logStart, logEnd)
        (self.predecessorStart, self.predecessorFrom, self.predecessorLog) = (predecessorStart, predecessorFrom, predecessorLog)
        emissionState = models.emissionStates.flatMap { $0 }

        // Emitting nodes and the model of each.
        var modelOfNode = [Int?](repeating: nil, count: network.nodes.count)
        for (index, node) in network.nodes.enumerated() {
            switch node {
            case .word(let word, _): modelOfNode[index] = modelOfWord[word]
            case .silence: modelOfNode[index] = silenceModel
            case .null: break
            }
        }
        let isNull = network.nodes.map { node in if case .null = node { true } else { false } }
        let closure = try NullClosure(network: network, isNull: isNull, source: source)
        func weight(_ raw: Double, to node: Int) -> Double {
            grammarScale * raw + (network.nodes[node].isWord ? insertionPenalty : 0)
        }
        // Links between emitting nodes that have models; then keep the instances on a start-to-end path.
        let emitting = network.nodes.indices.filter { modelOfNode[$0] != nil }
        var successors: [Int: [(Int, Double)]] = [:], toEnd: [Int: Double] = [:]
        for node in emitting {
            let reach = closure.reach(from: node)
            successors[node] = reach.targets.filter { modelOfNode[$0.key] != nil }.map { ($0.key, weight($0.value, to: $0.key)) }
                .sorted { $0.0 < $1.0 }
            if let end = reach.end { toEnd[node] = grammarScale * end }
        }
        let fromStart = closure.reach(from: network.start)
        let starts = fromStart.targets.filter { modelOfNode[$0.key] != nil }.map { ($0.key, weight($0.value, to: $0.key)) }
            .sorted { $0.0 < $1.0 }
        let live = Self.onPaths(starts: starts.map(\.0), successors: successors, ends: Set(toEnd.keys))
        guard !live.isEmpty else { throw .noPath(source: source) }

        let instances = emitting.filter { live.contains($0) }
        let instanceOfNode = Dictionary(uniqueKeysWithValues: instances.enumerated().map { ($1, $0) })
        var instanceModel: [Int] = [], instanceBase: [Int] = [], linkStart: [Int] = [0], linkTarget: [Int] = []
        var linkWeight: [Double] = [], endWeight: [Double] = [], states = 0
        for node in instances {
            let model = modelOfNode[node]!
            instanceModel.append(model)
            instanceBase.append(states)
            states += modelStates[model]
            for (target, w) in successors[node]! { if let k = instanceOfNode[target] { linkTarget.append(k); linkWeight.append(w) } }
            linkStart.append(linkTarget.count)
            endWeight.append(toEnd[node] ?? -.infinity)
        }
        (self.instanceModel, self.instanceBase, self.linkStart, self.linkTarget) = (instanceModel, instanceBase, linkStart, linkTarget)
        (self.linkWeight, self.endWeight, stateCount) = (linkWeight, endWeight, states)
        let liveStarts = starts.filter { instanceOfNode[$0.0] != nil }
        startTarget = liveStarts.map { instanceOfNode[$0.0]! }
        startWeight = liveStarts.map(\.1)
        minimumFrames = Self.shortestPath(starts: startTarget, linkStart: linkStart, linkTarget: linkTarget, endWeight: endWeight,
                                          cost: instanceModel.map { models.chains[$0].minimumFrameCount })
    }

    /// The nodes on some path from one of `starts` to one of `ends`.
    private static func onPaths(starts: [Int], successors: [Int: [(Int, Double)]], ends: Set<Int>) -> Set<Int> {
        var forward = Set<Int>(), stack = starts
        while let node = stack.popLast() {
            guard forward.insert(node).inserted else { continue }
            stack += successors[node]!.map(\.0)
        }
        var predecessors: [Int: [Int]] = [:]
        for node in forward { for (next, _) in successors[node]! { predecessors[next, default: []].append(node) } }
        var backward = Set<Int>()
        stack = ends.filter { forward.contains($0) }
        while let node = stack.popLast() {
            guard backward.insert(node).inserted else { continue }
            stack += predecessors[node] ?? []
        }
        return forward.intersection(backward)
    }

    /// The fewest frames from the start to the end: Dijkstra over instances, each costing its model's minimum frames.
    private static func shortestPath(starts: [Int], linkStart: [Int], linkTarget: [Int], endWeight: [Double], cost: [Int]) -> Int {
        var distance = [Int](repeating: .max, count: cost.count)
        var queue: [(Int, Int)] = starts.map { (cost[$0], $0) }
        for (d, k) in queue { distance[k] = min(distance[k], d) }
        var best = Int.max
        while !queue.isEmpty {
            let at = queue.indices.min { queue[$0].0 < queue[$1].0 }!
            let (d, k) = queue.remove(at: at)
            guard d == distance[k] else { continue }
            if endWeight[k] > -.infinity { best = min(best, d) }
            for l in linkStart[k]..<linkStart[k + 1] {
                let next = linkTarget[l], through = d + cost[next]
                if through < distance[next] { distance[next] = through; queue.append((through, next)) }
            }
        }
        return best
    }
}

/// For each node of a network, the best grammar weight to each emitting node (and to the end)
/// reachable through null nodes only — memoised over the null nodes, which must form no cycle.
private struct NullClosure {
    struct Reach {
        var targets: [Int: Double] = [:]
        var end: Double? = nil

        mutating func merge(_ other: Reach, adding weight: Double) {
            for (target, w) in other.targets where w + weight > targets[target] ?? -.infinity { targets[target] = w + weight }
            if let e = other.end, e + weight > end ?? -.infinity { end = e + weight }
        }
    }

    let network: WordNetwork
    let isNull: [Bool]
    let outgoing: [[WordNetwork.Arc]]
    /// The closure of each null node.
    private var memo: [Int: Reach] = [:]

    init(network: WordNetwork, isNull: [Bool], source: String) throws(GrammarError) {
        self.network = network
        self.isNull = isNull
        var outgoing = [[WordNetwork.Arc]](repeating: [], count: network.nodes.count)
        for arc in network.arcs { outgoing[arc.from].append(arc) }
        self.outgoing = outgoing
        // Null nodes in an order where every null node comes after the null nodes it leads to.
        var state = [UInt8](repeating: 0, count: network.nodes.count)  // 0 new, 1 on the path, 2 done
        var order: [Int] = []
        for root in network.nodes.indices where isNull[root] && state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                let arcs = outgoing[top.node]
                if top.next < arcs.count {
                    stack[stack.count - 1].next += 1
                    let to = arcs[top.next].to
                    guard isNull[to] else { continue }
                    if state[to] == 1 { throw .nullCycle(source: source) }
                    if state[to] == 0 { state[to] = 1; stack.append((to, 0)) }
                } else {
                    state[top.node] = 2
                    order.append(top.node)
                    stack.removeLast()
                }
            }
        }
        for node in order { memo[node] = step(from: node) }
    }

    /// One step along `node`'s arcs, through the memoised closures of null successors.
    private func step(from node: Int) -> Reach {
        var reach = Reach()
        for arc in outgoing[node] {
            if arc.to == network.end {
                if arc.logWeight > reach.end ?? -.infinity { reach.end = arc.logWeight }
            } else if isNull[arc.to] {
                reach.merge(memo[arc.to]!, adding: arc.logWeight)
            } else if arc.logWeight > reach.targets[arc.to] ?? -.infinity {
                reach.targets[arc.to] = arc.logWeight
            }
        }
        return reach
    }

    /// Where `node`'s arcs lead through null nodes.
    func reach(from node: Int) -> Reach { isNull[node] ? memo[node]! : step(from: node) }
}
