import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Synchronization
import Testing
@testable import HMMKitTraining

/// Processes simulated by threads: `allReduceSum` waits for every member, sums their buffers in
/// rank order and hands every member the same sum (what MPI_Allreduce promises).
final class ThreadGroup: Sendable {
    let size: Int
    private let state = Mutex<(round: Int, arrived: Int, buffers: [[Double]?], bytes: [UInt8]?, result: [Double])>((0, 0, [], nil, []))

    init(size: Int) { self.size = size }

    func member(_ rank: Int) -> Member { Member(group: self, rank: rank) }

    struct Member: TrainingCommunicator {
        let group: ThreadGroup
        let rank: Int
        var size: Int { group.size }

        func allReduceSum(_ values: inout [Double]) throws(TrainingError) {
            let mine = values
            let round = group.state.withLock { state -> Int in
                if state.buffers.isEmpty { state.buffers = Array(repeating: nil, count: group.size) }
                state.buffers[rank] = mine
                state.arrived += 1
                if state.arrived == group.size {
                    var sum = state.buffers[0]!
                    for r in 1..<group.size { for i in sum.indices { sum[i] += state.buffers[r]![i] } }
                    state.result = sum
                    state.buffers = []
                    state.arrived = 0
                    state.round += 1
                    return state.round
                }
                return state.round + 1
            }
            while group.state.withLock({ $0.round }) < round { usleep(100) }
            values = group.state.withLock { $0.result }
        }

        func broadcast(_ bytes: inout [UInt8], from root: Int) throws(TrainingError) {
            if rank == root {
                let sent = bytes
                group.state.withLock { $0.bytes = sent }
            } else {
                while true {
                    if let sent = group.state.withLock({ $0.bytes }) {
                        bytes = sent
                        break
                    }
                    usleep(100)
                }
            }
        }

        func abort(exitCode: Int32) -> Never { fatalError("abort \(exitCode)") }
    }
}

@Suite("Streaming EM: agreement, processes, checkpoints and resume")
struct StreamingTrainerTests {
    static func trainer(iterations: Int, chunkFrames: Int = 150) -> EMDriver<GMMHMM<Double>> {
        EMDriver<GMMHMM<Double>>(
            updateOptions: HMMUpdateOptions(),
            options: EMOptions(iterationCount: iterations, convergence: .totalLogLikelihoodGain(-.infinity),
                                        threadCount: 2, chunking: ChunkingPolicy(maximumFrames: chunkFrames)))
    }

    /// Streaming Baum-Welch follows the in-memory one (``HiddenMarkovModel/fitted(to:lengths:options:progress:)``):
    /// bitwise with one chunk, to 1e-11 relative with many (summation order, amplified a little
    /// by five M-steps).
    @Test(arguments: [150, 1_000_000])
    func followsInMemoryBaumWelch(chunkFrames: Int) throws {
        let sequences = TrainingTestData.sequences(count: 80)
        let initial = try TrainingTestData.model(sequences)
        let (frames, lengths) = TrainingTestData.stacked(sequences)
        var options = BaumWelchOptions(iterationCount: 5, tolerance: -.infinity)
        options.update = HMMUpdateOptions()
        let reference = try initial.fitted(to: frames, lengths: lengths, options: options)
        let trainer = Self.trainer(iterations: 5, chunkFrames: chunkFrames)
        let start = try trainer.start(resuming: false) { initial }
        var seen: [Int] = []
        let fit = try trainer.train(from: start, source: InMemorySequences(sequences)) { seen.append($0.record.iteration) }
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(fit.stopReason == .iterationLimit)
        let streamed = TrainingTestData.parameters(fit.model), expected = TrainingTestData.parameters(reference.model)
        if chunkFrames > frames.rowCount {
            #expect(streamed == expected)
            #expect(fit.history.map(\.logLikelihood) == reference.logLikelihoodHistory)
        } else {
            #expect(relativeError(streamed, expected) < 1e-11)
            #expect(relativeError(fit.history.map(\.logLikelihood), reference.logLikelihoodHistory) < 1e-12)
        }
    }

