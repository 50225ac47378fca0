import Foundation
import HMMKitAudio
import HMMKitFeatures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite("Bad input gives a clear error naming the file, or zero frames and a warning")
struct FeatureRobustnessTests {
    let frontEnd = try! FrontEnd(configuration: .kaldi(sampleRate: 8000), threadCount: 2)

    /// The features of the file at `url`.
    func featurise(_ url: URL) -> RecordingFeatures<Double> { frontEnd.features(ofFiles: [url], in: Double.self)[0] }

    func expectFailure(_ url: URL, mentioning words: String) {
        let outcome = featurise(url)
        guard outcome.copies.isEmpty, outcome.copiesShorterThanOneFrame.isEmpty, outcome.problems.count == 1 else {
            Issue.record("\(url.lastPathComponent) should fail with one problem")
            return
        }
        let message = outcome.problems[0].description
        #expect(message.contains(url.path), "the message names the file: \(message)")
        #expect(message.lowercased().contains(words), "the message says what is wrong: \(message)")
    }

    @Test func emptyFile() throws {
        let folder = try TemporaryFolder()
        expectFailure(try folder.write([], to: "empty.wav"), mentioning: "empty")
    }

    @Test func truncatedHeader() throws {
        let folder = try TemporaryFolder()
        let header = Array(floatWAVBytes([0.1, 0.2, 0.3]).prefix(20))
        expectFailure(try folder.write(header, to: "cut.wav"), mentioning: "damaged")
    }

    @Test func textNamedWav() throws {
        let folder = try TemporaryFolder()
        expectFailure(try folder.write(Array("<html>not audio</html>".utf8), to: "page.wav"), mentioning: "not an audio file")
    }

    @Test func nanSamples() throws {
        let folder = try TemporaryFolder()
        var samples = [Float](repeating: 0.1, count: 400)
        samples[123] = .nan
        expectFailure(try folder.write(floatWAVBytes(samples), to: "nan.wav"), mentioning: "nan")
    }

    @Test func missingFile() {
        expectFailure(URL(fileURLWithPath: "/nonexistent/hmmkit/missing.wav"), mentioning: "no such file")
    }

    /// Audio shorter than one frame gives no frames and a problem that says so, naming the file
    /// (Kaldi's snipped edges need 200 samples at 8 kHz for one frame); `hmmkit features` makes
    /// it a 0-row matrix and a warning.
    @Test func oneSampleFile() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write(floatWAVBytes([0.25]), to: "one.wav")
        let outcome = featurise(url)
        #expect(outcome.copies.isEmpty)
        #expect(outcome.copiesShorterThanOneFrame == [0])
        #expect(outcome.problems == [.noFrames(source: url.path)])
        #expect(outcome.problems.map(\.description) == ["\(url.path): shorter than one frame"])
        #expect(outcome.seconds == 1.0 / 8000)
    }

    /// The extractor refuses NaN given directly too, naming the sample.
    @Test func nanInMemory() throws {
        let extractor = try MFCCExtractor<Double>(configuration: .psf(sampleRate: 8000))
        #expect(throws: FeatureError.nonFiniteSamples(source: "x", index: 7)) {
            _ = try extractor.features(of: [0, 0, 0, 0, 0, 0, 0, .infinity, 0], source: "x")
        }
    }

    @Test func invalidConfigurationsAreNamed() {
        var tooManyBins = FeatureConfiguration.kaldi(sampleRate: 8000)
        tooManyBins.melBinCount = 200
        #expect(throws: FeatureError.self) { _ = try MFCCExtractor<Double>(configuration: tooManyBins) }
        var badRange = FeatureConfiguration.kaldi(sampleRate: 8000)
        badRange.highFrequency = 6000
        #expect(throws: FeatureError.self) { _ = try MFCCExtractor<Double>(configuration: badRange) }
        var tooShortFFT = FeatureConfiguration.kaldi(sampleRate: 8000)
        tooShortFFT.fftSize = .exactly(128)
        #expect(throws: FeatureError.self) { _ = try MFCCExtractor<Double>(configuration: tooShortFFT) }
    }

    /// librosa's Savitzky-Golay deltas need `width` frames; fewer is an error, as in librosa.
    @Test func savitzkyGolayNeedsFiveFrames() throws {
        let extractor = try MFCCExtractor<Double>(configuration: .librosa(sampleRate: 8000))
        let threeFrames = [Double](repeating: 0.01, count: 200)  // 1 + 200/80 = 3 centred frames
        #expect(throws: FeatureError.tooFewFramesForDeltas(source: "short", frames: 3, needed: 5)) {
            _ = try extractor.features(of: threeFrames, source: "short")
        }
    }
}

