import Foundation

/// A word network: what a recording may say, as a graph of word nodes and null nodes joined by
/// weighted arcs, from one entry node to one exit node (HTK's lattice of `HParse`, a
/// finite-state grammar). A path from ``start`` to ``end`` spells a word sequence; its grammar
/// score is the sum of its arcs' ``Arc/logWeight``.
///
/// Build one with ``loop(vocabulary:minimumWords:maximumWords:)``,
/// ``fixedLength(vocabulary:count:)`` or a ``JSGFGrammar``'s ``JSGFGrammar/network(root:)``; ``withOptionalSilence()`` lets
/// silence be spoken before, between and after the words.
public struct WordNetwork: Sendable, Equatable {
    /// What a node stands for.
    public enum Node: Sendable, Equatable {
        /// A word, with the grammar line it came from (nil for generated networks).
        case word(String, line: Int?)
        /// Silence (or background noise): decoded, never part of the answer.
        case silence
        /// No sound: a junction of arcs.
        case null
    }

    /// A directed arc with its natural-log grammar weight (0 for a certain step).
    public struct Arc: Sendable, Equatable {
        /// The node the arc leaves.
        public var from: Int
        /// The node the arc enters.
        public var to: Int
        /// Its natural-log weight (≤ 0 for a probability).
        public var logWeight: Double
    }

    /// The nodes; ``start`` and ``end`` are null nodes.
    public private(set) var nodes: [Node]
    /// The arcs, in the order they were added.
    public private(set) var arcs: [Arc]
    /// The entry node.
    public let start: Int
    /// The exit node.
    public let end: Int

    /// A network of just its entry and exit null nodes (no path between them yet).
    public init() {
        nodes = [.null, .null]
        arcs = []
        start = 0
        end = 1
    }

    /// Adds a node and returns its index.
    @discardableResult
    public mutating func add(_ node: Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }

    /// Adds an arc from `from` to `to` (indices of existing nodes; traps otherwise).
    public mutating func connect(_ from: Int, _ to: Int, logWeight: Double = 0) {
        precondition(nodes.indices.contains(from) && nodes.indices.contains(to), "WordNetwork.connect: no such node")
        precondition(from != end && to != start, "WordNetwork.connect: nothing leaves the end or enters the start")
        arcs.append(Arc(from: from, to: to, logWeight: logWeight))
    }

    /// The words the network can say, sorted, each once.
    public var vocabulary: [String] {
        var seen = Set<String>()
        for case .word(let word, _) in nodes { seen.insert(word) }
        return seen.sorted()
    }

    /// Any sequence of `vocabulary`'s words, each chosen with probability `1 / vocabulary.count`,
    /// of at least `minimumWords` (≥ 0) and at most `maximumWords` (nil: no limit; else ≥
    /// `minimumWords` and ≥ 1) words. The network unrolls one slot per counted word: `minimumWords`
    /// slots in a row, then a looping slot (no limit) or `maximumWords − minimumWords` more
    /// optional ones, so its size grows with the larger count.
    public static func loop(vocabulary: [String], minimumWords: Int = 1, maximumWords: Int? = nil) -> WordNetwork {
        precondition(!vocabulary.isEmpty, "WordNetwork.loop: empty vocabulary")
        precondition(minimumWords >= 0, "WordNetwork.loop: minimumWords must be ≥ 0")
        precondition(maximumWords.map { $0 >= max(minimumWords, 1) } ?? true, "WordNetwork.loop: maximumWords must be ≥ minimumWords and ≥ 1")
        var network = WordNetwork()
        let choice = -Foundation.log(Double(vocabulary.count))
        // positions[k]: k words said so far.
        var position = network.start
        func slot(_ network: inout WordNetwork, from: Int, to: Int) {
            for word in vocabulary {
                let node = network.add(.word(word, line: nil))
                network.connect(from, node, logWeight: choice)
                network.connect(node, to)
            }
        }
        for _ in 0..<minimumWords {
            let next = network.add(.null)
            slot(&network, from: position, to: next)
            position = next
        }
        network.connect(position, network.end)
        if let maximumWords {
            for _ in minimumWords..<maximumWords {
                let next = network.add(.null)
                slot(&network, from: position, to: next)
                network.connect(next, network.end)
                position = next
            }
        } else {
            let again = network.add(.null)
            slot(&network, from: position, to: again)
            slot(&network, from: again, to: again)
            network.connect(again, network.end)
        }
        return network
    }

    /// Exactly `count` (≥ 1) words of `vocabulary` (a PIN of 4 digits: `count` 4).
    public static func fixedLength(vocabulary: [String], count: Int) -> WordNetwork {
        precondition(count >= 1, "WordNetwork.fixedLength: count must be ≥ 1")
        return loop(vocabulary: vocabulary, minimumWords: count, maximumWords: count)
    }

    /// This network with optional silence at the start, after every word, and so at the end:
    /// each word is followed by a null node with a silence loop on it (say silence any number of
    /// times, or not at all), and so is the entry. Silence arcs weigh nothing.
    public func withOptionalSilence() -> WordNetwork {
        var network = self
        network.arcs = []
        // Every arc out of a word (or out of the entry) leaves from that node's silence junction.
        var junction: [Int: Int] = [:]
        for (index, node) in nodes.enumerated() where index == start || node.isWord {
            let after = network.add(.null)
            let silence = network.add(.silence)
            network.connect(index, after)
            network.connect(after, silence)
            network.connect(silence, after)
            junction[index] = after
        }
        for arc in arcs { network.connect(junction[arc.from] ?? arc.from, arc.to, logWeight: arc.logWeight) }
        return network
    }
}

extension WordNetwork.Node {
    /// Whether the node is a word.
    public var isWord: Bool {
        if case .word = self { return true }
        return false
    }
}
