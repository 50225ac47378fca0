import Foundation
import HMMKitAudio
import HMMKitTestSupport

/// A committed fixture (`Tests/HMMKitAudioTests/Fixtures/<name>`), copied into the test bundle.
func fixture(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
}

/// `count` samples of `amplitude · sin(2π · frequency · t)` at `sampleRate` hertz.
func sine(frequency: Double, sampleRate: Double, count: Int, amplitude: Double = 0.5) -> [Double] {
    (0..<count).map { amplitude * sin(2 * Double.pi * frequency * Double($0) / sampleRate) }
}

/// The frequency of a sinusoid, in hertz, from the times of its upward zero crossings (linearly
/// interpolated between samples): (crossings − 1) periods between the first and the last.
func zeroCrossingFrequency(_ samples: ArraySlice<Double>, sampleRate: Double) -> Double {
    var crossingTimes: [Double] = []
    var index = samples.startIndex
    while index + 1 < samples.endIndex {
        let a = samples[index], b = samples[index + 1]
        if a < 0 && b >= 0 { crossingTimes.append(Double(index) + a / (a - b)) }
        index += 1
    }
    guard let first = crossingTimes.first, let last = crossingTimes.last, crossingTimes.count > 1 else { return 0 }
    return Double(crossingTimes.count - 1) / ((last - first) / sampleRate)
}

/// The amplitude of a sinusoid from its root-mean-square value, `√2 · rms`.
func sineAmplitude(_ samples: ArraySlice<Double>) -> Double {
    let power = samples.reduce(0) { $0 + $1 * $1 } / Double(samples.count)
    return (2 * power).squareRoot()
}

/// The middle of `samples`, without the first and last `fraction` of it (where filters ring).
func middle(_ samples: [Double], trimming fraction: Double = 0.1) -> ArraySlice<Double> {
    let trim = Int(Double(samples.count) * fraction)
    return samples[trim..<(samples.count - trim)]
}
