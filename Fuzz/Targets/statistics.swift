// Fuzz target: statistics files (`hmmkit acc` output), decoded from bytes as read (so the
// checksum check runs) and with the checksum made to match (so mutated headers and values reach
// the rest of the decoder), then summed with themselves and applied, as `hmmkit sum-accs` and
// `hmmkit update` do, to the model the seeds were accumulated with (Fuzz/data/stats-*.json).
import Foundation
import HMMKitMixtures
import HMMKitMarkov
import HMMKitTraining

private let mixture: GaussianMixture<Double> = {
    do { return try GaussianMixture<Double>(fileContents: FuzzData.bytes("stats-gmm.json"), path: "stats-gmm.json", backend: .default) } catch {
        fatalError("Fuzz: \(error)")
    }
}()

private let markovModel: GMMHMM<Double> = {
    do { return try GMMHMM<Double>(fileContents: FuzzData.bytes("stats-hmm.json"), path: "stats-hmm.json", backend: .default) } catch {
        fatalError("Fuzz: \(error)")
    }
}()

private func update<Model: EMModel>(_ model: Model, with file: StatisticsFile, options: Model.UpdateOptions) {
    guard let statistics = try? file.statistics(for: model, path: "input.stats") else { return }
    _ = try? model.reestimated(from: statistics, options: options, backend: .default)
}

private func use(_ bytes: [UInt8]) {
    guard var file = try? StatisticsFile(decoding: bytes, path: "input.stats") else { return }
    _ = try? file.encoded()
    switch file.layout.modelFormat {
    case GaussianMixture<Double>.fileFormat: update(mixture, with: file, options: GaussianMixtureUpdateOptions())
    case GMMHMM<Double>.fileFormat: update(markovModel, with: file, options: HMMUpdateOptions())
    default: break
    }
    let copy = file
    if (try? file.add(copy, path: "input.stats")) != nil, file.layout.modelFormat == GMMHMM<Double>.fileFormat {
        update(markovModel, with: file, options: HMMUpdateOptions())
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatisticsFile(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    var bytes = inputBytes(data, size)
    use(bytes)
    if bytes.count >= 24 {
        // The trailing FNV-1a checksum of everything before it, recomputed.
        let checksum = ModelIdentity.fnv1a(bytes[..<(bytes.count - 8)])
        for i in 0..<8 { bytes[bytes.count - 8 + i] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt64(i))) }
        use(bytes)
    }
    return 0
}

enum FuzzTarget {
    static func prepare() { _ = mixture.dimension + markovModel.dimension }
}
