import Foundation
import HMMKitFeatures
import Testing

/// The blind SNR estimate against its closed form: with frame powers p₁…p_T (mean square about
/// each frame's mean), P their mean and N the mean of the ⌈f·T⌉ smallest, 10·log10((P − N)/N).
@Suite("Blind SNR estimate")
struct SignalToNoiseEstimateTests {
    /// Frames of ±amplitude (mean 0, power amplitude²), `frameLength` samples each.
    static func signal(_ amplitudes: [Double], frameLength: Int) -> [Double] {
        amplitudes.flatMap { a in (0..<frameLength).map { $0 % 2 == 0 ? a : -a } }
    }

    static func estimate(length: Int, fraction: Double = 0.1) -> SignalToNoiseEstimate {
        var estimate = SignalToNoiseEstimate(sampleRate: 8000)
        estimate.frameLength = length
        estimate.frameShift = length
        estimate.noiseFrameFraction = fraction
        return estimate
    }

    @Test func followsTheClosedForm() throws {
        #expect(SignalToNoiseEstimate(sampleRate: 8000).frameLength == 200 && SignalToNoiseEstimate(sampleRate: 8000).frameShift == 80)
        // Ten frames: one of amplitude 1, nine of amplitude 3: P = (1 + 9·9)/10 = 8.2, N = 1.
        let samples = Self.signal([3, 3, 3, 3, 1, 3, 3, 3, 3, 3], frameLength: 4)
        let db = try #require(Self.estimate(length: 4).decibels(of: samples))
        #expect(abs(db - 10 * log10(7.2)) < 1e-12)
        // A fifth of the frames (two: amplitudes 1 and 2): N = 2.5, P = (1 + 4 + 8·9)/10 = 7.7.
        let two = Self.signal([3, 3, 2, 3, 1, 3, 3, 3, 3, 3], frameLength: 4)
        let db2 = try #require(Self.estimate(length: 4, fraction: 0.2).decibels(of: two))
        #expect(abs(db2 - 10 * log10((7.7 - 2.5) / 2.5)) < 1e-12)
        // A DC offset is removed frame by frame.
        let shifted = samples.map { $0 + 0.5 }
        #expect(abs(try #require(Self.estimate(length: 4).decibels(of: shifted)) - db) < 1e-12)
    }

    @Test func limits() {
        let estimate = Self.estimate(length: 4)
        #expect(estimate.decibels(of: []) == nil)
        #expect(estimate.decibels(of: [Double](repeating: 0, count: 40)) == nil, "silence has no SNR")
        #expect(estimate.decibels(of: Self.signal([0, 1, 1, 1, 1, 1, 1, 1, 1, 1], frameLength: 4)) == .infinity)
        #expect(estimate.decibels(of: Self.signal([2, 2, 2, 2], frameLength: 4)) == -.infinity, "no power above the noise")
        // Shorter than a frame: one frame of all samples, its own noise.
        #expect(estimate.decibels(of: [1, -1]) == -.infinity)
    }
}
