import Foundation
import HMMKitFeatures
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite("VTLN: Kaldi's piecewise-linear warp of the filterbank")
struct VTLNWarpTests {
    /// One case of Fixtures/references/vtln/manifest.json (Tools/references/make_vtln_references.py).
    struct Case: Decodable {
        let file: String
        let sample_rate: Double
        let num_bins: Int
        let low_freq: Double
        let high_freq: Double
        let vtln_low: Double
        let vtln_high: Double
        let vtln_warp: Double
    }

    static let folder = FeatureFixtures.root.appendingPathComponent("references/vtln")

    static var cases: [Case] {
        struct Manifest: Decodable { let cases: [Case] }
        let data = (try? Data(contentsOf: folder.appendingPathComponent("manifest.json"))) ?? Data()
        return (try? JSONDecoder().decode(Manifest.self, from: data))?.cases ?? []
    }

    /// kaldi-native-fbank's `MelBanks(opts, frame_opts, vtln_warp).get_matrix()` against ours.
    /// knf computes in float32: each weight `(mel − left)/(centre − left)` carries a few float32
    /// rounding errors of mel values near 1e3 (≈ 6e-5 mel each) over triangles 50–120 mel wide, so
    /// about 1e-6 per weight, and a bin whose mel lies within float32 rounding of a corner may be
    /// in or out of the triangle (weight below 1e-5 either way). Bound: 2e-5 absolute on weights in
    /// [0, 1]; measured 9.0e-6.
    @Test("Kaldi-layout filterbank with a warp matches kaldi-native-fbank (2e-5 absolute)")
    func matchesKaldiNativeFbank() throws {
        let cases = Self.cases
        #expect(cases.count == 15)
        var worst = 0.0
        for item in cases {
            var configuration = FeatureConfiguration.kaldi(sampleRate: item.sample_rate)
            configuration.melBinCount = item.num_bins
            configuration.lowFrequency = item.low_freq
            configuration.highFrequency = item.high_freq
            configuration.vtlnWarp = VTLNWarp(factor: item.vtln_warp, lowCutoff: item.vtln_low, highCutoff: item.vtln_high)
            let ours = try MFCCExtractor<Double>(configuration: configuration).filterbank.denseMatrix
            let reference = try NumPyFile.read(Double.self, from: Self.folder.appendingPathComponent(item.file))
            #expect(ours.rowCount == reference.rowCount && ours.columnCount == reference.columnCount, "\(item.file)")
            guard ours.rowCount == reference.rowCount && ours.columnCount == reference.columnCount else { continue }
            let error = zip(ours.elements, reference.elements).map { abs($0 - $1) }.max() ?? 0
            worst = max(worst, error)
            #expect(error <= 2e-5, "\(item.file): largest weight difference \(error)")
        }
        print("VTLN filterbanks against kaldi-native-fbank: worst absolute weight difference \(worst)")
    }

    /// Kaldi's warp function: both ends fixed, `f / α` between the inflection points, continuous,
    /// increasing; frequencies outside the band unchanged.
    @Test(arguments: [0.8, 0.9, 1.0, 1.1, 1.2])
    func warpFunctionShape(factor: Double) throws {
        let warp = VTLNWarp(factor: factor)  // Kaldi's cut-offs: 100 Hz and Nyquist − 500 Hz
        func f(_ hz: Double) throws -> Double { try warp.warp(hz, lowFrequency: 20, highFrequency: 4000, nyquist: 4000) }
        #expect(try abs(f(20) - 20) < 1e-12)
        #expect(try abs(f(4000) - 4000) < 1e-9)
        #expect(try f(10) == 10 && f(4100) == 4100)
        let l = 100 * max(1, factor), h = 3500 * min(1, factor)
        for hz in stride(from: l, through: h, by: (h - l) / 7) {
            #expect(try abs(f(hz) - hz / factor) < 1e-9 * hz)
        }
        var previous = -Double.infinity
        for hz in stride(from: 20.0, through: 4000, by: 0.5) {
            let value = try f(hz)
            #expect(value > previous)
            #expect(abs(value - previous) < 0.5 * 2.5 || previous == -.infinity)  // continuous: slopes stay below 2.5 here
            previous = value
        }
    }

