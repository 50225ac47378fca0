// Every call into libsoxr lives in this file. A `SoxrStream` owns one `soxr_t` and deletes it in
// `deinit`; `SoxrStream.resample` drives it over a whole signal held in memory.
import CSoxr

/// A libsoxr error message (`soxr_error_t` is a C string; `NULL` means success).
struct SoxrFailure: Error { let message: String }

/// A one-channel libsoxr stream resampler over `Double` samples (`SOXR_FLOAT64_I` in and out),
/// made by `soxr_create` and freed by `soxr_delete`.
final class SoxrStream {
    private let handle: soxr_t

    /// `soxr_create(inputRate, outputRate, 1, …)` with the quality recipe `recipe` (a `SOXR_*Q`
    /// constant, linear phase) and one thread.
    init(inputRate: Double, outputRate: Double, recipe: Resampler.Quality) throws(SoxrFailure) {
        var ioSpec = soxr_io_spec(SOXR_FLOAT64_I, SOXR_FLOAT64_I)
        var qualitySpec = soxr_quality_spec(Self.recipeCode(recipe), 0)
        var runtimeSpec = soxr_runtime_spec(1)
        var error: soxr_error_t?
        let created = soxr_create(inputRate, outputRate, 1, &error, &ioSpec, &qualitySpec, &runtimeSpec)
        if let error { throw SoxrFailure(message: String(cString: error)) }
        guard let created else { throw SoxrFailure(message: "soxr_create returned no resampler") }
        handle = created
    }

    deinit { soxr_delete(handle) }

    /// libsoxr's recipe number for a quality (`SOXR_QQ` … `SOXR_VHQ`).
    private static func recipeCode(_ quality: Resampler.Quality) -> UInt {
        switch quality {
        case .quick: return UInt(SOXR_QQ)
        case .low: return UInt(SOXR_LQ)
        case .medium: return UInt(SOXR_MQ)
        case .high: return UInt(SOXR_20_BITQ)  // SOXR_HQ
        case .veryHigh: return UInt(SOXR_28_BITQ)  // SOXR_VHQ
        }
    }

    /// The version of the libsoxr in use, e.g. `"libsoxr-0.1.3"` (`soxr_version`).
    static var version: String { String(cString: soxr_version()) }

    /// Resamples all of `input` and flushes the stream (`soxr_process` with the input, then with
    /// `NULL` input until nothing more comes out), returning every output sample. The stream
    /// compensates its filter delay, so output sample 0 is aligned with input sample 0.
    func resample(_ input: [Double], expectedOutputCount: Int) throws(SoxrFailure) -> [Double] {
        var output = [Double](repeating: 0, count: expectedOutputCount + 64)
        var produced = 0
        var consumed = 0
        var failure: SoxrFailure?
        input.withUnsafeBufferPointer { source in
            while failure == nil {
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count / 2 + 64)) }
                var inputUsed = 0
                var outputMade = 0
                let remaining = source.count - consumed
                let error: soxr_error_t? = output.withUnsafeMutableBufferPointer { target in
                    let space = target.count - produced
                    let out = UnsafeMutableRawPointer(target.baseAddress! + produced)
                    if remaining > 0 {
                        let pending = UnsafeRawPointer(source.baseAddress! + consumed)
                        return soxr_process(handle, pending, remaining, &inputUsed, out, space, &outputMade)
                    }
                    return soxr_process(handle, nil, 0, nil, out, space, &outputMade)  // Flush.
                }
                if let error { failure = SoxrFailure(message: String(cString: error)); return }
                consumed += inputUsed
                produced += outputMade
                if remaining == 0 && outputMade == 0 { return }  // Flushed and drained.
                if remaining > 0 && inputUsed == 0 && outputMade == 0 {
                    failure = SoxrFailure(message: "soxr_process made no progress"); return
                }
            }
        }
        if let failure { throw failure }
        output.removeLast(output.count - produced)
        return output
    }
}