@Suite("Resampling, threads and normalisation")
struct FrontEndFileTests {
    /// A 16 kHz copy of an 8 kHz recording, featurised with an 8 kHz configuration (so resampled
    /// back down), matches the original's features. Two soxr HQ passes (linear phase, flat to 91%
    /// of Nyquist, ≈ 3.64 kHz here) remove the top of the band, so:
    /// - with the filterbank kept below 3.4 kHz (`highFrequency = -600`, c0 rather than a
    ///   full-band log energy, frames 4 or more from the ends), only the filters' ripple remains:
    ///   measured max relative error 3.0e-7 (kaldi; bound 1e-5) and 1.2e-3 (psf, whose rectangular
    ///   window and 0 Hz lowest filter make its quietest log-mel bins sensitive; bound 5e-3);
    /// - with the presets' full band up to 4 kHz, the top mel filter loses the 3.64–4 kHz energy,
    ///   which the lifter spreads into c1…c12 (up to ≈ 1 on values of ≈ 20): measured 2.0e-2 (psf)
    ///   and 2.7e-2 (kaldi); bound 5e-2.
    @Test(arguments: [(FeatureConfiguration.Preset.psf, 5e-3), (.kaldi, 1e-5)])
    func sixteenKilohertzCopyGivesTheSameFeatures(preset: FeatureConfiguration.Preset, bandLimitedBound: Double) throws {
        let folder = try TemporaryFolder()
        let original = try FeatureFixtures.audio("5_jackson_10")
        let upsampled = try Resampler().resample(original, to: 16_000)
        let copy = folder.file("5_jackson_10-16k.wav")
        try AudioFileWriter.write(upsampled, to: copy, format: .wavFloat)
        for (highFrequency, bound) in [(-600.0, bandLimitedBound), (0, 5e-2)] {
            var configuration = preset.configuration(sampleRate: 8000)
            configuration.highFrequency = highFrequency
            // psf's log energy sums the whole spectrum, removed band included: use c0 when band-limited.
            if highFrequency < 0 { configuration.energy = .c0 }
            let frontEnd = try FrontEnd(configuration: configuration)
            let fromOriginal = try #require(frontEnd.features(ofSignals: [original.samples])[0].copies.first).frames
            let fromCopy = try #require(frontEnd.features(ofFiles: [copy], in: Double.self)[0].copies.first).frames
            #expect(fromCopy.rowCount == fromOriginal.rowCount)
            // Band-limited: interior frames only (the first and last frames, with a rectangular
            // window, see the resampler's edge transient, and ΔΔ reaches 4 frames); full band: every frame.
            let rows = highFrequency < 0 ? 4..<(fromOriginal.rowCount - 4) : 0..<fromOriginal.rowCount
            let error = relativeError(fromCopy.rows(rows).elements, fromOriginal.rows(rows).elements)
            #expect(error < bound, "\(preset), high frequency \(highFrequency): relative error \(error)")
            print("\(preset), high frequency \(highFrequency): 16 kHz copy vs 8 kHz original, relative error \(error)")
        }
    }

    /// Every file's features depend only on the file: one thread and two give identical bits.
    @Test func threadCountDoesNotChangeResults() throws {
        var configuration = FeatureConfiguration.kaldi(sampleRate: 8000)
        configuration.dither = 1  // seeded per utterance index, so also thread-independent
        let urls = FeatureFixtures.stems.map { FeatureFixtures.root.appendingPathComponent("audio/\($0).wav") }
        let serial = try FrontEnd(configuration: configuration, threadCount: 1).features(ofFiles: urls, in: Float.self)
        let parallel = try FrontEnd(configuration: configuration, threadCount: 2).features(ofFiles: urls, in: Float.self)
        for (a, b) in zip(serial, parallel) {
            #expect(a.copies.count == 1 && a.copies.map(\.frames) == b.copies.map(\.frames), "\(a.source)")
        }
        // Dither really changes the features (so the check above is not vacuous about it).
        let undithered = try FrontEnd(configuration: .kaldi(sampleRate: 8000)).features(ofFiles: [urls[0]], in: Float.self)
        #expect(undithered[0].copies[0].frames != serial[0].copies[0].frames)
    }

    @Test func utteranceCMVNCentresAndScales() throws {
        var configuration = FeatureConfiguration.kaldi(sampleRate: 8000)
        configuration.normalization = .utteranceMeanAndVariance
        let extractor = try MFCCExtractor<Double>(configuration: configuration)
        let features = try extractor.features(of: try FeatureFixtures.audio("0_george_0").samples)
        let statistics = CepstralStatistics(features)
        for (mean, deviation) in zip(statistics.means, statistics.deviations) {
            #expect(abs(mean) < 1e-12)
            #expect(abs(deviation - 1) < 1e-12)
        }
    }

    /// Speaker CMVN: the pooled frames of each speaker end up with zero mean, and utterances of
    /// one speaker are shifted by the same vector.
    @Test func speakerCMVNUsesPooledStatistics() throws {
        let extractor = try MFCCExtractor<Double>(configuration: .kaldi(sampleRate: 8000))
        let stems = ["0_george_0", "2_george_10", "1_jackson_6", "3_jackson_16"]
        let raw = try stems.map { try extractor.features(of: try FeatureFixtures.audio($0).samples) }
        var normalized = raw
        let speakers = stems.map { String($0.split(separator: "_")[1]) }
        CepstralNormalizer.normalizeBySpeaker(&normalized, speakers: speakers, dividingByDeviation: false)
        for speaker in Set(speakers) {
            var pooled = CepstralStatistics(dimension: 39)
            for index in speakers.indices where speakers[index] == speaker { pooled.add(normalized[index]) }
            #expect(pooled.means.allSatisfy { abs($0) < 1e-10 })
        }
        let shiftA = zip(raw[0].elements.prefix(39), normalized[0].elements.prefix(39)).map { $0 - $1 }
        let shiftB = zip(raw[1].elements.prefix(39), normalized[1].elements.prefix(39)).map { $0 - $1 }
        #expect(relativeError(shiftA, shiftB) < 1e-12)
    }
}
