#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One labelled recording of a corpus.
public struct CorpusEntry: Sendable, Hashable {
    /// The audio file (a file URL, absolute).
    public var url: URL
    /// The word (class) spoken in the recording, never empty.
    public var label: String
    /// Who spoke it, when the corpus says: a manifest's speaker column (only it: an empty field
    /// is an unknown speaker), or in a folder corpus the second field of an FSDD-style file name
    /// (`7_jackson_32.wav` → `jackson`) or a speaker sub-folder. ``SpeakerMode`` chooses others.
    public var speaker: String?
    /// The take (repetition) number, when the file name carries one (`7_jackson_32.wav` → 32).
    public var take: Int?
    /// The manifest line (from 1) the entry comes from; `nil` for folder corpora.
    public var line: Int?
    /// The recording's length in seconds, from its header; `nil` until the audio is checked
    /// (``CorpusLoadOptions/AudioCheck``).
    public var duration: Double?
    /// The recording's sample rate in hertz, from its header; `nil` until the audio is checked.
    public var sampleRate: Double?

    /// An entry for the recording at `url` with its label and, when known, speaker, take and manifest line.
    public init(url: URL, label: String, speaker: String? = nil, take: Int? = nil, line: Int? = nil,
                duration: Double? = nil, sampleRate: Double? = nil) {
        self.url = url
        self.label = label
        self.speaker = speaker
        self.take = take
        self.line = line
        self.duration = duration
        self.sampleRate = sampleRate
    }

    /// The file name, e.g. `7_jackson_32.wav`.
    public var fileName: String { url.lastPathComponent }

    /// The file path (no percent encoding).
    public var path: String { url.path(percentEncoded: false) }
}
