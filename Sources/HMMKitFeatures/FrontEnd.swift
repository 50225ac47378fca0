import Dispatch
import Foundation
import HMMKitAudio
import HMMKitNumerics
import Synchronization

/// One recording decoded by a ``FrontEnd``: its speed-perturbed copies at the front end's rate.
public struct DecodedRecording: Sendable {
    /// The file, as messages name it.
    public var source: String
    /// The copies made: each one's position among ``FrontEnd/speedFactors`` and its samples
    /// (±1.0 full scale at the configuration's rate).
    public var copies: [(index: Int, samples: [Double])]
    /// What went wrong, each naming the file; a recording with problems has no copies.
    public var problems: [FeatureError]
    /// Seconds of audio read, at the front end's rate, before perturbation.
    public var seconds: Double

    /// A recording already in memory, without problems: `copies` as ``copies``.
    public init(source: String, copies: [(index: Int, samples: [Double])], seconds: Double) {
        self.init(source: source, copies: copies, problems: [], seconds: seconds)
    }

    init(source: String, copies: [(index: Int, samples: [Double])], problems: [FeatureError], seconds: Double) {
        self.source = source
        self.copies = copies
        self.problems = problems
        self.seconds = seconds
    }
}

/// The features of one recording's copies, or what stopped them: what a ``FrontEnd`` gives
/// training, evaluation, recognition and `hmmkit features` alike, in `Scalar` (training and
/// recognition compute in Double; `hmmkit features` in the precision of its files).
public struct RecordingFeatures<Scalar: MatrixScalar>: Sendable {
    /// The features of one speed-perturbed copy.
    public struct Copy: Sendable {
        /// Its position among ``FrontEnd/speedFactors``.
        public var index: Int
        /// The VTLN warp factor of its filterbank, given or drawn by ``FrontEnd/warpPerturbation``
        /// (nil: the configuration's own).
        public var warpFactor: Double?
        /// `[frames × dimension]`; never empty.
        public var frames: Matrix<Scalar>

        /// A copy from its fields (also for features kept on disk and read back).
        package init(index: Int, warpFactor: Double?, frames: Matrix<Scalar>) {
            self.index = index
            self.warpFactor = warpFactor
            self.frames = frames
        }
    }

    /// The file, as messages name it.
    public var source: String
    /// The copies that gave frames, in the order of ``FrontEnd/speedFactors``.
    public var copies: [Copy]
    /// The positions among ``FrontEnd/speedFactors`` of the copies shorter than one frame: they
    /// gave no frames, and each has a problem saying so.
    public var copiesShorterThanOneFrame: [Int]
    /// What went wrong with the recording or some of its copies, each naming the file.
    public var problems: [FeatureError]
    /// Seconds of audio read, at the front end's rate, before perturbation.
    public var seconds: Double

    /// Features from their fields (also for features kept on disk and read back).
    package init(source: String, copies: [Copy], copiesShorterThanOneFrame: [Int] = [], problems: [FeatureError], seconds: Double) {
        self.source = source
        self.copies = copies
        self.copiesShorterThanOneFrame = copiesShorterThanOneFrame
        self.problems = problems
        self.seconds = seconds
    }
}

