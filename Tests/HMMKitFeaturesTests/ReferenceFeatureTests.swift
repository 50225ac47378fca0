import Foundation
import HMMKitAudio
import HMMKitFeatures
import HMMKitMatrixFiles

import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// The committed fixtures: 26 FSDD recordings and each reference tool's features for them,
/// made by Tools/references/make_feature_references.py in the peers' environment.
enum FeatureFixtures {
    static let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static var stems: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("audio").path)) ?? []
        return files.filter { $0.hasSuffix(".wav") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func audio(_ stem: String) throws -> AudioSignal {
        try AudioDecoder.read(url: root.appendingPathComponent("audio/\(stem).wav"))
    }

    static func reference(_ tool: String, _ stem: String, statics: Bool = false) throws -> Matrix<Double> {
        try NumPyFile.read(Double.self, from: root.appendingPathComponent(
            "references/\(tool)/\(stem)\(statics ? ".mfcc13" : "").npy"))
    }
}

@Suite("Presets reproduce the reference tools on real FSDD audio")
struct ReferenceFeatureTests {
    /// (preset, fixture folder, tolerance on max |ours − ref| / max |ref| in Double, in Float).
    /// Double: psf's reference is float64 like us, so only summation order differs (measured
    /// ≈ 7e-15; bound 1e-12). librosa and kaldi-native-fbank compute in float32 (2^-24 ≈ 6e-8 per
    /// operation, amplified where the log meets small filterbank energies): measured 3e-7 and 3.4e-6,
    /// bounds 1e-5 and 5e-5. Float: our own float32 rounding comes on top; the issue's bounds
    /// (1e-4 for psf, 1e-3 for the float32 tools) apply.
    static let cases: [(FeatureConfiguration.Preset, String, Double, Double)] = [
        (.psf, "psf", 1e-12, 1e-4), (.librosa, "librosa", 1e-5, 1e-3), (.kaldi, "kaldi", 5e-5, 1e-3),
    ]

    @Test("39-dim features: same frame count, relative error within the issue's bound",
          arguments: [0, 1, 2], [ComputeBackend.accelerated, .reference])
    func matchesReference(caseIndex: Int, backend: ComputeBackend) throws {
        let (_, _, doubleTolerance, floatTolerance) = Self.cases[caseIndex]
        try compare(Double.self, caseIndex: caseIndex, backend: backend, tolerance: doubleTolerance)
        try compare(Float.self, caseIndex: caseIndex, backend: backend, tolerance: floatTolerance)
    }

    func compare<S: MatrixScalar>(_: S.Type, caseIndex: Int, backend: ComputeBackend, tolerance: Double) throws {
        let (preset, tool, _, _) = Self.cases[caseIndex]
        let stems = FeatureFixtures.stems
        #expect(stems.count >= 20)
        let extractor = try MFCCExtractor<S>(configuration: preset.configuration(sampleRate: 8000), backend: backend)
        var worst = 0.0
        for stem in stems {
            let signal = try FeatureFixtures.audio(stem)
            let ours = try extractor.features(of: signal.samples, source: stem)
            let reference = try FeatureFixtures.reference(tool, stem)
            #expect(ours.rowCount == reference.rowCount, "\(tool) \(stem): frame count")
            #expect(ours.columnCount == 39)
            guard ours.rowCount == reference.rowCount else { continue }
            let error = relativeError(ours.elements, reference.elements)
            worst = max(worst, error)
            #expect(error <= tolerance, "\(tool) \(stem): relative error \(error)")
        }
        print("\(tool) [\(S.self), \(backend)]: worst relative error over \(stems.count) files \(worst)")
    }
}
