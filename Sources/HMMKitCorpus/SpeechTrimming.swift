#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RealModule

/// Where the speech of an isolated-word recording lies, by frame energy with two thresholds
/// (the end-pointing of Rabiner and Sambur, energy only): the speech is seeded by the frames
/// within ``belowPeakDecibels`` of the recording's loudest frame, then extended outward, frame by
/// frame, while the energy stays above the continuation level, then widened by
/// ``marginMilliseconds`` at each end. The continuation level is ``aboveFloorDecibels`` above the
/// recording's own noise floor, or halfway (in dB) between floor and peak when the recording's
/// range is less than twice that (a noisy recording); the seed level is never below it.
///
/// The floor is the third-lowest frame energy, so one or two frames of digital silence or a
/// click do not set it. The levels are relative to the recording itself, so a quiet and a loud
/// recording, or a quiet room and a noisy one, are trimmed alike. A recording whose loudest frame
/// is less than ``minimumRangeDecibels`` above its floor (nothing stands out) or that is shorter
/// than a window is kept whole. Deterministic: no randomness, the same samples give the same extent.
///
/// The defaults were chosen by looking at the frame energies of FSDD recordings (8 kHz): their
/// peaks lie 20–57 dB above the floor (george, jackson: median 30; lucas: 53; nicolas: 20, 5 % of
/// them under 14). 10 dB above the floor keeps weak word-initial fricatives (the /f/ of "five"
/// lies 15–30 dB above a quiet floor) while room noise in 10 ms windows stays within about ±5 dB
/// of its floor; in nicolas's noisier recordings the halfway level still separates the lead-in
/// (within ±2 dB of the floor) from the speech.
public struct SpeechTrimming: Sendable, Equatable {
    /// Length of an energy window, milliseconds; default 10.
    public var windowMilliseconds: Double
    /// Step between windows, milliseconds; default 5 (the extent's resolution).
    public var hopMilliseconds: Double
    /// A frame this many dB or more above the floor continues the speech (at most half the
    /// recording's range); default 10.
    public var aboveFloorDecibels: Double
    /// Frames within this many dB of the peak seed the speech; default 20.
    public var belowPeakDecibels: Double
    /// Kept on each side of the frames found (within the recording), milliseconds; default 10,
    /// so that the decay of a word's last sound and the onset of its first are not cut.
    public var marginMilliseconds: Double
    /// The peak must lie this many dB above the floor for anything to be trimmed; default 10.
    public var minimumRangeDecibels: Double

    /// Trimming options; the defaults are documented on each property.
    public init(windowMilliseconds: Double = 10, hopMilliseconds: Double = 5, aboveFloorDecibels: Double = 10,
                belowPeakDecibels: Double = 20, marginMilliseconds: Double = 10, minimumRangeDecibels: Double = 10) {
        self.windowMilliseconds = windowMilliseconds
        self.hopMilliseconds = hopMilliseconds
        self.aboveFloorDecibels = aboveFloorDecibels
        self.belowPeakDecibels = belowPeakDecibels
        self.marginMilliseconds = marginMilliseconds
        self.minimumRangeDecibels = minimumRangeDecibels
    }

    /// The valid range of each option.
    public enum Limits {
        /// ``windowMilliseconds`` and ``hopMilliseconds``.
        public static let frameMilliseconds = 1.0...100
        /// ``aboveFloorDecibels``, ``belowPeakDecibels`` and ``minimumRangeDecibels``.
        public static let decibels = 0.0...120
        /// ``marginMilliseconds``.
        public static let marginMilliseconds = 0.0...1_000
    }

    /// Checks every option against ``Limits``.
    /// - Throws: ``ConnectedCorpusError/invalidOption(name:value:expected:)`` for the first outside.
    public func validate() throws(ConnectedCorpusError) {
        let checks: [(String, Double, ClosedRange<Double>)] = [
            ("trim window (ms)", windowMilliseconds, Limits.frameMilliseconds),
            ("trim hop (ms)", hopMilliseconds, Limits.frameMilliseconds),
            ("trim level above the floor (dB)", aboveFloorDecibels, Limits.decibels),
            ("trim level below the peak (dB)", belowPeakDecibels, Limits.decibels),
            ("trim margin (ms)", marginMilliseconds, Limits.marginMilliseconds),
            ("trim minimum range (dB)", minimumRangeDecibels, Limits.decibels),
        ]
        for (name, value, range) in checks where !range.contains(value) {  // NaN is in no range
            throw .invalidOption(name: name, value: "\(value)", expected: "\(range.lowerBound)…\(range.upperBound)")
        }
    }

    /// The samples of `samples` that hold the speech, as a range of indices (never empty for a
    /// non-empty recording; the whole recording when nothing stands out).
    /// - Parameters:
    ///   - samples: one channel, any scale.
    ///   - sampleRate: hertz.
    public func speechRange(of samples: [Double], sampleRate: Double) -> Range<Int> {
        let window = max(1, Int((windowMilliseconds * sampleRate / 1000).rounded()))
        let hop = max(1, Int((hopMilliseconds * sampleRate / 1000).rounded()))
        guard samples.count >= window else { return 0..<samples.count }
        let frameCount = (samples.count - window) / hop + 1
        let energies = frameEnergies(samples, window: window, hop: hop, frameCount: frameCount)
        let peak = energies.max()!
        let floor = energies.count < 3 ? energies.min()! : energies.sorted()[2]
        guard peak - floor >= minimumRangeDecibels else { return 0..<samples.count }
        let low = floor + min(aboveFloorDecibels, (peak - floor) / 2), seed = max(peak - belowPeakDecibels, low)
        var first = energies.firstIndex { $0 >= seed }!, last = energies.lastIndex { $0 >= seed }!
        while first > 0 && energies[first - 1] >= low { first -= 1 }
        while last < frameCount - 1 && energies[last + 1] >= low { last += 1 }
        let margin = Int((marginMilliseconds * sampleRate / 1000).rounded())
        return max(0, first * hop - margin)..<min(samples.count, last * hop + window + margin)
    }

    /// Each window's mean square in dB (−200 dB for digital silence).
    private func frameEnergies(_ samples: [Double], window: Int, hop: Int, frameCount: Int) -> [Double] {
        var energies = [Double](repeating: 0, count: frameCount)
        for frame in 0..<frameCount {
            var sum = 0.0
            for sample in samples[(frame * hop)..<(frame * hop + window)] { sum += sample * sample }
            energies[frame] = 10 * Double.log10(sum / Double(window) + 1e-20)
        }
        return energies
    }
}
