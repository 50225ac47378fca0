import HMMKitNumerics
import RealModule

/// Noise removal of one utterance by its own noise floor: spectral subtraction (Berouti, Schwartz
/// and Makhoul 1979) applied to the mel filterbank energies, with an optional dynamic-range floor.
///
/// For an utterance of `T` frames with mel energies `E[t, b]` (before the logarithm) and frame
/// energies `e[t]` (when the first cepstrum holds a log energy):
/// 1. the noise estimate `N[b]` is the mean of `E[t, b]` over the `k = ⌈f·T⌉` frames of least
///    total mel energy `Σ_b E[t, b]` (`f` = ``noiseFrameFraction``; ties go to the earlier frame),
///    and `n` the mean of `e[t]` over the same frames;
/// 2. `E'[t, b] = max(E[t, b] − α·N[b], β·N[b])` and `e'[t] = max(e[t] − α·n, β·n)`, with
///    `α` = ``oversubtraction`` and `β` = ``spectralFloor``;
/// 3. with a ``dynamicRange`` of `D` dB, every `E'[t, b]` is raised to at least
///    `10^(−D/10)·max_{t,b} E'[t, b]` and every `e'[t]` to at least `10^(−D/10)·max_t e'[t]`.
///
/// The mel filterbank is linear, so subtracting `α·N[b]` from a band equals filtering the power
/// spectrum minus `α` times the noise frames' mean power spectrum; only the floor acts per band
/// instead of per FFT bin. The same operation runs in training and in recognition (it is part of
/// the ``FeatureConfiguration``), so the models learn the residual that noisy input leaves.
public struct SpectralSubtraction: Codable, Sendable, Equatable {
    /// The fraction of an utterance's frames, its quietest, whose mean estimates the noise.
    public var noiseFrameFraction: Double
    /// `α`: how many times the noise estimate is subtracted (1 = plain subtraction).
    public var oversubtraction: Double
    /// `β`: every energy keeps at least this fraction of its band's noise estimate.
    public var spectralFloor: Double
    /// `D`: no energy is left more than this many decibels below the utterance's largest (nil: no
    /// such floor).
    public var dynamicRange: Double?

    /// Spectral subtraction with these parameters.
    public init(noiseFrameFraction: Double = 0.1, oversubtraction: Double = 1, spectralFloor: Double = 0.1,
                dynamicRange: Double? = nil) {
        self.noiseFrameFraction = noiseFrameFraction
        self.oversubtraction = oversubtraction
        self.spectralFloor = spectralFloor
        self.dynamicRange = dynamicRange
    }

    /// The ranges each parameter must lie in.
    public static let noiseFrameFractions: ClosedRange<Double> = 0.01...1
    /// The range of ``oversubtraction``.
    public static let oversubtractions: ClosedRange<Double> = 0...10
    /// The range of ``spectralFloor``.
    public static let spectralFloors: ClosedRange<Double> = 0...1
    /// The range of ``dynamicRange``, in dB.
    public static let dynamicRanges: ClosedRange<Double> = 1...200

    /// Every parameter outside its range, as messages naming the field (empty when usable).
    public func problems() -> [String] {
        var problems: [String] = []
        func check(_ name: String, _ value: Double, _ range: ClosedRange<Double>) {
            if !range.contains(value) {
                problems.append("\(name) must be in \(range.lowerBound)…\(range.upperBound) (got \(value))")
            }
        }
        check("noiseSubtraction.noiseFrameFraction", noiseFrameFraction, Self.noiseFrameFractions)
        check("noiseSubtraction.oversubtraction", oversubtraction, Self.oversubtractions)
        check("noiseSubtraction.spectralFloor", spectralFloor, Self.spectralFloors)
        if let dynamicRange { check("noiseSubtraction.dynamicRange", dynamicRange, Self.dynamicRanges) }
        return problems
    }

    /// The number of noise frames of an utterance of `frames` frames: `⌈f·frames⌉`, at least 1
    /// (0 for an empty utterance).
    public func noiseFrameCount(frames: Int) -> Int {
        guard frames > 0 else { return 0 }
        return min(frames, max(1, Int((noiseFrameFraction * Double(frames)).rounded(.up))))
    }

    /// Applies the subtraction and floors to `mel` (`[frames × bands]` energies, not yet logged)
    /// and to `energies` (one per frame; empty or ignored when `includeEnergies` is false), in place.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func apply<Scalar: MatrixScalar>(to mel: inout Matrix<Scalar>, energies: inout [Scalar], includeEnergies: Bool) {
        let frames = mel.rowCount, bands = mel.columnCount
        guard frames > 0, bands > 0 else { return }
        let quiet = quietestFrames(of: mel)
        let alpha = Scalar(oversubtraction), beta = Scalar(spectralFloor)
        let rangeFactor = dynamicRange.map { Scalar(Double.pow(10, -$0 / 10)) }
        mel.withUnsafeMutableElements { values in
            var noise = [Scalar](repeating: 0, count: bands)
            for t in quiet {
                for b in 0..<bands { noise[b] += values[t * bands + b] }
            }
            let count = Scalar(quiet.count)
            var largest: Scalar = 0
            for b in 0..<bands { noise[b] /= count }
            for t in 0..<frames {
                for b in 0..<bands {
                    let value = max(values[t * bands + b] - alpha * noise[b], beta * noise[b])
                    values[t * bands + b] = value
                    largest = max(largest, value)
                }
            }
            if let rangeFactor {
                let floor = rangeFactor * largest
                for i in 0..<values.count { values[i] = max(values[i], floor) }
            }
        }
        guard includeEnergies, energies.count == frames else { return }
        var noiseEnergy: Scalar = 0
        for t in quiet { noiseEnergy += energies[t] }
        noiseEnergy /= Scalar(quiet.count)
        var largest: Scalar = 0
        for t in 0..<frames {
            energies[t] = max(energies[t] - alpha * noiseEnergy, beta * noiseEnergy)
            largest = max(largest, energies[t])
        }
        if let rangeFactor {
            for t in 0..<frames { energies[t] = max(energies[t], rangeFactor * largest) }
        }
    }

    /// The indices of the ``noiseFrameCount(frames:)`` frames of least total mel energy, in
    /// increasing order of energy, the earlier frame first among equals.
    func quietestFrames<Scalar: MatrixScalar>(of mel: Matrix<Scalar>) -> [Int] {
        let frames = mel.rowCount, bands = mel.columnCount
        var totals = [Scalar](repeating: 0, count: frames)
        mel.withUnsafeElements { values in
            for t in 0..<frames {
                var sum: Scalar = 0
                for b in 0..<bands { sum += values[t * bands + b] }
                totals[t] = sum
            }
        }
        let order = (0..<frames).sorted { totals[$0] < totals[$1] || (totals[$0] == totals[$1] && $0 < $1) }
        return Array(order.prefix(noiseFrameCount(frames: frames)))
    }
}
