import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing
@testable import HMMKitTraining

@Suite("Statistics files")
struct StatisticsFileTests {
    /// Write → read gives the same numbers bit for bit, and the model they belong to takes them.
    @Test func roundTrip() throws {
        let folder = try TemporaryFolder()
        let sequences = TrainingTestData.sequences(count: 20)
        let model = try TrainingTestData.model(sequences)
        let (statistics, _) = try EStepPass.accumulate(model, over: InMemorySequences(sequences))
        let file = try StatisticsFile(statistics, model: model)
        try file.write(to: folder.file("a.acc"))
        let read = try StatisticsFile.read(from: folder.file("a.acc"))
        #expect(read == file)
        #expect(try read.statistics(for: model, path: "a.acc").values == statistics.values)
        #expect(read.layout == StatisticsLayout(modelFormat: "HMMKit.HiddenMarkovModel", states: 3, components: 2, dimension: 4,
                                                covariance: .diagonal, valueCount: statistics.values.count))
    }

    /// Foreign, newer, truncated and damaged files are refused with a reason.
    @Test func damagedFilesAreRefused() throws {
        let sequences = TrainingTestData.sequences(count: 10)
        let model = try TrainingTestData.model(sequences)
        let bytes = try StatisticsFile(model.emptyStatistics(), model: model).encoded()
        let problem = FileLimitTests.problem
        #expect(problem(Array("{\"format\": \"HMMKit.HiddenMarkovModel\"}".utf8)).contains("not an HMMKit statistics file"))
        var newer = bytes
        newer[8] = 9
        #expect(problem(newer).contains("newer HMMKit"))
        #expect(problem(Array(bytes.dropLast(9))).contains("truncated"))
        var flipped = bytes
        flipped[bytes.count - 20] ^= 1
        #expect(problem(flipped).contains("checksum"))
        #expect(problem(bytes) == "accepted")
    }

    /// Statistics of one model are refused by another (even of the same shape), and by models
    /// of another shape; sums of different models are refused, naming the file.
    @Test func otherModelsAreRefused() throws {
        let sequences = TrainingTestData.sequences(count: 30)
        let model = try TrainingTestData.model(sequences)
        let (statistics, _) = try EStepPass.accumulate(model, over: InMemorySequences(sequences))
        let (next, _) = try model.reestimated(from: statistics, options: HMMUpdateOptions(), backend: .default)
        let file = try StatisticsFile(statistics, model: model)
        #expect(try model.identity() != next.identity())
        #expect(throws: TrainingError.self) { _ = try file.statistics(for: next, path: "a.acc") }
        let full = try TrainingTestData.model(sequences, covariance: .full)
        #expect(throws: TrainingError.self) { _ = try file.statistics(for: full, path: "a.acc") }
        var sum = file
        #expect(throws: TrainingError.self) { try sum.add(try StatisticsFile(next.emptyStatistics(), model: next), path: "b.acc") }
        try sum.add(file, path: "a2.acc")
        #expect(sum.shardCount == 2 && sum.frameCount == 2 * file.frameCount)
        #expect(relativeError(sum.values, file.values.map { 2 * $0 }) == 0)
    }

    /// The identity is a function of the parameters alone: the same model read back has it.
    @Test func identityIsStable() throws {
        let sequences = TrainingTestData.sequences(count: 10)
        let model = try TrainingTestData.model(sequences)
        let copy = try GMMHMM<Double>(fileContents: try model.fileContents(), path: "copy", backend: .reference)
        #expect(try copy.identity() == model.identity())
        #expect(ModelIdentity.hash([UInt8]()) == "cbf29ce484222325")
        #expect(ModelIdentity.hash(Array("a".utf8)) == "af63dc4c8601ec8c")  // FNV-1a test vector
    }
}
