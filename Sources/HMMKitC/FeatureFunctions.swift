import HMMKitFeatures
import HMMKitNumerics

// `hmmkit_mfcc` of hmmkit.h: the MFCC front end's three presets on samples the caller holds.

/// The preset's configuration at `rate` with the caller's overrides (0 or −1: the preset's own).
private func configuration(_ presetCode: Int32, rate: Double, cepstra: Int32, deltaOrder: Int32) throws(CallError) -> FeatureConfiguration {
    let presets: [FeatureConfiguration.Preset] = [.kaldi, .librosa, .psf]
    guard presets.indices.contains(Int(presetCode)) else { throw CallError(.invalidArgument, "unknown preset code \(presetCode)") }
    guard rate.isFinite, rate > 0 else { throw CallError(.invalidArgument, "the sample rate must be positive (got \(rate))") }
    var configuration = presets[Int(presetCode)].configuration(sampleRate: rate)
    if cepstra > 0 { configuration.cepstrumCount = Int(cepstra) }
    if deltaOrder >= 0 { configuration.deltaOrder = Int(deltaOrder) }
    return configuration
}

@_cdecl("hmmkit_mfcc")
public func hmmkitMFCC(_ presetCode: Int32, _ sampleRate: Double, _ cepstra: Int32, _ deltaOrder: Int32,
                       _ samples: UnsafePointer<Double>?, _ sampleCount: Int64, _ dtype: Int32,
                       _ output: UnsafeMutableRawPointer?, _ capacityRows: Int64,
                       _ rows: UnsafeMutablePointer<Int64>?, _ columns: UnsafeMutablePointer<Int64>?,
                       _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let config = try configuration(presetCode, rate: sampleRate, cepstra: cepstra, deltaOrder: deltaOrder)
        let signal = try doubles(samples, count: Int(sampleCount), "samples")
        let type = try ElementType(code: dtype)
        let (values, frameCount, width): ([Double], Int, Int)
        switch type {
        case .float64:
            let features = try MFCCExtractor<Double>(configuration: config).features(of: signal)
            (values, frameCount, width) = (features.elements, features.rowCount, features.columnCount)
        case .float32:
            let features = try MFCCExtractor<Float>(configuration: config).features(of: signal)
            (values, frameCount, width) = (features.elements.map(Double.init), features.rowCount, features.columnCount)
        }
        rows?.pointee = Int64(frameCount)
        columns?.pointee = Int64(width)
        guard Int(capacityRows) >= frameCount else {
            throw CallError(.bufferTooSmall, "the output holds \(capacityRows) rows; \(frameCount) are needed")
        }
        guard frameCount == 0 || output != nil else { throw CallError(.invalidArgument, "the output buffer is NULL") }
        store(values, into: output, type: type)
    }
}
