import Foundation
import HMMKitNumerics

extension Recognizer {
    /// The features the recognizer's front end gives audio files: decoded, resampled to the
    /// models' rate, MFCCs, normalised per speaker (nil: each file on its own) with the
    /// recognizer's normalisation prior — the path ``recognize(_:speaker:options:threadCount:)``
    /// takes before any word model sees a frame. With VTLN configured the filterbank is the
    /// factor-1 (unwarped) one and no factor is searched; no fMLLR transform is applied: the
    /// features that connected-word decoding reads.
    /// - Parameters:
    ///   - urls: the audio files.
    ///   - speakers: the speaker of each file (nil: unknown).
    ///   - threadCount: front-end workers (results do not depend on it).
    /// - Returns: per file, its `[frameCount × dimension]` features or why it has none.
    /// - Throws: ``RecognizerError/frontEnd(_:)`` for a front end that cannot run.
    public func normalizedFeatures(_ urls: [URL], speakers: [String?],
                                   threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(RecognizerError)
        -> [Result<Matrix<Double>, RecognizerError>]
    {
        let recordings = try RecordingList(urls: urls, speakers: speakers, configuration: configuration, perturbed: false,
                                           normalizationPrior: normalizationPrior, threadCount: threadCount)
        let features = recordings.features()
        let (usable, problems) = Self.usable(features)
        var results: [Result<Matrix<Double>, RecognizerError>] = urls.indices.map { index in
            .failure(.audio(problems[index] ?? .noFrames(source: recordings.paths[index])))
        }
        for index in usable { results[index] = .success(features[index].copies[0].frames) }
        return results
    }
}
