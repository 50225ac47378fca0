import HMMKitFeatures
import HMMKitNumerics
import Testing
import Foundation

/// The CMVN prior against its closed form: a recording of n frames normalised with a prior of τ
/// frames of corpus statistics (mean m, second moment s) has mean (Σx + τ·m)/(n + τ) and
/// variance (Σx² + τ·s)/(n + τ) − mean².
@Suite("Cepstral normalisation prior")
struct CepstralPriorTests {
    static let frames = Matrix<Double>(rowCount: 4, columnCount: 2, elements: [1, 10, 2, 12, 4, 11, 5, 15])
    static let corpus = Matrix<Double>(rowCount: 3, columnCount: 2, elements: [0, 20, 3, 22, -3, 24])

    @Test func blendedStatisticsFollowTheClosedForm() {
        let tau = 6
        let prior = CepstralPrior(statistics: CepstralStatistics(Self.corpus), frames: tau)
        let blended = CepstralStatistics(Self.frames).adding(prior)
        for column in 0..<2 {
            let own = (0..<4).map { Self.frames[$0, column] }, pool = (0..<3).map { Self.corpus[$0, column] }
            let m = pool.reduce(0, +) / 3, s = pool.map { $0 * $0 }.reduce(0, +) / 3
            let mean = (own.reduce(0, +) + Double(tau) * m) / Double(4 + tau)
            let variance = (own.map { $0 * $0 }.reduce(0, +) + Double(tau) * s) / Double(4 + tau) - mean * mean
            #expect(abs(blended.means[column] - mean) <= 1e-12 * abs(mean))
            #expect(abs(blended.deviations[column] - variance.squareRoot()) <= 1e-12 * variance.squareRoot())
        }
        #expect(blended.frameCount == 4 + tau)
    }

    /// A lone copy is normalised with its statistics plus the prior's; a prior of no frames, or
    /// no prior, is plain per-utterance CMVN, bit for bit; a group's statistics get the prior too.
    @Test func groupNormalizationUsesThePrior() {
        let prior = CepstralPrior(statistics: CepstralStatistics(Self.corpus), frames: 6)
        var withPrior = Self.frames, plain = Self.frames, zero = Self.frames
        CepstralGroupNormalization(fallback: .utteranceMeanAndVariance, prior: prior).apply(to: &withPrior, group: nil)
        CepstralGroupNormalization(fallback: .utteranceMeanAndVariance).apply(to: &plain, group: nil)
        CepstralGroupNormalization(fallback: .utteranceMeanAndVariance, prior: CepstralPrior(statistics: prior.statistics, frames: 0))
            .apply(to: &zero, group: nil)
        var expected = Self.frames
        CepstralStatistics(Self.frames).adding(prior).apply(to: &expected, dividingByDeviation: true)
        #expect(withPrior == expected && withPrior != plain)
        #expect(zero == plain)

        var meanOnly = Self.frames, expectedMean = Self.frames
        CepstralGroupNormalization(fallback: .utteranceMean, prior: prior).apply(to: &meanOnly, group: nil)
        CepstralStatistics(Self.frames).adding(prior).apply(to: &expectedMean, dividingByDeviation: false)
        #expect(meanOnly == expectedMean)
        var none = Self.frames
        CepstralGroupNormalization(fallback: .none, prior: prior).apply(to: &none, group: nil)
        #expect(none == Self.frames, "no normalisation stays none")

        var normalization = CepstralGroupNormalization(fallback: .utteranceMeanAndVariance, prior: prior)
        normalization.groups["george"] = CepstralStatistics(Self.frames)
        var grouped = Self.frames
        normalization.apply(to: &grouped, group: "george")
        #expect(grouped == expected)
    }

    /// Statistics read from a file must have one square per sum and no negative frame count.
    @Test func decodingRefusesInconsistentStatistics() throws {
        let good = try JSONEncoder().encode(CepstralStatistics(Self.frames))
        #expect(try JSONDecoder().decode(CepstralStatistics.self, from: good) == CepstralStatistics(Self.frames))
        for bad in [#"{"frameCount":4,"sums":[1,2],"squares":[1]}"#, #"{"frameCount":-1,"sums":[1],"squares":[1]}"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(CepstralStatistics.self, from: Data(bad.utf8)) }
        }
        #expect(CepstralPrior(statistics: CepstralStatistics(dimension: 2), frames: 5).problems().count == 1)
        #expect(CepstralPrior(statistics: CepstralStatistics(Self.frames), frames: -1).problems().count == 1)
    }
}
