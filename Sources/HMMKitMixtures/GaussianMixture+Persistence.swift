import Foundation
import HMMKitFileSystem
import HMMKitMatrixFiles
import HMMKitNumerics

/// The versioned, self-describing JSON form of a ``GaussianMixture``:
/// `{"format": "HMMKit.GaussianMixture", "version": 1, "precision": "double", "covarianceType":
/// "diag", "weights": […], "means": [[…]…], "covariances": …}`. Covariances: full — K matrices
/// as rows; diagonal — K rows of D variances; spherical — K variances; tied — one matrix.
/// Values are written with full round-trip precision, so save → load gives identical scores.
package struct GaussianMixtureDocument: Codable, Sendable {
    package static let formatName = "HMMKit.GaussianMixture"
    package static let currentVersion = 1

    package var format: String
    package var version: Int
    package var precision: Precision
    package var covarianceType: CovarianceType
    package var weights: [Double]
    package var means: [[Double]]
    package var fullCovariances: [[[Double]]]?
    package var diagonalCovariances: [[Double]]?
    package var sphericalCovariances: [Double]?
    package var tiedCovariance: [[Double]]?
}

extension GaussianMixture {
    /// Saves the model as JSON (format `HMMKit.GaussianMixture`), atomically.
    /// - Throws: ``MixtureError/file(path:problem:)``.
    public func save(to url: URL) throws(MixtureError) {
        let bytes = try encodedFile()
        do {
            try AtomicFile.write(bytes, to: url)
        } catch {
            throw .file(path: url.path, problem: .access(error))
        }
    }

    /// The bytes ``save(to:)`` writes: the document as JSON with sorted keys (the same parameters
    /// always give the same bytes).
    package func encodedFile() throws(MixtureError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Array(try encoder.encode(document()))
        } catch {
            throw .invalidParameter("cannot encode the model: \(error)")
        }
    }

    /// The model as its file document.
    package func document() -> GaussianMixtureDocument {
        func rows(_ m: Matrix<Scalar>) -> [[Double]] { (0..<m.rowCount).map { m[row: $0].map(Double.init) } }
        var document = GaussianMixtureDocument(
            format: GaussianMixtureDocument.formatName, version: GaussianMixtureDocument.currentVersion,
            precision: Scalar.precision, covarianceType: covarianceType, weights: weights.map(Double.init),
            means: rows(means))
        switch covariances {
        case .full(let matrices): document.fullCovariances = matrices.map(rows)
        case .diagonal(let variances): document.diagonalCovariances = rows(variances)
        case .spherical(let variances): document.sphericalCovariances = variances.map(Double.init)
        case .tied(let matrix): document.tiedCovariance = rows(matrix)
        }
        return document
    }

    /// Loads a model saved by ``save(to:)`` (in either precision; values are converted).
    /// - Throws: ``MixtureError/file(path:problem:)`` for a missing, truncated or foreign file, one
    ///   written by a newer HMMKit, or a missing or out-of-range field;
    ///   ``MixtureError/invalidModel(path:_:)`` for parameters that do not make a model (the model is validated
    ///   as a whole: sizes within ``/HMMKitNumerics/InputLimits``, finite values, weights summing
    ///   to 1, variances at least ``/HMMKitNumerics/InputLimits/minimumVariance``, positive-definite
    ///   symmetric covariances, and scoring terms finite in the model's precision), naming the
    ///   field and the value.
    public static func load(from url: URL) throws(MixtureError) -> GaussianMixture {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(url) } catch { throw .file(path: url.path, problem: .access(error)) }
        return try GaussianMixture(encodedFile: bytes, path: url.path)
    }

    /// A model from the bytes of its file (as ``save(to:)`` writes them; `path` names it in errors).
    /// - Throws: as ``load(from:)``.
    package init(encodedFile bytes: [UInt8], path: String, backend: ComputeBackend = .default) throws(MixtureError) {
        let document: GaussianMixtureDocument
        do {
            document = try VersionedDocument.decode(GaussianMixtureDocument.self, from: bytes, format: GaussianMixtureDocument.formatName,
                                                    currentVersion: GaussianMixtureDocument.currentVersion, kind: "Gaussian mixture")
        } catch { throw .file(path: path, problem: error) }
        try self.init(document: document, path: path, backend: backend)
    }

    /// A model from its file document (`path` names the file in errors), validated as a whole.
    package init(document: GaussianMixtureDocument, path: String, backend: ComputeBackend = .default) throws(MixtureError) {
        func matrix(_ rows: [[Double]]) throws(MixtureError) -> Matrix<Scalar> {
            guard let width = rows.first?.count, rows.allSatisfy({ $0.count == width }) else {
                throw .file(path: path, problem: "ragged or empty matrix in the model file")
            }
            return Matrix(rows: rows.map { $0.map { Scalar($0) } })
        }
        guard (1...InputLimits.maximumComponentCount).contains(document.means.count) else {
            throw .file(path: path, problem: "means has \(document.means.count) components; it must have 1…\(InputLimits.maximumComponentCount)")
        }
        let dimension = document.means[0].count
        guard (1...InputLimits.maximumDimension).contains(dimension) else {
            throw .file(path: path, problem: "the means have dimension \(dimension); it must lie in 1…\(InputLimits.maximumDimension)")
        }
        let covariances: Covariances<Scalar>
        switch document.covarianceType {
        case .full:
            guard let m = document.fullCovariances else { throw .file(path: path, problem: "no full covariances") }
            var matrices: [Matrix<Scalar>] = []
            for rows in m { matrices.append(try matrix(rows)) }
            covariances = .full(matrices)
        case .diagonal:
            guard let m = document.diagonalCovariances else { throw .file(path: path, problem: "no diagonal covariances") }
            covariances = .diagonal(try matrix(m))
        case .spherical:
            guard let v = document.sphericalCovariances else { throw .file(path: path, problem: "no spherical variances") }
            covariances = .spherical(v.map { Scalar($0) })
        case .tied:
            guard let m = document.tiedCovariance else { throw .file(path: path, problem: "no tied covariance") }
            covariances = .tied(try matrix(m))
        }
        let means = try matrix(document.means)
        do {
            try self.init(weights: document.weights.map { Scalar($0) }, means: means, covariances: covariances, backend: backend)
        } catch {
            throw .invalidModel(path: path, error)
        }
    }
}
