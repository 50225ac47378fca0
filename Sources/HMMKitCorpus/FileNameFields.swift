/// What a recording's file name says about it, read from the `_`-separated fields of its stem.
///
/// - FSDD style `LABEL_SPEAKER_TAKE` (`7_jackson_32.wav`): label `7`, speaker `jackson`, take 32.
///   A third field that is not a plain decimal number gives no take; fields after the third are ignored.
/// - `LABEL_SPEAKER` (`yes_alice.wav`): label and speaker, no take.
/// - `LABEL_TAKE` (`yes_03.wav`): a second field of digits only is a take, not a speaker.
/// - Google Speech Commands style `SPEAKER_nohash_TAKE` (`0a7c2a8d_nohash_1.wav`, inside a label
///   folder): speaker `0a7c2a8d`, take 1.
/// - No `_` at all: no label.
struct FileNameFields: Equatable {
    var label: String?
    var speaker: String?
    var take: Int?

    /// The fields of a flat (file-name) corpus, where the first field is the label.
    static func labelled(stem: Substring) -> FileNameFields {
        let fields = stem.split(separator: "_", omittingEmptySubsequences: false)
        guard fields.count >= 2 else { return FileNameFields() }
        var result = FileNameFields(label: String(fields[0]))
        if fields.count == 2 {
            if let take = takeNumber(fields[1]) {
                result.take = take
            } else if !fields[1].isEmpty {
                result.speaker = String(fields[1])
            }
        } else {
            result.speaker = fields[1].isEmpty ? nil : String(fields[1])
            result.take = takeNumber(fields[2])
        }
        return result
    }

    /// Speaker and take of a file inside a label folder, when its name has one of the two
    /// recognised three-field forms (`X_SPEAKER_TAKE` or `SPEAKER_nohash_TAKE`); the label is
    /// the folder's, so it is not read from the name.
    static func inLabelFolder(stem: Substring) -> FileNameFields {
        let fields = stem.split(separator: "_", omittingEmptySubsequences: false)
        guard fields.count >= 3, let take = takeNumber(fields[2]) else { return FileNameFields() }
        let speaker = fields[1] == "nohash" ? fields[0] : fields[1]
        return FileNameFields(speaker: speaker.isEmpty ? nil : String(speaker), take: take)
    }

    /// A field of 1 to 9 ASCII digits as a number (`"007"` → 7); `nil` otherwise.
    static func takeNumber(_ field: Substring) -> Int? {
        guard !field.isEmpty, field.count <= 9, field.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(field)
    }
}

/// The file name extensions read as audio (what libsndfile decodes), compared case-insensitively.
public enum AudioFileExtensions {
    /// `wav`, `flac`, `ogg`, `aiff`, `au`, … (lowercase, without the dot).
    public static let all: Set<String> = [
        "wav", "wave", "flac", "ogg", "oga", "aif", "aiff", "aifc", "au", "snd", "caf", "w64", "rf64",
    ]

    /// True when `fileName` ends in one of ``all`` (any case) and is not hidden (`.name`).
    public static func isAudio(fileName: String) -> Bool {
        guard !fileName.hasPrefix("."), let dot = fileName.lastIndex(of: ".") else { return false }
        return all.contains(fileName[fileName.index(after: dot)...].lowercased())
    }

    /// The extensions as `.wav, .flac, …`, sorted, for messages.
    public static var description: String {
        all.sorted().map { "." + $0 }.joined(separator: ", ")
    }
}
