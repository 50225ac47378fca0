import HMMKitNumerics

/// A corpus divided into the recordings to train on and those to test on.
public struct CorpusSplit: Sendable, Equatable {
    /// The training part, in corpus order.
    public var train: LabelledCorpus
    /// The test part, in corpus order.
    public var test: LabelledCorpus
    /// Entries in neither part (a take split's takes outside both ranges), in corpus order.
    public var unassigned: [CorpusEntry]
}

/// One fold of leave-one-speaker-out cross-validation: every other speaker trains, this one tests.
public struct CorpusFold: Sendable, Equatable {
    /// The speaker whose recordings form ``test``.
    public var heldOutSpeaker: String
    /// The other speakers' recordings.
    public var train: LabelledCorpus
    /// The held-out speaker's recordings.
    public var test: LabelledCorpus
}

extension LabelledCorpus {
    /// The corpus divided as `specification` says; the same corpus, specification and seed give
    /// the same split on every machine and Swift version.
    ///
    /// A fraction split is stratified: each label's entries are put in natural order of path,
    /// shuffled by Fisher–Yates with a ``/HMMKitNumerics/SplitMix64`` seeded by `seed` and the label's name
    /// (FNV-1a), and the first `round(fraction × n)` test, clamped so that a label with n ≥ 2
    /// entries has at least one in each part (a label with one entry trains). Seeding per label
    /// keeps a label's split unchanged when other labels are added or removed.
    ///
    /// - Parameters:
    ///   - specification: how to split: by take, by speaker, or a seeded fraction per label.
    ///   - seed: the fraction split's seed (ignored by the other kinds).
    /// - Throws: ``CorpusError`` listing every problem: entries without a take (take split),
    ///   speakers not in the corpus (speaker split), an empty part, a label with test entries
    ///   and no training entry.
    public func split(_ specification: CorpusSplitSpecification, seed: UInt64 = 0) throws(CorpusError) -> CorpusSplit {
        var problems: [CorpusProblem] = []
        var isTest = [Bool?](repeating: nil, count: entries.count)  // nil: in neither part
        switch specification {
        case let .takes(train, test):
            for a in train { for b in test { precondition(!a.overlaps(b), "take ranges \(a) and \(b) overlap") } }
            let withoutTake = entries.filter { $0.take == nil }
            if let first = withoutTake.first {
                problems.append(CorpusProblem(path: origin, kind: .missingTake(count: withoutTake.count, example: first.path)))
            }
            for (index, entry) in entries.enumerated() {
                guard let take = entry.take else { continue }
                if CorpusSplitSpecification.contains(test, take) {
                    isTest[index] = true
                } else if CorpusSplitSpecification.contains(train, take) {
                    isTest[index] = false
                }
            }
        case let .speakers(test):
            let known = speakers
            for name in test where !known.contains(name) {
                problems.append(CorpusProblem(path: origin, kind: .unknownSpeaker(name: name, known: known)))
            }
            for (index, entry) in entries.enumerated() {
                isTest[index] = entry.speaker.map(test.contains) ?? false
            }
        case let .fraction(fraction):
            precondition(fraction > 0 && fraction < 1, "the test fraction must lie in (0, 1), got \(fraction)")
            for (label, indices) in Dictionary(grouping: entries.indices, by: { entries[$0].label }) {
                var order = indices.sorted { NaturalOrder.precedes(entries[$0].path, entries[$1].path) }
                var generator = SplitMix64(seed: seed ^ Self.fnv1a(label))
                Self.shuffle(&order, using: &generator)
                let n = order.count
                let testCount = n < 2 ? 0 : min(n - 1, max(1, Int((fraction * Double(n)).rounded())))
                for (rank, index) in order.enumerated() { isTest[index] = rank < testCount }
            }
        }
        let train = entries.indices.filter { isTest[$0] == false }.map { entries[$0] }
        let test = entries.indices.filter { isTest[$0] == true }.map { entries[$0] }
        let unassigned = entries.indices.filter { isTest[$0] == nil }.map { entries[$0] }
        problems += Self.partProblems(train: train, test: test, part: "train", corpus: origin, testPart: "test")
        if !problems.isEmpty { throw CorpusError(corpus: origin, problems: problems) }
        return CorpusSplit(train: LabelledCorpus(entries: train, origin: origin),
                           test: LabelledCorpus(entries: test, origin: origin), unassigned: unassigned)
    }

    /// Leave-one-speaker-out folds, one per speaker in natural order: the speaker's entries test,
    /// everyone else's train. How a user estimates accuracy on voices a model has never heard.
    ///
    /// - Throws: ``CorpusError`` listing every problem: entries without a speaker, fewer than
    ///   two speakers, a fold whose training part lacks a label its test part has.
    public func leaveOneSpeakerOut() throws(CorpusError) -> [CorpusFold] {
        var problems: [CorpusProblem] = []
        let withoutSpeaker = entries.filter { $0.speaker == nil }
        if let first = withoutSpeaker.first {
            problems.append(CorpusProblem(path: origin, kind: .missingSpeaker(count: withoutSpeaker.count, example: first.path)))
        }
        let names = speakers
        if names.count < 2 { problems.append(CorpusProblem(path: origin, kind: .tooFewSpeakers(found: names))) }
        var folds: [CorpusFold] = []
        for name in names {
            let train = entries.filter { $0.speaker != name }, test = entries.filter { $0.speaker == name }
            problems += Self.partProblems(train: train, test: test, part: "train (all but \(name))", corpus: origin,
                                          testPart: "test (\(name))")
            folds.append(CorpusFold(heldOutSpeaker: name, train: LabelledCorpus(entries: train, origin: origin),
                                    test: LabelledCorpus(entries: test, origin: origin)))
        }
        if !problems.isEmpty { throw CorpusError(corpus: origin, problems: problems) }
        return folds
    }

    /// Empty parts, and labels that test without training.
    private static func partProblems(train: [CorpusEntry], test: [CorpusEntry], part: String, corpus: String,
                                     testPart: String) -> [CorpusProblem] {
        var problems: [CorpusProblem] = []
        if train.isEmpty { problems.append(CorpusProblem(path: corpus, kind: .emptyPart(part: part))) }
        if test.isEmpty { problems.append(CorpusProblem(path: corpus, kind: .emptyPart(part: testPart))) }
        if !train.isEmpty {
            let trained = Set(train.map(\.label))
            for label in NaturalOrder.sortedUnique(test.map(\.label)) where !trained.contains(label) {
                problems.append(CorpusProblem(path: corpus, kind: .labelMissingFromTraining(label: label, part: part)))
            }
        }
        return problems
    }

    /// Fisher–Yates with a bias-free bounded draw written out here, so that the order depends only
    /// on the generator (not on the standard library's `shuffle`, whose algorithm may change).
    static func shuffle(_ items: inout [Int], using generator: inout SplitMix64) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let bound = UInt64(i + 1)
            let threshold = (0 &- bound) % bound  // 2^64 mod bound: draws below it are rejected
            var draw = generator.next()
            while draw < threshold { draw = generator.next() }
            items.swapAt(i, Int(draw % bound))
        }
    }

    /// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes (stable across runs, unlike `hashValue`).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
