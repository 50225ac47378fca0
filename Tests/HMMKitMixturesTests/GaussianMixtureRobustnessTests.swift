import HMMKitTraining
import Foundation
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// Bad or degenerate data gives a typed error or a documented recovery, never a crash or a NaN.
@Suite("Mixture robustness")
struct GaussianMixtureRobustnessTests {
    func fit(_ data: Matrix<Double>, k: Int, type: CovarianceType,
             initialization: MixtureInitialization<Double> = .kMeansPlusPlus) throws -> GaussianMixtureFit<Double> {
        var options = GaussianMixtureTrainingOptions(componentCount: k, covarianceType: type)
        options.maxIterations = 30
        var generator = SeededGenerator(seed: 21)
        return try GaussianMixtureTrainer<Double>(options: options).fit(data, initialization: initialization, using: &generator)
    }

    func expectFinite(_ model: GaussianMixture<Double>, _ context: String) {
        #expect(model.weights.allSatisfy { $0.isFinite }, "\(context): weights")
        #expect(model.means.elements.allSatisfy { $0.isFinite }, "\(context): means")
        for c in 0..<model.componentCount {
            let covariance = model.covariances.matrix(component: c, dimension: model.dimension)
            #expect(covariance.elements.allSatisfy { $0.isFinite }, "\(context): covariance \(c)")
        }
    }

    /// More components than distinct points (3 points, repeated): components that get no frames
    /// are re-seeded, variances fall to regCovar, nothing becomes NaN.
    @Test(arguments: CovarianceType.allCases)
    func moreComponentsThanDistinctPoints(type: CovarianceType) throws {
        let rows = (0..<60).map { [Double($0 % 3), Double(($0 % 3) * 2)] }
        let result = try fit(Matrix(rows: rows), k: 5, type: type)
        expectFinite(result.model, "\(type)")
        #expect(result.lowerBound.isFinite)
    }

    /// A constant dimension: its variance is regCovar, the model stays finite and scores finitely.
    @Test(arguments: CovarianceType.allCases)
    func constantDimension(type: CovarianceType) throws {
        let (base, _) = MixtureTestData.clusters(Double.self, count: 200, k: 2, d: 2, seed: 3)
        let rows = (0..<200).map { [base[$0, 0], 4.0, base[$0, 1]] }
        let data = Matrix(rows: rows)
        let result = try fit(data, k: 2, type: type)
        expectFinite(result.model, "\(type)")
        #expect(try result.model.scoreSamples(data).allSatisfy { $0.isFinite })
    }

    @Test func nanInDataIsNamed() {
        var data = Matrix<Double>(rows: [[1, 2], [3, 4], [5, 6]])
        data[1, 1] = .nan
        #expect(throws: MixtureError.self) { _ = try fit(data, k: 1, type: .diagonal) }
        do { _ = try fit(data, k: 1, type: .diagonal) } catch {
            #expect("\(error)".contains("row 1, column 1"))
        }
        data[1, 1] = .infinity
        #expect(throws: MixtureError.nonFiniteData(row: 1, column: 1, value: .infinity)) { _ = try fit(data, k: 1, type: .full) }
    }

    /// The E-step checks each block as it loads it: a NaN deep in the data is named by its row,
    /// whatever the thread count.
    @Test(arguments: [1, 2])
    func nanFoundInsideTheEStep(threads: Int) throws {
        var (data, _) = MixtureTestData.clusters(Double.self, count: 500, k: 2, d: 3, seed: 40)
        let model = try fit(data, k: 2, type: .diagonal).model
        data[377, 2] = .nan
        data[420, 0] = .infinity
        do {
            _ = try model.statistics(of: data, threadCount: threads, partition: WorkPartition(chunkCount: 8, framesPerBlock: 16))
            Issue.record("NaN data must be refused")
        } catch {
            guard case let .nonFiniteData(row, column, value) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(row == 377 && column == 2 && value.isNaN)
        }
    }

    @Test func dimensionMismatch() throws {
        let model = try fit(Matrix(rows: [[0, 0], [1, 1], [2, 0], [0, 2]]), k: 1, type: .full).model
        let wrong = Matrix<Double>(rows: [[1, 2, 3]])
        #expect(throws: MixtureError.dimensionMismatch(model: 2, data: 3)) { _ = try model.scoreSamples(wrong) }
        #expect(throws: MixtureError.dimensionMismatch(model: 2, data: 3)) { _ = try model.statistics(of: wrong) }
        #expect(throws: MixtureError.self) {
            _ = try fit(wrong, k: 1, type: .full, initialization: .given(model))
        }
    }

    /// One frame: K = 1 fits (variance regCovar), K = 2 is refused with a message.
    @Test func oneFrame() throws {
        let single = Matrix<Double>(rows: [[0.5, -1.5, 2]])
        for type in CovarianceType.allCases {
            let result = try fit(single, k: 1, type: type)
            expectFinite(result.model, "\(type)")
            #expect(abs(result.model.means[0, 1] + 1.5) < 1e-12)
        }
        #expect(throws: MixtureError.self) { _ = try fit(single, k: 2, type: .diagonal) }
    }

    /// Statistics of another shape are refused by the update and by `add`.
    @Test func mismatchedStatisticsAreRefused() throws {
        let model = try fit(Matrix(rows: [[0, 0], [1, 1], [2, 0], [0, 2]]), k: 1, type: .full).model
        var other = GaussianMixtureStatistics(componentCount: 2, dimension: 2, covarianceType: .full)
        #expect(throws: MixtureError.self) { _ = try GaussianMixtureUpdate.apply(other, to: model) }
        #expect(throws: MixtureError.self) { try other.add(GaussianMixtureStatistics(for: model)) }
    }

    /// Model files: truncated, foreign and newer-version files give clear errors.
    @Test func unreadableModelFiles() throws {
        let folder = try TemporaryFolder()
        let model = try fit(Matrix(rows: [[0, 0], [1, 1], [2, 0], [0, 2]]), k: 1, type: .diagonal).model
        let good = folder.file("good.json")
        try model.save(to: good)
        let bytes = Array(try Data(contentsOf: good))
        let truncated = try folder.write(Array(bytes.prefix(bytes.count / 2)), to: "truncated.json")
        let foreign = try folder.write(Array(#"{"format": "sklearn", "version": 1}"#.utf8), to: "foreign.json")
        let newer = try folder.write(Array(#"{"format": "HMMKit.GaussianMixture", "version": 99}"#.utf8), to: "newer.json")
        for (url, words) in [(truncated, "truncated"), (foreign, "not an hmmkit"), (newer, "newer"),
                             (folder.file("missing.json"), "no such file")] {
            do {
                _ = try GaussianMixture<Double>.load(from: url)
                Issue.record("\(url.lastPathComponent) should not load")
            } catch {
                #expect("\(error)".contains(url.path), "\(error)")
                #expect("\(error)".lowercased().contains(words), "\(error)")
            }
        }
    }
}
