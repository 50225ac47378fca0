import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitMarkov
import HMMKitNumerics

/// How ``Recognizer`` decides.
public struct RecognitionOptions: Sendable, Equatable {
    /// Add each label's log prior (from its share of the training utterances) to its score.
    public var usePriors = false
    /// Answer "none of these words" when the best log-likelihood per frame is below this.
    public var rejectionThreshold: Double? = nil
    /// How many alternatives the n-best list keeps.
    public var nBest = 5

    /// Options with the given values (defaults: no priors, no rejection, 5 alternatives).
    public init(usePriors: Bool = false, rejectionThreshold: Double? = nil, nBest: Int = 5) {
        self.usePriors = usePriors
        self.rejectionThreshold = rejectionThreshold
        self.nBest = nBest
    }
}

/// The answer for one recording.
public struct Recognition: Sendable, Equatable, Codable {
    /// The recognized label, or nil when rejected.
    public var label: String?
    /// The best labels with their scores (log-likelihood, plus log prior when used), best first.
    public var nBest: [Candidate]
    /// Frames of the recording.
    public var frameCount: Int
    /// With VTLN, the warp factor its features were computed with (nil without VTLN, and for a
    /// recording the unknown-voice models recognized).
    public var warpFactor: Double? = nil
    /// With unknown-voice models (``Recognizer/unknownVoiceRecognizer``), whether they recognized
    /// it; nil for a recognizer without them.
    public var unknownVoice: Bool? = nil
    /// With noisy-voice models (``Recognizer/noisyVoiceRecognizer``), whether they recognized it
    /// (then ``unknownVoice`` is true as well); nil when no recording of the call went to them.
    public var noisyVoice: Bool? = nil

    /// One label of the n-best list and its score.
    public struct Candidate: Sendable, Equatable, Codable {
        /// The label.
        public var label: String
        /// The natural-log likelihood of the recording under the label's model (plus its log
        /// prior when priors are used).
        public var score: Double
        /// Score per frame.
        public var scorePerFrame: Double
    }
}

/// Recordings scored under every word model: the rows of ``Recognizer/scores(_:threadCount:)``
/// for the entries that gave features, and the problems of the others.
struct ScoredRecordings {
    /// Indices of the entries that were scored, in order; `table[k]` and `frames[k]` belong to `usable[k]`.
    var usable: [Int]
    var table: [[Double]]
    var frames: [Int]
    /// Problems by entry index (unreadable audio, no frames).
    var problems: [Int: FeatureError]
    /// With VTLN, the warp factor of each usable entry (parallel to `usable`; nil for one the
    /// unknown-voice models scored); nil without VTLN.
    var warpFactors: [Double?]? = nil
    /// With VTLN, the factor chosen for each speaker (a file path for a recording without a speaker).
    var groupWarps: [String: Double]? = nil
    /// With speaker adaptation, the rise of the fMLLR auxiliary function per frame for each
    /// adapted speaker (or file); nil without adaptation.
    var adaptationGains: [String: Double]? = nil
    /// With unknown-voice models, whether they scored each usable entry (parallel to `usable`);
    /// nil for a recognizer without them.
    var unknownVoice: [Bool]? = nil
    /// With noisy-voice models among the sets that scored the list, whether they scored each row.
    var noisyVoice: [Bool]? = nil
}

extension Recognizer {
    /// Scores of every label for every feature matrix, `[sequences][labels]` (log-likelihoods;
    /// −∞ where a sequence is too short for, or impossible under, a word's model). Each label's
    /// model scores all sequences in one batch; labels run on `threadCount` workers.
    public func scores(_ sequences: [Matrix<Double>], threadCount: Int = 1) throws(RecognizerError) -> [[Double]] {
        guard !sequences.isEmpty else { return [] }
        let stacked: (Matrix<Double>, [Int])
        do { stacked = try stack(sequences) } catch { throw .sequences(error) }
        let (frames, lengths) = stacked
        if let phoneModels { return try phoneScores(phoneModels, frames: frames, lengths: lengths, threadCount: threadCount) }
        let models = self.models, labels = self.labels
        let columns = try ParallelWork.map(labels.count, threadCount: threadCount) { (label) throws(RecognizerError) -> [Double] in
            do throws(HMMError) { return try models[label].logLikelihoods(of: frames, lengths: lengths, unscorableAsNegativeInfinity: true) } catch {
                throw .model(label: labels[label], error)
            }
        }
        var table = [[Double]](repeating: [Double](repeating: -.infinity, count: labels.count), count: sequences.count)
        for (label, values) in columns.enumerated() {
            for k in values.indices { table[k][label] = values[k] }
        }
        return table
    }

    /// Features of `recordings` with the recognizer's front end, then their scores: the one
    /// pipeline behind ``recognize(_:speaker:options:threadCount:)`` and ``evaluate(_:options:threadCount:)``.
    /// With VTLN, each speaker's (or speakerless recording's) warp factor is chosen on the way.
    /// With speaker adaptation, each speaker's rows are then scored again on adapted features.
    /// With unknown-voice models, the recordings of speakers with too few frames are scored by
    /// them (``scoreRouted(_:threadCount:)``).
    func score(_ recordings: RecordingList, threadCount: Int) throws(RecognizerError) -> ScoredRecordings {
        try scoreRouted(recordings, threadCount: threadCount)
    }

    /// ``score(_:threadCount:)`` by this recognizer's own models alone.
    func scoreOneSet(_ recordings: RecordingList, threadCount: Int) throws(RecognizerError) -> ScoredRecordings {
        let (scored, sequences) = if let vtln = configuration.vtln {
            try scoreWithVTLN(recordings, vtln: vtln, threadCount: threadCount)
        } else {
            try scoreUnwarped(recordings, threadCount: threadCount)
        }
        guard let adaptation = configuration.adaptation, let sequences else { return scored }
        return try adapted(scored, sequences: sequences, groups: scored.usable.map { recordings.warpGroup($0, copy: 0) },
                           options: adaptation, threadCount: threadCount)
    }