    /// A factor of exactly 1 is the front end without a warp, bit for bit, in every preset.
    @Test(arguments: FeatureConfiguration.Preset.allCases)
    func factorOneIsIdentity(preset: FeatureConfiguration.Preset) throws {
        let plain = preset.configuration(sampleRate: 8000)
        var warped = plain
        warped.vtlnWarp = VTLNWarp(factor: 1)
        #expect(try MFCCExtractor<Double>(configuration: warped).filterbank == MFCCExtractor<Double>(configuration: plain).filterbank)
        let signal = try FeatureFixtures.audio(FeatureFixtures.stems[0])
        let a = try MFCCExtractor<Double>(configuration: plain).features(of: signal.samples)
        let b = try MFCCExtractor<Double>(configuration: warped).features(of: signal.samples)
        #expect(a.elements == b.elements)
        // And a front end with per-signal factors of 1 gives the same matrices.
        let frontEnd = try FrontEnd(configuration: plain, threadCount: 2)
        let results = frontEnd.features(ofSignals: [signal.samples, signal.samples], warpFactors: [1, 1])
        #expect(results.map { $0.copies.map(\.frames.elements) } == [[a.elements], [a.elements]])
    }

    /// In every layout, a factor below 1 moves the filters up and above 1 down; a factor close to
    /// 1 changes the filterbank only a little (the integer-bin layout's corners move continuously).
    @Test(arguments: FeatureConfiguration.Preset.allCases)
    func filtersMoveWithTheFactor(preset: FeatureConfiguration.Preset) throws {
        func centres(_ factor: Double?) throws -> ([Double], Matrix<Double>) {
            var configuration = preset.configuration(sampleRate: 8000)
            configuration.vtlnWarp = factor.map { VTLNWarp(factor: $0) }
            let dense = try MFCCExtractor<Double>(configuration: configuration).filterbank.denseMatrix
            let centres = (0..<dense.rowCount).map { row in
                let weights = (0..<dense.columnCount).map { dense[row, $0] }
                return zip(weights, weights.indices).reduce(0) { $0 + $1.0 * Double($1.1) } / weights.reduce(0, +)
            }
            return (centres, dense)
        }
        let (base, baseMatrix) = try centres(nil)
        let (up, _) = try centres(0.9)
        let (down, _) = try centres(1.1)
        let middle = base.indices.dropFirst(2).dropLast(3)
        #expect(middle.allSatisfy { up[$0] > base[$0] && down[$0] < base[$0] }, "\(preset)")
        // In the middle of the band the centres move by about 1/α (within a bin's rounding).
        for index in middle where base[index] > 20 {
            #expect(abs(up[index] / base[index] - 1 / 0.9) < 0.05, "\(preset) filter \(index)")
        }
        let (_, near) = try centres(1.001)
        let change = zip(near.elements, baseMatrix.elements).map { abs($0 - $1) }.max()!
        #expect(change > 0 && change < 0.1, "\(preset): factor 1.001 changes weights by \(change)")
    }

    @Test func badWarpsAreNamed() {
        var configuration = FeatureConfiguration.psf(sampleRate: 8000)
        for warp in [VTLNWarp(factor: 0), VTLNWarp(factor: -1), VTLNWarp(factor: .nan), VTLNWarp(factor: 0.9, lowCutoff: 0),
                     VTLNWarp(factor: 0.9, highCutoff: 4500), VTLNWarp(factor: 1.1, lowCutoff: 3000, highCutoff: 2000),
                     VTLNWarp(factor: 40)] {
            configuration.vtlnWarp = warp
            #expect(throws: FeatureError.self, "\(warp)") { try MFCCExtractor<Double>(configuration: configuration) }
            do { _ = try MFCCExtractor<Double>(configuration: configuration) } catch {
                #expect("\(error)".contains("VTLN"), "\(error)")
            }
        }
    }

    /// An old configuration (no `vtlnWarp` key) decodes with no warp; a warped one round-trips.
    @Test func codable() throws {
        var configuration = FeatureConfiguration.psf(sampleRate: 8000)
        let plain = try JSONEncoder().encode(configuration)
        #expect(!String(decoding: plain, as: UTF8.self).contains("vtln"))
        #expect(try JSONDecoder().decode(FeatureConfiguration.self, from: plain) == configuration)
        configuration.vtlnWarp = VTLNWarp(factor: 0.92, lowCutoff: 120, highCutoff: -400)
        let warped = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(FeatureConfiguration.self, from: warped) == configuration)
    }
}
