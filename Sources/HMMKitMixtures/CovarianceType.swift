import HMMKitNumerics

/// The four covariance structures of scikit-learn's `GaussianMixture`.
public enum CovarianceType: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// A full `[D × D]` covariance per component.
    case full
    /// A diagonal covariance per component (`[K × D]` variances).
    case diagonal = "diag"
    /// One variance per component, shared by all dimensions.
    case spherical
    /// One full `[D × D]` covariance shared by all components.
    case tied

    public var description: String { rawValue }

    /// Free parameters of the covariances of `components` components in `dimension` dimensions
    /// (for BIC/AIC, as scikit-learn counts them).
    public func covarianceParameterCount(components k: Int, dimension d: Int) -> Int {
        switch self {
        case .full: return k * d * (d + 1) / 2
        case .diagonal: return k * d
        case .spherical: return k
        case .tied: return d * (d + 1) / 2
        }
    }
}

/// The covariances of a mixture, shaped by their ``CovarianceType``.
public enum Covariances<Scalar: MatrixScalar>: Sendable, Equatable {
    /// One `[D × D]` matrix per component.
    case full([Matrix<Scalar>])
    /// `[K × D]`: row k holds component k's variances.
    case diagonal(Matrix<Scalar>)
    /// One variance per component.
    case spherical([Scalar])
    /// One `[D × D]` matrix for every component.
    case tied(Matrix<Scalar>)

    /// The structure.
    public var type: CovarianceType {
        switch self {
        case .full: return .full
        case .diagonal: return .diagonal
        case .spherical: return .spherical
        case .tied: return .tied
        }
    }

    /// Component k's covariance as a full `[D × D]` matrix (diagonal and spherical expanded).
    public func matrix(component k: Int, dimension d: Int) -> Matrix<Scalar> {
        switch self {
        case .full(let matrices): return matrices[k]
        case .tied(let matrix): return matrix
        case .diagonal(let variances):
            var m = Matrix<Scalar>(rowCount: d, columnCount: d)
            for i in 0..<d { m[i, i] = variances[k, i] }
            return m
        case .spherical(let variances):
            var m = Matrix<Scalar>(rowCount: d, columnCount: d)
            for i in 0..<d { m[i, i] = variances[k] }
            return m
        }
    }
}
