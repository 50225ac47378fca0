#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitNumerics

/// A Kaldi read specifier ("rspecifier"): `ark:feats.ark` or `scp:feats.scp`, with Kaldi's
/// options before the colon (`ark,s,cs:…`, `scp,p:…`, `ark,t:…`), which change nothing here:
/// archives are read in order, binary and text alike.
public enum KaldiReadSpecifier: Sendable, Equatable {
    /// An archive read front to back.
    case archive(path: String)
    /// A script file whose entries are read in order.
    case script(path: String)

    /// The options Kaldi accepts before the colon.
    private static let options: Set<Substring> = ["b", "t", "o", "no", "s", "ns", "cs", "ncs", "p", "np", "bg"]

    /// Parses `ark[,opts]:PATH` or `scp[,opts]:PATH`.
    /// - Throws: ``KaldiArchiveError/malformedSpecifier(specifier:problem:)``, or
    ///   ``KaldiArchiveError/unsupportedLocation(file:line:location:)`` for `-` and pipes.
    public init(parsing text: String) throws(KaldiArchiveError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw .malformedSpecifier(specifier: text, problem: "no 'ark:' or 'scp:' prefix")
        }
        let words = text[..<colon].split(separator: ",", omittingEmptySubsequences: false)
        let kinds = words.filter { $0 == "ark" || $0 == "scp" }
        guard kinds.count == 1 else {
            throw .malformedSpecifier(specifier: text, problem: "the prefix must name exactly one of ark and scp")
        }
        if let unknown = words.first(where: { $0 != kinds[0] && !Self.options.contains($0) }) {
            throw .malformedSpecifier(specifier: text, problem: "unknown option '\(unknown)'")
        }
        let path = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty else { throw .malformedSpecifier(specifier: text, problem: "no file after the colon") }
        if path == "-" || path.hasSuffix("|") || path.hasPrefix("|") {
            throw .unsupportedLocation(file: text, line: 0, location: path)
        }
        self = kinds[0] == "ark" ? .archive(path: path) : .script(path: path)
    }

    /// True when `text` starts like a read specifier (`ark…:` or `scp…:`).
    public static func looksLikeSpecifier(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        return text[..<colon].split(separator: ",").contains { $0 == "ark" || $0 == "scp" }
    }
}

/// Reads the matrices of a read specifier in order, one at a time: an archive front to back
/// (``KaldiArchiveReader``) or a script file's entries (``KaldiScriptReader``).
public final class KaldiTableReader<Scalar: MatrixScalar> {
    private enum Source {
        case archive(KaldiArchiveReader<Scalar>)
        case script(KaldiScriptReader<Scalar>)
    }

    private let source: Source

    /// Opens `specifier`; a script's relative archive paths are resolved by `resolution`.
    public init(_ specifier: KaldiReadSpecifier, resolution: KaldiPathResolution = .workingDirectory) throws(KaldiArchiveError) {
        switch specifier {
        case .archive(let path): source = .archive(try KaldiArchiveReader(url: URL(fileURLWithPath: path)))
        case .script(let path): source = .script(try KaldiScriptReader(url: URL(fileURLWithPath: path), resolution: resolution))
        }
    }

    /// Parses and opens `specifier` (`ark:…` or `scp:…`).
    public convenience init(specifier: String, resolution: KaldiPathResolution = .workingDirectory) throws(KaldiArchiveError) {
        try self.init(KaldiReadSpecifier(parsing: specifier), resolution: resolution)
    }

    /// Where the record ``next()`` returned last was read from: its archive and, for a script
    /// file, the script and the line naming the entry. For error messages.
    public var lastRecordOrigin: (archive: String, script: String?, line: Int?)? {
        switch source {
        case .archive(let reader): return (reader.path, nil, nil)
        case .script(let reader):
            guard let entry = reader.lastEntry else { return nil }
            return (entry.path, reader.script.file, entry.line)
        }
    }

    /// The next matrix, or `nil` after the last.
    public func next() throws(KaldiArchiveError) -> KaldiArchiveRecord<Scalar>? {
        switch source {
        case .archive(let reader): return try reader.next()
        case .script(let reader): return try reader.next()
        }
    }
}
