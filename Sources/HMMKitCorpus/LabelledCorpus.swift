#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A set of labelled recordings, checked and ready to train or test on: at least one entry,
/// every entry with a non-empty label, and (after ``load(_:selection:options:origin:)``) every file an
/// audio file that opens.
///
/// A value: selecting and splitting make new corpora and never touch the files.
///
/// ```swift
/// let corpus = try LabelledCorpus.load(path: "recordings/", selection: CorpusSelection(speakers: ["jackson"]))
/// let split = try corpus.split(CorpusSplitSpecification.parse("takes:5-49/0-4"))
/// ```
public struct LabelledCorpus: Sendable, Equatable {
    /// The recordings, in the source's order (natural order of paths for folders, line order
    /// for manifests).
    public var entries: [CorpusEntry]
    /// The corpus path as given (folder or manifest), for messages.
    public var origin: String
    /// Problems of entries that were dropped because ``CorpusLoadOptions/badFiles`` is `.skip`
    /// (empty otherwise); show them as warnings.
    public var skipped: [CorpusProblem]

    /// A corpus of `entries` (not checked) read from `origin`.
    public init(entries: [CorpusEntry], origin: String, skipped: [CorpusProblem] = []) {
        self.entries = entries
        self.origin = origin
        self.skipped = skipped
    }

    /// The distinct labels, in natural order (`2` before `10`): the order of models and of the
    /// rows and columns of a confusion matrix.
    public var labels: [String] { NaturalOrder.sortedUnique(entries.map(\.label)) }

    /// The distinct known speakers, in natural order.
    public var speakers: [String] { NaturalOrder.sortedUnique(entries.compactMap(\.speaker)) }

    /// The entries of each label, in corpus order.
    public var entriesByLabel: [String: [CorpusEntry]] { Dictionary(grouping: entries, by: \.label) }

    /// The entries `selection` keeps (no checks; ``load(_:selection:options:origin:)`` also reports names
    /// that match nothing).
    public func selecting(_ selection: CorpusSelection) -> LabelledCorpus {
        LabelledCorpus(entries: entries.filter(selection.accepts), origin: origin, skipped: skipped)
    }

    /// ``CorpusSource/parse(path:)`` then ``load(_:selection:options:origin:)``: the corpus at `path`.
    public static func load(path: String, selection: CorpusSelection = CorpusSelection(),
                            options: CorpusLoadOptions = CorpusLoadOptions()) throws(CorpusError) -> LabelledCorpus {
        try load(CorpusSource.parse(path: path), selection: selection, options: options, origin: path)
    }

    /// Lists `source`, keeps what `selection` keeps, checks every kept file's audio and the set
    /// as a whole, and returns the corpus, or throws every problem found at once.
    ///
    /// Checks, in order: the listing (manifest lines: fields, empty paths and labels, duplicates;
    /// folders: labels in names, folders without audio); names in the selection that match
    /// nothing; each kept file (missing, unreadable or empty audio, shorter than
    /// ``CorpusLoadOptions/minimumDuration``) with ``CorpusLoadOptions/audioCheck``; then the set:
    /// no entries, a label whose files all failed, fewer labels than ``CorpusLoadOptions/minimumLabelCount``.
    ///
    /// - Parameters:
    ///   - source: where the entries come from: a folder, a manifest or a list of files.
    ///   - selection: which labels, speakers and takes to keep (default: all).
    ///   - options: the checks and what to do with a bad file.
    ///   - origin: the path to name in messages (default: the source's path).
    /// - Throws: ``CorpusError`` listing every problem. With ``CorpusLoadOptions/BadFilePolicy/skip``,
    ///   problems of single entries drop those entries instead (they are kept in ``skipped``) and
    ///   only problems of the source or the set throw.
    public static func load(_ source: CorpusSource, selection: CorpusSelection = CorpusSelection(),
                            options: CorpusLoadOptions = CorpusLoadOptions(), origin: String? = nil) throws(CorpusError) -> LabelledCorpus {
        let name = origin ?? source.url.plainPath
        let listing = source.list()
        var problems = listing.problems
        // The selection names speakers as the mode gives them; with `anonymous`, which groups no
        // recordings, as the source names them, so that one speaker's recordings can still be chosen.
        let named = options.speakers.flatMap { $0 == .anonymous ? nil : $0.applied(to: listing.entries) } ?? listing.entries
        let (chosen, selectionProblems) = selection.apply(to: named, corpus: name)
        let selected = options.speakers == .anonymous ? SpeakerMode.anonymous.applied(to: chosen) : chosen
        problems += selectionProblems

        let checked = AudioAudit.run(options.audioCheck, on: selected, minimumDuration: options.minimumDuration)
        var usable: [CorpusEntry] = []
        for (entry, outcome) in zip(selected, checked) {
            switch outcome {
            case .success(let audited): usable.append(audited)
            case .failure(let failure):
                // Manifest entries are placed by their line; folder entries by their own path.
                let place = entry.line == nil ? entry.path : source.url.plainPath
                problems.append(CorpusProblem(path: place, line: entry.line, kind: failure.kind))
            }
        }

        let usableLabels = Set(usable.map(\.label))
        for label in NaturalOrder.sortedUnique(selected.map(\.label)) where !usableLabels.contains(label) {
            problems.append(CorpusProblem(path: name, kind: .labelWithoutUsableFile(label: label)))
        }
        let sourceFailed = listing.problems.contains { !$0.isEntryProblem }
        if selected.isEmpty && !sourceFailed {
            problems.append(CorpusProblem(path: name, kind: .noEntries))
        } else if !selected.isEmpty {
            // Count the labels the corpus names when failing, the usable ones when skipping.
            let labels = options.badFiles == .fail ? NaturalOrder.sortedUnique(selected.map(\.label)) : NaturalOrder.sortedUnique(usableLabels)
            if labels.count < options.minimumLabelCount {
                problems.append(CorpusProblem(path: name, kind: .tooFewLabels(found: labels, minimum: options.minimumLabelCount)))
            }
        }

        switch options.badFiles {
        case .fail:
            if !problems.isEmpty { throw CorpusError(corpus: name, problems: problems) }
            return LabelledCorpus(entries: usable, origin: name)
        case .skip:
            let fatal = problems.filter { !$0.isEntryProblem }
            if !fatal.isEmpty { throw CorpusError(corpus: name, problems: problems) }
            return LabelledCorpus(entries: usable, origin: name, skipped: problems)
        }
    }
}

