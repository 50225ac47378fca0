/// The shape of one phone's HMM (Kaldi's `topo` entry, an HTK prototype): emitting states left
/// to right, each with a self-loop and forward jumps; the phone is left from its last states
/// into the next phone.
public struct PhoneTopology: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Emitting states (≥ 1).
    public var stateCount: Int
    /// Forward jumps beyond the next state: 0 allows the self-loop and the next state only (the
    /// 3-state phone of HTK and Kaldi), 1 also skips one state (so the model can be crossed in
    /// fewer frames than it has states).
    public var maximumJump: Int

    /// A topology of `stateCount` emitting states with jumps of at most `maximumJump + 1`.
    /// - Precondition: `stateCount ≥ 1`, `maximumJump ≥ 0`.
    public init(stateCount: Int, maximumJump: Int = 0) {
        precondition(stateCount >= 1 && maximumJump >= 0, "a phone topology needs ≥ 1 state and a jump ≥ 0")
        self.stateCount = stateCount
        self.maximumJump = maximumJump
    }

    /// The speech phones' default: 3 emitting states, self-loop and next (HTK, Kaldi).
    public static let phone = PhoneTopology(stateCount: 3)
    /// Silence's default: 5 emitting states with skips of one state, so that a short pause of 3
    /// frames is still silence while a long one has room for its onset, body and offset.
    public static let silence = PhoneTopology(stateCount: 5, maximumJump: 1)

    /// Whether state `from` may move to `to` (`to == stateCount` is the exit).
    public func allows(from: Int, to: Int) -> Bool { to >= from && to <= from + maximumJump + 1 }

    /// The fewest frames that cross the phone.
    public var minimumFrames: Int { (stateCount + maximumJump) / (maximumJump + 1) }

    public var description: String { "\(stateCount) states, jumps ≤ \(maximumJump + 1)" }
}

/// The phones of a model set and their topologies: the lexicon's phones plus silence.
public struct PhoneInventory: Sendable, Hashable, Codable {
    /// The phones, sorted, silence among them.
    public let phones: [String]
    /// The silence phone (default `sil`, Kaldi's and HTK's name).
    public let silence: String
    /// Each phone's topology, in the order of ``phones``.
    public let topologies: [PhoneTopology]

    /// The phones of `lexicon` plus `silence`, each with `topology` except silence, which gets
    /// `silenceTopology`; `overrides` sets the topology of named phones (Kaldi's per-phone `topo`).
    /// - Throws: ``LexiconError/invalidEntry(word:problem:)`` when an override names no phone of the inventory.
    public init(lexicon: Lexicon, silence: String = "sil", topology: PhoneTopology = .phone,
                silenceTopology: PhoneTopology = .silence, overrides: [String: PhoneTopology] = [:]) throws(LexiconError) {
        let phones = Set(lexicon.phones + [silence]).sorted()
        if let unknown = overrides.keys.sorted().first(where: { !phones.contains($0) }) {
            throw .invalidEntry(word: unknown, problem: "a topology is given for phone \"\(unknown)\", which no word uses")
        }
        self.phones = phones
        self.silence = silence
        topologies = phones.map { overrides[$0] ?? ($0 == silence ? silenceTopology : topology) }
    }

    /// The position of `phone` in ``phones``, or nil.
    public func index(of phone: String) -> Int? {
        var low = 0, high = phones.count
        while low < high {
            let middle = (low + high) / 2
            if phones[middle] < phone { low = middle + 1 } else { high = middle }
        }
        return low < phones.count && phones[low] == phone ? low : nil
    }

    /// The index of the silence phone.
    public var silenceIndex: Int { index(of: silence)! }
}

extension PhoneInventory {
    /// The fewest frames an utterance of `words` needs (silences optional): per word, the
    /// shortest pronunciation's sum of its phones' ``PhoneTopology/minimumFrames``; nil when a
    /// word or phone is unknown. Equal to ``UtteranceGraph/minimumFrameCount`` while every allowed
    /// move has a nonzero probability (as the M-step's transition floor keeps it).
    public func minimumFrames(of words: [String], lexicon: Lexicon) -> Int? {
        var total = 0
        for word in words {
            guard let pronunciations = lexicon[word] else { return nil }
            var shortest = Int.max
            for phones in pronunciations {
                var frames = 0
                for phone in phones {
                    guard let index = index(of: phone) else { return nil }
                    frames += topologies[index].minimumFrames
                }
                shortest = min(shortest, frames)
            }
            total += shortest
        }
        return words.isEmpty ? nil : total
    }
}
