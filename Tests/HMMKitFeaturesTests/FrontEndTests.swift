import Foundation
import HMMKitAudio
import HMMKitFeatures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite("FrontEnd: decode, speed copies, MFCC at a warp, group CMVN; mel banks cached per warp")
struct FrontEndTests {
    static let configuration = FeatureConfiguration.psf(sampleRate: 8000)
    static let stems = Array(FeatureFixtures.stems.prefix(4))
    static var urls: [URL] { stems.map { FeatureFixtures.root.appendingPathComponent("audio/\($0).wav") } }

    /// The configuration with a warp of `factor` by Kaldi's cut-offs (nil: none), unnormalised.
    static func raw(_ factor: Double?) -> FeatureConfiguration {
        var raw = configuration
        raw.normalization = .none
        raw.vtlnWarp = factor.map { VTLNWarp(factor: $0) }
        return raw
    }

    /// Extractors sharing one cache, switching between 21 warps signal by signal, give the bits of
    /// an extractor built for each warp, and the cache builds each warp's bank once.
    @Test func sharedCacheBuildsEachWarpOnceAndSwitchesExactly() throws {
        let warps = (0..<21).map { 0.8 + 0.02 * Double($0) }
        let cache = try MelFilterbankCache(configuration: Self.configuration)
        let extractors = try (0..<2).map { _ in try MFCCExtractor<Double>(configuration: Self.configuration, filterbanks: cache) }
        let signals = try Self.stems.prefix(2).map { try FeatureFixtures.audio($0).samples }
        for (k, factor) in (warps + warps.reversed()).enumerated() {
            var warped = Self.configuration
            warped.vtlnWarp = VTLNWarp(factor: factor)
            let fresh = try MFCCExtractor<Double>(configuration: warped)
            for (index, signal) in signals.enumerated() {
                let cached = try extractors[(k + index) % 2].features(of: signal, utteranceIndex: index, warpFactor: factor)
                #expect(cached.elements == (try fresh.features(of: signal, utteranceIndex: index).elements), "warp \(factor)")
            }
        }
        // The configuration's own bank (built when the first extractor was made) and the 21 warps.
        #expect(cache.count == 22)
        // Back to the configuration's own bank.
        let plain = try MFCCExtractor<Double>(configuration: Self.configuration).features(of: signals[0])
        #expect(try extractors[0].features(of: signals[0]).elements == plain.elements)
    }

    /// A factor the cut-offs cannot take is refused for that signal, as an extractor built for it is.
    @Test func refusedWarpIsAnError() throws {
        let extractor = try MFCCExtractor<Double>(configuration: Self.configuration)
        let signal = try FeatureFixtures.audio(Self.stems[0]).samples
        #expect(throws: FeatureError.self) { try extractor.features(of: signal, warpFactor: 40) }
        #expect(throws: FeatureError.self) { try extractor.features(of: signal, warpFactor: 40) }
        #expect(try extractor.features(of: signal).rowCount > 0)
    }

    /// Every copy's features are those of the steps done by hand: decode, resample from
    /// `rate · f`, extract at the copy's warp with the copy's utterance number; whatever the
    /// thread count or batch size.
    @Test func copiesAreThePipelineByHand() throws {
        let speeds = [0.9, 1.0, 1.1]
        let warp: @Sendable (Int, Int) -> Double? = { position, copy in copy == 1 ? nil : 0.9 + 0.05 * Double(position + copy) }
        let urls = Self.urls
        let serial = try FrontEnd(configuration: Self.configuration, speedFactors: speeds, threadCount: 1)
        let parallel = try FrontEnd(configuration: Self.configuration, speedFactors: speeds, threadCount: 2)
        let features = serial.features(Array(urls.indices), audio: { serial.decode(urls[$0]) }, warpFactor: warp)
        for (position, url) in urls.enumerated() {
            let samples = try AudioLoader.load(url, sampleRate: 8000)
            #expect(features[position].problems.isEmpty)
            #expect(features[position].copies.map(\.index) == [0, 1, 2])
            #expect(features[position].seconds == Double(samples.count) / 8000)
            for copy in features[position].copies {
                let signal = try Resampler().resample(samples, from: 8000 * speeds[copy.index], to: 8000)
                let expected = try MFCCExtractor<Double>(configuration: Self.raw(warp(position, copy.index)))
                    .features(of: signal, utteranceIndex: position * 3 + copy.index)
                #expect(copy.warpFactor == warp(position, copy.index))
                #expect(copy.frames.elements == expected.elements, "\(url.lastPathComponent) copy \(copy.index)")
            }
        }
        let decoded = parallel.decode(urls)
        let threaded = parallel.features(Array(urls.indices), audio: { decoded[$0] }, warpFactor: warp)
        var batched: [RecordingFeatures<Double>] = []
        parallel.forEach([0, 1, 2, 3], batchSize: 3, audio: { parallel.decode(urls[$0]) }, warpFactor: warp) { _, recording in
            batched.append(recording)
        }
        for other in [threaded, batched] {
            #expect(other.map { $0.copies.map(\.frames.elements) } == features.map { $0.copies.map(\.frames.elements) })
        }
    }

