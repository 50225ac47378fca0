import HMMKitNumerics
import HMMKitTestSupport
import Testing

// The backend enumeration and the `hmmkit backends` self-check report.

@Suite("Backends and the backend report")
struct BackendReportTests {
    @Test func backendsAreNamedAndAcceleratedIsTheDefault() throws {
        #expect(ComputeBackend.allCases == [.accelerated, .reference])
        #expect(ComputeBackend.default == .accelerated)
        #expect(ComputeBackend(rawValue: "reference") == .reference)
        #expect(ComputeBackend(rawValue: "Reference") == nil)
        #expect(ComputeBackend.accelerated.description == "accelerated")
        #expect(Float.precision == .single && Double.precision == .double)
        #expect(Precision.single.rawValue == "float")
    }

    @Test func selfCheckFindsTheBackendsInAgreement() throws {
        let report = try BackendReport.make()
        #expect(report.backends.map(\.name) == ["accelerated", "reference"])
        // The report's own bound (1e-12 for its small, well-conditioned Double inputs); the
        // difference is a handful of roundings, so it is far from 0 only if a backend is wrong.
        #expect(report.largestRelativeDifference <= 1e-12)
        #expect(report.backendsAgree)
        #expect(report.blasThreads >= 1)
        #expect(report.fftwVersion.hasPrefix("fftw-"), "got \(report.fftwVersion)")
        #expect(report.text.contains("self-check: backends agree"))
        #expect(report.text.contains(report.fftwVersion))
    }
}
