import HMMKitMarkov
import HMMKitNumerics

/// The HMM of a word or an utterance compiled from pronunciations: its phones' states in a row,
/// alternate pronunciations as parallel paths, optional silence before, between and after the
/// words. A view over ``PhoneModels/pool``: each chain state is an index into the pool, never a
/// copy of a mixture.
///
/// Leaving a phone (its exit probability) leads to the first state of the next phone, shared
/// equally among the paths that may follow (the alternates of the next word, or the optional
/// silence and the word after it). A last state that can only end the utterance keeps its
/// within-phone moves, renormalised: the end is not a transition of the chain, so every path
/// pays the same for it.
public struct UtteranceGraph: Sendable {
    /// The words it was compiled from.
    public let words: [String]
    /// The chain over the graph's states.
    public let chain: MarkovChain<Double>
    /// Per chain state, its state in the pool.
    public let poolStates: [Int]
    /// Per chain state, its phone (index into ``PhoneInventory/phones``).
    public let phones: [Int]
    /// Per chain state, its position within its phone, 0…N − 1.
    public let positions: [Int]
    /// Per chain state, which phone instance (occurrence in the graph) it belongs to.
    public let instances: [Int]
    /// Per phone instance, the word it belongs to (nil for silence) and its first chain state.
    public let instanceWords: [Int?]

    /// The fewest frames an utterance needs to be aligned to the graph.
    public var minimumFrameCount: Int { chain.minimumFrameCount }
    /// Chain states, S.
    public var stateCount: Int { chain.stateCount }

    /// Compiles `words` into a graph with optional silence at the start, between words and at the end.
    /// - Throws: ``PhoneModelError/lexicon(_:)`` with ``LexiconError/missingWords(_:)`` (naming
    ///   `utterance`) or ``LexiconError/emptyTranscripts(_:)``.
    public init(words: [String], models: PhoneModels, utterance: String = "the utterance") throws(PhoneModelError) {
        do { try models.lexicon.check(transcripts: [(utterance, words)]) } catch { throw .lexicon(error) }
        let silence = [[models.inventory.silenceIndex]]
        var slots: [(alternatives: [[Int]], optional: Bool, word: Int?)] = [(silence, true, nil)]
        for (position, word) in words.enumerated() {
            let alternatives = models.lexicon[word]!.map { $0.map { models.inventory.index(of: $0)! } }
            slots.append((alternatives, false, position))
            slots.append((silence, true, nil))
        }
        try self.init(slots: slots, words: words, models: models)
    }

    /// The graph of `words` pronounced one after another with no silence anywhere, alternate
    /// pronunciations as parallel paths: a word of a decoding network, whose pauses the network
    /// places.
    /// - Throws: ``PhoneModelError/lexicon(_:)`` with ``LexiconError/missingWords(_:)`` (naming
    ///   `utterance`) or ``LexiconError/emptyTranscripts(_:)``.
    public static func withoutSilence(words: [String], models: PhoneModels, utterance: String = "the word") throws(PhoneModelError)
        -> UtteranceGraph {
        do { try models.lexicon.check(transcripts: [(utterance, words)]) } catch { throw .lexicon(error) }
        let slots = words.enumerated().map { position, word in
            (alternatives: models.lexicon[word]!.map { $0.map { models.inventory.index(of: $0)! } }, optional: false, word: Optional(position))
        }
        return try UtteranceGraph(slots: slots, words: words, models: models)
    }

    /// The graph of the silence phone alone (once, not optional).
    public static func silence(models: PhoneModels) throws(PhoneModelError) -> UtteranceGraph {
        try UtteranceGraph(slots: [([[models.inventory.silenceIndex]], false, nil)], words: [], models: models)
    }