/// The front end of training, recognition and `hmmkit features`: decode a recording, resample it to the
/// configuration's rate, make its speed-perturbed copies (resampling from `rate · f` to `rate`,
/// as Kaldi's speed perturbation does with sox), compute each copy's MFCCs through the
/// filterbank at its VTLN warp factor (each factor's bank built once, ``MelFilterbankCache``),
/// then normalise them (``CepstralGroupNormalization``: per utterance, or per group such as a
/// speaker once the group's statistics are known).
///
/// Copy `copy` of the recording at `position` of a list is utterance ``copyIndex(position:copy:)``,
/// which seeds its dither, so features depend on the recording, its position and the warp only,
/// never on the thread count or on which other recordings are computed with it.
public struct FrontEnd: Sendable {
    /// The MFCC front end; its ``FeatureConfiguration/normalization`` is what
    /// ``CepstralGroupNormalization`` applies to copies of no group, and its
    /// ``FeatureConfiguration/vtlnWarp`` gives the cut-offs of every warp (Kaldi's without one).
    public let configuration: FeatureConfiguration
    /// The speed factors of the copies of every recording (`[1]` without perturbation).
    public let speedFactors: [Double]
    /// Vocal-tract-length perturbation of some copies (nil: none). A warp factor a caller gives
    /// a copy (``features(_:audio:warpFactor:)``) takes its place.
    public let warpPerturbation: WarpPerturbation?
    /// Recordings computed at once (1: on the calling thread).
    public let threadCount: Int
    /// The FFT/DCT backend.
    public let backend: ComputeBackend
    /// The filterbanks of every warp, shared by all workers.
    private let filterbanks: MelFilterbankCache

    /// A front end computing `configuration`'s features of the copies at `speedFactors` (empty:
    /// the audio as it is), those among `warpPerturbation`'s copies warped by it, on
    /// `threadCount` workers.
    /// - Throws: ``FeatureError/invalidConfiguration(_:)`` for a configuration that cannot run, or
    ///   a perturbation factor its filterbank cannot take.
    public init(configuration: FeatureConfiguration, speedFactors: [Double] = [], warpPerturbation: WarpPerturbation? = nil,
                threadCount: Int = 1, backend: ComputeBackend = .default) throws(FeatureError) {
        var unnormalised = configuration
        unnormalised.normalization = .none
        filterbanks = try MelFilterbankCache(configuration: unnormalised)
        _ = try MFCCExtractor<Double>(configuration: unnormalised, backend: backend, filterbanks: filterbanks)
        for factor in warpPerturbation?.factors ?? [] { _ = try filterbanks.filterbank(warpFactor: factor) }
        self.configuration = configuration
        self.warpPerturbation = warpPerturbation
        self.speedFactors = speedFactors.isEmpty ? [1] : speedFactors
        self.threadCount = max(1, threadCount)
        self.backend = backend
    }

    /// The utterance number of copy `copy` of the recording at `position`: recordings in order,
    /// each followed by its copies. It seeds the copy's dither.
    public func copyIndex(position: Int, copy: Int) -> Int { position * speedFactors.count + copy }

    /// Decodes the file at `url`, resamples it to the configuration's rate and makes the copies
    /// `wanted` accepts (default all).
    public func decode(_ url: URL, copies wanted: ((Int) -> Bool)? = nil) -> DecodedRecording {
        let rate = configuration.sampleRate, source = url.path(percentEncoded: false)
        let samples: [Double]
        do { samples = try AudioLoader.load(url, for: configuration) } catch {
            return DecodedRecording(source: source, copies: [], problems: [error], seconds: 0)
        }
        var recording = DecodedRecording(source: source, copies: [], problems: [], seconds: Double(samples.count) / rate)
        for (copy, factor) in speedFactors.enumerated() where wanted?(copy) ?? true {
            if factor == 1 {
                recording.copies.append((copy, samples))
            } else {
                do { recording.copies.append((copy, try Resampler().resample(samples, from: rate * factor, to: rate))) } catch {
                    recording.problems.append(.speedPerturbation(source: source, factor: factor, error))
                }
            }
        }
        if !recording.problems.isEmpty { recording.copies = [] }
        return recording
    }

    /// Decodes every file of `urls` (``decode(_:copies:)``) on ``threadCount`` workers, in order,
    /// making the copies `wanted(index, copy)` accepts of the file at `index` (default all).
    public func decode(_ urls: [URL], copies wanted: (@Sendable (Int, Int) -> Bool)? = nil) -> [DecodedRecording] {
        ParallelWork.map(urls.count, threadCount: threadCount) { index in
            decode(urls[index], copies: wanted.map { wanted in { wanted(index, $0) } })
        }
    }

