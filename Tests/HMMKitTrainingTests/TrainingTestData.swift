import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
@testable import HMMKitTraining

/// Synthetic corpora for the streaming tests: sequences of 3 segments with different means plus
/// seeded noise (what a left-to-right HMM models), of random lengths.
enum TrainingTestData {
    static func sequences(count: Int, dimension: Int = 4, lengths: ClosedRange<Int> = 12...40, seed: UInt64 = 1) -> [Matrix<Double>] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let length = Int.random(in: lengths, using: &generator)
            var matrix = Matrix<Double>(rowCount: length, columnCount: dimension)
            for t in 0..<length {
                let segment = Double(min(3 * t / length, 2))
                for j in 0..<dimension {
                    matrix[t, j] = (segment - 1) * Double(j + 1) + Double.random(in: -0.8...0.8, using: &generator)
                }
            }
            return matrix
        }
    }

    /// A 3-state left-to-right GMM-HMM with 2 diagonal components per state, initialised from `sequences`.
    static func model(_ sequences: [Matrix<Double>], covariance: CovarianceType = .diagonal) throws -> GMMHMM<Double> {
        var trainer = HMMTrainer<Double>(stateCount: 3, componentsPerState: 2, covarianceType: covariance,
                                         topology: .leftToRight(maximumJump: 0))
        trainer.seed = 3
        let source = InMemorySequences(sequences)
        let sample = try SequenceSample.draw(from: source, frameBudget: .max, seed: 0)
        let (frames, lengths) = sample.stacked
        let initial = try trainer.initialModel(frames, lengths: lengths)
        // Through the file form, as streaming training starts.
        return try GMMHMM<Double>(fileContents: try initial.fileContents(), path: "test", backend: .default)
    }

    static func stacked(_ sequences: [Matrix<Double>]) -> (Matrix<Double>, [Int]) {
        let d = sequences[0].columnCount
        return (Matrix(rowCount: sequences.reduce(0) { $0 + $1.rowCount }, columnCount: d, elements: sequences.flatMap(\.elements)),
                sequences.map(\.rowCount))
    }

    /// Every parameter of an HMM, flattened (start, transitions, weights, means, covariances).
    static func parameters(_ model: GMMHMM<Double>) -> [Double] {
        var values = model.chain.startProbabilities + model.chain.transitions.elements + model.weights.elements + model.means.elements
        if case .diagonal(let v) = model.covariances { values += v.elements }
        return values
    }
}

/// A source that fails at sequence `failAt` (after delivering the ones before it).
struct FailingSource: SequenceSource {
    struct Broken: Error, Equatable, CustomStringConvertible { var description: String { "sequence file broken.npy is damaged" } }
    let sequences: [Matrix<Double>]
    let failAt: Int

    func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<Double>) throws -> Void) throws {
        for index in sequences.indices where shard.contains(index) {
            if index == failAt { throw Broken() }
            try body(SequenceRecord(index: index, name: "s\(index)", frames: sequences[index]))
        }
    }
}
