import Foundation
import HMMKitAdaptation
import HMMKitFeatures
import HMMKitNumerics

/// What a per-utterance search (connected-word decoding) answers, as the speaker machinery of
/// ``Recognizer/speakerAdaptedAnswers(_:speakers:threadCount:answer:)`` needs it.
package protocol SegmentedAnswer: Sendable {
    /// The answer's natural-log score: what VTLN maximises over a speaker's utterances.
    var score: Double { get }
    /// Each word's frames and the index of its word model, in order; frames outside every
    /// segment (silence) add nothing to the fMLLR statistics.
    var segments: [(frames: Range<Int>, model: Int)] { get }
    /// The answer with `logDeterminant` added to its log-likelihoods per frame: the answer for
    /// features transformed by an `A` with that log |det A|, as a log-likelihood of the originals.
    func addingJacobian(_ logDeterminant: Double) -> Self
}

/// One file's answer from ``Recognizer/speakerAdaptedAnswers(_:speakers:threadCount:answer:)``.
package struct SpeakerAnswer<Answer: SegmentedAnswer, Failure: Error>: Sendable {
    /// The search's answer on the file's final features, or why it has none.
    package var result: Result<Answer, Failure>
    /// With VTLN, the warp factor of the file's features; nil without.
    package var warpFactor: Double?
    /// With speaker adaptation, whether the file's features were fMLLR-transformed.
    package var adapted: Bool
}

