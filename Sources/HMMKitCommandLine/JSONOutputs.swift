import HMMKit

// The `--json` outputs, one `Encodable` struct each, printed by ``Terminal/printJSON(_:)`` as one
// line with sorted keys, non-finite numbers as `null` named in `"nonFinite"`. The field names are
// the JSON keys.

/// `hmmkit gmm fit --json`, in memory.
struct GMMFitSummary: Encodable {
    var iterations: Int, converged: Bool, finalMeanLogLikelihood: Double, secondsPerIteration: [Double]
    var components: Int, covariance: String, frames: Int, dimension: Int
}

/// `hmmkit gmm fit --stream/--mpi --json`: the last line, after the iteration events.
struct StreamedGMMFitSummary: Encodable {
    let event = "summary"
    var iterations: Int, converged: Bool, finalMeanLogLikelihood: Double, secondsPerIteration: [Double]
    var components: Int, covariance: String, frames: Double, dimension: Int, processes: Int
}

/// `hmmkit gmm score --json`.
struct GMMScores: Encodable {
    var frames: Int, meanLogLikelihood: Double, frameLogLikelihoods: [Double]
}

/// `hmmkit hmm fit --json`, in memory.
struct HMMFitSummary: Encodable {
    var iterations: Int, converged: Bool, logLikelihoodHistory: [Double], finalLogLikelihoodPerFrame: Double
    var states: Int, mixtures: Int, covariance: String, sequences: Int, frames: Int, parameters: Int, seconds: Double
}

/// `hmmkit hmm fit --stream/--mpi --json`: the last line, after the iteration events.
struct StreamedHMMFitSummary: Encodable {
    let event = "summary"
    var iterations: Int, converged: Bool, logLikelihoodHistory: [Double], finalLogLikelihoodPerFrame: Double
    var states: Int, mixtures: Int, covariance: String, frames: Double, parameters: Int, processes: Int, seconds: Double
}

/// `hmmkit hmm score --json`.
struct HMMScores: Encodable {
    var files: [String], frames: [Int], logLikelihoods: [Double], total: Double
}

/// `hmmkit hmm decode --json`.
struct HMMDecodings: Encodable {
    var files: [String], logProbabilities: [Double], paths: [[Int]]
}

/// One line per iteration of a streamed fit with `--json` (``TrainingProgressPrinter``).
struct StreamedIterationEvent: Encodable {
    let event = "iteration"
    var iteration: Int, iterations: Int, frames: Double, framesPerSecond: Double
    var logLikelihood: Double, logLikelihoodPerFrame: Double, seconds: Double, elapsedSeconds: Double
    var remainingSecondsAtMost: Double, processes: Int
}

/// `hmmkit features --json`.
struct FeatureExtractionSummary: Encodable {
    var files: Int, failed: Int, frames: Int, audioSeconds: Double, wallSeconds: Double, timesRealTime: Double
}

/// `hmmkit acc-stats --json`.
struct AccumulationSummary: Encodable {
    var sequences: Int, frames: Int, logLikelihood: Double, shard: String
}

/// `hmmkit sum-accs --json`.
struct StatisticsSumSummary: Encodable {
    var files: Int, shards: Int, frames: Double, logLikelihood: Double
}

/// `hmmkit update --json`.
struct UpdateSummary: Encodable {
    var frames: Double, logLikelihood: Double, shards: Int
}

/// `hmmkit train --json`: the recognizer written, what training left out, and with `--split`
/// the test part's accuracy.
struct TrainingSummary: Encodable {
    var labels: [String], trainingFiles: Int, trainingSeconds: Double, recognizer: String, parameters: Int
    var unusableRecordings: [UnusableRecording]
    var testAccuracy: Double? = nil, testFiles: Int? = nil
}

/// The fields streamed training (`train --stream/--mpi`) adds to its ``TrainingSummary``.
struct StreamedTrainingSummary: Encodable {
    let event = "summary"
    var iterations: Int, converged: Bool, frames: Double, processes: Int, logLikelihoodHistory: [Double]
}

/// `hmmkit compare --json`: one row per configuration trained and tested.
struct ComparisonSummary: Encodable {
    var split: String, trainFiles: Int, testFiles: Int, results: [Row]

    struct Row: Encodable {
        var configuration: String, covariance: String, states: Int, mixtures: Int, accuracy: Double
        var trainLogLikelihoodPerFrame: Double, testLogLikelihoodPerFrame: Double, parameters: Int
        var trainSeconds: Double, recognitionSeconds: Double
    }
}

/// `hmmkit recognize --json`: one entry per file, in the order given, and the files' speakers.
struct RecognitionResults: Encodable {
    var results: [Entry]
    var speakers: SpeakerGrouping

    /// A file's label (`null` when rejected), its n-best list and warp factor, or why it failed.
    enum Entry: Encodable {
        case recognized(file: String, Recognition)
        case failed(file: String, error: String)

        private enum CodingKeys: String, CodingKey { case file, label, nBest, warpFactor, error }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case let .recognized(file, recognition):
                try container.encode(file, forKey: .file)
                try container.encode(recognition.label, forKey: .label)
                try container.encode(recognition.nBest, forKey: .nBest)
                try container.encodeIfPresent(recognition.warpFactor, forKey: .warpFactor)
            case let .failed(file, error):
                try container.encode(file, forKey: .file)
                try container.encode(error, forKey: .error)
            }
        }
    }
}

/// Two outputs' fields in one JSON object: the second's, when there is one, beside the first's.
struct MergedOutput<First: Encodable, Second: Encodable>: Encodable {
    var first: First
    var second: Second?

    func encode(to encoder: any Encoder) throws {
        try first.encode(to: encoder)
        try second?.encode(to: encoder)
    }
}
