import ArgumentParser
import Foundation
import HMMKit

/// Feature matrices named on the command line, shared by every command that reads features:
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
enum FeatureInputs {
    /// One argument, classified.
    enum Source: Equatable, Sendable {
        case numPy(path: String)
        case kaldi(KaldiReadSpecifier)
    }

    /// The sources `inputs` name, folders expanded.
    /// - Throws: `ValidationError` for a malformed specifier (bad usage), ``CommandProblem`` for a
    ///   folder without `.npy` files.
    static func sources(_ inputs: [String]) throws -> [Source] {
        var sources: [Source] = []
        for input in inputs {
            if KaldiReadSpecifier.looksLikeSpecifier(input) {
                do {
                    sources.append(.kaldi(try KaldiReadSpecifier(parsing: input)))
                } catch {
                    throw ValidationError("\(error)")
                }
                continue
            }
            let lowered = input.lowercased()
            if lowered.hasSuffix(".ark") { sources.append(.kaldi(.archive(path: input))); continue }
            if lowered.hasSuffix(".scp") { sources.append(.kaldi(.script(path: input))); continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), isFolder.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: input).filter { $0.hasSuffix(".npy") }.sorted()
                guard !names.isEmpty else { throw CommandProblem("\(input): no .npy files in this folder") }
                sources += names.map { .numPy(path: (input as NSString).appendingPathComponent($0)) }
            } else {
                sources.append(.numPy(path: input))
            }
        }
        return sources
    }

    /// Calls `body` with each sequence of `inputs` in order: where it comes from (its ``name`` is
    /// the `.npy` file's path, or the archive entry's key) and its `[frames × dims]` matrix in
    /// `S`, one at a time.
    /// - Throws: the readers' own errors (``MatrixFileError``, ``KaldiArchiveError``: they name the
    ///   file, and the key and byte offset inside an archive), or whatever `body` throws.
    static func forEachSequence<S: MatrixScalar>(_ inputs: [String], as _: S.Type,
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
    static func stackedSequences<S: MatrixScalar>(_ inputs: [String], as _: S.Type,
                                                  skippingEmpty: Bool = false) throws -> StackedSequences<S> {
        var elements: [S] = [], lengths: [Int] = [], origins: [SequenceOrigin] = [], columns: Int?
        var skipped: [SequenceOrigin] = []
        try forEachSequence(inputs, as: S.self) { origin, matrix in
            if skippingEmpty, matrix.rowCount == 0 { skipped.append(origin); return }
            if let columns, columns != matrix.columnCount {
                throw CommandProblem("\(origin): \(matrix.columnCount) columns, but the first sequence (\(origins[0])) has "
                    + "\(columns); every sequence must have the same number of columns")
            }
            columns = matrix.columnCount
            elements += matrix.elements
            lengths.append(matrix.rowCount)
            origins.append(origin)
        }
        if lengths.isEmpty, let first = skipped.first {
            let others = skipped.count > 1 ? " (and the \(skipped.count - 1) other sequences)" : ""
            throw MixtureError.file(path: first.file, problem: "\(first.key.map { "entry '\($0)' " } ?? "")has no rows (frames)"
                + "\(others); there is nothing to train on")
        }
        guard !lengths.isEmpty else { throw CommandProblem("no sequences in \(inputs.joined(separator: " "))") }
        return StackedSequences(frames: Matrix(rowCount: lengths.reduce(0, +), columnCount: columns ?? 0, elements: elements),
                                lengths: lengths, origins: origins)
    }

    /// Every sequence's frames stacked into one `[frames × dims]` matrix (empty sequences are
    /// skipped); all must have the same number of columns.
    static func stacked<S: MatrixScalar>(_ inputs: [String], as _: S.Type) throws -> Matrix<S> {
        try stackedSequences(inputs, as: S.self, skippingEmpty: true).frames
    }
}

/// Where a sequence comes from: a `.npy` file, or an entry of a Kaldi archive (read directly or
/// through a script file). Error messages name it so that the user can open and repair it.
struct SequenceOrigin: Sendable, Equatable, CustomStringConvertible {
    /// The `.npy` file, or the archive holding the entry.
    var file: String
    /// The archive entry's key; nil for a `.npy` file.
    var key: String?
    /// The script file and its line that name the entry; nil unless read through a script.
    var script: String?
    var line: Int?

    init(file: String, key: String? = nil, script: String? = nil, line: Int? = nil) {
        self.file = file
        self.key = key
        self.script = script
        self.line = line
    }

    /// The entry `key` that `reader`, opened on `specifier`, has just returned; an archive is
    /// named as the user wrote it.
    init<S>(_ reader: KaldiTableReader<S>, specifier: KaldiReadSpecifier, key: String) {
        let origin = reader.lastRecordOrigin
        if case .archive(let path) = specifier {
            self.init(file: path, key: key)
        } else {
            self.init(file: origin?.archive ?? "", key: key, script: origin?.script, line: origin?.line)
        }
    }

    /// The sequence's name in outputs: the `.npy` path or the entry's key.
    var name: String { key ?? file }

    /// `x.npy`, `x.ark, entry 'utt1'`, or `x.ark, entry 'utt1' (x.scp line 3)`.
    var description: String {
        guard let key else { return file }
        var text = "\(file), entry '\(key)'"
        if let script, let line { text += " (\(script) line \(line))" }
        return text
    }
}

/// Sequences stacked in hmmlearn's layout: the frames, the length of each sequence and where it
/// comes from.
struct StackedSequences<S: MatrixScalar> {
    var frames: Matrix<S>
    var lengths: [Int]
    var origins: [SequenceOrigin]
    /// Each sequence's name in outputs (``SequenceOrigin/name``).
    var names: [String] { origins.map(\.name) }
}

/// Every sequence of `inputs` stacked (``FeatureInputs/stacked(_:as:)``); kept under its old name
/// for commands written before Kaldi inputs existed.
func loadStackedFeatures<S: MatrixScalar>(_ inputs: [String], as _: S.Type) throws -> Matrix<S> {
    try FeatureInputs.stacked(inputs, as: S.self)
}
