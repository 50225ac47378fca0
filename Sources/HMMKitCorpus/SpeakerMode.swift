#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the speakers of recordings come from: who speaks decides which recordings share a
/// speaker's normalisation, warp factor and adaptation, and a recording with no speaker is an
/// unknown voice heard once (normalised, warped and adapted on its own).
///
/// A corpus's own default is ``fromManifest`` for a manifest and ``fromNames`` for a folder
/// (``default(for:)-(CorpusSource)``); the raw values are the spellings of `hmmkit … --speakers`.
public enum SpeakerMode: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// What the file names say: in a folder corpus, the speaker its listing reads from names and
    /// speaker sub-folders (see ``CorpusSource``); for a manifest's files and files given on their
    /// own, the middle field of a three-field name (`7_jackson_32.wav`, `0a7c2a8d_nohash_1.wav`:
    /// the first field there), and no speaker for a name of another form.
    case fromNames = "from-names"
    /// A manifest's speaker column only: an empty field, or no speaker column, means an unknown
    /// speaker heard in that one recording. Recordings listed in no manifest have no speaker.
    case fromManifest = "from-manifest"
    /// No speakers: every recording is its own unknown speaker (per-recording normalisation and
    /// warp factor, no speaker's recordings pooled for adaptation).
    case anonymous = "none"

    /// The spelling on the command line: `from-names`, `from-manifest` or `none`.
    public var description: String { rawValue }

    /// The mode a corpus from `source` has unless told otherwise: ``fromManifest`` for a
    /// manifest, ``fromNames`` for a folder.
    public static func `default`(for source: CorpusSource) -> SpeakerMode {
        if case .manifest = source { return .fromManifest }
        return .fromNames
    }

    /// The mode `entries` were listed with: ``fromManifest`` when one comes from a manifest line
    /// (``CorpusEntry/line``), else ``fromNames``.
    public static func `default`(for entries: [CorpusEntry]) -> SpeakerMode {
        entries.contains { $0.line != nil } ? .fromManifest : .fromNames
    }

    /// The speaker of `entry` in this mode. An entry from a manifest (``CorpusEntry/line`` set)
    /// holds the manifest's speaker, and its file name is read for ``fromNames``; an entry from
    /// a folder holds what its names gave, which ``fromManifest`` does not use.
    public func speaker(of entry: CorpusEntry) -> String? {
        switch self {
        case .anonymous: nil
        case .fromManifest: entry.line == nil ? nil : entry.speaker
        case .fromNames: entry.line == nil ? entry.speaker : Self.speaker(named: entry.url)
        }
    }

    /// The speaker of an audio file given on its own (in no corpus): its name's with
    /// ``fromNames``, none otherwise.
    public func speaker(ofFile url: URL) -> String? {
        self == .fromNames ? Self.speaker(named: url) : nil
    }

    /// `entries` with each speaker replaced by ``speaker(of:)``; everything else unchanged.
    public func applied(to entries: [CorpusEntry]) -> [CorpusEntry] {
        entries.map { entry in
            var entry = entry
            entry.speaker = speaker(of: entry)
            return entry
        }
    }

    /// The speaker field of a file name of a three-field form (`7_jackson_32.wav`,
    /// `0a7c2a8d_nohash_1.wav`), as a manifest's file names and a label folder's are read.
    static func speaker(named url: URL) -> String? {
        FileNameFields.inLabelFolder(stem: url.deletingPathExtension().lastPathComponent[...]).speaker
    }
}

/// Which speakers recordings were grouped into, for reports: the mode and how many recordings
/// each speaker had (`speakers: from-names, 2 speakers: george 250, lucas 250`).
public struct SpeakerGrouping: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The mode the speakers came from; `nil` when the caller named one speaker for all the
    /// recordings (`hmmkit recognize --speaker NAME`).
    public var mode: SpeakerMode?
    /// Recordings per named speaker.
    public var recordingsPerSpeaker: [String: Int]
    /// Recordings without a speaker, each grouped on its own.
    public var recordingsWithoutSpeaker: Int

    /// How many speakers ``description`` names before it gives a range of counts instead.
    public static let listedSpeakerCount = 12

    /// The grouping of recordings whose speakers (one per recording, `nil` for none) came from `mode`.
    public init(mode: SpeakerMode?, speakers: [String?]) {
        self.mode = mode
        recordingsPerSpeaker = speakers.reduce(into: [:]) { counts, speaker in
            if let speaker { counts[speaker, default: 0] += 1 }
        }
        recordingsWithoutSpeaker = speakers.count { $0 == nil }
    }

    /// One line: `speakers: none (500 recordings, each its own speaker)`,
    /// `speakers: from-names, 2 speakers: george 250, lucas 250`, with `; 3 recordings without a
    /// speaker, each its own` when some have none; more than ``listedSpeakerCount`` speakers are
    /// summarised as `40 speakers, 1 to 30 recordings each`.
    public var description: String {
        let mode = self.mode.map(\.description) ?? "given"
        let plural: (Int, String) -> String = { "\($0) \($1)\($0 == 1 ? "" : "s")" }
        guard !recordingsPerSpeaker.isEmpty else {
            return "speakers: \(mode) (\(plural(recordingsWithoutSpeaker, "recording")), each its own speaker)"
        }
        let names = NaturalOrder.sortedUnique(recordingsPerSpeaker.keys)
        let counts = recordingsPerSpeaker.values
        let listed = names.count <= Self.listedSpeakerCount
            ? names.map { "\($0) \(recordingsPerSpeaker[$0]!)" }.joined(separator: ", ")
            : "\(counts.min()!) to \(counts.max()!) recordings each"
        let without = recordingsWithoutSpeaker == 0 ? ""
            : "; \(plural(recordingsWithoutSpeaker, "recording")) without a speaker, each its own"
        return "speakers: \(mode), \(plural(names.count, "speaker")): \(listed)\(without)"
    }
}
