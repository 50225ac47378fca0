import Foundation
import HMMKitFeatures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// `frameCentreSeconds` against where the front end actually looks: a 5 ms tone burst in faint
/// noise lifts the energy (first cepstral column) of the frames whose windows hold it most, and
/// those frames' centres must surround the burst.
@Suite struct FrameTimeTests {
    @Test(arguments: ["kaldi", "librosa", "psf"])
    func framesAreCentredWhereTheyLook(preset: String) throws {
        let rate = 8_000.0
        var configuration = preset == "kaldi" ? FeatureConfiguration.kaldi(sampleRate: rate)
            : preset == "librosa" ? FeatureConfiguration.librosa(sampleRate: rate) : FeatureConfiguration.psf(sampleRate: rate)
        configuration.dither = 0
        let extractor = try MFCCExtractor<Double>(configuration: configuration)
        let shift = Double(configuration.frameShift.samples(atRate: rate)) / rate
        var generator = SeededGenerator(seed: 7)
        for burstStart in [1_203, 2_000, 2_437, 3_111] {
            var samples = (0..<6_000).map { _ in Double.random(in: -1e-4...1e-4, using: &generator) }
            for i in 0..<40 { samples[burstStart + i] += 0.5 * sin(2 * Double.pi * 1_000 * Double(i) / rate) }
            let cepstra = try extractor.staticFeatures(of: samples)
            let energies = (0..<cepstra.rowCount).map { cepstra[$0, 0] }
            let peak = energies.max()!, floor = energies.sorted()[energies.count / 2]
            // The frames holding the whole burst (a plateau for unwindowed energies) or the one
            // whose window weighs it most.
            let loudest = energies.indices.filter { energies[$0] >= peak - 0.02 * (peak - floor) }
            let centre = loudest.map { configuration.frameCentreSeconds($0) }.reduce(0, +) / Double(loudest.count)
            let burstCentre = (Double(burstStart) + 20) / rate
            #expect(abs(centre - burstCentre) <= shift / 2, "\(preset): burst at \(burstCentre) s, frames \(loudest) centred at \(centre) s")
        }
    }

    /// Boundaries halfway between window centres, closed form at 8 kHz: a 25 ms window every
    /// 10 ms starting at t × shift (psf) puts the boundary before frame t at t × 10 + 7.5 ms; a
    /// window centred at t × hop (librosa) at (t − ½) × hop; frame 0's boundary is the audio's start.
    @Test func boundariesLieHalfwayBetweenCentres() {
        let psf = FeatureConfiguration.psf(sampleRate: 8_000)
        #expect(psf.frameBoundarySeconds(0) == 0)
        for t in [1, 2, 37, 500] { #expect(abs(psf.frameBoundarySeconds(t) - (Double(t) * 0.010 + 0.0075)) < 1e-12) }
        let librosa = FeatureConfiguration.librosa(sampleRate: 8_000)
        let hop = librosa.frameShiftSeconds
        #expect(librosa.frameBoundarySeconds(0) == 0)
        for t in [1, 2, 37] { #expect(abs(librosa.frameBoundarySeconds(t) - (Double(t) - 0.5) * hop) < 1e-12) }
    }
}
