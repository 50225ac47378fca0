/// Which implementation of the numerical kernels to run: selectable at run time, per call.
///
/// Every operation (GEMM, SYRK, Cholesky, triangular solve, FFT, DCT) exists in both
/// backends, and the tests check that they agree. The reference backend is the baseline
/// that benchmarks compare against: pure Swift, cache-aware, portable — no BLAS, LAPACK or FFTW.
public enum ComputeBackend: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// OpenBLAS (CBLAS), LAPACKE and FFTW3.
    case accelerated
    /// Pure Swift: blocked loops, a radix-2 FFT with a plain DFT for other lengths, a direct DCT.
    case reference

    /// The backend used when none is named: ``accelerated``.
    public static let `default`: ComputeBackend = .accelerated

    public var description: String { rawValue }
}
