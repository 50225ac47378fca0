// Fuzz target: Gaussian mixture model files (JSON), decoded from bytes in both precisions and
// used once as `hmmkit gmm score` and `acc` use them: scores, posteriors, one E-step, and the
// file written back.
import Foundation
import HMMKitNumerics
import HMMKitMixtures
import HMMKitTraining

private func use<Scalar: MatrixScalar>(_ model: GaussianMixture<Scalar>) {
    guard let frames = probeFrames(Scalar.self, dimension: model.dimension) else { return }
    _ = try? model.scoreSamples(frames)
    _ = try? model.predictProbabilities(frames)
    if let statistics = try? model.statistics(of: frames) {
        _ = try? model.reestimated(from: statistics, options: GaussianMixtureUpdateOptions(), backend: .default)
    }
    _ = try? model.encodedFile()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGaussianMixture(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    if let model = try? GaussianMixture<Double>(encodedFile: bytes, path: "input.json") { use(model) }
    if let model = try? GaussianMixture<Float>(encodedFile: bytes, path: "input.json") { use(model) }
    return 0
}

enum FuzzTarget {
    static func prepare() {}
}
