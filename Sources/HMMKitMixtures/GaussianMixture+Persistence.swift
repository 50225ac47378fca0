import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics

/// The versioned, self-describing JSON form of a ``GaussianMixture``:
/// `{"format": "HMMKit.GaussianMixture", "version": 1, "precision": "double", "covarianceType":
/// "diag", "weights": […], "means": [[…]…], "covariances": …}`. Covariances: full — K matrices
/// as rows; diagonal — K rows of D variances; spherical — K variances; tied — one matrix.
/// Values are written with full round-trip precision, so save → load gives identical scores.
struct GaussianMixtureDocument: Codable {
    static let formatName = "HMMKit.GaussianMixture"
    static let currentVersion = 1

    var format: String
    var version: Int
    var precision: Precision
    var covarianceType: CovarianceType
    var weights: [Double]
    var means: [[Double]]
    var fullCovariances: [[[Double]]]?
    var diagonalCovariances: [[Double]]?
    var sphericalCovariances: [Double]?
    var tiedCovariance: [[Double]]?
}

/// The two fields every HMMKit model file starts with, read before the rest.
struct ModelFileHeader: Decodable {
    var format: String?
    var version: Int?
}

extension GaussianMixture {
    /// Saves the model as JSON (see ``GaussianMixtureDocument``), atomically.
    /// - Throws: ``MixtureError/file(path:problem:)``.
    public func save(to url: URL) throws(MixtureError) {
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
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try AtomicFile.write(Array(try encoder.encode(document)), to: url)
        } catch {
            throw .file(path: url.path, problem: "cannot save the model: \(error)")
        }
    }

    /// Loads a model saved by ``save(to:)`` (in either precision; values are converted).
    /// - Throws: ``MixtureError/file(path:problem:)`` for a missing, truncated or foreign file, or
    ///   one written by a newer HMMKit; ``MixtureError`` for parameters that do not make a model.
    public static func load(from url: URL) throws(MixtureError) -> GaussianMixture {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(url) } catch { throw .file(path: url.path, problem: "\(error)") }
        guard let header = try? JSONDecoder().decode(ModelFileHeader.self, from: Data(bytes)) else {
            throw .file(path: url.path, problem: "not a JSON model file (truncated or another format)")
        }
        guard header.format == GaussianMixtureDocument.formatName else {
            throw .file(path: url.path, problem: "not an HMMKit Gaussian mixture (format \(header.format ?? "missing"))")
        }
        guard let version = header.version, version <= GaussianMixtureDocument.currentVersion else {
            throw .file(path: url.path, problem: "written by a newer HMMKit (format version \(header.version ?? -1)); "
                + "this build reads version \(GaussianMixtureDocument.currentVersion)")
        }
        let document: GaussianMixtureDocument
        do { document = try JSONDecoder().decode(GaussianMixtureDocument.self, from: Data(bytes)) } catch {
            throw .file(path: url.path, problem: "damaged model file: \(error)")
        }
        func matrix(_ rows: [[Double]]) throws(MixtureError) -> Matrix<Scalar> {
            guard let width = rows.first?.count, rows.allSatisfy({ $0.count == width }) else {
                throw .file(path: url.path, problem: "ragged or empty matrix in the model file")
            }
            return Matrix(rows: rows.map { $0.map { Scalar($0) } })
        }
        let covariances: Covariances<Scalar>
        switch document.covarianceType {
        case .full:
            guard let m = document.fullCovariances else { throw .file(path: url.path, problem: "no full covariances") }
            var matrices: [Matrix<Scalar>] = []
            for rows in m { matrices.append(try matrix(rows)) }
            covariances = .full(matrices)
        case .diagonal:
            guard let m = document.diagonalCovariances else { throw .file(path: url.path, problem: "no diagonal covariances") }
            covariances = .diagonal(try matrix(m))
        case .spherical:
            guard let v = document.sphericalCovariances else { throw .file(path: url.path, problem: "no spherical variances") }
            covariances = .spherical(v.map { Scalar($0) })
        case .tied:
            guard let m = document.tiedCovariance else { throw .file(path: url.path, problem: "no tied covariance") }
            covariances = .tied(try matrix(m))
        }
        return try GaussianMixture(weights: document.weights.map { Scalar($0) }, means: try matrix(document.means),
                                   covariances: covariances)
    }
}
