/// How the fields of a manifest line are separated.
public enum ManifestDelimiter: Sendable, Equatable {
    /// Tab-separated values: fields are taken as written (no quoting), surrounding spaces trimmed.
    case tab
    /// Comma-separated values, RFC 4180: a field in double quotes may hold commas, line breaks
    /// and doubled quotes (`""` for `"`); unquoted fields have surrounding spaces trimmed.
    case comma

    /// `.tab` for a `.tsv` file, `.comma` for `.csv`; otherwise `.tab` when the first line that is
    /// not blank or a `#` comment holds a tab, else `.comma`.
    static func guess(fileExtension: String, text: Substring) -> ManifestDelimiter {
        switch fileExtension.lowercased() {
        case "tsv", "tab": return .tab
        case "csv": return .comma
        default:
            let firstLine = text.split(whereSeparator: isLineBreak).first {
                let trimmed = $0.trimmingSpaces
                return !trimmed.isEmpty && !trimmed.hasPrefix("#")
            }
            return firstLine?.contains("\t") == true ? .tab : .comma
        }
    }
}

/// The records of a manifest's text: fields of each record with the line it starts on.
/// Blank lines and lines starting with `#` are skipped; a UTF-8 byte order mark and `\r\n`
/// line ends are accepted.
struct ManifestRecords {
    struct Record: Equatable {
        var line: Int
        var fields: [String]
    }

    var records: [Record] = []
    /// Lines whose quoting is broken (an unterminated quoted field), with the reason.
    var malformed: [(line: Int, reason: String)] = []

    init(text: String, delimiter: ManifestDelimiter) {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        switch delimiter {
        case .tab: readTabSeparated(body)
        case .comma: readCommaSeparated(body)
        }
    }

    private mutating func readTabSeparated(_ text: Substring) {
        // "\r\n" is one Character, so it is matched as a whole.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: isLineBreak).enumerated() {
            if Self.isSkipped(line) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0.trimmingSpaces) }
            records.append(Record(line: index + 1, fields: fields))
        }
    }

    /// RFC 4180 over Unicode scalars, one pass; a record may span lines inside quotes.
    private mutating func readCommaSeparated(_ text: Substring) {
        var line = 1
        var recordLine = 1
        var fields: [String] = []
        var field = ""
        var fieldWasQuoted = false
        var inQuotes = false
        var lineText = ""  // the record's raw text, to skip comments and blank lines
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()

        func finishField() {
            fields.append(fieldWasQuoted ? field : String(Substring(field).trimmingSpaces))
            field = ""
            fieldWasQuoted = false
        }
        func finishRecord() {
            finishField()
            if !Self.isSkipped(Substring(lineText)) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            lineText = ""
        }

        while let scalar = pending {
            pending = scalars.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = scalars.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                lineText.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\"" where Substring(field).trimmingSpaces.isEmpty && !fieldWasQuoted:
                field = ""
                inQuotes = true
                fieldWasQuoted = true
                lineText.unicodeScalars.append(scalar)
            case ",":
                finishField()
                lineText.unicodeScalars.append(scalar)
            case "\n":
                finishRecord()
                line += 1
                recordLine = line
            case "\r" where pending == "\n":
                continue
            case " " where fieldWasQuoted, "\t" where fieldWasQuoted:
                continue  // spaces after a closing quote
            default:
                // Text after a closing quote is kept, as most readers keep it.
                field.unicodeScalars.append(scalar)
                lineText.unicodeScalars.append(scalar)
            }
        }
        if inQuotes {
            malformed.append((recordLine, "a quoted field opened here is never closed (a `\"` is missing)"))
        } else if !lineText.isEmpty || !fields.isEmpty || !field.isEmpty {
            finishRecord()
        }
    }

    /// Blank lines and `#` comments.
    private static func isSkipped(_ line: Substring) -> Bool {
        let trimmed = line.trimmingSpaces
        return trimmed.isEmpty || trimmed.hasPrefix("#")
    }
}

/// Which column of a manifest holds what: from a header line when the first record is one,
/// else the fixed order path, label, speaker.
struct ManifestColumns: Equatable {
    var path = 0
    var label = 1
    var speaker: Int? = 2
    var take: Int?
    /// True when the columns came from a header (then extra columns are allowed and ignored).
    var fromHeader = false

    static let pathNames: Set<String> = ["path", "file", "filename", "file_name", "filepath", "file_path", "audio", "wav", "recording"]
    static let labelNames: Set<String> = ["label", "word", "class", "digit", "transcript", "text"]
    static let speakerNames: Set<String> = ["speaker", "speaker_id", "speakerid", "spk", "talker"]
    static let takeNames: Set<String> = ["take", "repetition"]

    /// The columns a header record names, or `nil` when `fields` is not a header (it must name
    /// both a path column and a label column).
    init?(header fields: [String]) {
        let names = fields.map { $0.lowercased() }
        guard let path = names.firstIndex(where: Self.pathNames.contains),
              let label = names.firstIndex(where: Self.labelNames.contains) else { return nil }
        self.path = path
        self.label = label
        speaker = names.firstIndex(where: Self.speakerNames.contains)
        take = names.firstIndex(where: Self.takeNames.contains)
        fromHeader = true
    }

    init() {}
}

/// `\n` or `\r\n` (a single `Character`).
func isLineBreak(_ character: Character) -> Bool { character == "\n" || character == "\r\n" }

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
