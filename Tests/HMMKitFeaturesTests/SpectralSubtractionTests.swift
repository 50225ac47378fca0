import HMMKitFeatures
import HMMKitNumerics
import Testing
import Foundation

/// Spectral subtraction against its closed form: the noise estimate is the mean of the ⌈f·T⌉
/// frames of least total energy, each energy becomes max(E − α·N, β·N), then at least
/// 10^(−D/10) times the largest.
@Suite("Spectral subtraction")
struct SpectralSubtractionTests {
    /// Five frames of three bands; frame totals 6, 60, 3, 33, 6 — the quietest two are frames 2
    /// and 0 (frame 4 ties with frame 0 and comes later).
    static let mel = Matrix<Double>(rowCount: 5, columnCount: 3, elements: [
        1, 2, 3,
        10, 20, 30,
        1, 1, 1,
        3, 10, 20,
        2, 2, 2,
    ])
    static let energies: [Double] = [4, 50, 2, 30, 8]

    @Test func subtractionFollowsTheClosedForm() {
        let subtraction = SpectralSubtraction(noiseFrameFraction: 0.4, oversubtraction: 2, spectralFloor: 0.5)
        #expect(subtraction.noiseFrameCount(frames: 5) == 2)
        var mel = Self.mel, energies = Self.energies
        subtraction.apply(to: &mel, energies: &energies, includeEnergies: true)
        let noise = [(1.0 + 1) / 2, (2.0 + 1) / 2, (3.0 + 1) / 2], noiseEnergy = (4.0 + 2) / 2
        for t in 0..<5 {
            for b in 0..<3 {
                let expected = max(Self.mel[t, b] - 2 * noise[b], 0.5 * noise[b])
                #expect(mel[t, b] == expected, "frame \(t) band \(b)")
            }
            #expect(energies[t] == max(Self.energies[t] - 2 * noiseEnergy, 0.5 * noiseEnergy))
        }
    }

    @Test func dynamicRangeRaisesEverythingToTheFloorBelowTheLargest() {
        let subtraction = SpectralSubtraction(noiseFrameFraction: 0.2, oversubtraction: 1, spectralFloor: 0, dynamicRange: 10)
        var mel = Self.mel, energies = Self.energies
        subtraction.apply(to: &mel, energies: &energies, includeEnergies: true)
        // Noise: frame 2 alone (1, 1, 1; energy 2). Largest after subtraction: 30 − 1 = 29.
        for t in 0..<5 {
            for b in 0..<3 {
                #expect(mel[t, b] == max(Self.mel[t, b] - 1, 0.1 * 29), "frame \(t) band \(b)")
            }
            #expect(energies[t] == max(Self.energies[t] - 2, 0.1 * 48))
        }
    }

    /// With α = 0, β = 0 and no range floor the energies pass unchanged, so the features equal
    /// those of the front end without subtraction, bit for bit; with α = 1 they differ.
    @Test func noSubtractionLeavesTheFeaturesAsTheyAre() throws {
        var generator = SplitMix64(seed: 7)
        var signal = [Double](repeating: 0, count: 4000)
        for i in signal.indices {
            let loudness: Double = i > 1500 && i < 3000 ? 1 : 0.05
            let tone: Double = 0.3 * sin(Double(i) * 0.21) * loudness
            signal[i] = tone + Double.random(in: -0.01...0.01, using: &generator)
        }
        var plain = FeatureConfiguration.psf(sampleRate: 8000)
        plain.normalization = .utteranceMeanAndVariance
        var neutral = plain, active = plain
        neutral.noiseSubtraction = SpectralSubtraction(noiseFrameFraction: 0.1, oversubtraction: 0, spectralFloor: 0)
        active.noiseSubtraction = SpectralSubtraction()
        let reference = try MFCCExtractor<Double>(configuration: plain).features(of: signal)
        #expect(try MFCCExtractor<Double>(configuration: neutral).features(of: signal) == reference)
        #expect(try MFCCExtractor<Double>(configuration: active).features(of: signal) != reference)
    }

    @Test func emptyAndOneFrameUtterances() {
        let subtraction = SpectralSubtraction(noiseFrameFraction: 0.5, oversubtraction: 1, spectralFloor: 0.25)
        var empty = Matrix<Double>(rowCount: 0, columnCount: 3), none: [Double] = []
        subtraction.apply(to: &empty, energies: &none, includeEnergies: true)
        #expect(empty.rowCount == 0 && subtraction.noiseFrameCount(frames: 0) == 0)
        // One frame is its own noise: everything falls to β times itself.
        var one = Matrix<Double>(rowCount: 1, columnCount: 2, elements: [4, 8]), energy: [Double] = [12]
        subtraction.apply(to: &one, energies: &energy, includeEnergies: true)
        #expect(one.elements == [1, 2] && energy == [3])
    }

    @Test func validationNamesTheField() {
        var configuration = FeatureConfiguration.psf(sampleRate: 8000)
        configuration.noiseSubtraction = SpectralSubtraction(noiseFrameFraction: .nan, oversubtraction: -1,
                                                             spectralFloor: 2, dynamicRange: 0)
        let problems = configuration.problems()
        for field in ["noiseFrameFraction", "oversubtraction", "spectralFloor", "dynamicRange"] {
            #expect(problems.contains { $0.contains("noiseSubtraction.\(field)") }, "\(field) not named: \(problems)")
        }
        configuration.noiseSubtraction = SpectralSubtraction(dynamicRange: 40)
        #expect(configuration.problems().isEmpty)
    }

    /// A configuration written before the field existed loads without subtraction, and one with
    /// it survives a round trip.
    @Test func fileForm() throws {
        var configuration = FeatureConfiguration.psf(sampleRate: 8000)
        let old = try JSONEncoder().encode(configuration)
        #expect(!String(decoding: old, as: UTF8.self).contains("noiseSubtraction"))
        #expect(try JSONDecoder().decode(FeatureConfiguration.self, from: old).noiseSubtraction == nil)
        configuration.noiseSubtraction = SpectralSubtraction(noiseFrameFraction: 0.2, oversubtraction: 1.5,
                                                             spectralFloor: 0.05, dynamicRange: 35)
        let data = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(FeatureConfiguration.self, from: data) == configuration)
    }
}
