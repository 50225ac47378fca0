import Foundation
import HMMKitMatrixFiles
import HMMKitMixtures
import HMMKitNumerics
import Synchronization

/// Feature matrices named by a list of paths (the arguments of the `hmmkit` commands that read features):
///
/// | argument | read as |
/// |---|---|
/// | `x.npy` | one sequence |
/// | a folder | every `.npy` file directly inside it, by name, one sequence each |
/// | `x.ark`, `ark:x`, `ark,s,cs:x` | a Kaldi archive, each matrix one sequence, in archive order |
/// | `x.scp`, `scp:x` | a Kaldi script file, each entry one sequence, in file order |
///
/// Script files name archives relative to the working directory, as in Kaldi. Sequences are
/// read one at a time (``forEachSequence(_:as:_:)``), so a caller that streams never holds more
/// than one; precisions are converted to the one asked for.
public enum FeatureFiles {
    /// One argument, classified.
    public enum Source: Equatable, Sendable {
        /// A `.npy` file: one sequence.
        case numPy(path: String)
        /// A Kaldi archive or script file: one sequence per entry.
        case kaldi(KaldiReadSpecifier)
    }

    /// The sources `inputs` name, folders expanded.
    /// - Throws: ``FeatureFileError/malformedSpecifier(_:problem:)`` (bad usage),
    ///   ``FeatureFileError/noFeatureFiles(folder:)``; the file system's error for an unreadable folder.
    public static func sources(_ inputs: [String]) throws -> [Source] {
        var sources: [Source] = []
        for input in inputs {
            if KaldiReadSpecifier.looksLikeSpecifier(input) {
                do {
                    sources.append(.kaldi(try KaldiReadSpecifier(parsing: input)))
                } catch {
                    throw FeatureFileError.malformedSpecifier(input, problem: error)
                }
                continue
            }
            let lowered = input.lowercased()
            if lowered.hasSuffix(".ark") { sources.append(.kaldi(.archive(path: input))); continue }
            if lowered.hasSuffix(".scp") { sources.append(.kaldi(.script(path: input))); continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), isFolder.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: input).filter { $0.hasSuffix(".npy") }.sorted()
                guard !names.isEmpty else { throw FeatureFileError.noFeatureFiles(folder: input) }
                sources += names.map { .numPy(path: (input as NSString).appendingPathComponent($0)) }
            } else {
                sources.append(.numPy(path: input))
            }
        }
        return sources
    }

    /// Calls `body` with each sequence of `inputs` in order: where it comes from (its ``SequenceOrigin/name`` is
    /// the `.npy` file's path, or the archive entry's key) and its `[frames × dims]` matrix in
    /// `S`, one at a time.
    /// - Throws: the readers' own errors (``/HMMKitMatrixFiles/MatrixFileError``,
    ///   ``/HMMKitMatrixFiles/KaldiArchiveError``: they name the
    ///   file, and the key and byte offset inside an archive), or whatever `body` throws.
    public static func forEachSequence<S: MatrixScalar>(_ inputs: [String], as _: S.Type,
                                                 _ body: (_ origin: SequenceOrigin, _ matrix: Matrix<S>) throws -> Void) throws {
        for source in try sources(inputs) {
            switch source {
            case .numPy(let path):
                try body(SequenceOrigin(file: path), try NumPyFile.read(S.self, from: URL(fileURLWithPath: path), convertingPrecision: true))
            case .kaldi(let specifier):
                let reader = try KaldiTableReader<S>(specifier)
                while let record = try reader.next() {
                    try body(SequenceOrigin(reader, specifier: specifier, key: record.key), record.matrix)
                }
            }
        }
    }

    /// Every sequence's frames stacked into one `[frames × dims]` matrix, with the length and
    /// origin of each; all must have the same number of columns. `skippingEmpty` leaves out
    /// sequences without frames (a mixture fit, which ignores sequence boundaries).
    public static func stackedSequences<S: MatrixScalar>(_ inputs: [String], as _: S.Type,
                                                  skippingEmpty: Bool = false) throws -> StackedSequences<S> {
        var elements: [S] = [], lengths: [Int] = [], origins: [SequenceOrigin] = [], columns: Int?
        var skipped: [SequenceOrigin] = []
        try forEachSequence(inputs, as: S.self) { origin, matrix in
            if skippingEmpty, matrix.rowCount == 0 { skipped.append(origin); return }
            if let columns, columns != matrix.columnCount {
                throw FeatureFileError.columnMismatch(origin, columns: matrix.columnCount, first: origins[0], firstColumns: columns)
            }
            columns = matrix.columnCount
            elements += matrix.elements
            lengths.append(matrix.rowCount)
            origins.append(origin)
        }
        if lengths.isEmpty, let first = skipped.first {
            let others = skipped.count > 1 ? " (and the \(skipped.count - 1) other sequences)" : ""
            throw MixtureError.file(path: first.file, problem: .content("\(first.key.map { "entry '\($0)' " } ?? "")has no rows (frames)"
                + "\(others); there is nothing to train on"))
        }
        guard !lengths.isEmpty else { throw FeatureFileError.noSequences(inputs) }
        return StackedSequences(frames: Matrix(rowCount: lengths.reduce(0, +), columnCount: columns ?? 0, elements: elements),
                                lengths: lengths, origins: origins)
    }

    /// Every sequence's frames stacked into one `[frames × dims]` matrix (empty sequences are
    /// skipped); all must have the same number of columns.
    public static func stacked<S: MatrixScalar>(_ inputs: [String], as _: S.Type) throws -> Matrix<S> {
        try stackedSequences(inputs, as: S.self, skippingEmpty: true).frames
    }
}

