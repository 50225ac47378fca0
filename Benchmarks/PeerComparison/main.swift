// Side-by-side timings against the Python peers (not package-benchmark: these mirror the peer
// scripts' own protocol — median of repeated whole runs — so the ratios compare like with like).
//
//   swift run -c release --package-path Benchmarks peer-comparison w3 [FSDD recordings folder]
//       ../shared/peers/w3_hmm.py's workload: psf features of FSDD, 10 left-to-right 5-state digit
//       models on the 4-speaker training set (takes 5–49), 20 iterations, tol 0.01; scoring of
//       takes 0–4 under every model. GaussianHMM diag, GMMHMM diag 3 mixtures, GaussianHMM full.
//   swift run -c release --package-path Benchmarks peer-comparison throughput [frames]
//       Frames per second per core of one Baum-Welch iteration (E-step + M-step): 5-state
//       3-mixture diagonal left-to-right and 64-state ergodic Gaussian HMMs on a synthetic corpus
//       made by repeating FSDD features (default 10,000,000 frames).
import Foundation
import HMMKit

/// Wall-clock seconds of `body`; with `CPU_TIME=1`, the process's CPU seconds instead (for
/// comparing one-thread runs on a machine that other work keeps busy).
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let cpu = ProcessInfo.processInfo.environment["CPU_TIME"] == "1"
    func now() -> Double {
        guard cpu else { return Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let start = now()
    try body()
    return now() - start
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

struct Recording {
    let digit: Int
    let speaker: String
    let take: Int
    let features: Matrix<Double>
}

/// A recording of the corpus that gave no features, and why.
struct UnreadableRecording: Error, CustomStringConvertible {
    let description: String
}

func loadFSDD(_ folder: String) throws -> ([Recording], Double) {
    let urls = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".wav") }.sorted()
        .map { URL(fileURLWithPath: folder).appendingPathComponent($0) }
    let frontEnd = try FrontEnd(configuration: .psf(sampleRate: 8000))
    var results: [RecordingFeatures<Double>] = []
    let time = seconds { results = frontEnd.features(Array(urls.indices), audio: { frontEnd.decode(urls[$0]) }) }
    let recordings = try zip(urls, results).map { url, file -> Recording in
        guard let features = file.copies.first?.frames else { throw UnreadableRecording(description: file.problems.map { "\($0)" }.joined(separator: "; ")) }
        let parts = url.deletingPathExtension().lastPathComponent.split(separator: "_")
        return Recording(digit: Int(parts[0])!, speaker: String(parts[1]), take: Int(parts[2])!, features: features)
    }
    return (recordings, time)
}

func stacked(_ matrices: [Matrix<Double>]) -> (Matrix<Double>, [Int]) {
    var elements: [Double] = []
    for m in matrices { elements += m.elements }
    return (Matrix(rowCount: matrices.reduce(0) { $0 + $1.rowCount }, columnCount: matrices[0].columnCount, elements: elements),
            matrices.map(\.rowCount))
}

func w3(_ folder: String, repetitions: Int = 3) throws {
    let (recordings, featureSeconds) = try loadFSDD(folder)
    let trainSpeakers: Set = ["george", "jackson", "lucas", "nicolas"]
    let train = recordings.filter { trainSpeakers.contains($0.speaker) && $0.take >= 5 }
    let test = recordings.filter { trainSpeakers.contains($0.speaker) && $0.take < 5 }
    let perDigit = (0..<10).map { d in stacked(train.filter { $0.digit == d }.map(\.features)) }
    let (testFrames, testLengths) = stacked(test.map(\.features))
    print(String(format: "features (psf preset, 1 thread): %.3f s for %d files; train %d files, %d frames; test %d files",
                 featureSeconds, recordings.count, train.count, perDigit.reduce(0) { $0 + $1.1.count > 0 ? $0 + $1.0.rowCount : $0 },
                 test.count))
    let configurations: [(String, Int, CovarianceType)] = [("GaussianHMM_diag", 1, .diagonal), ("GMMHMM_diag_mix3", 3, .diagonal),
                                                           ("GaussianHMM_full", 1, .full)]
    let only = ProcessInfo.processInfo.environment["ONLY"]
    for (name, mixtures, type) in configurations where only == nil || only == name {
        for threads in [1, 2] {
            var trainTimes: [Double] = [], scoreTimes: [Double] = []
            var models: [GMMHMM<Double>] = [], iterations: [Int] = []
            var accuracy = 0.0
            for _ in 0..<repetitions {
                let trainTime = try seconds {
                    // Ten independent word models. With 2 threads, two models train at once, largest
                    // first, and each model's E-step may use both threads too, so the last model
                    // running has both cores (diag 1.2× faster than models alone, others level;
                    // BENCHMARKS.md). OUTER_THREADS=1: models only, each E-step on one thread.
                    let modelsOnly = ProcessInfo.processInfo.environment["OUTER_THREADS"] == "1"
                    // Largest models first, each worker taking the next one when it is free.
                    let fits = try ParallelWork.map(10, threadCount: threads,
                                                    order: .largestFirst(costs: perDigit.map { $0.0.rowCount })) { (digit) throws(HMMError) in
                        var trainer = HMMTrainer<Double>(stateCount: 5, componentsPerState: mixtures, covarianceType: type,
                                                         topology: .leftToRight(maximumJump: 0))
                        trainer.baumWelch.threadCount = modelsOnly ? 1 : threads
                        trainer.baumWelch.iterationCount = 20
                        trainer.baumWelch.tolerance = 1e-2
                        if let block = ProcessInfo.processInfo.environment["BLOCK"].flatMap(Int.init) {
                            trainer.baumWelch.partition.framesPerBlock = block
                        }
                        return try trainer.fit(perDigit[digit].0, lengths: perDigit[digit].1)
                    }
                    models = fits.map(\.model)
                    iterations = fits.map(\.history.count)
                }
                trainTimes.append(trainTime)
                var scores: [[Double]] = []
                let trained = models
                let scoreReps = ProcessInfo.processInfo.environment["SCORE_REPS"].flatMap(Int.init) ?? 1
                let scoreTime = seconds { for _ in 0..<scoreReps {
                    scores = ParallelWork.map(10, threadCount: threads) { digit in
                        try! trained[digit].logLikelihoods(of: testFrames, lengths: testLengths)
                    }
                } } / Double(scoreReps)
                scoreTimes.append(scoreTime)
                let correct = test.indices.filter { k in (0..<10).max { scores[$0][k] < scores[$1][k] } == test[k].digit }.count
                accuracy = Double(correct) / Double(test.count)
            }
            print(String(format: "%@ threads=%d: train median %.4f s runs=%@ | score median %.4f s runs=%@ | acc %.3f | iters=%@",
                         name, threads, median(trainTimes), trainTimes.map { String(format: "%.4f", $0) }.joined(separator: ","),
                         median(scoreTimes), scoreTimes.map { String(format: "%.4f", $0) }.joined(separator: ","), accuracy,
                         iterations.description))
        }
    }
}

