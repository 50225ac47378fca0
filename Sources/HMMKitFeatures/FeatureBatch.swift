import Foundation
import HMMKitAudio
import HMMKitNumerics
import Synchronization

/// The features of one file, or why there are none.
public struct FileFeatures<Scalar: MatrixScalar>: Sendable {
    /// The file.
    public let url: URL
    /// `[frames × dimension]` features, or the error that stopped this file.
    public let result: Result<Matrix<Scalar>, FeatureError>
    /// Seconds of audio the file held (at its own rate); 0 when it could not be read.
    public let audioSeconds: Double

    /// A warning to show for a file that gave zero frames (shorter than one frame).
    public var warning: String? {
        if case .success(let features) = result, features.rowCount == 0 {
            return "\(url.path): shorter than one frame, no features"
        }
        return nil
    }
}

/// What a batch extraction did.
public struct BatchSummary: Sendable {
    /// Frames computed over all files.
    public var frames: Int
    /// Seconds of audio read.
    public var audioSeconds: Double
    /// One message per file that failed, in input order.
    public var errors: [String]
    /// One message per file that gave no frames, in input order.
    public var warnings: [String]
}

/// Feature extraction over many files on several cores.
///
/// Files are handed out one at a time to `threadCount` workers, each with its own
/// ``MFCCExtractor`` (FFT, DCT and buffers). Every file's features depend only on the file,
/// the configuration and its position in the list (which seeds dither), so results are the same
/// whatever the thread count. Audio at another rate than the configuration's is resampled with
/// libsoxr (``/HMMKitAudio/Resampler``, high quality); several channels are averaged.
public struct FeatureBatch<Scalar: MatrixScalar>: Sendable {
    /// The front end.
    public let configuration: FeatureConfiguration
    /// The FFT/DCT backend.
    public let backend: ComputeBackend
    /// Worker threads (≥ 1).
    public let threadCount: Int
    /// The mel filterbanks every worker's extractor shares.
    let filterbanks: MelFilterbankCache

