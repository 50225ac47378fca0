import Foundation
import HMMKitAudio
import HMMKitCorpus
import HMMKitFeatures
import HMMKitFileSystem
import HMMKitNumerics

/// Noisy copies of labelled recordings for evaluation: each recording decoded at a recognizer's
/// rate, its noise added (``/HMMKitFeatures/NoiseMixer``: the same audio, seed and condition give the same noise
/// whatever the file is called), written as a 32-bit float WAV file (no clipping, no rounding)
/// and listed as an entry with the original's label, speaker and take. `hmmkit evaluate --noise`
/// and cross-validation's noisy columns evaluate these entries as any others, in any speaker mode.
public enum NoisyRecordings {
    /// Writes the noisy copy under `condition` of every recording of `entries` into `directory`
    /// (created if missing; a file keeps its name, in a numbered sub-folder when an earlier entry
    /// had the same name), at `sampleRate` Hz, and returns the entries of the copies in order.
    /// Babble is drawn from `babblePool`, never from the recording's own speaker (or, for a
    /// recording without a speaker, from its own file): in leave-one-speaker-out, pass the
    /// training speakers' recordings.
    /// - Throws: ``RecognizerError/corpus(_:)`` listing every recording whose copy could not be
    ///   made (unreadable audio, babble without a source), ``RecognizerError/file(path:problem:)``
    ///   when a copy cannot be written.
    public static func write(_ entries: [CorpusEntry], condition: NoiseCondition, babblePool: BabblePool?,
                             sampleRate: Double, seed: UInt64, directory: URL,
                             threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(RecognizerError) -> [CorpusEntry] {
        let mixer = NoiseMixer(sampleRate: sampleRate, seed: seed, babblePool: babblePool)
        var seen: [String: Int] = [:]
        let destinations = entries.map { entry in
            let name = entry.fileName, earlier = seen[name, default: 0]
            seen[name] = earlier + 1
            let folder = earlier == 0 ? directory : directory.appending(path: "\(earlier)", directoryHint: .isDirectory)
            return folder.appending(path: name, directoryHint: .notDirectory)
        }
        do {
            for folder in Set(destinations.map { $0.deletingLastPathComponent() }) {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
        } catch {
            let path = directory.path(percentEncoded: false)
            throw .file(path: path, problem: .access(.cannotWrite(file: path, reason: "\(error)")))
        }
        let problems = ParallelWork.map(entries.count, threadCount: threadCount) { index -> String? in
            let entry = entries[index]
            do {
                let clean = try AudioLoader.load(entry.url, sampleRate: sampleRate)
                let noisy = try mixer.noisy(clean, condition: condition, path: entry.path, speaker: entry.speaker)
                try AudioFileWriter.write(AudioSignal(samples: noisy, sampleRate: sampleRate), to: destinations[index],
                                          format: .wavFloat)
                return nil
            } catch {
                return "\(error)"
            }
        }.compactMap { $0 }
        guard problems.isEmpty else { throw .corpus(problems) }
        return zip(entries, destinations).map { entry, destination in
            var copy = entry
            copy.url = destination
            copy.duration = nil
            copy.sampleRate = nil
            return copy
        }
    }

    /// The babble pool of `entries`: their files and speakers.
    public static func babblePool(_ entries: [CorpusEntry]) -> BabblePool {
        BabblePool(urls: entries.map(\.url), speakers: entries.map(\.speaker))
    }
}
