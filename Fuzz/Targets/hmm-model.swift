// Fuzz target: GMM-HMM model files (JSON), decoded from bytes in both precisions and used once
// as `hmmkit hmm score|decode` and `acc`/`update` use them: forward-backward in both
// implementations, Viterbi, one E-step and M-step, and the file written back.
import Foundation
import HMMKitNumerics
import HMMKitMixtures
import HMMKitMarkov
import HMMKitTraining

private func use<Scalar: MatrixScalar>(_ model: HiddenMarkovModel<MixtureEmissions<Scalar>>) {
    guard let frames = probeFrames(Scalar.self, dimension: model.dimension, count: 4) else { return }
    _ = try? model.score(frames)
    _ = try? model.score(frames, implementation: .logSpace)
    _ = try? model.decode(frames)
    if let statistics = try? model.statistics(of: frames, lengths: [frames.rowCount]) {
        _ = try? model.reestimated(from: statistics, options: HMMUpdateOptions(), backend: .default)
    }
    _ = try? model.encodedFile()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHiddenMarkovModel(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    if let model = try? HiddenMarkovModel<MixtureEmissions<Double>>(encodedFile: bytes, path: "input.json") { use(model) }
    if let model = try? HiddenMarkovModel<MixtureEmissions<Float>>(encodedFile: bytes, path: "input.json") { use(model) }
    return 0
}

enum FuzzTarget {
    static func prepare() {}
}
