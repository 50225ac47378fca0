// Calls every C library HMMKit rests on through the installed package, and checks each answer
// against a value worked out here independently; exits 1 on the first mismatch.
import Foundation
import HMMKit

var failures = 0

/// Prints one check; `ok` decides whether it counts as a failure.
@MainActor func check(_ name: String, _ ok: Bool, _ detail: String) {
    print("\(ok ? "ok  " : "FAIL") \(name): \(detail)")
    if !ok { failures += 1 }
}

do {
    // OpenBLAS (cblas_dgemm): small integers, so the product is exact.
    let a = Matrix<Double>(rows: [[1, 2, 3], [4, 5, 6]])
    let b = Matrix<Double>(rows: [[7, 8], [9, 10], [11, 12]])
    let product = try ComputeBackend.accelerated.multiply(a, by: b)
    check("gemm", product.elements == [58, 64, 139, 154], "\(product.elements)")

    // LAPACKE (Cholesky of a full covariance) and the mixture scoring: one full-covariance
    // component and one diagonal one in 2-D, against the Gaussian log-density written out here.
    let x = [0.3, -1.2]
    let mean0 = [0.0, 0.0], covariance0 = [[2.0, 0.6], [0.6, 1.0]]
    let mean1 = [1.0, -1.0], variance1 = [0.5, 0.25]
    let weights = [0.3, 0.7]
    func fullLogDensity(_ x: [Double], _ mu: [Double], _ s: [[Double]]) -> Double {
        let det = s[0][0] * s[1][1] - s[0][1] * s[1][0]
        let dx = [x[0] - mu[0], x[1] - mu[1]]
        let quadratic = (s[1][1] * dx[0] * dx[0] - 2 * s[0][1] * dx[0] * dx[1] + s[0][0] * dx[1] * dx[1]) / det
        return -0.5 * (2 * log(2 * Double.pi) + log(det) + quadratic)
    }
    let logTerms = [
        log(weights[0]) + fullLogDensity(x, mean0, covariance0),
        log(weights[1]) + fullLogDensity(x, mean1, [[variance1[0], 0], [0, variance1[1]]]),
    ]
    let peak = logTerms.max()!
    let expected = peak + log(logTerms.map { exp($0 - peak) }.reduce(0, +))
    let model = try GaussianMixture<Double>(
        weights: weights, means: Matrix(rows: [mean0, mean1]),
        covariances: .full([Matrix(rows: covariance0), Matrix(rows: [[variance1[0], 0], [0, variance1[1]]])]))
    let score = try model.score(Matrix(rows: [x]))
    // Both sides are a handful of double operations on O(1) values: 1e-12 is far above rounding.
    check("gmm log-likelihood", abs(score - expected) <= 1e-12 * abs(expected),
          "\(score) (expected \(expected))")

    // libsndfile and libsoxr: half a second of 440 Hz at 8 kHz, to a WAV file and back, then to 16 kHz.
    let tone = (0..<4000).map { 0.5 * sin(2 * Double.pi * 440 * Double($0) / 8000) }
    let file = FileManager.default.temporaryDirectory
        .appendingPathComponent("hmmkit-cmake-consumer-\(getpid()).wav")
    defer { try? FileManager.default.removeItem(at: file) }
    try AudioFileWriter.write(AudioSignal(samples: tone, sampleRate: 8000), to: file, format: .wav16)
    let decoded = try AudioDecoder.read(url: file)
    let largestError = zip(decoded.samples, tone).map { abs($0 - $1) }.max() ?? .infinity
    // 16-bit PCM: rounding to 1/32768 of full scale.
    check("wav round trip", decoded.samples.count == 4000 && largestError <= 1.0 / 32768,
          "\(decoded.samples.count) samples at \(decoded.sampleRate) Hz, largest error \(largestError)")
    let resampled = try Resampler().resample(decoded.samples, from: 8000, to: 16000)
    check("resample", resampled.count == 8000, "\(resampled.count) samples at 16 kHz")

    // FFTW: Kaldi MFCCs with deltas, 25 ms frames every 10 ms with snipped edges.
    let extractor = try MFCCExtractor<Float>(configuration: .kaldi(sampleRate: 16000))
    let features = try extractor.features(of: resampled.map { $0 * 32768 })
    let frames = 1 + (8000 - 400) / 160
    check("mfcc", features.rowCount == frames && features.columnCount == 39
              && features.elements.allSatisfy(\.isFinite),
          "\(features.rowCount) × \(features.columnCount) (expected \(frames) × 39), c0 of frame 0 = \(features[0, 0])")
} catch {
    check("no error", false, "\(error)")
}

if failures > 0 {
    print("HMMKit CMake consumer: \(failures) check(s) failed")
    exit(1)
}
print("HMMKit CMake consumer: all checks passed")