extension Recognizer {
    /// Answers of a per-utterance search on audio files through this recognizer's speaker
    /// machinery, as ``recognize(_:speaker:options:threadCount:)`` treats a speaker's group of
    /// recordings: features normalised per speaker (with the recognizer's prior); with VTLN, for
    /// each speaker (each file without one) the candidate warp whose features give the highest
    /// total of the answers' scores; with speaker adaptation, per speaker with enough frames,
    /// ``SpeakerAdaptationOptions/passes`` rounds of fMLLR statistics from the answers' word
    /// segments, a transform, and every file of the speaker answered again on transformed
    /// features (scores with the Jacobian). Without VTLN and adaptation, the normalised features'
    /// answers.
    /// - Parameters:
    ///   - urls: the audio files.
    ///   - speakers: each file's speaker (nil: unknown, on its own).
    ///   - threadCount: workers for the front end and the searches (results do not depend on it).
    ///   - answer: the search of one utterance's `[frameCount × dimension]` features.
    /// - Returns: per file, its answer, or the front end's reason for having no features.
    /// - Throws: ``RecognizerError/frontEnd(_:)`` for a front end that cannot run;
    ///   ``RecognizerError/adaptation(_:)`` for models that cannot be adapted.
    package func speakerAdaptedAnswers<Answer: SegmentedAnswer, Failure: Error>(
        _ urls: [URL], speakers: [String?], threadCount: Int, answer: @escaping @Sendable (Matrix<Double>) -> Result<Answer, Failure>
    ) throws(RecognizerError) -> [Result<SpeakerAnswer<Answer, Failure>, RecognizerError>] {
        let recordings = try RecordingList(urls: urls, speakers: speakers, configuration: configuration, perturbed: false,
                                           normalizationPrior: normalizationPrior, threadCount: threadCount)
        let answers = { (sequences: [Matrix<Double>]) in Self.answers(sequences, threadCount: threadCount, answer: answer) }
        var usable: [Int] = [], problems: [Int: FeatureError] = [:], sequences: [Matrix<Double>] = []
        var results: [Result<Answer, Failure>] = [], factors: [Double]? = nil
        if let vtln = configuration.vtln {
            let audio = recordings.decoded()
            var byCandidate: [Int: [Result<Answer, Failure>]] = [:]
            let chosen = try Self.chooseWarps(vtln.warpFactors, minimumFrames: vtln.minimumFrames ?? 0, recordings: recordings, audio: audio) {
                (k: Int, features: [RecordingFeatures<Double>]) throws(RecognizerError) -> [[Double]] in
                // Framing does not depend on the warp: the same recordings are usable for every factor.
                (usable, problems) = Self.usable(features)
                let found = answers(usable.map { features[$0].copies[0].frames })
                byCandidate[k] = found
                var totals = features.map { [Double](repeating: .nan, count: $0.copies.count) }
                for (row, position) in usable.enumerated() { totals[position][0] = (try? found[row].get())?.score ?? .nan }
                return totals
            }
            let candidate = Dictionary(vtln.warpFactors.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let chosenFactors = usable.map { chosen[recordings.warpGroup($0, copy: 0)]! }
            results = usable.indices.map { row in byCandidate[candidate[chosenFactors[row]]!]![row] }
            factors = chosenFactors
            if configuration.adaptation != nil {
                let features = Self.warpedFeatures(recordings, audio: audio, chosen: chosen)
                sequences = usable.map { features[$0].copies[0].frames }
            }
        } else {
            let features = recordings.features()
            (usable, problems) = Self.usable(features)
            sequences = usable.map { features[$0].copies[0].frames }
            results = answers(sequences)
        }
        var adapted = [Bool](repeating: false, count: usable.count)
        if let adaptation = configuration.adaptation {
            (results, adapted, _) = try adaptedAnswers(results, sequences: sequences, groups: usable.map { recordings.warpGroup($0, copy: 0) },
                                                       options: adaptation, threadCount: threadCount, answer: answer)
        }
        var perFile: [Result<SpeakerAnswer<Answer, Failure>, RecognizerError>] = urls.indices.map { index in
            .failure(.audio(problems[index] ?? .noFrames(source: recordings.paths[index])))
        }
        for (row, index) in usable.enumerated() {
            perFile[index] = .success(SpeakerAnswer(result: results[row], warpFactor: factors?[row], adapted: adapted[row]))
        }
        return perFile
    }

    /// `answer` of every sequence, on `threadCount` workers.
    static func answers<Answer: SegmentedAnswer, Failure: Error>(
        _ sequences: [Matrix<Double>], threadCount: Int, answer: @escaping @Sendable (Matrix<Double>) -> Result<Answer, Failure>
    ) -> [Result<Answer, Failure>] {
        ParallelWork.map(sequences.count, threadCount: threadCount) { answer(sequences[$0]) }
    }

    /// fMLLR of a per-utterance search's answers, speaker by speaker: for each group of
    /// `groups` with at least ``SpeakerAdaptationOptions/minimumFrames`` frames,
    /// ``SpeakerAdaptationOptions/passes`` rounds of statistics over the current answers' word
    /// segments against the word models, a transform, and the group's sequences answered again
    /// on transformed features (scores with the Jacobian).
    /// - Parameters:
    ///   - results: the first answers, one per sequence.
    ///   - sequences: the features, `[frameCount × dimension]` each.
    ///   - groups: the speaker (or file) of each sequence.
    ///   - options: passes, minimum frames, sweeps per estimate.
    ///   - threadCount: search workers (results do not depend on it).
    ///   - answer: the search of one utterance's features.
    /// - Returns: the final answers; whether each sequence was adapted; each adapted group's transform.
    /// - Throws: ``RecognizerError/adaptation(_:)`` for models that cannot be adapted.
    package func adaptedAnswers<Answer: SegmentedAnswer, Failure: Error>(
        _ results: [Result<Answer, Failure>], sequences: [Matrix<Double>], groups: [String], options: SpeakerAdaptationOptions,
        threadCount: Int, answer: @escaping @Sendable (Matrix<Double>) -> Result<Answer, Failure>
    ) throws(RecognizerError) -> (results: [Result<Answer, Failure>], adapted: [Bool], transforms: [String: AffineFeatureTransform]) {
        var results = results, adapted = [Bool](repeating: false, count: sequences.count)
        var transforms: [String: AffineFeatureTransform] = [:]
        for (group, rows) in Self.rowsOfGroups(groups) {
            let outcome = try adaptationPasses(rows.map { sequences[$0] }, options: options) { k in
                (try? results[rows[k]].get())?.segments ?? []
            } rescore: { current, jacobian in
                let found = Self.answers(current, threadCount: threadCount, answer: answer)
                for (k, row) in rows.enumerated() { results[row] = found[k].map { $0.addingJacobian(jacobian) } }
            }
            guard let outcome else { continue }
            for row in rows { adapted[row] = true }
            transforms[group] = outcome.transform
        }
        return (results, adapted, transforms)
    }
}
