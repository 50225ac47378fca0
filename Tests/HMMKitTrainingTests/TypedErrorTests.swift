import Foundation
import HMMKitFileSystem
import HMMKitMarkov
import HMMKitMatrixFiles
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing
@testable import HMMKitTraining

/// Errors reach the caller with the type of the layer that found them, so that a caller can
/// `switch` on the cause; their messages still name the file.
@Suite("Training errors keep their type")
struct TypedErrorTests {
    /// A damaged `.npy` file among the inputs of a streamed training stops it with the reader's
    /// own ``MatrixFileError`` inside ``TrainingError/input(_:)``, naming the file.
    @Test func aDamagedNumPyFileInStreamedTrainingIsAMatrixFileError() throws {
        let folder = try TemporaryFolder()
        let sequences = TrainingTestData.sequences(count: 6)
        var inputs: [String] = []
        for (index, sequence) in sequences.enumerated() {
            let url = folder.file("s\(index).npy")
            try NumPyFile.write(sequence, to: url)
            inputs.append(url.path)
        }
        let broken = folder.file("s3.npy")
        try Data("not a matrix".utf8).write(to: broken)
        let model = try TrainingTestData.model(sequences)
        let trainer = EMDriver<GMMHMM<Double>>(
            updateOptions: HMMUpdateOptions(),
            options: EMOptions(iterationCount: 2, threadCount: 2, chunking: ChunkingPolicy(maximumFrames: 40)))
        let source = try FeatureFileSource<Double>(inputs)
        do {
            _ = try trainer.train(from: try trainer.start(resuming: false) { model }, source: source)
            Issue.record("training on a damaged file succeeded")
        } catch {
            guard case .input(let cause as MatrixFileError) = error, case .notNumPy(let file, _) = cause else {
                Issue.record("expected TrainingError.input(MatrixFileError.notNumPy), got \(error)")
                return
            }
            #expect(file == broken.path)
            #expect(error.description == cause.description)
        }
    }

    /// Two ``TrainingError/input(_:)`` errors are equal when their causes are of one Equatable
    /// type and equal; causes of other types, or not Equatable, differ.
    @Test func inputErrorsCompareByTheirCause() {
        struct Opaque: Error {}
        let missing = MatrixFileError.fileNotFound(file: "a.npy")
        #expect(TrainingError.input(missing) == .input(MatrixFileError.fileNotFound(file: "a.npy")))
        #expect(TrainingError.input(missing) != .input(MatrixFileError.fileNotFound(file: "b.npy")))
        #expect(TrainingError.input(missing) != .input(FailingSource.Broken()))
        #expect(TrainingError.input(Opaque()) != .input(Opaque()))
        #expect(TrainingError.input(missing) != .noData("a.npy"))
    }

    /// A statistics file that is missing, one that is not a statistics file, and one of another
    /// model each give their own typed cause.
    @Test func statisticsFileProblemsAreTyped() throws {
        let folder = try TemporaryFolder()
        let sequences = TrainingTestData.sequences(count: 10)
        let model = try TrainingTestData.model(sequences)

        let missing = folder.file("missing.acc")
        let missingError = #expect(throws: TrainingError.self) { try StatisticsFile.read(from: missing) }
        guard case .file(_, .access(.fileNotFound(let file))) = missingError else {
            Issue.record("expected a file-access error, got \(String(describing: missingError))")
            return
        }
        #expect(file == missing.path)
        #expect(missingError?.description == "\(missing.path): no such file; check the path")

        let foreign = folder.file("foreign.acc")
        try Data("HMMKSTAX and more".utf8).write(to: foreign)
        let foreignError = #expect(throws: TrainingError.self) { try StatisticsFile.read(from: foreign) }
        guard case .file(let path, .content(let reason)) = foreignError else {
            Issue.record("expected a content problem, got \(String(describing: foreignError))")
            return
        }
        #expect(path == foreign.path && reason.hasPrefix("not an HMMKit statistics file"))

        // Statistics of a 2-component mixture do not fit a 1-component one: the mixture's own error.
        let one = try GaussianMixture<Double>(weights: [1], means: Matrix(rows: [[0, 0]]),
                                              covariances: .diagonal(Matrix(rows: [[1, 1]])))
        let two = try GaussianMixture<Double>(weights: [0.5, 0.5], means: Matrix(rows: [[0, 0], [1, 1]]),
                                              covariances: .diagonal(Matrix(rows: [[1, 1], [1, 1]])))
        var statistics = one.emptyStatistics()
        let mismatch = #expect(throws: TrainingError.self) { try statistics.accumulate(two.emptyStatistics()) }
        guard case .mixture(.statisticsMismatch) = mismatch else {
            Issue.record("expected TrainingError.mixture(.statisticsMismatch), got \(String(describing: mismatch))")
            return
        }
        // Values of another model's statistics do not fit the HMM's: the HMM's own error.
        var hmmStatistics = model.emptyStatistics()
        let hmmMismatch = #expect(throws: TrainingError.self) { try hmmStatistics.replaceAll(with: [1, 2, 3]) }
        guard case .hmm = hmmMismatch else {
            Issue.record("expected TrainingError.hmm, got \(String(describing: hmmMismatch))")
            return
        }
    }
}
