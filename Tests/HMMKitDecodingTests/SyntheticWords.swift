import HMMKitDecoding
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport

/// Small left-to-right word models in 2 dimensions whose states sit far apart, and utterances
/// drawn from them with known word boundaries.
struct SyntheticWords {
    let words: [String]
    let models: [GMMHMM<Double>]

    /// `count` words of `states` states each; state s of word w has mean (4w, 4s) and unit variances.
    init(count: Int, states: Int = 3) throws {
        words = (0..<count).map { "w\($0)" }
        models = try (0..<count).map { w in
            let mixtures = try (0..<states).map { s in
                try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[4 * Double(w), 4 * Double(s)]]),
                                            covariances: .diagonal(Matrix(rows: [[1, 1]])))
            }
            return try GMMHMM(chain: MarkovChain(uniform: .leftToRight(maximumJump: 1), stateCount: states),
                              emissions: MixtureEmissions(mixtures))
        }
    }

    /// Frames of the word sequence `sequence` (indices into ``words``), each state held for 2–4
    /// frames; returns the frames and each word's first frame.
    func utterance(_ sequence: [Int], seed: UInt64) -> (frames: Matrix<Double>, starts: [Int]) {
        var generator = SeededGenerator(seed: seed)
        var rows: [[Double]] = [], starts: [Int] = []
        for w in sequence {
            starts.append(rows.count)
            var path: [Int] = []
            for s in 0..<models[w].stateCount { path += Array(repeating: s, count: Int.random(in: 2...4, using: &generator)) }
            let frames = models[w].emissions.sample(states: path, using: &generator)
            rows += (0..<frames.rowCount).map { Array(frames[row: $0]) }
        }
        return (Matrix(rows: rows), starts)
    }

    /// Frames stacked from `parts` in order.
    static func concatenate(_ parts: [Matrix<Double>]) -> Matrix<Double> {
        Matrix(rows: parts.flatMap { part in (0..<part.rowCount).map { Array(part[row: $0]) } })
    }
}