    /// Only the copies asked for are made, and an unreadable file gives the decoder's typed error
    /// naming it, and no copies.
    @Test func wantedCopiesAndUnreadableFiles() throws {
        let frontEnd = try FrontEnd(configuration: Self.configuration, speedFactors: [0.9, 1, 1.1])
        #expect(frontEnd.decode(Self.urls[0]) { $0 != 1 }.copies.map(\.index) == [0, 2])
        let missing = URL(fileURLWithPath: "/nonexistent/7_nobody_0.wav")
        let recording = frontEnd.features([0], audio: { _ in frontEnd.decode(missing) })[0]
        #expect(recording.copies.isEmpty)
        #expect(recording.problems == [.audio(.fileNotFound(file: missing.path))])
        #expect(recording.problems.first?.description.contains(missing.path) == true)
    }

    /// Group normalisation is Kaldi's speaker CMVN over the group's copies in order, and the
    /// configuration's per-utterance normalisation for copies of no group, bit for bit.
    @Test func groupNormalisationIsSpeakerAndUtteranceCMVN() throws {
        let frontEnd = try FrontEnd(configuration: Self.configuration, speedFactors: [0.9, 1])
        let urls = Self.urls
        let raw = frontEnd.features(Array(urls.indices), audio: { frontEnd.decode(urls[$0]) })
        // Recordings 0 and 2 in group "a", copies of recording 1 in groups of their own speed, 3 alone.
        let group: (Int, Int) -> String? = { position, copy in [0: "a", 2: "a", 1: "b\(copy)"][position] }
        var normalised = raw
        CepstralGroupNormalization.normalize(&normalised, fallback: Self.configuration.normalization, group: group)
        var grouped: [Matrix<Double>] = [], names: [String] = []
        for (position, recording) in raw.enumerated() {
            for copy in recording.copies {
                guard let name = group(position, copy.index) else { continue }
                grouped.append(copy.frames)
                names.append(name)
            }
        }
        CepstralNormalizer.normalizeBySpeaker(&grouped, speakers: names, dividingByDeviation: true)
        let expectedGrouped = grouped.map(\.elements)
        #expect(normalised.prefix(3).flatMap { $0.copies.map(\.frames.elements) } == expectedGrouped)
        for copy in normalised[3].copies {
            var alone = raw[3].copies[copy.index].frames
            CepstralNormalizer.normalize(&alone, Self.configuration.normalization)
            #expect(copy.frames.elements == alone.elements)
        }
    }
}

extension FrontEnd {
    /// The unnormalised features, in `Scalar`, of each file of `urls`, in order.
    func features<Scalar: MatrixScalar>(ofFiles urls: [URL], in _: Scalar.Type) -> [RecordingFeatures<Scalar>] {
        features(Array(urls.indices), in: Scalar.self, audio: { decode(urls[$0]) }) { _, features in features }
    }

    /// The unnormalised features of each signal of `signals` (±1.0 at the configuration's rate),
    /// in order, signal `i` through the filterbank at `warpFactors[i]` (default the configuration's own).
    func features(ofSignals signals: [[Double]], warpFactors: [Double?]? = nil) -> [RecordingFeatures<Double>] {
        features(Array(signals.indices), audio: { index in
            DecodedRecording(source: "signal \(index)", copies: [(0, signals[index])], seconds: 0)
        }, warpFactor: { index, _ in warpFactors?[index] ?? nil })
    }
}
