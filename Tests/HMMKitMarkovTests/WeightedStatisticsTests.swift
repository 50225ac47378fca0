import HMMKitMarkov
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Statistics of weighted sequences (the denominator of MMI training) on the FSDD frames of the
/// hmmlearn fixtures.
@Suite("Weighted HMM statistics")
struct WeightedStatisticsTests {
    /// Unit weights give the unweighted statistics bitwise; weight w on a sequence gives w times
    /// its statistics; weight 2 equals the sequence twice; the result does not depend on the
    /// thread count (bitwise). Tolerance 1e-12: the weighted sums round in another order.
    @Test func weightsScaleEachSequence() throws {
        let model = try HiddenMarkovModelRobustnessTests.model()
        let (frames, lengths) = try HMMLearnFixtures.data()
        let plain = try model.statistics(of: frames, lengths: lengths)
        #expect(try model.statistics(of: frames, lengths: lengths, weights: lengths.map { _ in 1 }).values == plain.values)

        // Sequence 0 weighted 0.25, sequence 1 weighted 2, the others 0: 0.25 × stats(0) + stats(1) twice.
        var weights = [Double](repeating: 0, count: lengths.count)
        weights[0] = 0.25
        weights[1] = 2
        let weighted = try model.statistics(of: frames, lengths: lengths, weights: weights, threadCount: 1)
        #expect(try model.statistics(of: frames, lengths: lengths, weights: weights, threadCount: 3).values == weighted.values)
        let first = frames.rows(0..<lengths[0]), second = frames.rows(lengths[0]..<(lengths[0] + lengths[1]))
        var expected = model.emptyStatistics()
        try expected.add(try model.statistics(of: [first]), scale: 0.25)
        try expected.add(try model.statistics(of: [second, second]))
        // The emissions' own frame count counts frames seen, not weighted (documented); compare the rest.
        let e = expected.emissions.values, w = weighted.emissions.values
        #expect(relativeError(weighted.markov.values, expected.markov.values) < 1e-12)
        #expect(relativeError(w[2...], e[2...]) < 1e-12)
    }

    /// Weights that are not one finite, non-negative value per sequence are refused.
    @Test func badWeightsThrow() throws {
        let model = try HiddenMarkovModelRobustnessTests.model()
        let (frames, lengths) = try HMMLearnFixtures.data()
        for weights in [[1.0], lengths.map { _ in -1.0 }, lengths.map { _ in Double.nan }] {
            #expect(throws: HMMError.self) { try model.statistics(of: frames, lengths: lengths, weights: weights) }
        }
    }
}
