import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing
@testable import HMMKitTraining

/// A labelled corpus of two "words" whose sequences are interleaved.
struct LabelledSequences: SequenceSource {
    let words: [(label: String, sequence: Matrix<Double>)]

    func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<Double>) throws -> Void) throws {
        for (index, word) in words.enumerated() where shard.contains(index) {
            try body(SequenceRecord(index: index, name: "\(word.label)\(index)", frames: word.sequence, label: word.label))
        }
    }
}

@Suite("Model sets: one model per label, trained together")
struct ModelSetTests {
    /// Training a set on interleaved labelled sequences gives each model what training it alone
    /// on its own sequences gives (1e-12: the E-step's blocks differ), and the set survives its
    /// file form and checkpoints.
    @Test func setEqualsSeparateTraining() throws {
        let up = TrainingTestData.sequences(count: 40, seed: 1)
        let down = TrainingTestData.sequences(count: 30, seed: 2).map { sequence in
            Matrix(rowCount: sequence.rowCount, columnCount: sequence.columnCount, elements: sequence.elements.map { -$0 })
        }
        var words: [(label: String, sequence: Matrix<Double>)] = []
        for index in 0..<40 {
            words.append(("up", up[index]))
            if index < 30 { words.append(("down", down[index])) }
        }
        let source = LabelledSequences(words: words)
        let initialUp = try TrainingTestData.model(up), initialDown = try TrainingTestData.model(down)
        let set = try ModelSet(labels: ["up", "down"], models: [initialUp, initialDown])
        let options = EMOptions(iterationCount: 3, convergence: .totalLogLikelihoodGain(-.infinity), threadCount: 2,
                                         chunking: ChunkingPolicy(maximumFrames: 500))
        let folder = try TemporaryFolder()
        var trainer = EMDriver<ModelSet<GMMHMM<Double>>>(updateOptions: HMMUpdateOptions(), options: options)
        trainer.checkpointURL = folder.file("set.checkpoint")
        let fit = try trainer.train(from: try trainer.start(resuming: false) { set }, source: source)

        let single = EMDriver<GMMHMM<Double>>(updateOptions: HMMUpdateOptions(), options: options)
        let alone = try single.train(from: try single.start(resuming: false) { initialUp }, source: InMemorySequences(up))
        let aloneDown = try single.train(from: try single.start(resuming: false) { initialDown }, source: InMemorySequences(down))
        #expect(relativeError(TrainingTestData.parameters(try #require(fit.model["up"])), TrainingTestData.parameters(alone.model)) < 1e-12)
        #expect(relativeError(TrainingTestData.parameters(try #require(fit.model["down"])), TrainingTestData.parameters(aloneDown.model)) < 1e-12)
        #expect(relativeError([fit.history.last!.logLikelihood], [alone.history.last!.logLikelihood + aloneDown.history.last!.logLikelihood]) < 1e-12)

        let copy = try ModelSet<GMMHMM<Double>>(fileContents: try fit.model.fileContents(), path: "set", backend: .default)
        #expect(copy.labels == ["up", "down"])
        #expect(try copy.fileContents() == fit.model.fileContents())
        let checkpoint = try #require(try TrainingCheckpoint.read(from: folder.file("set.checkpoint")))
        #expect(checkpoint.model == (try fit.model.fileContents()))
    }

