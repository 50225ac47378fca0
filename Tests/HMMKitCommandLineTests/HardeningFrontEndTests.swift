import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// The front end's reproducers from the hardening issue, run through the built binary: an option
/// out of range is bad usage (exit 64, naming the option), audio that cannot give finite features
/// is bad data (exit 1, naming the file and sample), and in neither case is an output written or
/// an older one touched.
@Suite("hmmkit features: option ranges, loud audio and undecodable files", .serialized)
struct HardeningFrontEndTests {
    /// A real 8 kHz recording.
    static let recording = HMMKitBinary.fsdd.appendingPathComponent("0_george_0.wav").path

    /// One second of a ±1 square wave times `amplitude`, as a float WAV at `sampleRate`.
    static func loudWAV(_ amplitude: Float, sampleRate: Int = 8000) -> [UInt8] {
        floatWAVBytes((0..<sampleRate).map { $0 % 16 < 8 ? amplitude : -amplitude }, sampleRate: sampleRate)
    }

    /// Runs `hmmkit features` on `input` into a folder holding an older `out.npy`; expects exit
    /// `status`, `message` on stderr, and the older file byte for byte unchanged.
    func expectRefusal(_ arguments: [String], input: String? = nil, status: Int32, message: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = try TemporaryFolder()
        let output = folder.file("out.npy")
        let old = Matrix<Float>(rows: [[1, 2, 3]])
        try NumPyFile.write(old, to: output)
        let before = try Data(contentsOf: output)
        let run = try HMMKitBinary.run(["features", "--quiet"] + arguments + [input ?? Self.recording, "-o", output.path])
        #expect(run.status == status, "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(message), "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("crashed"), "\(run.stderr)",
                sourceLocation: sourceLocation)
        #expect(try Data(contentsOf: output) == before, "the older output was changed", sourceLocation: sourceLocation)
        #expect(try folder.contents() == ["out.npy"], "something else was written", sourceLocation: sourceLocation)
    }

    /// Each option that used to trap, abort or write NaN now has a declared range.
    @Test(arguments: [
        (["--fft-size", "4611686018427387904"], "--fft-size must be in 1…262144 (got 4611686018427387904)"),
        (["--fft-size", "1099511627776"], "--fft-size must be in 1…262144 (got 1099511627776)"),
        (["--frame-shift-ms", "1e30"], "--frame-shift-ms must be positive and at most"),
        (["--frame-shift-ms", "inf"], "--frame-shift-ms must be positive and at most 262144000.0 ms (got inf)"),
        (["--frame-length-ms", "nan"], "--frame-length-ms must be positive and at most 262144000.0 ms (got nan)"),
        (["--sample-rate", "1e30"], "--sample-rate must be positive and at most 768000.0 Hz (got 1e+30)"),
        (["--frame-length-samples", "\(Int.max)"], "--frame-length-samples must be in 1…262144 (got \(Int.max))"),
        (["--frame-shift-samples", "0"], "--frame-shift-samples must be in 1…262144 (got 0)"),
        (["--delta-window", "1000000000"], "--delta-window must be in 1…101 (got 1000000000)"),
        (["--mel-bins", "\(1 << 62)"], "--mel-bins must be in 1…512 (got \(1 << 62))"),
        (["--input-scale", "1e308"], "--input-scale must be in"),
        (["--input-scale", "nan"], "(got nan)"),
        (["--dither", "1e308"], "--dither must be in 0.0…65536.0 (got 1e+308)"),
        (["--log-floor", "0"], "--log-floor must be in 1e-30…1e+30 (got 0.0)"),
        (["--lifter", "1e-300"], "--lifter must be in 0.001…10000.0"),
        (["--vtln-warp", "40"], "--vtln-warp must be in 0.5…2.0 (got 40.0)"),
        // In range option by option, out of range together: named by the configuration's field.
        (["--sample-rate", "16000", "--frame-length-ms", "20000"],
         "frameLength must be 1…262144 samples at 16000.0 Hz (got 20000.0 ms, 320000.0 samples)"),
        (["--fft-size", "5000"], "fftSize 5000 is not a power of two"),
    ])
    func optionOutOfRangeIsUsageError(arguments: [String], message: String) throws {
        try expectRefusal(arguments, status: 64, message: message)
    }

    /// Finite float audio far beyond full scale (±1e30) gave NaN and infinite features with exit 0.
    @Test func hugeFiniteSamplesAreRefusedNamingFileAndSample() throws {
        let folder = try TemporaryFolder()
        let input = try folder.write(Self.loudWAV(1e30), to: "loud.wav")
        for preset in ["kaldi", "psf", "librosa"] {
            try expectRefusal(["--preset", preset, "--sample-rate", "8000"], input: input.path, status: 1,
                              message: "\(input.path): sample 0 is 1.0000000150474662e+30, which times the input scale")
        }
    }

    /// FLT_MAX audio: psf wrote NaN; kaldi, resampling 8 → 16 kHz, blamed a NaN sample the file
    /// does not have. Both now name the file's own sample 0 and its value.
    @Test func floatMaximumAudioIsRefusedWithTheRightMessage() throws {
        let folder = try TemporaryFolder()
        let input = try folder.write(Self.loudWAV(.greatestFiniteMagnitude), to: "fltmax.wav")
        let message = "\(input.path): sample 0 is 3.4028234663852886e+38, which times the input scale 32768.0 exceeds"
        try expectRefusal(["--preset", "psf", "--sample-rate", "8000"], input: input.path, status: 1, message: message)
        try expectRefusal(["--preset", "kaldi", "--sample-rate", "16000"], input: input.path, status: 1, message: message)
    }

    /// Audio at the largest accepted amplitude still gives finite features (the bounds hold).
    @Test func loudestAcceptedAudioGivesFiniteFeatures() throws {
        let folder = try TemporaryFolder()
        // 2^33 / 32768 = 262144: exactly the largest sample the kaldi and psf presets accept.
        let input = try folder.write(Self.loudWAV(262_144), to: "loudest.wav")
        for preset in ["kaldi", "psf"] {
            let output = folder.file("\(preset).npy")
            let run = try HMMKitBinary.run(["features", "--quiet", "--preset", preset, "--sample-rate", "8000",
                                            "--dither", "65536", input.path, "-o", output.path])
            #expect(run.status == 0, "\(run.stderr)")
            let features = try NumPyFile.read(Float.self, from: output)
            #expect(features.rowCount > 90)
            #expect(features.withUnsafeElements { $0.allSatisfy(\.isFinite) })
        }
        // One sample louder than that is refused.
        let louder = try folder.write(Self.loudWAV(262_145), to: "louder.wav")
        try expectRefusal(["--sample-rate", "8000"], input: louder.path, status: 1, message: "sample 0 is 262145.0")
    }

    /// Bytes that look like an MPEG frame header made libsndfile say "File does not exist".
    @Test func undecodableBytesAreNotAudioRatherThanMissing() throws {
        let folder = try TemporaryFolder()
        let input = try folder.write([0xFF, 0xFB] + [UInt8](repeating: 0, count: 1000), to: "noise.wav")
        try expectRefusal([], input: input.path, status: 1, message: "\(input.path): not an audio file libsndfile can read")
        let run = try HMMKitBinary.run(["features", "--quiet", input.path, "-o", folder.file("x.npy").path])
        #expect(!run.stderr.contains("does not exist"), "\(run.stderr)")
    }

    /// `train`'s front-end options have ranges too: checked before the corpus is read.
    @Test(arguments: [
        (["--sample-rate", "1e30"], "--sample-rate must be positive and at most 768000.0 Hz (got 1e+30)"),
        (["--vtln", "--vtln-warps", "0.8:1.2:1e-300"], "gives more than 1000 warp factors"),
        (["--vtln", "--vtln-warps", "0.9,nan"], "every factor must be in 0.5…2.0 (got nan)"),
        (["--vtln-passes", "\(Int.max)"], "--vtln-passes must lie in 0…100 (got \(Int.max))"),
    ])
    func trainFrontEndOptionsHaveRanges(arguments: [String], message: String) throws {
        let folder = try TemporaryFolder()
        let model = folder.file("model.json")
        let run = try HMMKitBinary.run(["train", HMMKitBinary.fsdd.path, "--quiet", "-o", model.path] + arguments)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: model.path))
    }

    /// Normal audio is unaffected: exit 0, finite features.
    @Test func normalAudioStillWorks() throws {
        let folder = try TemporaryFolder()
        let output = folder.file("out.npy")
        let run = try HMMKitBinary.run(["features", "--quiet", "--sample-rate", "8000", Self.recording, "-o", output.path])
        #expect(run.status == 0, "\(run.stderr)")
        let features = try NumPyFile.read(Float.self, from: output)
        #expect(features.columnCount == 39 && features.rowCount > 0)
        #expect(features.withUnsafeElements { $0.allSatisfy(\.isFinite) })
    }
}
