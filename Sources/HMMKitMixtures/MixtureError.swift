import HMMKitFileSystem
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
    /// The covariance of component `component` could not be factorised (its Cholesky factor or
    /// that factor's inverse failed); the linear-algebra error says how.
    case covarianceFactorisation(component: Int, LinearAlgebraError)
    /// The data has a NaN, an infinity, or a value beyond ``/HMMKitNumerics/InputLimits/maximumFeatureMagnitude``.
    case nonFiniteData(row: Int, column: Int, value: Double)
    /// Frame `row` of the data scores `value` (±∞ or NaN) under the model: the frame lies so far
    /// from every component that its log-density overflows.
    case nonFiniteScore(row: Int, value: Double)
    /// The data has another dimension than the model.
    case dimensionMismatch(model: Int, data: Int)
    /// Too little data for what was asked (e.g. fewer frames than components).
    case notEnoughData(String)
    /// Statistics of another model shape were given to an update or a merge.
    case statisticsMismatch(String)
    /// A model file could not be read or written, or it is not a Gaussian mixture file (foreign,
    /// newer, a missing or out-of-range field); `problem` says which.
    case file(path: String, problem: FileProblem)
    /// The model file at `path` was read, but its parameters do not make a model; the error says
    /// which parameter and why.
    indirect case invalidModel(path: String, MixtureError)

    public var description: String {
        switch self {
        case .shapeMismatch(let message): return "mixture parameters have inconsistent shapes: \(message)"
        case .invalidParameter(let message): return "invalid mixture parameter: \(message)"
        case let .singularCovariance(component, detail):
            return "the covariance of component \(component) is not positive definite (\(detail)); "
                + "raise regCovar or the variance floor, or use fewer components"
        case let .covarianceFactorisation(component, error):
            return MixtureError.singularCovariance(component: component, detail: error.description).description
        case let .nonFiniteData(row, column, value):
            return "the data has the value \(value) at row \(row), column \(column); \(FeatureValues.rule); remove or repair it"
        case let .nonFiniteScore(row, value):
            return "frame \(row) of the data has the log-likelihood \(value) under the model: it lies too far from every "
                + "component to be scored; check the data against the model (features of another front end or scale?)"
        case let .dimensionMismatch(model, data):
            return "the model has dimension \(model) but the data has \(data) columns"
        case .notEnoughData(let message): return "not enough data: \(message)"
        case .statisticsMismatch(let message): return "statistics do not match: \(message)"
        case let .file(path, problem): return problem.message(path: path)
        case let .invalidModel(path, error): return "\(path): \(error)"
        }
    }
}

/// What models accept as data.
package enum FeatureValues {
    /// The rule, for messages.
    package static let rule = "feature values must be finite and within ±\(InputLimits.maximumFeatureMagnitude)"

    /// Whether `value` is usable: finite and within ``/HMMKitNumerics/InputLimits/maximumFeatureMagnitude``.
    @inlinable
    package static func isUsable(_ value: Double) -> Bool { abs(value) <= InputLimits.maximumFeatureMagnitude }
}

extension Matrix {
    /// The first element, row after row, that is NaN, ±∞ or beyond
    /// ``/HMMKitNumerics/InputLimits/maximumFeatureMagnitude`` in magnitude; nil when every element is usable.
    /// One pass over the elements.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func firstUnusableValue() -> (row: Int, column: Int, value: Double)? {
        let limit = Scalar(InputLimits.maximumFeatureMagnitude)
        let found = withUnsafeElements { ValueScan.firstBeyond($0, limit: limit) }
        guard let index = found else { return nil }
        let columns = Swift.max(columnCount, 1)
        return (index / columns, index % columns, Double(elements[index]))
    }

    /// Throws ``MixtureError/nonFiniteData(row:column:value:)`` for the first NaN, infinity or
    /// value beyond ``/HMMKitNumerics/InputLimits/maximumFeatureMagnitude``.
    package func requireFiniteData() throws(MixtureError) {
        if let (row, column, value) = firstUnusableValue() {
            throw .nonFiniteData(row: row, column: column, value: value)
        }
    }
}
