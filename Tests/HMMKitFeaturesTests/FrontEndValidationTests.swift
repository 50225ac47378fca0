import Foundation
import HMMKitAudio
@testable import HMMKitFeatures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// `FeatureConfiguration.validate()` refuses every out-of-range field (as a recognizer file or
/// an option can give it) with a message naming the field and value, before anything is sized
/// from it; and the extractor never returns a NaN or an infinity.
/// Kaldi's front end at 16 kHz with one change.
func changed(_ change: (inout FeatureConfiguration) -> Void) -> FeatureConfiguration {
    var configuration = FeatureConfiguration.kaldi(sampleRate: 16_000)
    change(&configuration)
    return configuration
}

@Suite("Front-end configuration ranges and finite features")
struct FrontEndValidationTests {
    /// The message of the error `configuration` is refused with, or nil when it is accepted.
    func refusal(_ configuration: FeatureConfiguration) -> String? {
        do {
            try configuration.validate()
            return nil
        } catch {
            guard case .invalidConfiguration(let message) = error else { return "\(error)" }
            return message
        }
    }

    @Test(arguments: [8000.0, 16_000, 22_050, 44_100, 48_000])
    func presetsAreValid(rate: Double) throws {
        for preset in FeatureConfiguration.Preset.allCases {
            let configuration = preset.configuration(sampleRate: rate)
            #expect(configuration.problems().isEmpty, "\(preset) at \(rate) Hz: \(configuration.problems())")
            _ = try MFCCExtractor<Float>(configuration: configuration)
        }
    }

    /// The recognizer-file reproducers of the issue, and the neighbours of every range.
    @Test(arguments: [
        (changed { $0.fftSize = .exactly(1 << 62) }, "fftSize must be in 1…262144 (got 4611686018427387904)"),
        (changed { $0.fftSize = .exactly(1 << 40) }, "fftSize must be in 1…262144"),
        (changed { $0.fftSize = .exactly(0) }, "fftSize must be in 1…262144 (got 0)"),
        (changed { $0.fftSize = .exactly(300) }, "fftSize 300 is shorter than the frame length 400 samples"),
        (changed { $0.frameShift = .milliseconds(1e30) }, "frameShift must be 1…262144 samples"),
        (changed { $0.frameLength = .milliseconds(1e30) }, "frameLength must be 1…262144 samples"),
        (changed { $0.frameLength = .milliseconds(.infinity) }, "frameLength must be 1…262144 samples at 16000.0 Hz (got inf ms)"),
        (changed { $0.frameLength = .milliseconds(.nan) }, "(got nan ms)"),
        (changed { $0.frameShift = .milliseconds(-10) }, "frameShift must be 1…262144 samples"),
        (changed { $0.frameLength = .samples(Int.min) }, "frameLength must be 1…262144 samples (got \(Int.min) samples)"),
        (changed { $0.frameShift = .samples(Int.max) }, "frameShift must be 1…262144 samples"),
        (changed { $0.deltas = .regression(window: 1_000_000_000) }, "the delta window must be in 1…50 frames (got 1000000000)"),
        (changed { $0.deltas = .repeatedRegression(window: 0) }, "the delta window must be in 1…50 frames (got 0)"),
        (changed { $0.deltas = .savitzkyGolay(width: 103) }, "the Savitzky-Golay width must be odd and in 3…101 frames (got 103)"),
        (changed { $0.deltas = .savitzkyGolay(width: 4) }, "(got 4)"),
        (changed { $0.deltaOrder = 3 }, "deltaOrder must be 0, 1 or 2 (got 3)"),
        (changed { $0.melBinCount = Int.max }, "melBinCount must be in 1…512 (got \(Int.max))"),
        (changed { $0.melBinCount = 1 << 62 }, "melBinCount must be in 1…512"),
        (changed { $0.sampleRate = 2_147_483_648 }, "sampleRate must be in (0, 768000.0] Hz (got 2147483648.0)"),
        (changed { $0.sampleRate = .nan }, "sampleRate must be in (0, 768000.0] Hz (got nan)"),
        (changed { $0.sampleRate = 0 }, "sampleRate must be in (0, 768000.0] Hz (got 0.0)"),
        (changed { $0.inputScale = 1e308 }, "inputScale must be in"),
        (changed { $0.inputScale = .nan }, "inputScale must be in"),
        (changed { $0.inputScale = -1 }, "(got -1.0)"),
        (changed { $0.dither = 1e308 }, "dither must be in 0…65536.0 (got 1e+308)"),
        (changed { $0.dither = -1 }, "dither must be in"),
        (changed { $0.preemphasis = .nan }, "preemphasis must be in 0…1 (got nan)"),
        (changed { $0.lowFrequency = .infinity }, "lowFrequency must be a finite number ≥ 0 Hz (got inf)"),
        (changed { $0.highFrequency = -.infinity }, "highFrequency must be finite (got -inf)"),
        (changed { $0.highFrequency = 9000 }, "0 ≤ lowFrequency < highFrequency ≤ Nyquist (8000.0 Hz)"),
        (changed { $0.vtlnWarp = VTLNWarp(factor: 40) }, "the VTLN warp factor (vtlnWarp.factor) must be in 0.5…2.0 (got 40.0)"),
        (changed { $0.vtlnWarp = VTLNWarp(factor: 1, lowCutoff: .nan) }, "the VTLN cut-offs must be finite"),
        (changed { $0.vtlnWarp = VTLNWarp(factor: 0.9, highCutoff: 9000) }, "VTLN cut-offs must satisfy"),
        (changed { $0.logarithm = .natural(floor: 0) }, "the natural log's floor must be in"),
        (changed { $0.logarithm = .decibel(amin: 1e-10, topDB: .infinity) }, "topDB must be a finite number ≥ 0 (got inf)"),
        (changed { $0.logarithm = .decibel(amin: 1e300, topDB: 80) }, "the decibel amin must be in"),
        (changed { $0.cepstrumCount = 24 }, "cepstrumCount must be in 1…melBinCount (23); got 24"),
        (changed { $0.lifter = .htk(1e-300) }, "the lifter coefficient must be in"),
        (changed { $0.lifter = .librosa(.infinity) }, "the lifter coefficient must be in"),
        (changed { $0.energy = .logEnergy(source: .rawSignal, floor: .infinity) }, "the energy floor must be a finite number ≥ 0 (got inf)"),
    ])
    func outOfRangeFieldIsNamed(configuration: FeatureConfiguration, message: String) throws {
        let refused = try #require(refusal(configuration))
        #expect(refused.contains(message), "\(refused)")
        // The extractor refuses it too, without trapping or allocating.
        #expect(throws: FeatureError.invalidConfiguration(refused)) { _ = try MFCCExtractor<Float>(configuration: configuration) }
    }

