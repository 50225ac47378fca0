import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// Phone HMMs over one pool of shared emission states, with the lexicon that turns words into
/// phones: the acoustic model of a recognizer built from phones.
///
/// Every phone's emitting states are a run of the pool (``stateOffsets``), scored together as
/// one ``/HMMKitMarkov/MixtureEmissions`` (one GEMM per block of frames for all of them). A word
/// or an utterance is an ``UtteranceGraph``: a Markov chain whose states are indices into the
/// pool, so every word that uses a phone shares — never copies — its Gaussian mixtures.
///
/// Transitions are per phone: `[N × (N + 1)]`, row-major, the last column the exit into the
/// next phone (HTK's exit state), zero wherever the phone's ``PhoneTopology`` forbids.
/// Immutable; ``stateOffsets`` is derived in the initialiser.
public struct PhoneModels: Sendable {
    /// The phones and their topologies.
    public let inventory: PhoneInventory
    /// The pronunciations of the words the models can spell.
    public let lexicon: Lexicon
    /// Transcripts of labels that are not themselves words (FSDD's `7` → `["seven"]`); any other
    /// label is its own transcript, split at white space.
    public let labelWords: [String: [String]]
    /// Per phone, `[N × (N + 1)]` row-major transition probabilities, the last column the exit.
    public let transitions: [[Double]]
    /// The shared emission states, `Σ N` of them, phone by phone in ``PhoneInventory/phones`` order.
    public let pool: MixtureEmissions<Double>
    /// The pool index of each phone's first state.
    public let stateOffsets: [Int]

    /// Models from their parts.
    /// - Throws: ``PhoneModelError`` when the pool's size differs from the topologies' total,
    ///   a transition row is not a distribution over the topology's allowed moves, or the lexicon
    ///   uses a phone the inventory lacks.
    public init(inventory: PhoneInventory, lexicon: Lexicon, labelWords: [String: [String]] = [:], transitions: [[Double]],
                pool: MixtureEmissions<Double>) throws(PhoneModelError) {
        let unmodelled = lexicon.phones.filter { inventory.index(of: $0) == nil }
        guard unmodelled.isEmpty else { throw .lexicon(.unmodelledPhones(unmodelled)) }
        guard inventory.phones == inventory.phones.sorted(), Set(inventory.phones).count == inventory.phones.count,
              inventory.topologies.count == inventory.phones.count, inventory.index(of: inventory.silence) != nil else {
            throw .invalid("the phone list must be sorted, without repeats, with one topology per phone and silence among them")
        }
        var offsets: [Int] = [], total = 0
        for topology in inventory.topologies {
            guard topology.stateCount >= 1, topology.maximumJump >= 0 else {
                throw .invalid("a phone topology needs ≥ 1 state and a jump ≥ 0 (got \(topology))")
            }
            offsets.append(total)
            total += topology.stateCount
        }
        guard pool.stateCount == total else {
            throw .invalid("the phones have \(total) states but the pool holds \(pool.stateCount)")
        }
        guard transitions.count == inventory.phones.count else {
            throw .invalid("\(transitions.count) transition matrices for \(inventory.phones.count) phones")
        }
        for (phone, topology) in inventory.topologies.enumerated() {
            try Self.check(transitions[phone], topology: topology, phone: inventory.phones[phone])
        }
        self.inventory = inventory
        self.lexicon = lexicon
        self.labelWords = labelWords
        self.transitions = transitions
        self.pool = pool
        stateOffsets = offsets
    }

