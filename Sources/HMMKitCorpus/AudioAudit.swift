#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitAudio
import HMMKitFileSystem

/// Checks corpus entries' audio files as ``CorpusLoadOptions/AudioCheck`` asks, filling in each
/// usable entry's duration and sample rate.
enum AudioAudit {
    /// One outcome per entry, in order: the entry (with duration and rate when read) or what is wrong.
    static func run(_ check: CorpusLoadOptions.AudioCheck, on entries: [CorpusEntry],
                    minimumDuration: Double) -> [Result<CorpusEntry, AuditFailure>] {
        entries.map { audit($0, check, minimumDuration) }
    }

    struct AuditFailure: Error { var kind: CorpusProblem.Kind }

    private static func audit(_ entry: CorpusEntry, _ check: CorpusLoadOptions.AudioCheck,
                              _ minimumDuration: Double) -> Result<CorpusEntry, AuditFailure> {
        let path = entry.path
        var entry = entry
        let frameCount: Int, sampleRate: Double
        do {
            switch check {
            case .existence:
                switch FileSystem.status(of: path) {
                case .missing: return .failure(AuditFailure(kind: .missingFile(file: path)))
                case .notRegularFile:
                    return .failure(AuditFailure(kind: .unreadableAudio(.unreadable(file: path, reason: "not a regular file: a directory, device or pipe"))))
                case let .inaccessible(reason): return .failure(AuditFailure(kind: .unreadableAudio(.unreadable(file: path, reason: reason))))
                case let .regularFile(byteCount):
                    return byteCount == 0 ? .failure(AuditFailure(kind: .emptyAudio(file: path))) : .success(entry)
                }
            case .header:
                let info = try AudioDecoder.info(url: entry.url)
                (frameCount, sampleRate) = (info.frameCount, info.sampleRate)
            case .decode:
                let signal = try AudioDecoder.read(url: entry.url)
                (frameCount, sampleRate) = (signal.samples.count, signal.sampleRate)
            }
        } catch {
            switch error {
            case .fileNotFound: return .failure(AuditFailure(kind: .missingFile(file: path)))
            case .empty: return .failure(AuditFailure(kind: .emptyAudio(file: path)))
            default: return .failure(AuditFailure(kind: .unreadableAudio(error)))
            }
        }
        guard frameCount > 0 else { return .failure(AuditFailure(kind: .emptyAudio(file: path))) }
        let duration = Double(frameCount) / sampleRate
        if duration < minimumDuration {
            return .failure(AuditFailure(kind: .tooShort(file: path, seconds: duration, minimum: minimumDuration)))
        }
        entry.duration = duration
        entry.sampleRate = sampleRate
        return .success(entry)
    }
}
