import HMMKitAudio

/// One thing wrong with a corpus: where it is (a file, or a line of a manifest) and what it is.
///
/// Loading, selecting and splitting a corpus collect every problem they find before they stop,
/// so one run reports all of them (``CorpusError`` lists them); nothing is trained on a corpus
/// with a problem unless the caller asks to skip bad files (``CorpusLoadOptions/badFiles``).
public struct CorpusProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file the problem is in or about: the manifest (with ``line``), an audio file, a folder,
    /// or the corpus itself for problems of the whole set.
    public var path: String
    /// The manifest line (from 1) the problem is on; `nil` for folder corpora and whole-set problems.
    public var line: Int?
    /// What is wrong.
    public var kind: Kind

    /// What can be wrong with a corpus.
    public enum Kind: Sendable, Equatable {
        // Entries.
        /// The entry's audio file does not exist (`file` is the resolved path looked for).
        case missingFile(file: String)
        /// The entry's audio file exists but cannot be opened as audio (the decoder's error names it).
        case unreadableAudio(AudioError)
        /// The entry's audio file holds no audio: 0 bytes or 0 frames.
        case emptyAudio(file: String)
        /// The entry's audio is shorter than ``CorpusLoadOptions/minimumDuration`` (`seconds` long).
        case tooShort(file: String, seconds: Double, minimum: Double)
        /// The manifest line names no label (an empty label field).
        case emptyLabel
        /// The manifest line names no file (an empty path field).
        case emptyPath
        /// The manifest line cannot be read as path, label[, speaker] (`reason` says why).
        case malformedLine(reason: String)
        /// The same audio file is listed twice (`firstLine`: where it was first listed, for manifests).
        case duplicateFile(file: String, firstLine: Int?)
        /// A file in a file-name corpus has no `_` in its name, so it carries no label.
        case noLabelInFileName(fileName: String)

        // Sources.
        /// Nothing exists at the corpus path.
        case notFound
        /// The manifest or folder cannot be read (`reason`: the system's or the decoder's message).
        case unreadable(reason: String)
        /// A folder (the corpus, or a label's sub-folder) holds no audio file.
        case noAudio
        /// The corpus folder holds audio files and also sub-folders with audio: it is unclear
        /// whether the labels come from file names or from folder names.
        case ambiguousFolder(audioFileCount: Int, labelFolderCount: Int)
        /// The corpus path is a single audio file, not a folder or a manifest.
        case audioFileGivenAsCorpus

        // The whole set.
        /// The corpus (or its selection) has no entries at all.
        case noEntries
        /// Fewer distinct labels than needed (a recognizer needs at least two words to choose from).
        case tooFewLabels(found: [String], minimum: Int)
        /// Every file of `label` has a problem, so the label has nothing to train on.
        case labelWithoutUsableFile(label: String)
        /// A speaker named in a selection or split does not occur in the corpus (`known`: those that do).
        case unknownSpeaker(name: String, known: [String])
        /// A label named in a selection does not occur in the corpus (`known`: those that do).
        case unknownLabel(name: String, known: [String])
        /// A split by speaker needs every entry's speaker; `count` entries have none (`example` is one).
        case missingSpeaker(count: Int, example: String)
        /// A split by take needs every entry's take number; `count` entries have none (`example` is one).
        case missingTake(count: Int, example: String)
        /// Fewer than two speakers: leave-one-speaker-out needs at least two.
        case tooFewSpeakers(found: [String])
        /// A split part (`"train"` or `"test"`, with the held-out speaker for a fold) is empty.
        case emptyPart(part: String)
        /// `label` has test files but nothing to train on in `part` (e.g. `"train"`, `"fold george"`),
        /// so no model could recognise it.
        case labelMissingFromTraining(label: String, part: String)
    }

    /// A problem at `path` (and `line` of a manifest).
    public init(path: String, line: Int? = nil, kind: Kind) {
        self.path = path
        self.line = line
        self.kind = kind
    }

    /// `"<path>[:<line>]: <what is wrong>; <what to do>"`.
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        // A message that starts with the file already says where the problem is.
        return kind.file == path ? message : "\(path): \(message)"
    }

    /// True for problems of a single entry (a file or a manifest line), which
    /// ``CorpusLoadOptions/BadFilePolicy/skip`` may drop; false for problems of the source or the set.
    public var isEntryProblem: Bool {
        switch kind {
        case .missingFile, .unreadableAudio, .emptyAudio, .tooShort, .emptyLabel, .emptyPath, .malformedLine,
             .duplicateFile, .noLabelInFileName:
            return true
        default:
            return false
        }
    }

    /// A short name of the kind, for tallies ("3 missing files").
    var tallyName: String {
        switch kind {
        case .missingFile: "missing file"
        case .unreadableAudio: "unreadable audio file"
        case .emptyAudio: "empty audio file"
        case .tooShort: "too short recording"
        case .emptyLabel: "empty label"
        case .emptyPath: "empty path"
        case .malformedLine: "malformed line"
        case .duplicateFile: "duplicate file"
        case .noLabelInFileName: "file name without label"
        case .notFound: "missing corpus"
        case .unreadable: "unreadable source"
        case .noAudio: "folder without audio"
        case .ambiguousFolder: "ambiguous folder"
        case .audioFileGivenAsCorpus: "audio file given as corpus"
        case .noEntries: "empty corpus"
        case .tooFewLabels: "too few labels"
        case .labelWithoutUsableFile: "label without usable file"
        case .unknownSpeaker: "unknown speaker"
        case .unknownLabel: "unknown label"
        case .missingSpeaker: "missing speaker"
        case .missingTake: "missing take"
        case .tooFewSpeakers: "too few speakers"
        case .emptyPart: "empty split part"
        case .labelMissingFromTraining: "label missing from training"
        }
    }

    private var message: String {
        switch kind {
        case let .missingFile(file):
            return "\(file): no such file; fix the path (manifest paths are relative to the manifest's folder) or remove the entry"
        case let .unreadableAudio(error):
            return "\(error)"
        case let .emptyAudio(file):
            return "\(file): contains no audio (0 bytes or 0 frames); re-record it or remove it"
        case let .tooShort(file, seconds, minimum):
            return "\(file): \(Self.format(seconds)) s of audio, shorter than the \(Self.format(minimum)) s needed "
                + "for one analysis frame; remove it or use a shorter frame"
        case .emptyLabel:
            return "empty label; every line needs a path and a label"
        case .emptyPath:
            return "empty path; every line needs a path and a label"
        case let .malformedLine(reason):
            return reason
        case let .duplicateFile(file, firstLine):
            let first = firstLine.map { " (first on line \($0))" } ?? ""
            return "\(file) is listed twice\(first); keep one entry per recording"
        case .noLabelInFileName:
            return "no `_` in the file name, so no label; name files LABEL_SPEAKER_TAKE.wav "
                + "(e.g. 7_jackson_32.wav), use one sub-folder per label, or give a manifest"
        case .notFound:
            return "no such file or folder; give a folder of LABEL_….wav files, a folder of label sub-folders, "
                + "or a manifest (.tsv/.csv: path, label[, speaker])"
        case let .unreadable(reason):
            return "cannot be read (\(reason))"
        case .noAudio:
            return "no audio files here (\(AudioFileExtensions.description)); check the path"
        case let .ambiguousFolder(audioFiles, labelFolders):
            return "holds \(audioFiles) audio files and \(labelFolders) sub-folders with audio: labels cannot come from both "
                + "file names and folder names; move the files into label folders, or give a manifest"
        case .audioFileGivenAsCorpus:
            return "an audio file, not a corpus; give the folder that holds the recordings, or a manifest"
        case .noEntries:
            return "no recordings (after selection); check the path and the --include/--only-speakers/--labels filters"
        case let .tooFewLabels(found, minimum):
            let list = found.isEmpty ? "none" : found.joined(separator: ", ")
            return "\(found.count) label(s) (\(list)), at least \(minimum) needed: a recognizer chooses between "
                + "several words; add recordings of other words or widen the selection"
        case let .labelWithoutUsableFile(label):
            return "label \"\(label)\" has no usable recording (every one of its files has a problem listed here)"
        case let .unknownSpeaker(name, known):
            return "speaker \"\(name)\" does not occur in the corpus; its speakers are \(Self.list(known))"
        case let .unknownLabel(name, known):
            return "label \"\(name)\" does not occur in the corpus; its labels are \(Self.list(known))"
        case let .missingSpeaker(count, example):
            return "\(count) recording(s) have no speaker (e.g. \(example)); name files LABEL_SPEAKER_TAKE.wav, "
                + "or give a manifest with a speaker column"
        case let .missingTake(count, example):
            return "\(count) recording(s) have no take number (e.g. \(example)); a take split needs "
                + "LABEL_SPEAKER_TAKE.wav names; split by speaker or by fraction instead"
        case let .tooFewSpeakers(found):
            return "\(found.count) speaker(s) (\(Self.list(found))); leave-one-speaker-out needs at least two"
        case let .emptyPart(part):
            return "the \(part) part of the split is empty; check the split against the corpus's takes and speakers"
        case let .labelMissingFromTraining(label, part):
            return "label \"\(label)\" has test recordings but none to train on in the \(part) part; "
                + "no model could recognise it"
        }
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "(none)" : names.joined(separator: ", ")
    }

    private static func format(_ seconds: Double) -> String {
        let rounded = (seconds * 10_000).rounded() / 10_000
        return "\(rounded)"
    }
}

