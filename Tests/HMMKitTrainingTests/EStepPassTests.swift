import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing
@testable import HMMKitTraining

@Suite("Streaming statistics: chunks, shards, reader thread")
struct EStepPassTests {
    /// Statistics accumulated chunk by chunk equal those of the whole corpus in memory (the
    /// engine's batch E-step): only the order of additions differs, so 1e-13 relative.
    @Test(arguments: [1, 7, 64, 100_000])
    func chunkedEqualsInMemory(chunkFrames: Int) throws {
        let sequences = TrainingTestData.sequences(count: 60)
        let model = try TrainingTestData.model(sequences)
        let (frames, lengths) = TrainingTestData.stacked(sequences)
        let reference = try model.statistics(of: frames, lengths: lengths)
        let (streamed, summary) = try EStepPass.accumulate(
            model, over: InMemorySequences(sequences), chunking: ChunkingPolicy(maximumFrames: chunkFrames), threadCount: 2)
        #expect(summary.sequenceCount == 60 && summary.frameCount == frames.rowCount)
        #expect(relativeError(streamed.values, reference.values) < 1e-13)
        if chunkFrames >= frames.rowCount { #expect(streamed.values == reference.values) }
    }

    /// The thread count never changes a bit; the chunking is fixed by the lengths alone.
    @Test func threadCountDoesNotMatter() throws {
        let sequences = TrainingTestData.sequences(count: 50, seed: 5)
        let model = try TrainingTestData.model(sequences)
        let chunking = ChunkingPolicy(maximumFrames: 100, prefetchDepth: 1)
        let one = try EStepPass.accumulate(model, over: InMemorySequences(sequences), chunking: chunking, threadCount: 1)
        let three = try EStepPass.accumulate(model, over: InMemorySequences(sequences), chunking: chunking, threadCount: 3)
        #expect(one.statistics.values == three.statistics.values)
        #expect(one.summary.chunkCount > 5)
    }

    /// Shards partition the corpus: their statistics add up to the whole (1e-13, summation order).
    @Test func shardsAddUpToTheWhole() throws {
        let sequences = TrainingTestData.sequences(count: 41, seed: 9)
        let model = try TrainingTestData.model(sequences)
        let whole = try EStepPass.accumulate(model, over: InMemorySequences(sequences)).statistics
        var sum = model.emptyStatistics()
        var counted = 0
        for index in 0..<4 {
            let part = try EStepPass.accumulate(model, over: InMemorySequences(sequences),
                                                          shard: try SequenceShard(index: index, count: 4))
            counted += part.summary.sequenceCount
            try sum.accumulate(part.statistics)
        }
        #expect(counted == 41)
        #expect(relativeError(sum.values, whole.values) < 1e-13)
        #expect(throws: TrainingError.self) { try SequenceShard(index: 4, count: 4) }
    }

    /// A source error arrives after the chunks completed before it, as the source's own error
    /// (typed, with its message); the reader thread ends (the call returns).
    @Test func sourceErrorsPropagateInOrder() throws {
        let sequences = TrainingTestData.sequences(count: 30)
        let model = try TrainingTestData.model(sequences)
        var chunksSeen = 0
        let error = #expect(throws: TrainingError.input(FailingSource.Broken())) {
            _ = try EStepPass.accumulate(model, over: FailingSource(sequences: sequences, failAt: 20),
                                                   chunking: ChunkingPolicy(maximumFrames: 1, prefetchDepth: 1)) { _ in chunksSeen += 1 }
        }
        #expect(error?.description == "sequence file broken.npy is damaged")
        // One sequence per chunk; a chunk is handed over when the next sequence arrives, so the
        // chunk of sequence 19 is still being built when the source fails at 20.
        #expect(chunksSeen == 19)
    }

    /// A sequence the model refuses stops the pass early (the reader is cancelled, nothing
    /// hangs) and the error names the sequence and its place in the corpus.
    @Test func refusedSequencesAreNamed() throws {
        var sequences = TrainingTestData.sequences(count: 200)
        let model = try TrainingTestData.model(sequences)
        sequences[3][2, 1] = .nan
        sequences[4] = Matrix(rowCount: 2, columnCount: 4)  // shorter than 3 states allow
        do {
            _ = try EStepPass.accumulate(model, over: InMemorySequences(sequences), chunking: ChunkingPolicy(maximumFrames: 1))
            Issue.record("expected an error")
        } catch {
            // The engine reports the NaN frame as impossible (its log-likelihood is not a number).
            guard case .sequence(name: "3", index: 3, let problem) = error else { Issue.record("\(error)"); return }
            #expect(problem.contains("frame 2"))
        }
        sequences[3][2, 1] = 0
        do {
            _ = try EStepPass.accumulate(model, over: InMemorySequences(sequences))
            Issue.record("expected an error")
        } catch {
            guard case .sequence(name: "4", index: 4, let problem) = error else { Issue.record("\(error)"); return }
            #expect(problem.contains("2 frames"))
        }
        sequences[4] = Matrix(rowCount: 10, columnCount: 5)
        #expect(throws: TrainingError.dimensionMismatch(sequence: "4", expected: 4, found: 5)) {
            _ = try EStepPass.accumulate(model, over: InMemorySequences(sequences))
        }
    }

    /// The sample is the whole corpus, in order, when it fits; otherwise a bounded subset that
    /// the seed alone decides.
    @Test func sampleIsBoundedAndSeeded() throws {
        let sequences = TrainingTestData.sequences(count: 100, seed: 2)
        let total = sequences.reduce(0) { $0 + $1.rowCount }
        let all = try SequenceSample.draw(from: InMemorySequences(sequences), frameBudget: total, seed: 1)
        #expect(all.records.map(\.index) == Array(0..<100))
        #expect(all.stacked.frames == TrainingTestData.stacked(sequences).0)
        let part = try SequenceSample.draw(from: InMemorySequences(sequences), frameBudget: total / 4, seed: 1)
        #expect(part.frameCount <= total / 4 && part.frameCount > total / 4 - 40)
        #expect(part.records.map(\.index) == part.records.map(\.index).sorted())
        let again = try SequenceSample.draw(from: InMemorySequences(sequences), frameBudget: total / 4, seed: 1)
        #expect(again.records.map(\.index) == part.records.map(\.index))
        let other = try SequenceSample.draw(from: InMemorySequences(sequences), frameBudget: total / 4, seed: 2)
        #expect(other.records.map(\.index) != part.records.map(\.index))
        #expect(part.corpusSequenceCount == 100 && part.corpusFrameCount == total)
    }
}