    /// Two and three simulated processes, each reading its shard and all-reducing, train the
    /// same model as one process (1e-10 relative, the acceptance bound for MPI) and agree
    /// with each other bitwise.
    @Test(arguments: [2, 3])
    func processesTrainTheSameModel(size: Int) throws {
        let sequences = TrainingTestData.sequences(count: 70, seed: 4)
        let initial = try TrainingTestData.model(sequences)
        let single = try Self.trainer(iterations: 4).train(from: try Self.trainer(iterations: 4).start(resuming: false) { initial },
                                                          source: InMemorySequences(sequences))
        let group = ThreadGroup(size: size)
        let results = Mutex<[Int: [Double]]>([:])
        // One thread per simulated process (concurrentPerform may run fewer at once and deadlock the group).
        let finished = DispatchGroup()
        for rank in 0..<size {
            finished.enter()
            Thread {
                defer { finished.leave() }
                var trainer = Self.trainer(iterations: 4)
                trainer.communicator = group.member(rank)
                do {
                    let start = try trainer.start(resuming: false) { initial }
                    let fit = try trainer.train(from: start, source: InMemorySequences(sequences))
                    results.withLock { $0[rank] = TrainingTestData.parameters(fit.model) }
                } catch {
                    Issue.record("rank \(rank): \(error)")
                }
            }.start()
        }
        finished.wait()
        let parameters = results.withLock { $0 }
        #expect(parameters.count == size)
        for rank in 1..<size { #expect(parameters[rank] == parameters[0]) }
        #expect(relativeError(parameters[0] ?? [], TrainingTestData.parameters(single.model)) < 1e-10)
    }

    /// A run stopped after 2 iterations and resumed from its checkpoint ends with the bits of an
    /// uninterrupted run; a finished run resumed does nothing; another configuration is refused.
    @Test func resumeContinuesBitwise() throws {
        let folder = try TemporaryFolder()
        let sequences = TrainingTestData.sequences(count: 50, seed: 8)
        let initial = try TrainingTestData.model(sequences)
        let source = InMemorySequences(sequences)
        var whole = Self.trainer(iterations: 5)
        whole.checkpointURL = folder.file("whole.checkpoint")
        let uninterrupted = try whole.train(from: try whole.start(resuming: true) { initial }, source: source)

        var first = Self.trainer(iterations: 2)
        first.checkpointURL = folder.file("run.checkpoint")
        first.fingerprint = TrainingFingerprint(task: "test", data: "fifty sequences", options: ["iterations": "5"])
        _ = try first.train(from: try first.start(resuming: true) { initial }, source: source)
        var second = Self.trainer(iterations: 5)
        second.checkpointURL = first.checkpointURL
        second.fingerprint = first.fingerprint
        let start = try second.start(resuming: true) {
            Issue.record("must resume, not initialise")
            return initial
        }
        #expect(start.completedIterations == 2 && start.resumed && start.history.count == 2)
        let resumed = try second.train(from: start, source: source)
        #expect(try resumed.model.fileContents() == uninterrupted.model.fileContents())
        #expect(resumed.history.map(\.logLikelihood) == uninterrupted.history.map(\.logLikelihood))

        let checkpoint = try #require(try TrainingCheckpoint.read(from: folder.file("run.checkpoint")))
        #expect(checkpoint.completedIterations == 5 && checkpoint.stopReason == .iterationLimit)
        #expect(checkpoint.model == (try uninterrupted.model.fileContents()))
        let finished = try second.train(from: try second.start(resuming: true) { initial }, source: source)
        #expect(finished.history.count == 5)

        var other = second
        other.fingerprint.options["iterations"] = "6"
        #expect(throws: TrainingError.self) { _ = try other.start(resuming: true) { initial } }
        do {
            _ = try other.start(resuming: true) { initial }
        } catch {
            #expect("\(error)".contains("iterations: 6 in this run, 5 in the checkpoint"))
        }
        // Without resuming, the checkpoint is ignored and training starts afresh.
        #expect(try other.start(resuming: false) { initial }.completedIterations == 0)
    }

    /// Damaged checkpoints are refused with the file's name, never half-read.
    @Test func damagedCheckpointsAreRefused() throws {
        let checkpoint = TrainingCheckpoint(fingerprint: TrainingFingerprint(task: "c", data: "d", options: [:]), modelFormat: "HMMKit.HiddenMarkovModel", completedIterations: 1,
                                            history: [IterationRecord(iteration: 1, logLikelihood: -5, frameCount: 2, seconds: 0.5)],
                                            stopReason: nil, model: Array("{\"format\":1}".utf8))
        let bytes = try checkpoint.encoded()
        #expect(try TrainingCheckpoint(decoding: bytes, path: "x") == checkpoint)
        for damaged in [Array(bytes.dropLast()), Array(bytes.prefix(20)), Array("{}\n".utf8), bytes.map { $0 == UInt8(ascii: "1") ? UInt8(ascii: "2") : $0 }] {
            #expect(throws: TrainingError.self) { try TrainingCheckpoint(decoding: damaged, path: "x") }
        }
    }

    /// Early stopping follows each rule as the in-memory trainers do.
    @Test func convergenceRules() {
        let history = [IterationRecord(iteration: 1, logLikelihood: -100, frameCount: 10, seconds: 0),
                       IterationRecord(iteration: 2, logLikelihood: -99.995, frameCount: 10, seconds: 0)]
        #expect(ConvergenceRule.totalLogLikelihoodGain(0.01).isMet(by: history))
        #expect(!ConvergenceRule.totalLogLikelihoodGain(0.001).isMet(by: history))
        #expect(ConvergenceRule.meanLogLikelihoodChange(0.001).isMet(by: history))
        #expect(!ConvergenceRule.meanLogLikelihoodChange(0.0001).isMet(by: history))
        #expect(!ConvergenceRule.totalLogLikelihoodGain(1).isMet(by: Array(history.prefix(1))))
    }
}
