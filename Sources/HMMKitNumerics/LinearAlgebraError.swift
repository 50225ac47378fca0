/// Failures of the linear-algebra layer caused by the data handed to it.
///
/// Programmer misuse (a negative size, an index out of range) traps with a message instead;
/// these errors are for shapes and values that arrive from outside (files, user options).
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The operands' shapes do not fit the operation.
    case shapeMismatch(operation: String, expected: String, got: String)
    /// An input element is NaN or infinite.
    case nonFinite(operation: String, row: Int, column: Int, value: Double)
    /// Cholesky factorization found that the leading minor of this order is not positive definite.
    case notPositiveDefinite(order: Int, leadingMinor: Int)
    /// A triangular factor has a zero (or non-finite) diagonal entry, so the solve is singular.
    case singularTriangularFactor(order: Int, diagonalIndex: Int)
    /// A LAPACK routine reported an argument error (`info < 0`): a bug in the wrapper.
    case lapackArgumentError(routine: String, info: Int32)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, got):
            return "\(operation): shape mismatch, expected \(expected), got \(got)"
        case let .nonFinite(operation, row, column, value):
            return "\(operation): non-finite value \(value) at row \(row), column \(column); "
                + "remove or repair NaN/Inf values before this step"
        case let .notPositiveDefinite(order, minor):
            return "Cholesky factorization: the \(order) × \(order) matrix is not positive definite "
                + "(leading minor of order \(minor) failed); add a ridge to the diagonal (e.g. regCovar) "
                + "or remove linearly dependent dimensions"
        case let .singularTriangularFactor(order, index):
            return "triangular solve: the \(order) × \(order) factor has a zero or non-finite diagonal "
                + "entry at \(index)"
        case let .lapackArgumentError(routine, info):
            return "\(routine) rejected argument \(-info) (info = \(info)); this is a bug in HMMKit"
        }
    }
}
