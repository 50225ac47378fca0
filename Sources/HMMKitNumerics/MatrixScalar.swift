import RealModule

/// The floating-point precision of a ``MatrixScalar``.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// IEEE 754 binary32 (`Float`).
    case single = "float"
    /// IEEE 754 binary64 (`Double`).
    case double
}

/// A scalar type the engine computes with: `Float` or `Double`.
///
/// The conformance names the precision, which selects the BLAS, LAPACK and FFTW routine
/// family (`s…`/`fftwf_…` or `d…`/`fftw_…`) that the accelerated backend calls.
/// Elementary functions (`exp`, `log`, …) come from swift-numerics' `Real`.
public protocol MatrixScalar: Real, BinaryFloatingPoint, Codable, Sendable
where Self.RawSignificand: FixedWidthInteger {
    /// Which precision this type is; constant, so specialised code folds the dispatch away.
    static var precision: Precision { get }
}

/// Single precision: half the memory traffic of `Double`; statistics are still summed in `Double`.
extension Float: MatrixScalar {
    @inlinable public static var precision: Precision { .single }
}

/// Double precision, the default of the trainers and of the reference comparisons.
extension Double: MatrixScalar {
    @inlinable public static var precision: Precision { .double }
}
