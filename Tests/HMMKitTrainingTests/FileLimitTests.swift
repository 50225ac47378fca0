import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing
@testable import HMMKitTraining

/// Statistics files and checkpoints whose sizes, counts or values no run can write are refused
/// whole, naming the field and the value, before anything is sized from them.
@Suite("Statistics and checkpoint file limits")
struct FileLimitTests {
    static func problem(_ bytes: [UInt8]) -> String {
        do {
            _ = try StatisticsFile(decoding: bytes, path: "x.acc")
            return "accepted"
        } catch {
            if case .file("x.acc", .content(let problem)) = error { return problem }
            return "\(error)"
        }
    }

    /// `bytes` with the checksum recomputed, so that only the field under test is wrong.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var body = Array(bytes.dropLast(8))
        withUnsafeBytes(of: ModelIdentity.fnv1a(body).littleEndian) { body += $0 }
        return body
    }

    static func file() throws -> (StatisticsFile, GMMHMM<Double>) {
        let sequences = TrainingTestData.sequences(count: 10)
        let model = try TrainingTestData.model(sequences)
        let (statistics, _) = try EStepPass.accumulate(model, over: InMemorySequences(sequences))
        return (try StatisticsFile(statistics, model: model), model)
    }

    @Test func headerSizesAndCountsAreChecked() throws {
        let (file, _) = try Self.file()
        #expect(Self.problem(try file.encoded()) == "accepted")
        var huge = file
        huge.layout.valueCount = Int.max
        #expect(Self.problem(try huge.encoded()).contains("layout.valueCount = \(Int.max)"))
        var negative = file
        negative.layout.valueCount = -1
        #expect(Self.problem(try negative.encoded()).contains("layout.valueCount is -1"))
        var shards = file
        shards.shardCount = Int.max
        #expect(Self.problem(try shards.encoded()).contains("shards is \(Int.max)"))
        var dimension = file
        dimension.layout.dimension = 1 << 40
        #expect(Self.problem(try dimension.encoded()).contains("layout.dimension is \(1 << 40)"))
        // The layout's covariance is typed; an unknown name can only come from the file's bytes.
        let encoded = try file.encoded(), known = Array("\"covariance\":\"diag\"".utf8)
        let at = try #require((0...(encoded.count - known.count)).first { Array(encoded[$0..<($0 + known.count)]) == known })
        var covariance = encoded
        covariance.replaceSubrange((at + known.count - 5)..<(at + known.count - 1), with: Array("nope".utf8))
        #expect(Self.problem(Self.resealed(covariance)).contains("layout.covariance is \"nope\""))
        var version = try file.encoded()
        version[8] = 0
        #expect(Self.problem(Self.resealed(version)).contains("format version 0"))
        var header = try file.encoded()
        header[12] = 0xff; header[13] = 0xff; header[14] = 0xff; header[15] = 0x7f
        #expect(Self.problem(Self.resealed(header)).contains("header length"))
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteValuesAreRefused(_ value: Double) throws {
        var (file, _) = try Self.file()
        file.values[5] = value
        #expect(Self.problem(try file.encoded()).contains("statistics value 5 is \(value)"))
    }

    /// Negated statistics decode (every number is finite) but no data gives them: the model refuses them.
    @Test func impossibleSumsAreRefusedByTheModel() throws {
        let (file, model) = try Self.file()
        var negated = file
        negated.values = file.values.map { -$0 }
        do {
            _ = try negated.statistics(for: model, path: "n.acc")
            Issue.record("negated statistics accepted")
        } catch {
            #expect("\(error)".contains("n.acc") && "\(error)".contains("cannot be negative"), "\(error)")
        }
        // Σγx² below (Σγx)²/Σγ: a negative variance.
        var statistics = GaussianMixtureStatistics(componentCount: 1, dimension: 1, covarianceType: .diagonal)
        try statistics.replaceValues(with: [4, 0, 4, 8, 1])
        #expect(statistics.consistencyProblem()?.contains("negative variance") == true)
        try statistics.replaceValues(with: [4, 0, 4, 8, 16])
        #expect(statistics.consistencyProblem() == nil)
    }

    /// Sums that overflow and shard counts past the limit are refused by `add`, and the file is left as it was.
    @Test func overflowingSumsAreRefused() throws {
        var (file, _) = try Self.file()
        var huge = file
        huge.values[huge.values.count - 1] = 1.7e308
        var total = huge
        #expect(throws: TrainingError.self) { try total.add(huge, path: "h.acc") }
        #expect(total == huge)
        file.shardCount = InputLimits.maximumShardCount
        var other = file
        other.shardCount = 1
        #expect(throws: TrainingError.self) { try file.add(other, path: "o.acc") }
    }

    /// Byte counts whose sum overflows (`Int.max` and 2) trapped while they were added up.
    @Test func modelSetByteCountsAreAddedWithCheckedArithmetic() {
        let header = #"{"byteCounts":[9223372036854775807,2],"format":"HMMKit.ModelSet","labels":["a","b"],"version":2}"#
        do {
            _ = try ModelSet<GMMHMM<Double>>(fileContents: Array(header.utf8) + [10, 123, 125], path: "set", backend: .default)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("do not add up"), "\(error)")
        }
    }

    @Test func checkpointCountsAreChecked() throws {
        let record = IterationRecord(iteration: 1, logLikelihood: -5, frameCount: 2, seconds: 0.5)
        func problem(completed: Int, history: [IterationRecord]) throws -> String {
            let bytes = try TrainingCheckpoint(fingerprint: TrainingFingerprint(task: "c", data: "d", options: [:]), modelFormat: "m", completedIterations: completed, history: history,
                                               stopReason: nil, model: Array("{}".utf8)).encoded()
            do {
                _ = try TrainingCheckpoint(decoding: bytes, path: "c.checkpoint")
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(try problem(completed: 1, history: [record]) == "accepted")
        #expect(try problem(completed: Int.min, history: [record]).contains("completedIterations is \(Int.min)"))
        #expect(try problem(completed: Int.max, history: [record]).contains("completedIterations is \(Int.max)"))
        #expect(try problem(completed: 2, history: [record]).contains("the history holds 1"))
        var negative = record
        negative.frameCount = -1
        #expect(try problem(completed: 1, history: [negative]).contains("history entry 0"))
    }
}