    /// With ``MemberStopping``, each member stops when its own history meets the rule, exactly
    /// when Baum-Welch alone with the tolerance `rule × its frames` stops, with the same model
    /// (1e-12: the E-step's blocks differ) and history; the set stops when all have, and its
    /// file form keeps the histories and the stopped members.
    @Test func membersStopOnTheirOwnTolerance() throws {
        let up = TrainingTestData.sequences(count: 40, seed: 5)
        let down = TrainingTestData.sequences(count: 25, lengths: 20...60, seed: 6)
        let words = up.map { ("up", $0) } + down.map { ("down", $0) }
        let tolerancePerFrame = 1.14e-4  // the two words' gains per frame fall below it after 2 and 4 iterations
        let set = try ModelSet(labels: ["up", "down"], models: [try TrainingTestData.model(up), try TrainingTestData.model(down)],
                               stopping: MemberStopping(rule: .totalLogLikelihoodGainPerFrame(tolerancePerFrame)))
        let options = EMOptions(iterationCount: 40, convergence: .totalLogLikelihoodGain(-.infinity),
                                         chunking: ChunkingPolicy(maximumFrames: 400))
        let trainer = EMDriver<ModelSet<GMMHMM<Double>>>(updateOptions: HMMUpdateOptions(), options: options)
        let fit = try trainer.train(from: try trainer.start(resuming: false) { set }, source: LabelledSequences(words: words))
        #expect(fit.stopReason == .converged && fit.model.isFinished)

        var lengths: [Int] = []
        for (index, sequences) in [up, down].enumerated() {
            let (frames, counts) = TrainingTestData.stacked(sequences)
            let tolerance = tolerancePerFrame * Double(frames.rowCount)
            let alone = try set.models[index].fitted(to: frames, lengths: counts,
                                                     options: BaumWelchOptions(iterationCount: 40, tolerance: tolerance))
            #expect(alone.converged)
            #expect(fit.model.histories[index].count == alone.logLikelihoodHistory.count)
            #expect(relativeError(fit.model.histories[index].map(\.logLikelihood), alone.logLikelihoodHistory) < 1e-12)
            #expect(relativeError(TrainingTestData.parameters(fit.model.models[index]), TrainingTestData.parameters(alone.model)) < 1e-12)
            lengths.append(alone.logLikelihoodHistory.count)
        }
        #expect(lengths[0] != lengths[1], "the members should stop at different iterations for this test to bite: \(lengths)")
        #expect(fit.history.count == lengths.max())

        let copy = try ModelSet<GMMHMM<Double>>(fileContents: try fit.model.fileContents(), path: "set", backend: .default)
        #expect(copy.histories == fit.model.histories && copy.stopped == [true, true] && copy.stopping == set.stopping)
        #expect(try copy.fileContents() == fit.model.fileContents())
    }

    /// A model set file of version 1 (no histories) still reads.
    @Test func versionOneFilesRead() throws {
        let up = TrainingTestData.sequences(count: 10)
        let model = try TrainingTestData.model(up)
        let file = try model.fileContents()
        let header = #"{"byteCounts":[\#(file.count)],"format":"HMMKit.ModelSet","labels":["up"],"version":1}"#
        let set = try ModelSet<GMMHMM<Double>>(fileContents: Array(header.utf8) + [10] + file, path: "old", backend: .default)
        #expect(set.labels == ["up"] && set.histories == [[]] && set.stopped == [false] && set.stopping == nil)
    }

    /// A sequence whose label has no model, or no label at all, is refused by name.
    @Test func unknownLabelsAreRefused() throws {
        let up = TrainingTestData.sequences(count: 10)
        let set = try ModelSet(labels: ["up"], models: [try TrainingTestData.model(up)])
        let source = LabelledSequences(words: [("up", up[0]), ("left", up[1])])
        #expect(throws: TrainingError.sequence(name: "left1", index: 1, problem: "its label \"left\" has no model in the set")) {
            _ = try EStepPass.accumulate(set, over: source)
        }
        #expect(throws: TrainingError.self) { try ModelSet(labels: ["a", "a"], models: [set.models[0], set.models[0]]) }
    }

    /// A per-label sample holds only that label's sequences.
    @Test func samplePerLabel() throws {
        let up = TrainingTestData.sequences(count: 10)
        let source = LabelledSequences(words: up.enumerated().map { ($0.offset % 2 == 0 ? "even" : "odd", $0.element) })
        let sample = try SequenceSample.draw(from: source, frameBudget: .max, seed: 0) { $0.label == "odd" }
        #expect(sample.records.map(\.index) == [1, 3, 5, 7, 9])
        // One pass, one sample per label; each the same as drawing that label alone.
        let byLabel = try SequenceSample.drawByLabel(from: source, frameBudget: 100, seed: 4)
        #expect(byLabel.keys.sorted() == ["even", "odd"])
        for (label, sample) in byLabel {
            let alone = try SequenceSample.draw(from: source, frameBudget: 100, seed: 4) { $0.label == label }
            #expect(sample.records.map(\.index) == alone.records.map(\.index))
            #expect(sample.frameCount <= 100 && sample.records.allSatisfy { $0.label == label })
        }
    }
}