/// Where a sequence comes from: a `.npy` file, or an entry of a Kaldi archive (read directly or
/// through a script file). Error messages name it so that the user can open and repair it.
public struct SequenceOrigin: Sendable, Equatable, CustomStringConvertible {
    /// The `.npy` file, or the archive holding the entry.
    public var file: String
    /// The archive entry's key; nil for a `.npy` file.
    public var key: String?
    /// The script file that names the entry; nil unless read through a script.
    public var script: String?
    /// The line of ``script`` that names the entry (1-based); nil unless read through a script.
    public var line: Int?

    /// An origin from its fields (a `.npy` file: `file` alone).
    public init(file: String, key: String? = nil, script: String? = nil, line: Int? = nil) {
        self.file = file
        self.key = key
        self.script = script
        self.line = line
    }

    /// The entry `key` that `reader`, opened on `specifier`, has just returned; an archive is
    /// named as the user wrote it.
    public init<S>(_ reader: KaldiTableReader<S>, specifier: KaldiReadSpecifier, key: String) {
        let origin = reader.lastRecordOrigin
        if case .archive(let path) = specifier {
            self.init(file: path, key: key)
        } else {
            self.init(file: origin?.archive ?? "", key: key, script: origin?.script, line: origin?.line)
        }
    }

    /// The sequence's name in outputs: the `.npy` path or the entry's key.
    public var name: String { key ?? file }

    /// `x.npy`, `x.ark, entry 'utt1'`, or `x.ark, entry 'utt1' (x.scp line 3)`.
    public var description: String {
        guard let key else { return file }
        var text = "\(file), entry '\(key)'"
        if let script, let line { text += " (\(script) line \(line))" }
        return text
    }
}

/// Sequences stacked in hmmlearn's layout: the frames, the length of each sequence and where it
/// comes from.
public struct StackedSequences<S: MatrixScalar>: Sendable {
    /// Every sequence's frames, one after another, `[N × D]`.
    public var frames: Matrix<S>
    /// Frames per sequence, summing to N.
    public var lengths: [Int]
    /// Where each sequence comes from.
    public var origins: [SequenceOrigin]
    /// Each sequence's name in outputs (``SequenceOrigin/name``).
    public var names: [String] { origins.map(\.name) }
}

/// What is wrong with a list of feature files.
public enum FeatureFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A Kaldi specifier (`ark:…`, `scp:…`) that cannot be parsed: bad usage rather than bad data;
    /// the parser's error says why.
    case malformedSpecifier(String, problem: KaldiArchiveError)
    /// A folder named as input holds no `.npy` file.
    case noFeatureFiles(folder: String)
    /// A sequence has another number of columns than the first.
    case columnMismatch(SequenceOrigin, columns: Int, first: SequenceOrigin, firstColumns: Int)
    /// The inputs hold no sequence at all.
    case noSequences([String])

    /// Whether the error is in how the files were named (a usage error), not in their contents.
    public var isUsage: Bool {
        if case .malformedSpecifier = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .malformedSpecifier(_, problem): return problem.description
        case .noFeatureFiles(let folder): return "\(folder): no .npy files in this folder"
        case let .columnMismatch(origin, columns, first, firstColumns):
            return "\(origin): \(columns) columns, but the first sequence (\(first)) has \(firstColumns); "
                + "every sequence must have the same number of columns"
        case .noSequences(let inputs): return "no sequences in \(inputs.joined(separator: " "))"
        }
    }
}

