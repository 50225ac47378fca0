#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitFileSystem

/// Turns a manifest file into corpus entries, one per record, with a problem for each bad line.
enum ManifestReader {
    static func list(_ file: URL, delimiter: ManifestDelimiter?) -> CorpusListing {
        var listing = CorpusListing()
        let manifestPath = file.path(percentEncoded: false)
        func problem(_ line: Int?, _ kind: CorpusProblem.Kind) {
            listing.problems.append(CorpusProblem(path: manifestPath, line: line, kind: kind))
        }
        // Through FileSystem.readFile, so that a named pipe or device is refused instead of blocking.
        let bytes: [UInt8]
        switch FileSystem.readFile(manifestPath) {
        case .success(let read): bytes = read.bytes
        case .failure(.missing):
            problem(nil, .notFound)
            return listing
        case .failure(.notRegularFile(let kind)):
            problem(nil, .unreadable(reason: "\(kind), not a regular file"))
            return listing
        case .failure(.unreadable(let reason)):
            problem(nil, .unreadable(reason: reason))
            return listing
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            problem(nil, .unreadable(reason: "not UTF-8 text; a manifest is a text file of path, label[, speaker] lines"))
            return listing
        }
        let chosen = delimiter ?? ManifestDelimiter.guess(fileExtension: file.pathExtension, text: Substring(text))
        let parsed = ManifestRecords(text: text, delimiter: chosen)
        for (line, reason) in parsed.malformed { problem(line, .malformedLine(reason: reason)) }

        var records = parsed.records[...]
        var columns = ManifestColumns()
        if let first = records.first, let header = ManifestColumns(header: first.fields) {
            columns = header
            records = records.dropFirst()
        }
        if records.isEmpty && parsed.malformed.isEmpty {
            problem(nil, .noEntries)
            return listing
        }

        let folder = file.deletingLastPathComponent()
        let separator = chosen == .tab ? "tab" : "comma"
        var firstLineOfFile: [String: Int] = [:]
        for record in records {
            let fields = record.fields
            let needed = max(columns.path, columns.label) + 1
            guard fields.count >= needed else {
                let expected = columns.fromHeader ? "the header names \(needed) columns" : "expected path, label[, speaker]"
                problem(record.line, .malformedLine(reason: "\(fields.count) field(s) (\(separator)-separated), \(expected)"))
                continue
            }
            if !columns.fromHeader && fields.count > 3 {
                problem(record.line, .malformedLine(reason: "\(fields.count) fields, at most 3 expected (path, label, speaker); "
                    + "quote fields that contain commas, or add a header line naming the columns"))
                continue
            }
            let path = fields[columns.path]
            let label = fields[columns.label]
            if path.isEmpty { problem(record.line, .emptyPath) }
            if label.isEmpty { problem(record.line, .emptyLabel) }
            guard !path.isEmpty, !label.isEmpty else { continue }

            let url = resolve(path, against: folder)
            let resolved = url.path(percentEncoded: false)
            if let first = firstLineOfFile[resolved] {
                problem(record.line, .duplicateFile(file: resolved, firstLine: first))
                continue
            }
            firstLineOfFile[resolved] = record.line

            // The speaker column is authoritative: an empty field, or no column, is an unknown
            // speaker (SpeakerMode.fromNames reads the file name instead).
            var speaker: String?
            if let column = columns.speaker, column < fields.count, !fields[column].isEmpty {
                speaker = fields[column]
            }
            var take = FileNameFields.inLabelFolder(stem: url.deletingPathExtension().lastPathComponent[...]).take
            if let column = columns.take, column < fields.count, !fields[column].isEmpty {
                guard let number = FileNameFields.takeNumber(fields[column][...]) else {
                    problem(record.line, .malformedLine(reason: "take \"\(fields[column])\" is not a whole number ≥ 0"))
                    continue
                }
                take = number
            }
            listing.entries.append(CorpusEntry(url: url, label: label, speaker: speaker, take: take, line: record.line))
        }
        return listing
    }

    /// `path` as an absolute, standardised file URL: as written when absolute, else inside `folder`.
    static func resolve(_ path: String, against folder: URL) -> URL {
        let absolute = path.hasPrefix("/") ? path : folder.plainPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL
    }
}
