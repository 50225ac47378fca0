import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing
@testable import HMMKitTraining

@Suite("MMI training of whole-word models")
struct DiscriminativeWordSetTests {
    /// Two confusable words: the synthetic three-segment sequences, the second word's shifted by
    /// 0.25 in every dimension (the noise is uniform in ±0.8), interleaved; and the ML-trained set.
    static func corpus() throws -> (source: InMemorySequences<Double>, chunk: SequenceChunk<Double>, set: DiscriminativeWordSet<Double>) {
        let a = TrainingTestData.sequences(count: 30, seed: 11)
        let b = TrainingTestData.sequences(count: 30, seed: 12).map { sequence in
            Matrix(rowCount: sequence.rowCount, columnCount: sequence.columnCount, elements: sequence.elements.map { $0 + 0.25 })
        }
        let sequences = zip(a, b).flatMap { [$0, $1] }
        let labels = sequences.indices.map { $0 % 2 == 0 ? "a" : "b" }
        let source = InMemorySequences(sequences, labels: labels)
        var driver = EMDriver<ModelSet<GMMHMM<Double>>>(
            updateOptions: HMMUpdateOptions(), options: EMOptions(iterationCount: 6, convergence: .totalLogLikelihoodGain(-.infinity)))
        driver.eStepOptions = HMMEStepOptions()
        let initial = try ModelSet(labels: ["a", "b"], models: [try TrainingTestData.model(a), try TrainingTestData.model(b)])
        let ml = try driver.train(from: .fresh(initial), source: source).model
        let (frames, lengths) = TrainingTestData.stacked(sequences)
        let chunk = SequenceChunk(frames: frames, lengths: lengths, indices: Array(lengths.indices), names: lengths.indices.map(String.init),
                                  labels: labels, ordinal: 0)
        return (source, chunk, try DiscriminativeWordSet(labels: ml.labels, models: ml.models))
    }

    /// MMI iterations increase the MMI objective on their training set, every iteration, and the
    /// models after the last one score it higher still; the training accuracy does not fall.
    @Test func mmiIncreasesTheObjective() throws {
        let (source, chunk, set) = try Self.corpus()
        var driver = EMDriver<DiscriminativeWordSet<Double>>(
            updateOptions: MMIUpdateOptions(), options: EMOptions(iterationCount: 4, convergence: .totalLogLikelihoodGain(-.infinity)))
        driver.eStepOptions = MMIEStepOptions(acousticScale: 0.5)
        var reports: [MMIUpdateReport] = []
        let fit = try driver.train(from: .fresh(set), source: source) { reports.append($0.report) }
        let objectives = fit.history.map(\.logLikelihood)
        let final = try fit.model.statistics(of: chunk, options: driver.eStepOptions, threadCount: 1, backend: .default)
        #expect(objectives.count == 4)
        for k in 1..<objectives.count { #expect(objectives[k] > objectives[k - 1], "\(objectives)") }
        #expect(final.objective > objectives.last!)
        #expect(reports.last!.accuracy >= reports.first!.accuracy)
        #expect(objectives.allSatisfy { $0 < 0 })
    }

    /// The E-step: the numerator is the ML statistics of each word over its own utterances
    /// (bitwise those of the model set); without a posterior floor the denominator weights sum
    /// to one per utterance (sequence and frame counts, 1e-12); statistics are bitwise the same
    /// on 1 and 3 threads and survive a round trip through their flat buffer.
    @Test func statisticsAreExactAndThreadIndependent() throws {
        let (_, chunk, set) = try Self.corpus()
        var options = MMIEStepOptions(acousticScale: 0.3, boost: 0.5)
        options.posteriorFloor = 0
        let statistics = try set.statistics(of: chunk, options: options, threadCount: 1, backend: .default)
        let numerator = try set.words.statistics(of: chunk, options: options.hmm, threadCount: 1, backend: .default)
        #expect(statistics.numerator.values == numerator.values)
        let sequences = statistics.denominator.parts.reduce(0) { $0 + $1.markov.sequenceCount }
        let frames = statistics.denominator.parts.reduce(0) { $0 + $1.markov.frameCount }
        #expect(abs(sequences - Double(chunk.lengths.count)) < 1e-12 * Double(chunk.lengths.count))
        #expect(abs(frames - statistics.frameCount) < 1e-12 * statistics.frameCount)
        #expect(statistics.utteranceCount == Double(chunk.lengths.count))
        #expect(statistics.consistencyProblem() == nil)
        let threaded = try set.statistics(of: chunk, options: options, threadCount: 3, backend: .default)
        #expect(threaded.values == statistics.values)
        var copy = set.emptyStatistics()
        try copy.replaceAll(with: statistics.values)
        #expect(copy.values == statistics.values)
        #expect(set.statisticsLayout.valueCount == statistics.values.count)
        #expect(throws: TrainingError.self) { try copy.replaceAll(with: [1, 2, 3]) }
    }

    /// The set's file form restores it exactly; an unlabelled utterance is named in the error.
    @Test func fileFormAndErrors() throws {
        let (_, chunk, set) = try Self.corpus()
        let copy = try DiscriminativeWordSet<Double>(fileContents: try set.fileContents(), path: "set", backend: .default)
        #expect(try copy.fileContents() == set.fileContents())
        var unlabelled = chunk
        unlabelled.labels[3] = nil
        #expect(throws: TrainingError.self) {
            try set.statistics(of: unlabelled, options: MMIEStepOptions(), threadCount: 1, backend: .default)
        }
    }
}
