// Fuzz target: training checkpoints (a JSON header line, then the model's file), decoded from
// bytes as read (so the byte-count and hash checks run) and with the header's model size and
// hash made to match (so mutated models and header fields get through), then resumed as
// `hmmkit gmm|hmm fit --resume` resumes them: the starting point, and EM up to iteration 3 on a
// few frames.
import Foundation
import HMMKitNumerics
import HMMKitMixtures
import HMMKitMarkov
import HMMKitTraining

private func resume<Model: EMModel>(_: Model.Type, from url: URL, fingerprint: TrainingFingerprint,
                                               updateOptions: Model.UpdateOptions, training: Bool) {
    var trainer = EMDriver<Model>(updateOptions: updateOptions)
    trainer.checkpointURL = url
    trainer.fingerprint = fingerprint
    trainer.options.iterationCount = 3
    guard let start = try? trainer.start(resuming: true, initialModel: { () throws(TrainingError) -> Model in
        throw .invalidArgument("no checkpoint")
    }) else { return }
    guard training, let frames = probeFrames(Model.Scalar.self, dimension: start.model.dimension, count: 6) else { return }
    // Iterations write no checkpoint here: the file under test stays as it was.
    trainer.checkpointURL = nil
    _ = try? trainer.train(from: start, source: InMemorySequences([frames]))
}

private func use(_ bytes: [UInt8]) {
    guard let checkpoint = try? TrainingCheckpoint(decoding: bytes, path: "input.checkpoint") else { return }
    let url = Scratch.write(bytes, named: "input.checkpoint")
    switch checkpoint.modelFormat {
    case GaussianMixture<Double>.fileFormat:
        resume(GaussianMixture<Double>.self, from: url, fingerprint: checkpoint.fingerprint,
               updateOptions: GaussianMixtureUpdateOptions(), training: true)
    case GMMHMM<Double>.fileFormat:
        resume(GMMHMM<Double>.self, from: url, fingerprint: checkpoint.fingerprint,
               updateOptions: HMMUpdateOptions(), training: true)
    case ModelSet<GMMHMM<Double>>.fileFormat:
        resume(ModelSet<GMMHMM<Double>>.self, from: url, fingerprint: checkpoint.fingerprint,
               updateOptions: HMMUpdateOptions(), training: false)
    default: break
    }
}

/// `bytes` with the header's `modelByteCount` and `modelIdentity` set to those of the model
/// bytes that follow it (nil when the header is not a JSON object).
private func matchingHeader(_ bytes: [UInt8]) -> [UInt8]? {
    guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
          var header = (try? JSONSerialization.jsonObject(with: Data(bytes[..<newline]))) as? [String: Any] else { return nil }
    let model = bytes[(newline + 1)...]
    header["modelByteCount"] = model.count
    header["modelIdentity"] = ModelIdentity.hash(model)
    guard let json = try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) else { return nil }
    return Array(json) + [UInt8(ascii: "\n")] + model
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrainingCheckpoint(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    use(bytes)
    if let matched = matchingHeader(bytes), matched != bytes { use(matched) }
    return 0
}

enum FuzzTarget {
    static func prepare() {}
}