    private init(slots: [(alternatives: [[Int]], optional: Bool, word: Int?)], words: [String], models: PhoneModels)
        throws(PhoneModelError) {
        var poolStates: [Int] = [], phones: [Int] = [], positions: [Int] = [], instances: [Int] = []
        var instanceWords: [Int?] = [], instanceFirst: [Int] = []
        // Per slot, per alternative, its instances.
        var slotInstances: [[[Int]]] = []
        for slot in slots {
            var alternatives: [[Int]] = []
            for alternative in slot.alternatives {
                var run: [Int] = []
                for phone in alternative {
                    let instance = instanceFirst.count
                    instanceFirst.append(poolStates.count)
                    instanceWords.append(slot.word)
                    run.append(instance)
                    for position in 0..<models.inventory.topologies[phone].stateCount {
                        poolStates.append(models.stateOffsets[phone] + position)
                        phones.append(phone)
                        positions.append(position)
                        instances.append(instance)
                    }
                }
                alternatives.append(run)
            }
            slotInstances.append(alternatives)
        }
        // The entries reachable after slot `k` (k = −1: at the start), and whether the end is.
        func successors(after k: Int) -> (entries: [Int], end: Bool) {
            var entries: [Int] = []
            var next = k + 1
            while next < slots.count {
                entries += slotInstances[next].map { instanceFirst[$0[0]] }
                if !slots[next].optional { return (entries, false) }
                next += 1
            }
            return (entries, true)
        }
        var instanceSlot = [Int](repeating: 0, count: instanceFirst.count)
        var nextInstance = [Int?](repeating: nil, count: instanceFirst.count)
        for (k, alternatives) in slotInstances.enumerated() {
            for run in alternatives {
                for (position, instance) in run.enumerated() {
                    instanceSlot[instance] = k
                    nextInstance[instance] = position + 1 < run.count ? run[position + 1] : nil
                }
            }
        }
        let slotSuccessors = (0..<slots.count).map { successors(after: $0) }
        let s = poolStates.count
        var transitions = Matrix<Double>(rowCount: s, columnCount: s)
        var ends: [Int] = []
        for state in 0..<s {
            let phone = phones[state], k = positions[state], topology = models.inventory.topologies[phone]
            let n = topology.stateCount, row = models.transitions[phone], first = state - k
            let exit = row[k * (n + 1) + n]
            var targets: [Int] = [], ending = false
            if exit > 0 {
                if let next = nextInstance[instances[state]] {
                    targets = [instanceFirst[next]]
                } else {
                    (targets, ending) = slotSuccessors[instanceSlot[instances[state]]]
                }
            }
            let scale = targets.isEmpty && exit > 0 ? 1 / (1 - exit) : 1
            for j in k..<n { transitions[state, first + j] = row[k * (n + 1) + j] * scale }
            for target in targets { transitions[state, target] += exit / Double(targets.count) }
            if targets.isEmpty && exit >= 1 { transitions[state, state] = 1 }
            if ending { ends.append(state) }
        }
        let starts = successors(after: -1).entries
        var start = [Double](repeating: 0, count: s)
        for entry in starts { start[entry] += 1 / Double(starts.count) }
        let allowed = (0..<s).map { i in (0..<s).map { transitions[i, $0] > 0 } }
        do {
            let structure = try TransitionStructure(allowedTransitions: allowed, allowedStarts: start.map { $0 > 0 })
            chain = try MarkovChain(startProbabilities: start, transitions: transitions, topology: .custom(structure),
                                    end: .states(ends), options: MarkovChainOptions(tolerance: 1e-9))
        } catch {
            throw .hmm(.markov(error))
        }
        self.words = words
        self.poolStates = poolStates
        self.phones = phones
        self.positions = positions
        self.instances = instances
        self.instanceWords = instanceWords
    }

    /// The graph's emission log-likelihoods `[T × S]` gathered from the pool's `[T × P]` (row-major at `pool`).
    func gather(_ pool: UnsafePointer<Double>, frames: Int, poolCount: Int) -> Matrix<Double> {
        var result = Matrix<Double>(rowCount: frames, columnCount: stateCount)
        let map = poolStates
        result.withUnsafeMutableElements { target in
            for t in 0..<frames {
                let source = pool + t * poolCount, row = target.baseAddress! + t * map.count
                for (j, state) in map.enumerated() { row[j] = source[state] }
            }
        }
        return result
    }
}
