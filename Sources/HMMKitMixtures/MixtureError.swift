import HMMKitNumerics

/// Failures of mixture models caused by their data or parameters, each saying what to do.
/// Programmer misuse (an index out of range) traps instead.
public enum MixtureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Parameters of inconsistent shapes.
    case shapeMismatch(String)
    /// A weight, mean or covariance value is unusable (negative, NaN, weights not summing to 1…).
    case invalidParameter(String)
    /// A covariance is not positive definite even after regularisation.
    case singularCovariance(component: Int, detail: String)
    /// The data has a NaN or an infinity.
    case nonFiniteData(row: Int, column: Int, value: Double)
    /// The data has another dimension than the model.
    case dimensionMismatch(model: Int, data: Int)
    /// Too little data for what was asked (e.g. fewer frames than components).
    case notEnoughData(String)
    /// Statistics of another model shape were given to an update or a merge.
    case statisticsMismatch(String)
    /// A model file could not be read or written.
    case file(path: String, problem: String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message): return "mixture parameters have inconsistent shapes: \(message)"
        case .invalidParameter(let message): return "invalid mixture parameter: \(message)"
        case let .singularCovariance(component, detail):
            return "the covariance of component \(component) is not positive definite (\(detail)); "
                + "raise regCovar or the variance floor, or use fewer components"
        case let .nonFiniteData(row, column, value):
            return "the data has a non-finite value \(value) at row \(row), column \(column); remove or repair it"
        case let .dimensionMismatch(model, data):
            return "the model has dimension \(model) but the data has \(data) columns"
        case .notEnoughData(let message): return "not enough data: \(message)"
        case .statisticsMismatch(let message): return "statistics do not match: \(message)"
        case let .file(path, problem): return problem.hasPrefix(path) ? problem : "\(path): \(problem)"
        }
    }
}

extension Matrix {
    /// Throws ``MixtureError/nonFiniteData(row:column:value:)`` for the first NaN or infinity.
    package func requireFiniteData() throws(MixtureError) {
        do {
            try checkFinite(operation: "data")
        } catch {
            if case let .nonFinite(_, row, column, value) = error {
                throw .nonFiniteData(row: row, column: column, value: value)
            }
        }
    }
}