/// The sequences of a list of feature files (``FeatureFiles``: .npy files, folders, Kaldi
/// archives and script files) as a ``SequenceSource`` for streaming training: read again on
/// every pass, one sequence at a time. A shard's `.npy` files are the only ones opened; in an
/// archive, the other shards' matrices are read past.
public struct FeatureFileSource<Scalar: MatrixScalar>: SequenceSource {
    /// The files, folders expanded.
    public let sources: [FeatureFiles.Source]

    /// - Throws: as ``FeatureFiles/sources(_:)``.
    public init(_ inputs: [String]) throws {
        sources = try FeatureFiles.sources(inputs)
    }

    public func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<Scalar>) throws -> Void) throws {
        var index = 0
        for source in sources {
            switch source {
            case .numPy(let path):
                defer { index += 1 }
                guard shard.contains(index) else { continue }
                let matrix: Matrix<Scalar>
                do {
                    matrix = try NumPyFile.read(Scalar.self, from: URL(fileURLWithPath: path), convertingPrecision: true)
                } catch {
                    throw TrainingError.input(error)
                }
                try body(SequenceRecord(index: index, name: path, frames: matrix))
            case .kaldi(let specifier):
                let reader: KaldiTableReader<Scalar>
                do { reader = try KaldiTableReader<Scalar>(specifier) } catch { throw TrainingError.input(error) }
                while true {
                    let record: KaldiArchiveRecord<Scalar>?
                    do { record = try reader.next() } catch { throw TrainingError.input(error) }
                    guard let record else { break }
                    defer { index += 1 }
                    if shard.contains(index) {
                        let name = SequenceOrigin(reader, specifier: specifier, key: record.key).description
                        try body(SequenceRecord(index: index, name: name, frames: record.matrix))
                    }
                }
            }
        }
    }
}

/// A seeded sample of a corpus (``SequenceSample``), drawn on first use and kept stacked: what a
/// streamed fit initialises from and re-seeds starved components with.
public final class SequenceSampleCache<Source: SequenceSource>: Sendable, CustomStringConvertible {
    /// The precision of the source's frames.
    public typealias Scalar = Source.Scalar
    private let source: Source
    private let frameBudget: Int
    private let seed: UInt64
    private let drawn = Mutex<(frames: Matrix<Scalar>, summary: String, lengths: [Int], names: [String], whole: Bool)?>(nil)

    /// A cache that draws at most `frameBudget` frames of `source` with `seed` when first asked
    /// (``SequenceSample/draw(from:frameBudget:seed:where:)``).
    public init(source: Source, frameBudget: Int, seed: UInt64) {
        self.source = source
        self.frameBudget = frameBudget
        self.seed = seed
    }

    /// The sample's frames, stacked (``SequenceSample/stacked``).
    public func frames() throws(TrainingError) -> Matrix<Scalar> {
        if let drawn = drawn.withLock({ $0 }) { return drawn.frames }
        var sample = try SequenceSample.draw(from: source, frameBudget: frameBudget, seed: seed)
        let summary = sample.summary, names = sample.records.map(\.name)
        let whole = sample.records.count == sample.corpusSequenceCount
        let (frames, lengths) = sample.takeStacked()
        drawn.withLock { $0 = (frames, summary, lengths, names, whole) }
        return frames
    }

    /// Whether the drawn sample is the whole corpus.
    public var isWholeCorpus: Bool { drawn.withLock { $0?.whole } ?? false }

    /// The name of the sampled sequence holding row `row` of ``frames()``, and the row inside it.
    public func locate(row: Int) -> (name: String, row: Int)? {
        guard let (lengths, names) = drawn.withLock({ $0.map { ($0.lengths, $0.names) } }) else { return nil }
        var first = 0
        for (index, length) in lengths.enumerated() {
            if row < first + length { return (names[index], row - first) }
            first += length
        }
        return nil
    }

    public var description: String { drawn.withLock { $0?.summary } ?? "a sample not yet drawn" }
}
