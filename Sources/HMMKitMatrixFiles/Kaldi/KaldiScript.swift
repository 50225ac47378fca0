#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitFileSystem

/// How a script file's relative archive paths are found.
public enum KaldiPathResolution: Sendable, Equatable {
    /// Relative to the reading process's working directory: what Kaldi and kaldiio do (the
    /// location is handed to `open` as written), so a recipe's `data/train/feats.scp` with
    /// `mfcc/raw_mfcc.1.ark:12` lines reads from the recipe's root folder.
    case workingDirectory
    /// Relative to the folder holding the script file: for self-contained folders that are
    /// moved around (test fixtures, copied corpora). Not what Kaldi does.
    case scriptFolder
}

/// One line of a Kaldi script file: `key location`, the location being `path`,
/// `path:offset`, optionally followed by a range `[r1:r2]` or `[r1:r2,c1:c2]` (inclusive,
/// `:` for all) that selects part of the matrix.
public struct KaldiScriptEntry: Sendable, Equatable {
    /// The key (utterance id).
    public let key: String
    /// The location as written in the script file.
    public let location: String
    /// The file to open (resolved as the script was read).
    public let path: String
    /// The byte offset of the matrix object in `path`; `nil` for a file holding one object
    /// (read from its start).
    public let offset: Int?
    /// The rows selected by a range (inclusive), or `nil` for all.
    public let rowRange: ClosedRange<Int>?
    /// The columns selected by a range (inclusive), or `nil` for all.
    public let columnRange: ClosedRange<Int>?
    /// The line of the script file (from 1).
    public let line: Int
}

/// A parsed Kaldi script file (`.scp`): the index that maps keys to matrices inside archives,
/// in file order. Read matrices through ``KaldiScriptReader``.
public struct KaldiScript: Sendable {
    /// The script file's path.
    public let file: String
    /// Its entries, in file order.
    public let entries: [KaldiScriptEntry]
    /// The first entry of each key.
    private let indexOfKey: [String: Int]

    /// Parses `text`, the contents of the script file `file`.
    /// - Throws: ``KaldiArchiveError/malformedScriptLine(file:line:text:problem:)`` or
    ///   ``KaldiArchiveError/unsupportedLocation(file:line:location:)`` (pipes, standard input).
    public init(parsing text: String, file: String, resolution: KaldiPathResolution = .workingDirectory) throws(KaldiArchiveError) {
        let folder = resolution == .scriptFolder ? FileSystem.directory(of: file) : nil
        var entries: [KaldiScriptEntry] = []
        var index: [String: Int] = [:]
        // Bytes, not Characters: "\r\n" is one Character, and byte scanning is what keeps a
        // million-line script quick to parse.
        let bytes = Array(text.utf8)
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        var lineStart = 0, number = 0
        while lineStart < bytes.count {
            number += 1
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            defer { lineStart = lineEnd + 1 }
            var start = lineStart, end = lineEnd
            while start < end, isBlank(bytes[start]) { start += 1 }
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            if start == end { continue }
            guard let split = bytes[start..<end].firstIndex(where: { $0 == 0x20 || $0 == 0x09 }) else {
                throw .malformedScriptLine(file: file, line: number, text: String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self),
                                           problem: "no location after the key")
            }
            var locationStart = split
            while locationStart < end, isBlank(bytes[locationStart]) { locationStart += 1 }
            let key = String(decoding: bytes[start..<split], as: UTF8.self)
            let location = String(decoding: bytes[locationStart..<end], as: UTF8.self)
            let entry = try Self.entry(key: key, location: location, file: file, line: number, folder: folder)
            if index[key] == nil { index[key] = entries.count }
            entries.append(entry)
        }
        self.file = file
        self.entries = entries
        self.indexOfKey = index
    }

    /// Reads and parses the script file at `url`.
    /// - Throws: ``KaldiArchiveError/fileNotFound(file:)`` and the errors of ``init(parsing:file:resolution:)``.
    public static func read(from url: URL, resolution: KaldiPathResolution = .workingDirectory) throws(KaldiArchiveError) -> KaldiScript {
        let handle = try KaldiFileHandle(path: url.path(percentEncoded: false), bufferSize: 1 << 16)
        let bytes = try handle.readBytes(handle.size)
        return try KaldiScript(parsing: String(decoding: bytes, as: UTF8.self), file: handle.path, resolution: resolution)
    }

    /// The index in ``entries`` of the first entry with `key`.
    public func index(ofKey key: String) -> Int? { indexOfKey[key] }

    /// One location, classified as Kaldi's `ClassifyRxfilename` and `ExtractRangeSpecifier` do.
    private static func entry(key: String, location: String, file: String, line: Int,
                              folder: String?) throws(KaldiArchiveError) -> KaldiScriptEntry {
        func malformed(_ problem: String) -> KaldiArchiveError {
            .malformedScriptLine(file: file, line: line, text: "\(key) \(location)", problem: problem)
        }
        if location == "-" || location.hasSuffix("|") || location.hasPrefix("|") {
            throw .unsupportedLocation(file: file, line: line, location: location)
        }
        var rest = Substring(location)
        var rows: ClosedRange<Int>?, columns: ClosedRange<Int>?
        if rest.hasSuffix("]"), let open = rest.lastIndex(of: "[") {
            let range = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
            let parts = range.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 1 || parts.count == 2, !parts.contains(where: \.isEmpty) else {
                throw malformed("range [\(range)] is not [r1:r2] or [r1:r2,c1:c2]")
            }
            func bounds(_ part: Substring) throws(KaldiArchiveError) -> ClosedRange<Int>? {
                if part == ":" { return nil }
                let numbers = part.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
                guard numbers.count == 2, let low = numbers[0], let high = numbers[1], low >= 0, low <= high else {
                    throw malformed("range [\(range)] has '\(part)', not first:last with 0 ≤ first ≤ last")
                }
                return low...high
            }
            rows = try bounds(parts[0])
            columns = parts.count == 2 ? try bounds(parts[1]) : nil
            rest = rest[..<open]
        }
        var path = String(rest), offset: Int?
        if let colon = rest.lastIndex(of: ":") {
            let digits = rest[rest.index(after: colon)...]
            if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
                guard let value = Int(digits) else { throw malformed("offset \(digits) is too large") }
                offset = value
                path = String(rest[..<colon])
            }
        }
        guard !path.isEmpty else { throw malformed("empty file name") }
        if let folder, !path.hasPrefix("/") { path = folder.hasSuffix("/") ? folder + path : folder + "/" + path }
        return KaldiScriptEntry(key: key, location: location, path: path, offset: offset,
                                rowRange: rows, columnRange: columns, line: line)
    }
}