    /// A batch extractor; `threadCount` defaults to the number of active cores.
    /// - Throws: ``FeatureError/invalidConfiguration(_:)`` for a bad configuration.
    public init(configuration: FeatureConfiguration, backend: ComputeBackend = .default,
                threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(FeatureError) {
        precondition(threadCount >= 1, "FeatureBatch needs at least one thread (got \(threadCount))")
        filterbanks = try MelFilterbankCache(configuration: configuration)
        _ = try MFCCExtractor<Scalar>(configuration: configuration, backend: backend, filterbanks: filterbanks)
        self.configuration = configuration
        self.backend = backend
        self.threadCount = threadCount
    }

    /// Reads, resamples and featurises every file; results come back in the order of `urls`.
    /// `progress`, if given, is called after each file with (files done, total) from a worker thread.
    /// Holds every matrix in memory: for many files prefer ``extract(_:progress:consume:)``.
    public func extract(_ urls: [URL], progress: (@Sendable (Int, Int) -> Void)? = nil) -> [FileFeatures<Scalar>] {
        let results = Mutex<[FileFeatures<Scalar>?]>(Array(repeating: nil, count: urls.count))
        _ = extract(urls, progress: progress) { index, features in
            results.withLock { $0[index] = features }
            return nil
        }
        return results.withLock { $0.map { $0! } }
    }

    /// Reads, resamples and featurises every file, handing each result to `consume` on the worker
    /// that computed it (so a caller can write it out and let it go: memory stays at a few
    /// matrices). `consume` returns an error message to record, or nil. The summary lists errors
    /// and warnings in the order of `urls`, whatever the thread count.
    public func extract(
        _ urls: [URL], progress: (@Sendable (Int, Int) -> Void)? = nil,
        consume: @Sendable (Int, FileFeatures<Scalar>) -> String?
    ) -> BatchSummary {
        let done = Atomic<Int>(0)
        let outcomes = map(urls.count) { index, extractor -> (frames: Int, seconds: Double, error: String?, warning: String?) in
            let features = Self.featurise(urls[index], index: index, extractor: extractor)
            var error = consume(index, features)
            var frames = 0
            switch features.result {
            case .success(let matrix): frames = matrix.rowCount
            case .failure(let failure): error = error ?? "\(failure)"
            }
            progress?(done.wrappingAdd(1, ordering: .relaxed).newValue, urls.count)
            return (frames, features.audioSeconds, error, features.warning)
        }
        return BatchSummary(frames: outcomes.reduce(0) { $0 + $1.frames },
                            audioSeconds: outcomes.reduce(0) { $0 + $1.seconds },
                            errors: outcomes.compactMap(\.error), warnings: outcomes.compactMap(\.warning))
    }

    /// Features of signals already in memory (±1.0 floats at the configuration's rate), in order.
    public func extract(signals: [[Double]]) -> [Result<Matrix<Scalar>, FeatureError>] {
        map(signals.count) { index, extractor in
            Result { () throws(FeatureError) in
                try extractor.features(of: signals[index], source: "signal \(index)", utteranceIndex: index)
            }
        }
    }

    /// Features of signals already in memory, each with its own VTLN warp factor: `signals[i]`
    /// through the filterbank warped by `warpFactors[i]` (with the configuration's ``VTLNWarp``
    /// cut-offs, or Kaldi's when it has none; 1 is the unwarped front end, bit for bit). Each
    /// factor's filterbank is built once (``MelFilterbankCache``). Results are in order; a factor the
    /// cut-offs cannot take gives that signal an ``FeatureError/invalidConfiguration(_:)``.
    public func extract(signals: [[Double]], warpFactors: [Double]) -> [Result<Matrix<Scalar>, FeatureError>] {
        precondition(signals.count == warpFactors.count,
                     "extract(signals:warpFactors:) got \(signals.count) signals and \(warpFactors.count) factors")
        return map(signals.count) { index, extractor in
            Result { () throws(FeatureError) in
                try extractor.features(of: signals[index], source: "signal \(index)", utteranceIndex: index,
                                       warpFactor: warpFactors[index])
            }
        }
    }

    /// `body(index, extractor)` for every index in `0..<count` on up to ``threadCount`` workers
    /// (``/HMMKitNumerics/ParallelWork``), each with its own extractor over the shared filterbanks;
    /// the results in index order. Indices are handed out one at a time, so long and short items balance.
    private func map<Output: Sendable>(_ count: Int, _ body: @Sendable (Int, MFCCExtractor<Scalar>) -> Output) -> [Output] {
        let configuration = configuration, backend = backend, filterbanks = filterbanks
        return ParallelWork.map(count, threadCount: threadCount, worker: {
            // Validated in init, so this cannot fail.
            try! MFCCExtractor<Scalar>(configuration: configuration, backend: backend, filterbanks: filterbanks)
        }) { index, extractor in body(index, extractor) }
    }

    /// Reads one file (resampled to the configuration's rate) and computes its features.
    static func featurise(_ url: URL, index: Int, extractor: MFCCExtractor<Scalar>) -> FileFeatures<Scalar> {
        let path = url.path
        do {
            let signal = try AudioLoader.load(url, for: extractor.configuration)
            let seconds = Double(signal.count) / extractor.configuration.sampleRate
            do {
                let features = try extractor.features(of: signal, source: path, utteranceIndex: index)
                return FileFeatures(url: url, result: .success(features), audioSeconds: seconds)
            } catch {
                return FileFeatures(url: url, result: .failure(error), audioSeconds: seconds)
            }
        } catch {
            return FileFeatures(url: url, result: .failure(error), audioSeconds: 0)
        }
    }
}

/// Reading audio for the front end: decode, then resample to the rate features are computed at.
public enum AudioLoader {
    /// The samples of the file at `url` for `configuration`: ±1.0 floats at its sample rate, every
    /// sample within its ``FeatureConfiguration/maximumSampleMagnitude`` when the file is resampled.
    /// - Throws: as ``load(_:sampleRate:maximumMagnitude:inputScale:)``.
    public static func load(_ url: URL, for configuration: FeatureConfiguration) throws(FeatureError) -> [Double] {
        try load(url, sampleRate: configuration.sampleRate, maximumMagnitude: configuration.maximumSampleMagnitude,
                 inputScale: configuration.inputScale)
    }

    /// The samples of the file at `url` as ±1.0 floats at `sampleRate` Hz (resampled with libsoxr's
    /// high quality when the file's rate differs; channels averaged).
    ///
    /// Before resampling, the file's samples are checked against `maximumMagnitude` (by default
    /// the loudest any configuration accepts), so that an error names the file's own sample
    /// rather than a resampled one. Without resampling the samples are returned as read: the
    /// extractor checks them (``FeatureConfiguration/checkAmplitude(of:source:)``).
    /// - Throws: ``FeatureError/audio(_:)`` naming the file, ``FeatureError/resampling(source:sampleRate:_:)``, or
    ///   ``FeatureError/sampleOutOfRange(source:index:value:inputScale:)`` for a sample beyond
    ///   `maximumMagnitude` in a file to resample (`inputScale` is only reported).
    public static func load(_ url: URL, sampleRate: Double,
                            maximumMagnitude: Double = InputLimits.maximumScaledAmplitude / InputLimits.minimumInputScale,
                            inputScale: Double = InputLimits.minimumInputScale) throws(FeatureError) -> [Double] {
        let signal: AudioSignal
        do {
            signal = try AudioDecoder.read(url: url)
        } catch {
            throw .audio(error)
        }
        guard signal.sampleRate != sampleRate else { return signal.samples }
        if let bad = ValueScan.firstBeyond(signal.samples, limit: maximumMagnitude) {
            // The decoder has already refused NaN and infinities.
            throw .sampleOutOfRange(source: url.path, index: bad, value: signal.samples[bad], inputScale: inputScale)
        }
        do {
            return try Resampler().resample(signal.samples, from: signal.sampleRate, to: sampleRate)
        } catch {
            throw .resampling(source: url.path, sampleRate: sampleRate, error)
        }
    }
}
