import Foundation

/// A blind estimate of a recording's signal-to-noise ratio from its own frames: the noise power
/// is the mean power of its quietest frames, the speech power what the mean frame holds above it.
///
/// The signal is cut into frames of ``frameLength`` samples every ``frameShift`` samples (one
/// frame of all samples when it is shorter); each frame's power is the mean square about the
/// frame's own mean. With `P` the mean of all frame powers and `N` the mean of the `⌈f·T⌉`
/// quietest (`f` = ``noiseFrameFraction``), the estimate is `10·log10((P − N) / N)` dB:
/// +∞ for a recording whose quietest frames are silent, −∞ for one with no power above them.
public struct SignalToNoiseEstimate: Sendable, Equatable {
    /// Samples per frame (25 ms at the rate of the samples it is given).
    public var frameLength: Int
    /// Samples between frame starts (10 ms).
    public var frameShift: Int
    /// The fraction of frames, the quietest, whose mean power is the noise power.
    public var noiseFrameFraction: Double = 0.1

    /// The estimate with 25 ms frames every 10 ms at `sampleRate` Hz.
    public init(sampleRate: Double) {
        frameLength = max(1, Int((sampleRate * 0.025).rounded()))
        frameShift = max(1, Int((sampleRate * 0.010).rounded()))
    }

    /// The estimated SNR of `samples` in dB (see the type's description); nil for no samples.
    public func decibels(of samples: [Double]) -> Double? {
        guard !samples.isEmpty else { return nil }
        let length = min(frameLength, samples.count)
        let frames = 1 + (samples.count - length) / frameShift
        var powers = [Double](repeating: 0, count: frames)
        samples.withUnsafeBufferPointer { x in
            for t in 0..<frames {
                let start = t * frameShift
                var sum = 0.0
                for i in start..<(start + length) { sum += x[i] }
                let mean = sum / Double(length)
                var squares = 0.0
                for i in start..<(start + length) { squares += (x[i] - mean) * (x[i] - mean) }
                powers[t] = squares / Double(length)
            }
        }
        let total = powers.reduce(0, +) / Double(frames)
        powers.sort()
        let quiet = min(frames, max(1, Int((noiseFrameFraction * Double(frames)).rounded(.up))))
        let noise = powers[0..<quiet].reduce(0, +) / Double(quiet)
        if noise == 0 { return total > 0 ? .infinity : nil }
        let above = total - noise
        return above > 0 ? 10 * log10(above / noise) : -.infinity
    }
}