    /// The unnormalised features of the recordings at `positions` of a list, on ``threadCount``
    /// workers, in the order of `positions`. `audio(position)` gives a recording's copies (decoding
    /// it, or from memory); `warpFactor(position, copy)` the warp of a copy (nil: the
    /// ``warpPerturbation``'s draw for its copies, else the configuration's own; default nil for all).
    public func features(_ positions: [Int], audio: @Sendable (Int) -> DecodedRecording,
                         warpFactor: (@Sendable (Int, Int) -> Double?)? = nil) -> [RecordingFeatures<Double>] {
        features(positions, in: Double.self, audio: audio, warpFactor: warpFactor) { _, features in features }
    }

    /// `transform(item, features)` of the unnormalised features, computed in `Scalar`, of every
    /// recording `positions[item]` (as ``features(_:audio:warpFactor:)`` computes them), on the
    /// worker that computed them, on ``threadCount`` workers; the results in the order of
    /// `positions`. A caller can write each recording's features out in `transform` and let them
    /// go, so that memory holds a few recordings' features at a time.
    public func features<Scalar: MatrixScalar, Output: Sendable>(
        _ positions: [Int], in _: Scalar.Type, audio: @Sendable (Int) -> DecodedRecording,
        warpFactor: (@Sendable (Int, Int) -> Double?)? = nil,
        _ transform: @Sendable (Int, RecordingFeatures<Scalar>) -> Output
    ) -> [Output] {
        let configuration = filterbanks.configuration, backend = backend, filterbanks = filterbanks
        return ParallelWork.map(positions.count, threadCount: threadCount, worker: {
            // init built a Double extractor of this configuration, and nothing an extractor
            // checks depends on its precision, so this cannot fail.
            try! MFCCExtractor<Scalar>(configuration: configuration, backend: backend, filterbanks: filterbanks)
        }) { item, extractor in
            let position = positions[item]
            return transform(item, features(of: audio(position), position: position, extractor: extractor) { copy in
                warpFactor?(position, copy)
            })
        }
    }

    /// Calls `body(position, features)` for every position in `positions`, in order, with the
    /// unnormalised features of ``features(_:audio:warpFactor:)``, computed `batchSize` recordings
    /// at a time so that memory holds one batch.
    public func forEach(_ positions: [Int], batchSize: Int, audio: @Sendable (Int) -> DecodedRecording,
                        warpFactor: (@Sendable (Int, Int) -> Double?)? = nil,
                        _ body: (Int, RecordingFeatures<Double>) throws -> Void) rethrows {
        var start = 0
        while start < positions.count {
            let batch = Array(positions[start..<min(start + max(batchSize, 1), positions.count)])
            start += batch.count
            for (position, features) in zip(batch, features(batch, audio: audio, warpFactor: warpFactor)) {
                try body(position, features)
            }
        }
    }

    /// The unnormalised features of every copy of `recording`, the recording at `position`.
    private func features<Scalar: MatrixScalar>(
        of recording: DecodedRecording, position: Int, extractor: MFCCExtractor<Scalar>, warpFactor: (Int) -> Double?
    ) -> RecordingFeatures<Scalar> {
        var features = RecordingFeatures<Scalar>(source: recording.source, copies: [], copiesShorterThanOneFrame: [],
                                                 problems: recording.problems, seconds: recording.seconds)
        for (copy, samples) in recording.copies {
            let utterance = copyIndex(position: position, copy: copy)
            var warp = warpFactor(copy)
            if warp == nil, let perturbation = warpPerturbation, perturbation.copies.contains(copy) {
                warp = perturbation.factor(utterance: utterance)
            }
            do {
                let frames = try extractor.features(of: samples, source: recording.source,
                                                    utteranceIndex: utterance, warpFactor: warp)
                if frames.rowCount == 0 {
                    features.copiesShorterThanOneFrame.append(copy)
                    features.problems.append(.noFrames(source: recording.source))
                } else {
                    features.copies.append(RecordingFeatures.Copy(index: copy, warpFactor: warp, frames: frames))
                }
            } catch {
                features.problems.append(error)
            }
        }
        return features
    }
}