func throughput(_ folder: String, frames target: Int) throws {
    let (recordings, _) = try loadFSDD(folder)
    let d = recordings[0].features.columnCount
    var elements: [Double] = [], lengths: [Int] = []
    elements.reserveCapacity(target * d + 10_000)
    var index = 0
    while lengths.reduce(0, +) < target {
        let features = recordings[index % recordings.count].features
        elements += features.elements
        lengths.append(features.rowCount)
        index += 1
    }
    let frames = Matrix(rowCount: lengths.reduce(0, +), columnCount: d, elements: elements)
    elements = []
    print("synthetic corpus: \(frames.rowCount) frames in \(lengths.count) sequences (FSDD psf features repeated)")
    let cases: [(String, Int, Int, MarkovTopology)] = [("5-state 3-mixture diag left-to-right", 5, 3, .leftToRight(maximumJump: 0)),
                                                       ("64-state ergodic Gaussian diag", 64, 1, .ergodic)]
    let only = ProcessInfo.processInfo.environment["ONLY"]   // "5" or "64": one of the two models
    for (name, states, mixtures, topology) in cases where only == nil || only == String(states) {
        var trainer = HMMTrainer<Double>(stateCount: states, componentsPerState: mixtures, covarianceType: .diagonal, topology: topology)
        trainer.baumWelch.iterationCount = 1
        let sample = min(frames.rowCount, 200_000)
        let sampleLengths = Array(lengths.prefix { _ in true })
        var cut = 0, used: [Int] = []
        for length in sampleLengths where cut + length <= sample { cut += length; used.append(length) }
        let model = try trainer.fit(frames.rows(0..<cut), lengths: used).model
        for threads in [1, 2] {
            var options = BaumWelchOptions(iterationCount: 1, tolerance: -.infinity)
            options.threadCount = threads
            var times: [Double] = []
            for _ in 0..<3 { times.append(try seconds { _ = try model.fitted(to: frames, lengths: lengths, options: options) }) }
            let best = median(times)
            if ProcessInfo.processInfo.environment["CPU_TIME"] == "1" {
                // Process CPU seconds, all threads together: frames per CPU second is the rate per core.
                print(String(format: "%@, threads=%d: one iteration %.3f CPU s (median of 3) = %.2f M frames/s/core",
                             name, threads, best, Double(frames.rowCount) / best / 1e6))
            } else {
                print(String(format: "%@, threads=%d: one iteration %.3f s (median of 3) = %.2f M frames/s = %.2f M frames/s/core",
                             name, threads, best, Double(frames.rowCount) / best / 1e6, Double(frames.rowCount) / best / 1e6 / Double(threads)))
            }
        }
    }
}

import Synchronization
// As `hmmkit` does: OpenBLAS's kernel family for this CPU where its own detection fell back to
// generic kernels (the thread count is the caller's: OPENBLAS_NUM_THREADS=1 in BENCHMARKS.md).
OpenBLASEnvironment.restartIfNeeded(oneBLASThread: false)
print("OpenBLAS core: \(BLASThreads.coreName)")
let arguments = CommandLine.arguments
let defaultFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/data/fsdd/recordings").standardized.path
switch arguments.dropFirst().first {
case "w3": try w3(arguments.count > 2 ? arguments[2] : defaultFolder)
case "throughput": try throughput(defaultFolder, frames: arguments.count > 2 ? Int(arguments[2])! : 10_000_000)
default: print("usage: peer-comparison w3 [FSDD folder] | throughput [frames]")
}