/// A corpus that cannot be used as given: every ``CorpusProblem`` found, reported together.
///
/// The description lists the first ``listedProblemCount`` problems, one a line, then how many
/// more of each kind there are, so a run over a large, badly broken list stays readable.
public struct CorpusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The corpus path as given (folder or manifest).
    public var corpus: String
    /// Every problem found, in the order of the listing (manifest lines, then files, then the set).
    public var problems: [CorpusProblem]

    /// How many problems the description lists one by one.
    public static let listedProblemCount = 20

    /// An error for `corpus` with `problems` (at least one).
    public init(corpus: String, problems: [CorpusProblem]) {
        precondition(!problems.isEmpty, "CorpusError needs at least one problem")
        self.corpus = corpus
        self.problems = problems
    }

    /// `"<corpus>: N problem(s); fix them and run again:"`, then the problems, one a line.
    public var description: String {
        let count = problems.count
        var lines = ["\(corpus): \(count) problem\(count == 1 ? "" : "s"); fix them and run again:"]
        lines += problems.prefix(Self.listedProblemCount).map { "  \($0)" }
        if count > Self.listedProblemCount {
            var tally: [String: Int] = [:]
            var order: [String] = []
            for problem in problems.dropFirst(Self.listedProblemCount) {
                if tally[problem.tallyName] == nil { order.append(problem.tallyName) }
                tally[problem.tallyName, default: 0] += 1
            }
            let parts = order.map { "\(tally[$0]!) × \($0)" }.joined(separator: ", ")
            lines.append("  … and \(count - Self.listedProblemCount) more: \(parts)")
        }
        return lines.joined(separator: "\n")
    }
}

extension CorpusProblem.Kind {
    /// The audio file the problem is about, when it is about one.
    public var file: String? {
        switch self {
        case let .missingFile(file), let .emptyAudio(file), let .tooShort(file, _, _), let .duplicateFile(file, _):
            return file
        case let .unreadableAudio(error):
            return error.file
        default:
            return nil
        }
    }
}
