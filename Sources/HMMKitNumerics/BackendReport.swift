/// HMMKit's version.
public enum HMMKitVersion {
    /// The version of this build, in semantic-versioning form.
    public static let current = "0.1.0"
}

/// What the engine finds on this machine: the backends, the libraries behind the accelerated one,
/// and a small agreement check between the two backends (a GEMM, a Cholesky factor, an FFT).
public struct BackendReport: Codable, Sendable {
    /// One backend and whether its self-check agreed with the other backend.
    public struct Entry: Codable, Sendable {
        /// The backend's name, as `--backend` takes it (`ComputeBackend.rawValue`).
        public var name: String
        /// What the backend runs on: the C libraries, or the pure-Swift algorithms.
        public var implementation: String
    }

    /// HMMKit's version (``HMMKitVersion/current``).
    public var version: String
    /// Both backends, accelerated first.
    public var backends: [Entry]
    /// OpenBLAS's build configuration (`openblas_get_config`).
    public var openBLASConfiguration: String
    /// The kernel family OpenBLAS chose for this CPU (`openblas_get_corename`).
    public var openBLASCore: String
    /// The threads each BLAS call may use (``BLASThreads/count``).
    public var blasThreads: Int
    /// FFTW's version string (`fftw_version`).
    public var fftwVersion: String
    /// Largest relative difference between the backends over the self-check operations.
    public var largestRelativeDifference: Double
    /// True when that difference is within 1e-12 (double precision, small well-conditioned inputs).
    public var backendsAgree: Bool

    /// Runs the self-check and gathers the facts.
    public static func make() throws -> BackendReport {
        // A deterministic, well-conditioned 17 × 17 input: a ridge keeps it positive definite.
        let n = 17
        var a = Matrix<Double>(rowCount: n, columnCount: n)
        for i in 0..<n { for j in 0..<n { a[i, j] = Double.sin(Double(i * n + j + 1)) } }
        var largest = 0.0
        var results: [ComputeBackend: (Matrix<Double>, Matrix<Double>, [Double])] = [:]
        for backend in ComputeBackend.allCases {
            var spd = Matrix<Double>(rowCount: n, columnCount: n)
            try backend.symmetricRankUpdate(a, transposed: true, into: &spd)
            for i in 0..<n { spd[i, i] += Double(n) }
            let product = try backend.multiply(a, by: a, transposeB: true)
            let factor = try backend.choleskyFactor(spd)
            let spectrum = RealFourierTransform<Double>(length: 256, backend: backend)
                .transform((0..<256).map { Double.cos(0.3 * Double($0)) })
                .flatMap { [$0.real, $0.imaginary] }
            results[backend] = (product, factor, spectrum)
        }
        let (p1, f1, s1) = results[.accelerated]!, (p2, f2, s2) = results[.reference]!
        for (x, y) in [(p1.elements, p2.elements), (f1.elements, f2.elements), (s1, s2)] {
            let scale = x.map(abs).max() ?? 1
            for (u, v) in zip(x, y) { largest = max(largest, abs(u - v) / scale) }
        }
        return BackendReport(
            version: HMMKitVersion.current,
            backends: [
                Entry(name: ComputeBackend.accelerated.rawValue,
                      implementation: "OpenBLAS (CBLAS), LAPACKE, FFTW3"),
                Entry(name: ComputeBackend.reference.rawValue,
                      implementation: "pure Swift: blocked loops, radix-2 FFT / plain DFT, direct DCT"),
            ],
            openBLASConfiguration: BLASThreads.libraryConfiguration,
            openBLASCore: BLASThreads.coreName,
            blasThreads: BLASThreads.count,
            fftwVersion: HMMKitNumerics.fftwVersion,
            largestRelativeDifference: largest,
            backendsAgree: largest <= 1e-12)
    }

    /// The report as lines of text for a terminal.
    public var text: String {
        var lines = ["HMMKit \(version)", "backends:"]
        for entry in backends { lines.append("  \(entry.name.padding(toLength: 12, withPad: " ", startingAt: 0))\(entry.implementation)") }
        lines.append("OpenBLAS:   \(openBLASConfiguration) (core \(openBLASCore), \(blasThreads) thread(s) per call)")
        lines.append("FFTW:       \(fftwVersion)")
        lines.append("self-check: backends \(backendsAgree ? "agree" : "DISAGREE") "
            + "(largest relative difference \(largestRelativeDifference))")
        return lines.joined(separator: "\n")
    }
}
