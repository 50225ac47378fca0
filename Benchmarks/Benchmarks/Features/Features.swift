// MFCC + Δ + ΔΔ (39 dims) over every FSDD recording, the workload of the peers' w1_features.py.
// Decoding happens before the measurement (the peers exclude it too); each iteration featurises
// all files on one thread. Throughput is reported in files/s; × real time = audio seconds ×
// throughput / file count (printed once at start-up).
// FSDD_DIR overrides the data folder (default: ../shared/data/fsdd/recordings beside the repo).
import Benchmark
import Foundation
import HMMKit

func fsddFolder() -> URL {
    if let path = ProcessInfo.processInfo.environment["FSDD_DIR"] { return URL(fileURLWithPath: path) }
    return URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data/fsdd/recordings")
}

/// Every recording, decoded once (±1.0 floats at 8 kHz).
let recordings: [[Double]] = {
    let folder = fsddFolder()
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".wav") }.sorted()
    let signals = names.compactMap { try? AudioDecoder.read(url: folder.appendingPathComponent($0)).samples }
    let seconds = Double(signals.reduce(0) { $0 + $1.count }) / 8000
    FileHandle.standardError.write(Data(
        "Features: \(signals.count) files, \(seconds) s of audio from \(folder.path)\n".utf8))
    return signals
}()

func registerFeatures<S: MatrixScalar>(_: S.Type, preset: FeatureConfiguration.Preset, backend: ComputeBackend) {
    Benchmark("MFCC39 FSDD \(preset) \(S.self) \(backend)",
              configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5), maxIterations: 20)) {
        benchmark in
        let extractor = try MFCCExtractor<S>(configuration: preset.configuration(sampleRate: 8000), backend: backend)
        let signals = recordings
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for (index, signal) in signals.enumerated() {
                blackHole(try extractor.features(of: signal, utteranceIndex: index))
            }
        }
        benchmark.stopMeasurement()
    }
}

/// The same workload through `FrontEnd` on `threads` workers (one extractor each): the
/// two-core scaling figure.
func registerBatch(preset: FeatureConfiguration.Preset, threads: Int) {
    Benchmark("MFCC39 FSDD batch \(preset) Double accelerated \(threads) threads",
              configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5), maxIterations: 20)) {
        benchmark in
        let frontEnd = try FrontEnd(configuration: preset.configuration(sampleRate: 8000), threadCount: threads)
        let signals = recordings.enumerated().map { index, signal in
            DecodedRecording(source: "signal \(index)", copies: [(0, signal)], seconds: 0)
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(frontEnd.features(Array(signals.indices), audio: { signals[$0] })) }
        benchmark.stopMeasurement()
    }
}

let benchmarks: @Sendable () -> Void = {
    BLASThreads.set(1)
    for preset in FeatureConfiguration.Preset.allCases {
        registerBatch(preset: preset, threads: 1)
        registerBatch(preset: preset, threads: 2)
    }
    for preset in FeatureConfiguration.Preset.allCases {
        for backend in ComputeBackend.allCases {
            registerFeatures(Float.self, preset: preset, backend: backend)
            registerFeatures(Double.self, preset: preset, backend: backend)
        }
    }
}