/// How ``LabelledCorpus/load(_:selection:options:origin:)`` checks a corpus.
public struct CorpusLoadOptions: Sendable, Equatable {
    /// How much of each audio file is read before training.
    public enum AudioCheck: Sendable, Equatable {
        /// Only that the file exists (`stat`): the fastest, for corpora checked before.
        case existence
        /// Open the file with libsndfile and read its header (``/HMMKitAudio/AudioDecoder/info(url:)``): catches
        /// missing, non-audio, damaged-header and empty files, and gives each entry its duration
        /// and sample rate. The default: a header read costs little next to decoding the file.
        case header
        /// Decode every sample (``/HMMKitAudio/AudioDecoder/read(url:scale:acceptingTruncatedData:)``): also
        /// catches truncated files and NaN samples, at the cost of reading all the audio once more.
        case decode
    }

    /// What to do with a bad entry (a bad manifest line, an unreadable file).
    public enum BadFilePolicy: Sendable, Equatable {
        /// Report every problem and stop (the default: a broken copy in a training list is a
        /// mistake to fix, not to train around).
        case fail
        /// Drop bad entries, keeping their problems in ``LabelledCorpus/skipped``; problems of the
        /// source or the whole set (a label left with no file, one label only) still stop.
        case skip
    }

    /// How much of each file is read; default ``AudioCheck/header``.
    public var audioCheck: AudioCheck
    /// Recordings shorter than this, in seconds, are problems (checked with `.header` and
    /// `.decode`); default 0. Pass the feature front end's frame length (25 ms for the presets)
    /// so that a recording too short for one frame is reported before training.
    public var minimumDuration: Double
    /// Fewer distinct labels than this is a problem; default 2 (a recognizer chooses between
    /// at least two words). Use 1 to evaluate a recognizer on recordings of one word.
    public var minimumLabelCount: Int
    /// What to do with bad entries; default ``BadFilePolicy/fail``.
    public var badFiles: BadFilePolicy
    /// Where the entries' speakers come from; default `nil`: the source's own (from-manifest for a
    /// manifest, from-names for a folder). A selection's speakers are this mode's, except with
    /// ``SpeakerMode/anonymous``: they are then the source's own, and removed after the selection.
    public var speakers: SpeakerMode?

    /// Options; the defaults check headers, need two labels, fail on any bad entry, and take the
    /// speakers the source names.
    public init(audioCheck: AudioCheck = .header, minimumDuration: Double = 0, minimumLabelCount: Int = 2,
                badFiles: BadFilePolicy = .fail, speakers: SpeakerMode? = nil) {
        precondition(minimumDuration >= 0 && minimumDuration.isFinite, "minimumDuration must be finite and ≥ 0")
        precondition(minimumLabelCount >= 1, "minimumLabelCount must be at least 1")
        self.audioCheck = audioCheck
        self.minimumDuration = minimumDuration
        self.minimumLabelCount = minimumLabelCount
        self.badFiles = badFiles
        self.speakers = speakers
    }
}
