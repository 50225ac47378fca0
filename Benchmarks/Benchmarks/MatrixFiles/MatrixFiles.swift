// Reading and writing Kaldi archives: 100,000 frames × 39 dims of float32 (15.6 MB of data), as
// 1,000 utterances of 100 frames (a corpus), as one matrix, and through the script file; the same
// frames as .npy files for comparison; and a 2,000,000-frame archive (312 MB, larger than the
// caches) streamed front to back. The files are written once at start-up into a temporary folder
// (removed at exit) and stay in the page cache, so these are warm page-cache rates: file bytes
// into matrices. MB/s = data bytes / median time (text: the file's size).
import Benchmark
import Foundation
import HMMKit

let frames = 100_000, dimension = 39, utteranceFrames = 100

let folder: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hmmkit-matrix-files-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: folder) }
    return url
}()

/// 20,000 utterances of 100 frames (2,000,000 × 39 float32, 312 MB), written one at a time.
let largeArchive: URL = {
    let url = folder.appendingPathComponent("large.ark")
    let writer = try! KaldiArchiveWriter<Float>(archive: url, durable: false)
    for index in 0..<20_000 { try! writer.write(key: "utt\(index)", matrix: utterance(index % 1000, rows: utteranceFrames)) }
    try! writer.finish()
    return url
}()

/// Seeded features-like values.
func utterance(_ index: Int, rows: Int) -> Matrix<Float> {
    var generator = SplitMix64(seed: UInt64(index))
    return Matrix(rowCount: rows, columnCount: dimension,
                  elements: (0..<(rows * dimension)).map { _ in Float(Int(generator.next() % 20_001) - 10_000) / 997 })
}

let corpus: [(key: String, matrix: Matrix<Float>)] = (0..<(frames / utteranceFrames)).map {
    ("utt\($0)", utterance($0, rows: utteranceFrames))
}

/// Writes every file the read benchmarks use (once).
let files: (corpus: URL, script: URL, single: URL, text: URL, npy: [URL]) = {
    let corpusURL = folder.appendingPathComponent("corpus.ark"), script = folder.appendingPathComponent("corpus.scp")
    let single = folder.appendingPathComponent("single.ark"), text = folder.appendingPathComponent("text.ark")
    try! KaldiArchive.write(corpus, to: corpusURL, script: script, durable: false)
    try! KaldiArchive.write([("all", utterance(0, rows: frames))], to: single, durable: false)
    try! KaldiArchive.write(Array(corpus.prefix(100)), to: text, encoding: .text, durable: false)
    let npy = corpus.map { folder.appendingPathComponent("\($0.key).npy") }
    for (entry, url) in zip(corpus, npy) { try! NumPyFile.write(entry.matrix, to: url, durable: false) }
    let textBytes = (try? FileManager.default.attributesOfItem(atPath: text.path)[.size] as? Int) ?? 0
    FileHandle.standardError.write(Data("MatrixFiles: \(frames) × \(dimension) float32 in \(folder.path); text archive of 10,000 frames is \(textBytes) bytes\n".utf8))
    return (corpusURL, script, single, text, npy)
}()

var measured: Benchmark.Configuration { .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5), maxIterations: 200) }

/// Reads every matrix of the archive at `url` with ``KaldiArchiveReader``; returns the rows.
func streamRows<S: MatrixScalar>(_: S.Type, from url: URL) throws -> Int {
    let reader = try KaldiArchiveReader<S>(url: url)
    var rows = 0
    while let record = try reader.next() { rows += record.matrix.rowCount }
    return rows
}

/// A benchmark that streams the archive `url()` (made on first use) as `S`.
func registerStreaming<S: MatrixScalar>(_ name: String, _: S.Type, configuration: Benchmark.Configuration = measured,
                                        url: @escaping @Sendable () -> URL) {
    Benchmark(name, configuration: configuration) { benchmark in
        let file = url()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try streamRows(S.self, from: file)) }
    }
}

let benchmarks: @Sendable () -> Void = {
    registerStreaming("Kaldi ark read 1,000 × 100×39 Float (KaldiArchiveReader)", Float.self) { files.corpus }
    registerStreaming("Kaldi ark read 20,000 × 100×39 Float (312 MB)", Float.self,
                      configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(10), maxIterations: 20)) {
        largeArchive
    }
    registerStreaming("Kaldi ark read 1 × 100000×39 Float", Float.self) { files.single }
    registerStreaming("Kaldi ark read 1,000 × 100×39 as Double (converting)", Double.self) { files.corpus }
    Benchmark("Kaldi scp read 1,000 entries in order (KaldiScriptReader)", configuration: measured) { benchmark in
        let url = files.script
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let reader = try KaldiScriptReader<Float>(url: url)
            while let record = try reader.next() { blackHole(record) }
        }
    }
    Benchmark("Kaldi ark text read 100 × 100×39 Float", configuration: measured) { benchmark in
        let url = files.text
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try KaldiArchive.read(Float.self, from: url)) }
    }
    Benchmark("npy read 1,000 files of 100×39 Float", configuration: measured) { benchmark in
        let urls = files.npy
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for url in urls { blackHole(try NumPyFile.read(Float.self, from: url)) }
        }
    }
    Benchmark("Kaldi ark write 1,000 × 100×39 Float + scp (not durable)", configuration: measured) { benchmark in
        let url = folder.appendingPathComponent("written.ark"), script = folder.appendingPathComponent("written.scp")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try KaldiArchive.write(corpus, to: url, script: script, durable: false) }
    }
}
