import Foundation
import HMMKitAudio
import HMMKitTestSupport
import Testing

/// Resampling with libsoxr: frequency, amplitude, length, no-op, errors, threads.
@Suite struct ResamplerTests {
    /// A 1 kHz tone at 8 kHz, resampled up and down, keeps its frequency and amplitude.
    /// Away from the edges (the first and last 10 %, where the filter rings) the amplitude must be
    /// within 1 % and the frequency within 0.1 % (1 Hz); SOXR_HQ is flat to 0.01 dB at 1 kHz, so
    /// the actual errors are far smaller.
    @Test(arguments: [16000.0, 22050.0, 11025.0, 44100.0])
    func sineKeepsFrequencyAndAmplitude(outputRate: Double) throws {
        let input = AudioSignal(samples: sine(frequency: 1000, sampleRate: 8000, count: 8000, amplitude: 0.5),
                                sampleRate: 8000)
        let output = try Resampler().resample(input, to: outputRate)
        #expect(output.sampleRate == outputRate)
        #expect(output.samples.count == Int(outputRate))  // round(8000 · out / 8000 Hz · 1 s)
        let inner = middle(output.samples)
        let frequency = zeroCrossingFrequency(inner, sampleRate: outputRate)
        let amplitude = sineAmplitude(inner)
        #expect(abs(frequency - 1000) < 1, "frequency \(frequency) Hz at \(outputRate) Hz")
        #expect(abs(amplitude - 0.5) / 0.5 < 0.01, "amplitude \(amplitude) at \(outputRate) Hz")
        // Sample by sample against the ideal tone at the new rate: the linear-phase filter's delay
        // is removed by libsoxr, so the two line up.
        let ideal = sine(frequency: 1000, sampleRate: outputRate, count: output.samples.count, amplitude: 0.5)
        let inside = middle(ideal)
        #expect(relativeError(inner, inside) < 1e-3)
    }

    /// Downsampling 16 kHz → 8 kHz keeps a 1 kHz tone and removes a 5 kHz one (above the new Nyquist).
    @Test func downsamplingRemovesWhatCannotBeRepresented() throws {
        let low = sine(frequency: 1000, sampleRate: 16000, count: 16000, amplitude: 0.5)
        let high = sine(frequency: 5000, sampleRate: 16000, count: 16000, amplitude: 0.3)
        let output = try Resampler().resample(zip(low, high).map(+), from: 16000, to: 8000)
        #expect(output.count == 8000)
        let ideal = sine(frequency: 1000, sampleRate: 8000, count: 8000, amplitude: 0.5)
        // The 5 kHz tone would alias to 3 kHz at amplitude 0.3; SOXR_HQ's stop band is ≥ 100 dB down.
        #expect(relativeError(middle(output), middle(ideal)) < 1e-3)
    }

    /// The output length is round(n · out / in) over awkward lengths and ratios, and libsoxr
    /// itself produces that many (Resampler pads or trims only as a guard).
    @Test(arguments: [(8000.0, 16000.0), (8000, 22050), (16000, 8000), (44100, 16000), (14400, 16000), (17600, 16000)])
    func outputLengthIsRounded(inputRate: Double, outputRate: Double) throws {
        for n in [0, 1, 2, 3, 5, 10, 100, 1001, 12345] {
            let output = try Resampler().resample([Double](repeating: 0.1, count: n), from: inputRate, to: outputRate)
            let expected = Int((Double(n) * outputRate / inputRate).rounded(.toNearestOrAwayFromZero))
            #expect(output.count == expected, "n = \(n), \(inputRate) → \(outputRate)")
            #expect(Resampler.outputLength(inputLength: n, inputRate: inputRate, outputRate: outputRate) == expected)
        }
    }

    /// A constant (DC) signal stays at the same level away from the edges (unit gain at 0 Hz).
    @Test(arguments: Resampler.Quality.allCases)
    func constantSignalKeepsItsLevel(quality: Resampler.Quality) throws {
        let output = try Resampler(quality: quality).resample([Double](repeating: 0.25, count: 4000), from: 8000, to: 16000)
        #expect(output.count == 8000)
        // Quick (cubic) and low-quality recipes have more passband ripple; 1e-3 covers them all.
        #expect(middle(output).allSatisfy { abs($0 - 0.25) < 1e-3 * 0.25 })
    }

    @Test func sameRateIsANoOp() throws {
        let samples = sine(frequency: 123, sampleRate: 16000, count: 777)
        #expect(try Resampler().resample(samples, from: 16000, to: 16000) == samples)
        let signal = AudioSignal(samples: samples, sampleRate: 16000, fullScale: 32768, sourceChannelCount: 2)
        #expect(try Resampler().resample(signal, to: 16000) == signal)
    }

    /// Resampling keeps the full scale and the description of the source.
    @Test func signalMetadataIsKept() throws {
        let signal = try AudioDecoder.read(url: fixture("3_jackson_0.wav"), scale: .int16)
        let resampled = try Resampler().resample(signal, to: 16000)
        #expect(resampled.sampleRate == 16000 && resampled.samples.count == 2 * signal.samples.count)
        #expect(resampled.fullScale == 32768 && resampled.sourceFormat == signal.sourceFormat)
        #expect(abs(resampled.duration - signal.duration) < 1e-12)
        // Upsampling by 2 with a linear-phase filter keeps the even samples close to the originals.
        let evens = stride(from: 0, to: resampled.samples.count, by: 2).map { resampled.samples[$0] }
        #expect(relativeError(middle(evens), middle(signal.samples)) < 0.05)
    }

    @Test(arguments: [0.0, -8000, .nan, .infinity, -.infinity])
    func invalidRatesThrow(rate: Double) {
        #expect(throws: ResamplingError.self) { try Resampler().resample([1, 2, 3], from: rate, to: 16000) }
        #expect(throws: ResamplingError.self) { try Resampler().resample([1, 2, 3], from: 16000, to: rate) }
        let error = #expect(throws: ResamplingError.self) { try Resampler().resample([], from: 16000, to: rate) }
        guard case let .invalidSampleRate(reported) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reported == rate || (reported.isNaN && rate.isNaN))
    }

    @Test func unitMistakeThrows() {
        #expect(throws: ResamplingError.ratioOutOfRange(inputRate: 16000, outputRate: 16)) {
            try Resampler().resample([1, 2, 3], from: 16000, to: 16)
        }
        #expect(throws: Never.self) { try Resampler().resample([1, 2, 3], from: 8000, to: 192000) }
    }

    /// Resamplers on several threads give the same results as one after the other.
    @Test func concurrentUseMatchesSerial() async throws {
        let rates: [Double] = [11025, 16000, 22050, 44100, 12000, 24000, 32000, 48000]
        let input = sine(frequency: 440, sampleRate: 8000, count: 20000)
        let serial = try rates.map { try Resampler().resample(input, from: 8000, to: $0) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
            for (index, rate) in rates.enumerated() {
                group.addTask { (index, try Resampler().resample(input, from: 8000, to: rate)) }
            }
            var results = [[Double]](repeating: [], count: rates.count)
            for try await (index, output) in group { results[index] = output }
            return results
        }
        #expect(concurrent == serial)
    }
}