    /// Throws unless `matrix` is `[N × (N + 1)]` with rows summing to 1 (within 1e-6) over allowed moves only.
    static func check(_ matrix: [Double], topology: PhoneTopology, phone: String) throws(PhoneModelError) {
        let n = topology.stateCount
        guard matrix.count == n * (n + 1) else {
            throw .invalid("phone \(phone): \(matrix.count) transition values for \(n) states; it needs \(n) × \(n + 1)")
        }
        for i in 0..<n {
            var sum = 0.0
            for j in 0...n {
                let p = matrix[i * (n + 1) + j]
                guard p.isFinite, p >= 0, p <= 1, p == 0 || topology.allows(from: i, to: j) else {
                    throw .invalid("phone \(phone): transition \(i) → \(j) is \(p); it must lie in 0…1 and be 0 where the topology forbids")
                }
                sum += p
            }
            guard abs(sum - 1) <= 1e-6 else { throw .invalid("phone \(phone): transition row \(i) sums to \(sum); rows must sum to 1") }
        }
    }

    /// Feature dimension, D.
    public var dimension: Int { pool.dimension }

    /// The transcript (words) of `label` (``transcript(of:labelWords:)``).
    public func transcript(of label: String) -> [String] { Self.transcript(of: label, labelWords: labelWords) }

    /// The words of `label`: its entry in `labelWords`, or else its tokens (split at white
    /// space), each replaced by its own entry when it has one — so `7` is `seven` and the
    /// connected-digit label `3 7` is `three seven`.
    public static func transcript(of label: String, labelWords: [String: [String]]) -> [String] {
        labelWords[label] ?? label.split(whereSeparator: \.isWhitespace).flatMap { labelWords[String($0)] ?? [String($0)] }
    }

    /// The same phones and transitions over another pool (a grown one, a re-estimated one).
    public func replacingPool(_ pool: MixtureEmissions<Double>) throws(PhoneModelError) -> PhoneModels {
        try PhoneModels(inventory: inventory, lexicon: lexicon, labelWords: labelWords, transitions: transitions, pool: pool)
    }

    /// The same models spelling words with `lexicon` (which may hold words never trained, as
    /// long as their phones were).
    /// - Throws: ``PhoneModelError/lexicon(_:)`` listing phones the models lack.
    public func replacingLexicon(_ lexicon: Lexicon, labelWords: [String: [String]]? = nil) throws(PhoneModelError) -> PhoneModels {
        try PhoneModels(inventory: inventory, lexicon: lexicon, labelWords: labelWords ?? self.labelWords,
                        transitions: transitions, pool: pool)
    }

    /// Uniform transitions over each phone's allowed moves (the prototype's, before training).
    public static func uniformTransitions(_ inventory: PhoneInventory) -> [[Double]] {
        inventory.topologies.map { topology in
            let n = topology.stateCount
            var matrix = [Double](repeating: 0, count: n * (n + 1))
            for i in 0..<n {
                let allowed = (i...n).filter { topology.allows(from: i, to: $0) }
                for j in allowed { matrix[i * (n + 1) + j] = 1 / Double(allowed.count) }
            }
            return matrix
        }
    }
}

/// What is wrong with phone models or their use.
public enum PhoneModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Inconsistent parts.
    case invalid(String)
    /// A lexicon problem (missing words, phones without models).
    case lexicon(LexiconError)
    /// The pool's mixtures cannot be built.
    case hmm(HMMError)
    /// Utterances too short for their transcripts: name, frames, and the fewest frames needed.
    case tooShort([(name: String, frames: Int, minimum: Int)])

    public static func == (lhs: PhoneModelError, rhs: PhoneModelError) -> Bool { lhs.description == rhs.description }

    public var description: String {
        switch self {
        case .invalid(let message): return "invalid phone models: \(message)"
        case .lexicon(let error): return error.description
        case .hmm(let error): return error.description
        case .tooShort(let cases):
            let shown = cases.prefix(20).map { "\($0.name) (\($0.frames) frames, needs \($0.minimum))" }.joined(separator: ", ")
            return "\(cases.count) utterance\(cases.count == 1 ? " is" : "s are") shorter than the fewest frames their transcript "
                + "needs: \(shown)\(cases.count > 20 ? " …" : "")"
        }
    }
}