    /// The recordings of `features` that can be scored (no problem, frames), and the first
    /// problem of each of the others.
    static func usable(_ features: [RecordingFeatures<Double>]) -> (usable: [Int], problems: [Int: FeatureError]) {
        var problems: [Int: FeatureError] = [:]
        for (position, recording) in features.enumerated() { problems[position] = recording.problems.first }
        return (features.indices.filter { problems[$0] == nil && !features[$0].copies.isEmpty }, problems)
    }

    /// ``score(_:threadCount:)`` without VTLN, and the features of the usable recordings.
    private func scoreUnwarped(_ recordings: RecordingList, threadCount: Int) throws(RecognizerError) -> (ScoredRecordings, [Matrix<Double>]?) {
        let features = recordings.features()
        let (usable, problems) = Self.usable(features)
        let sequences = usable.map { features[$0].copies[0].frames }
        return (ScoredRecordings(usable: usable, table: try scores(sequences, threadCount: threadCount),
                                 frames: sequences.map(\.rowCount), problems: problems), sequences)
    }

    /// The decision for one row of ``scores(_:threadCount:)``.
    public func decide(_ scores: [Double], frameCount: Int, options: RecognitionOptions = RecognitionOptions()) -> Recognition {
        let total = Double(trainingCounts.reduce(0, +))
        let adjusted = scores.enumerated().map { label, score in
            options.usePriors ? score + Foundation.log(Double(trainingCounts[label]) / total) : score
        }
        let order = adjusted.indices.sorted { adjusted[$0] > adjusted[$1] || (adjusted[$0] == adjusted[$1] && $0 < $1) }
        let candidates = order.prefix(max(options.nBest, 1)).map {
            Recognition.Candidate(label: labels[$0], score: adjusted[$0], scorePerFrame: adjusted[$0] / Double(max(frameCount, 1)))
        }
        var label: String? = adjusted[order[0]].isFinite ? labels[order[0]] : nil
        if let threshold = options.rejectionThreshold, let best = candidates.first, best.scorePerFrame < threshold { label = nil }
        return Recognition(label: label, nBest: Array(candidates), frameCount: frameCount)
    }

    /// Recognizes audio files: decode, resample to the models' rate, the models' front end, decide.
    /// - Parameters:
    ///   - urls: the audio files.
    ///   - speaker: the files' one speaker, when known: their means and variances are then
    ///     normalised together (with speaker CMVN) and, with VTLN, they share one warp factor;
    ///     without it every file is normalised and warped on its own.
    ///   - options: priors, rejection threshold, n-best length.
    ///   - threadCount: worker threads (results do not depend on it).
    /// - Returns: one result per file, in order; a file that cannot be used gives its error.
    public func recognize(_ urls: [URL], speaker: String? = nil, options: RecognitionOptions = RecognitionOptions(),
                          threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(RecognizerError)
        -> [Result<Recognition, RecognizerError>]
    {
        try recognize(urls, speakerOfEach: Array(repeating: speaker, count: urls.count), options: options, threadCount: threadCount)
    }

    /// Recognizes audio files whose speakers come from `speakers`: ``/HMMKitCorpus/SpeakerMode/fromNames``
    /// groups the files by the speaker their names give (`7_jackson_32.wav`: jackson), as
    /// ``recognize(_:speaker:options:threadCount:)`` groups one speaker's files; files listed in
    /// no manifest have no speaker for ``/HMMKitCorpus/SpeakerMode/fromManifest``, and none for
    /// ``/HMMKitCorpus/SpeakerMode/anonymous``: each is then an unknown voice on its own.
    /// - Returns: one result per file, in order; a file that cannot be used gives its error.
    public func recognize(_ urls: [URL], speakers: SpeakerMode, options: RecognitionOptions = RecognitionOptions(),
                          threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(RecognizerError)
        -> [Result<Recognition, RecognizerError>]
    {
        try recognize(urls, speakerOfEach: urls.map(speakers.speaker(ofFile:)), options: options, threadCount: threadCount)
    }

    /// ``recognize(_:speaker:options:threadCount:)`` with each file's speaker (nil: unknown) given.
    private func recognize(_ urls: [URL], speakerOfEach: [String?], options: RecognitionOptions,
                           threadCount: Int) throws(RecognizerError) -> [Result<Recognition, RecognizerError>] {
        let recordings = try RecordingList(urls: urls, speakers: speakerOfEach, configuration: configuration, perturbed: false,
                                           normalizationPrior: normalizationPrior, threadCount: threadCount)
        let scored = try score(recordings, threadCount: threadCount)
        var results: [Result<Recognition, RecognizerError>] = urls.indices.map { index in
            .failure(.audio(scored.problems[index] ?? .noFrames(source: urls[index].path)))
        }
        let minimum = (try? configuration.minimumFrameCount()) ?? 1
        for (row, index) in scored.usable.enumerated() {
            let frames = scored.frames[row]
            guard scored.table[row].contains(where: { $0.isFinite }) else {
                results[index] = .failure(.unscorable(path: urls[index].path, frames: frames, minimumFrames: minimum))
                continue
            }
            var recognition = decide(scored.table[row], frameCount: frames, options: options)
            recognition.warpFactor = scored.warpFactors?[row] ?? nil
            recognition.unknownVoice = scored.unknownVoice?[row]
            recognition.noisyVoice = scored.noisyVoice?[row]
            results[index] = .success(recognition)
        }
        return results
    }
}
