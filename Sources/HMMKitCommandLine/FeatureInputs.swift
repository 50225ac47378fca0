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

    /// Calls `body` with each sequence of `inputs` in order: its name (the `.npy` file's path, or
    /// the archive entry's key) and its `[frames × dims]` matrix in `S`, one at a time.
    /// - Throws: the readers' own errors (``MatrixFileError``, ``KaldiArchiveError``: they name the
    ///   file, and the key and byte offset inside an archive), or whatever `body` throws.
    static func forEachSequence<S: MatrixScalar>(_ inputs: [String], as _: S.Type,
                                                 _ body: (_ name: String, _ matrix: Matrix<S>) throws -> Void) throws {
        for source in try sources(inputs) {
            switch source {
            case .numPy(let path):
                try body(path, try NumPyFile.read(S.self, from: URL(fileURLWithPath: path), convertingPrecision: true))
            case .kaldi(let specifier):
                let reader = try KaldiTableReader<S>(specifier)
                while let record = try reader.next() {
                    try body(record.key, record.matrix)
                }
            }
        }
    }

    /// Every sequence's frames stacked into one `[frames × dims]` matrix; all must have the same
    /// number of columns (empty sequences are skipped).
    static func stacked<S: MatrixScalar>(_ inputs: [String], as _: S.Type) throws -> Matrix<S> {
        var elements: [S] = [], rows = 0, columns: Int?, first = ""
        try forEachSequence(inputs, as: S.self) { name, matrix in
            guard matrix.rowCount > 0 else { return }
            if let columns, columns != matrix.columnCount {
                throw CommandProblem("\(name) has \(matrix.columnCount) columns, \(first) and the sequences after it \(columns)")
            }
            if columns == nil { first = name }
            columns = matrix.columnCount
            elements += matrix.elements
            rows += matrix.rowCount
        }
        return Matrix(rowCount: rows, columnCount: columns ?? 0, elements: elements)
    }
}

/// Every sequence of `inputs` stacked (``FeatureInputs/stacked(_:as:)``); kept under its old name
/// for commands written before Kaldi inputs existed.
func loadStackedFeatures<S: MatrixScalar>(_ inputs: [String], as _: S.Type) throws -> Matrix<S> {
    try FeatureInputs.stacked(inputs, as: S.self)
}