    /// Every problem is listed at once.
    @Test func everyProblemIsReportedAtOnce() throws {
        var configuration = FeatureConfiguration.kaldi()
        configuration.fftSize = .exactly(1 << 62)
        configuration.melBinCount = Int.max
        configuration.deltas = .regression(window: 1_000_000_000)
        let problems = configuration.problems()
        #expect(problems.count == 3, "\(problems)")
    }

    /// A recognizer file's front end is JSON: the same ranges apply to what it decodes to.
    @Test func decodedConfigurationIsValidated() throws {
        let json = try String(decoding: JSONEncoder().encode(FeatureConfiguration.psf(sampleRate: 8000)), as: UTF8.self)
        let hostile = json.replacingOccurrences(of: #""melBinCount":26"#, with: #""melBinCount":4611686018427387904"#)
        #expect(hostile != json)
        let decoded = try JSONDecoder().decode(FeatureConfiguration.self, from: Data(hostile.utf8))
        #expect(refusal(decoded)?.contains("melBinCount must be in 1…512 (got 4611686018427387904)") == true)
    }

    /// Milliseconds beyond `Int`'s range saturate instead of trapping; ordinary ones round as before.
    @Test func millisecondsToSamplesNeverTraps() {
        #expect(FrameSize.milliseconds(1e30).samples(atRate: 16_000) == Int.max)
        #expect(FrameSize.milliseconds(-1e30).samples(atRate: 16_000) == Int.min)
        #expect(FrameSize.milliseconds(.infinity).samples(atRate: 16_000) == Int.max)
        #expect(FrameSize.milliseconds(.nan).samples(atRate: 16_000) == 0)
        #expect(FrameSize.milliseconds(25).samples(atRate: 16_000) == 400)
        #expect(FrameSize.milliseconds(25).samples(atRate: 22_050) == 551)  // 551.25 → 551
        #expect(FrameSize.milliseconds(10).samples(atRate: 22_050) == 221)  // 220.5 rounds half up
    }

    /// The largest sizes the limits allow build an extractor (the bounds are usable, not just refusals).
    @Test func largestSizesAreAccepted() throws {
        var configuration = FeatureConfiguration.kaldi(sampleRate: InputLimits.maximumSampleRate)
        configuration.fftSize = .exactly(InputLimits.maximumFFTSize)
        configuration.frameLength = .samples(InputLimits.maximumFrameLength)
        configuration.melBinCount = 128
        configuration.deltas = .regression(window: InputLimits.maximumDeltaWindow)
        let extractor = try MFCCExtractor<Float>(configuration: configuration)
        #expect(extractor.fftSize == InputLimits.maximumFFTSize)
        #expect(extractor.filterbank.filterCount == 128)
    }

    // MARK: - Finite output

    /// Samples far beyond full scale are refused with the index and value of the first one;
    /// NaN keeps its own error.
    @Test func loudOrNonFiniteSamplesAreRefused() throws {
        let extractor = try MFCCExtractor<Float>(configuration: .kaldi(sampleRate: 8000))
        var samples = [Double](repeating: 0.1, count: 8000)
        samples[1234] = 1e30
        samples[5000] = .nan
        #expect(throws: FeatureError.sampleOutOfRange(source: "x.wav", index: 1234, value: 1e30, inputScale: 32_768)) {
            _ = try extractor.features(of: samples, source: "x.wav")
        }
        samples[1234] = 0.1
        #expect(throws: FeatureError.nonFiniteSamples(source: "x.wav", index: 5000)) {
            _ = try extractor.features(of: samples, source: "x.wav")
        }
        let message = FeatureError.sampleOutOfRange(source: "x.wav", index: 7, value: 1e30, inputScale: 32_768).description
        #expect(message.hasPrefix("x.wav: sample 7 is 1e+30, which times the input scale 32768.0 exceeds"), "\(message)")
    }

    /// The loudest accepted signal, with the most dither, gives finite features in single
    /// precision for every preset (the overflow analysis in InputLimits holds), including a frame
    /// of the largest length; it uses both pre-emphasis scopes (each doubles the values).
    @Test(arguments: FeatureConfiguration.Preset.allCases)
    func loudestAcceptedSignalGivesFiniteFeatures(preset: FeatureConfiguration.Preset) throws {
        for frameLength in [400, InputLimits.maximumFrameLength] {
            var configuration = preset.configuration(sampleRate: 16_000)
            configuration.frameLength = .samples(frameLength)
            configuration.frameShift = .samples(frameLength / 2)
            configuration.dither = InputLimits.maximumDither
            configuration.preemphasis = 1
            configuration.removeDCOffset = true
            let peak = configuration.maximumSampleMagnitude
            // A full-scale square wave at Nyquist: pre-emphasis doubles it, the spectrum peaks.
            let samples = (0..<(3 * frameLength)).map { $0 % 2 == 0 ? peak : -peak }
            for scope in [PreemphasisScope.perFrame, .signal] {
                configuration.preemphasisScope = scope
                let features = try MFCCExtractor<Float>(configuration: configuration).features(of: samples, source: "loud")
                #expect(features.rowCount > 0)
                #expect(features.withUnsafeElements { $0.allSatisfy(\.isFinite) }, "\(preset), frame \(frameLength), \(scope)")
            }
        }
    }

    /// The last line of defence: a matrix holding NaN or an infinity is refused naming the frame.
    @Test func nonFiniteFeaturesAreRefusedNamingTheFrame() throws {
        var features = Matrix<Float>(rowCount: 4, columnCount: 3)
        try MFCCExtractor<Float>.checkFinite(features, source: "f")
        features[2, 1] = .infinity
        #expect(throws: FeatureError.nonFiniteFeatures(source: "f", frame: 2, column: 1)) {
            try MFCCExtractor<Float>.checkFinite(features, source: "f")
        }
        features[2, 1] = 0
        features[3, 0] = .nan
        #expect(throws: FeatureError.nonFiniteFeatures(source: "f", frame: 3, column: 0)) {
            try MFCCExtractor<Float>.checkFinite(features, source: "f")
        }
    }

    /// Variance normalisation of a column whose deviation has no finite reciprocal in Float only
    /// centres it (it used to multiply by infinity).
    @Test func varianceNormalisationNeverDividesByATinyDeviation() {
        let tiny = Float.leastNonzeroMagnitude * 64  // a subnormal: its deviation's reciprocal overflows Float
        var features = Matrix<Float>(rows: [[0, 1], [tiny, 2], [0, 3], [tiny, 4]])
        CepstralNormalizer.normalize(&features, .utteranceMeanAndVariance)
        #expect(features.withUnsafeElements { $0.allSatisfy(\.isFinite) })
        #expect(abs(features[0, 1] - -1.3416408) < 1e-6)  // the ordinary column: (1 − 2.5) / √1.25
    }

    /// A file to resample is checked before resampling, so the error names the file's own sample.
    @Test func loudFileIsRefusedBeforeResampling() throws {
        let folder = try TemporaryFolder()
        let samples = (0..<8000).map { $0 < 100 ? Float(0.1) : Float.greatestFiniteMagnitude }
        let url = try folder.write(floatWAVBytes(samples, sampleRate: 8000), to: "loud.wav")
        let configuration = FeatureConfiguration.kaldi(sampleRate: 16_000)
        #expect(throws: FeatureError.sampleOutOfRange(source: url.path, index: 100, value: Double(Float.greatestFiniteMagnitude),
                                                      inputScale: 32_768)) {
            _ = try AudioLoader.load(url, for: configuration)
        }
        let recording = try FrontEnd(configuration: configuration).features(ofFiles: [url], in: Float.self)[0]
        #expect(recording.copies.isEmpty, "a FLT_MAX file gave features")
        let error = FeatureError.sampleOutOfRange(source: url.path, index: 100, value: Double(Float.greatestFiniteMagnitude),
                                                  inputScale: 32_768)
        #expect(recording.problems == [error])
    }
}
