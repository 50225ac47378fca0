import HMMKitNumerics

extension FeatureConfiguration {
    /// Checks every field against its valid range and ``/HMMKitNumerics/InputLimits`` before anything is sized
    /// from it; a configuration decoded from a file or built from options must pass this first.
    ///
    /// The ranges (all checked without forming an `Int` from an unchecked `Double`):
    /// - `sampleRate`: finite, > 0, ≤ ``/HMMKitNumerics/InputLimits/maximumSampleRate``.
    /// - `inputScale`: ``/HMMKitNumerics/InputLimits/minimumInputScale`` … ``/HMMKitNumerics/InputLimits/maximumInputScale``.
    /// - `frameLength`, `frameShift`: 1 … ``/HMMKitNumerics/InputLimits/maximumFrameLength`` samples, given in
    ///   samples or in finite positive milliseconds (converted at `sampleRate`).
    /// - `dither`: 0 … ``/HMMKitNumerics/InputLimits/maximumDither``; `preemphasis`: 0 … 1.
    /// - `fftSize`: at least the frame length, at most ``/HMMKitNumerics/InputLimits/maximumFFTSize`` (at most
    ///   ``/HMMKitNumerics/InputLimits/maximumNonPowerOfTwoFFTSize`` when not a power of two).
    /// - `melBinCount`: 1 … ``/HMMKitNumerics/InputLimits/maximumMelBinCount``; `cepstrumCount`: 1 … `melBinCount`.
    /// - `lowFrequency` ≥ 0 and `highFrequency` finite, with 0 ≤ low < high ≤ Nyquist once a
    ///   non-positive high frequency is taken as an offset from Nyquist.
    /// - `vtlnWarp`: factor in ``/HMMKitNumerics/InputLimits/vtlnWarpFactors``, finite cut-offs, and for a factor
    ///   other than 1 cut-offs strictly inside the filter range (``VTLNWarp``).
    /// - `logarithm`: floor (or `amin`) in ``/HMMKitNumerics/InputLimits/logarithmFloors``; `topDB` finite, ≥ 0.
    /// - `lifter`: L in ``/HMMKitNumerics/InputLimits/lifterCoefficients``.
    /// - `energy`: floor finite, ≥ 0.
    /// - `deltas`: regression window 1 … ``/HMMKitNumerics/InputLimits/maximumDeltaWindow``; Savitzky-Golay width
    ///   odd, 3 … 2·``/HMMKitNumerics/InputLimits/maximumDeltaWindow`` + 1. `deltaOrder`: 0, 1 or 2.
    ///
    /// Every problem is reported at once.
    /// - Throws: ``FeatureError/invalidConfiguration(_:)`` naming each field and its value.
    public func validate() throws(FeatureError) {
        let problems = self.problems()
        guard problems.isEmpty else { throw .invalidConfiguration(problems.joined(separator: "; ")) }
    }

    /// Every field that is out of range, one message each naming the field and its value
    /// (empty for a valid configuration). See ``validate()`` for the ranges.
    public func problems() -> [String] {
        var problems: [String] = []
        func require(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { problems.append(message()) }
        }

        // Input.
        let rateIsValid = sampleRate > 0 && sampleRate <= InputLimits.maximumSampleRate
        require(rateIsValid, "sampleRate must be in (0, \(InputLimits.maximumSampleRate)] Hz (got \(sampleRate))")
        require(inputScale >= InputLimits.minimumInputScale && inputScale <= InputLimits.maximumInputScale,
                "inputScale must be in \(InputLimits.minimumInputScale)…\(InputLimits.maximumInputScale) (got \(inputScale))")
        require(dither >= 0 && dither <= InputLimits.maximumDither,
                "dither must be in 0…\(InputLimits.maximumDither) (got \(dither))")
        require(preemphasis >= 0 && preemphasis <= 1, "preemphasis must be in 0…1 (got \(preemphasis))")

        // Framing and FFT: sizes in samples only once the rate is known to be valid.
        var length: Int?
        if rateIsValid {
            length = Self.checkedSamples(frameLength, field: "frameLength", rate: sampleRate, problems: &problems)
            _ = Self.checkedSamples(frameShift, field: "frameShift", rate: sampleRate, problems: &problems)
        }
        if case .exactly(let size) = fftSize {
            let isPowerOfTwo = size > 0 && size & (size - 1) == 0
            if !(1...InputLimits.maximumFFTSize).contains(size) {
                problems.append("fftSize must be in 1…\(InputLimits.maximumFFTSize) (got \(size))")
            } else if !isPowerOfTwo && size > InputLimits.maximumNonPowerOfTwoFFTSize {
                problems.append("fftSize \(size) is not a power of two; such lengths must be at most "
                    + "\(InputLimits.maximumNonPowerOfTwoFFTSize) (use \(1 << (Int.bitWidth - (size - 1).leadingZeroBitCount)))")
            } else if let length, size < length {
                problems.append("fftSize \(size) is shorter than the frame length \(length) samples")
            }
        }

        // Filterbank.
        let melIsValid = (1...InputLimits.maximumMelBinCount).contains(melBinCount)
        require(melIsValid, "melBinCount must be in 1…\(InputLimits.maximumMelBinCount) (got \(melBinCount))")
        require(lowFrequency >= 0 && lowFrequency.isFinite, "lowFrequency must be a finite number ≥ 0 Hz (got \(lowFrequency))")
        require(highFrequency.isFinite, "highFrequency must be finite (got \(highFrequency))")
        if rateIsValid && lowFrequency >= 0 && lowFrequency.isFinite && highFrequency.isFinite {
            let nyquist = sampleRate / 2
            let high = resolvedHighFrequency
            if !(lowFrequency < high && high <= nyquist + 1e-9) {
                problems.append("the mel filter range must satisfy 0 ≤ lowFrequency < highFrequency ≤ Nyquist (\(nyquist) Hz); "
                    + "got lowFrequency \(lowFrequency) Hz, highFrequency \(highFrequency) Hz (\(high) Hz)")
            } else if let vtln = vtlnWarp {
                problems += Self.problems(of: vtln, lowFrequency: lowFrequency, highFrequency: high, nyquist: nyquist)
            }
        } else if let vtln = vtlnWarp, !InputLimits.vtlnWarpFactors.contains(vtln.factor) {
            problems.append("the VTLN warp factor (vtlnWarp.factor) must be in \(InputLimits.vtlnWarpFactors.lowerBound)…\(InputLimits.vtlnWarpFactors.upperBound) (got \(vtln.factor))")
        }

        // Log and cepstrum.
        switch logarithm {
        case .natural(let floor):
            require(InputLimits.logarithmFloors.contains(floor),
                    "the natural log's floor must be in \(InputLimits.logarithmFloors.lowerBound)…\(InputLimits.logarithmFloors.upperBound) (got \(floor))")
        case let .decibel(amin, topDB):
            require(InputLimits.logarithmFloors.contains(amin),
                    "the decibel amin must be in \(InputLimits.logarithmFloors.lowerBound)…\(InputLimits.logarithmFloors.upperBound) (got \(amin))")
            if let topDB { require(topDB >= 0 && topDB.isFinite, "topDB must be a finite number ≥ 0 (got \(topDB))") }
        }
        require(cepstrumCount >= 1 && (!melIsValid || cepstrumCount <= melBinCount),
                "cepstrumCount must be in 1…melBinCount (\(melBinCount)); got \(cepstrumCount)")
        switch lifter {
        case .none: break
        case .htk(let l), .librosa(let l):
            require(InputLimits.lifterCoefficients.contains(l),
                    "the lifter coefficient must be in \(InputLimits.lifterCoefficients.lowerBound)…\(InputLimits.lifterCoefficients.upperBound) (got \(l))")
        }
        if case .logEnergy(_, let floor) = energy {
            require(floor >= 0 && floor.isFinite, "the energy floor must be a finite number ≥ 0 (got \(floor))")
        }

        // Deltas.
        switch deltas {
        case .regression(let n), .repeatedRegression(let n):
            require((1...InputLimits.maximumDeltaWindow).contains(n),
                    "the delta window must be in 1…\(InputLimits.maximumDeltaWindow) frames (got \(n))")
        case .savitzkyGolay(let width):
            let widest = 2 * InputLimits.maximumDeltaWindow + 1
            require((3...widest).contains(width) && width % 2 == 1,
                    "the Savitzky-Golay width must be odd and in 3…\(widest) frames (got \(width))")
        }
        require((0...2).contains(deltaOrder), "deltaOrder must be 0, 1 or 2 (got \(deltaOrder))")
        problems += noiseSubtraction?.problems() ?? []
        return problems
    }

    /// The highest filter edge in Hz: ``highFrequency``, or Nyquist plus it when it is not positive.
    var resolvedHighFrequency: Double { highFrequency > 0 ? highFrequency : sampleRate / 2 + highFrequency }

    /// Frame length, frame shift and FFT length in samples, of a configuration that passed ``validate()``.
    var resolvedSizes: (frameLength: Int, frameShift: Int, fftSize: Int) {
        let length = frameLength.samples(atRate: sampleRate), shift = frameShift.samples(atRate: sampleRate)
        switch fftSize {
        case .roundedUpToPowerOfTwo:
            return (length, shift, length <= 1 ? 1 : 1 << (Int.bitWidth - (length - 1).leadingZeroBitCount))
        case .exactly(let size):
            return (length, shift, size)
        }
    }

    /// `size` in samples when it lies in 1…``/HMMKitNumerics/InputLimits/maximumFrameLength``; otherwise nil,
    /// with a message naming `field` appended to `problems`. The milliseconds are converted in
    /// `Double` and range-checked before an `Int` is formed.
    private static func checkedSamples(_ size: FrameSize, field: String, rate: Double, problems: inout [String]) -> Int? {
        let limit = InputLimits.maximumFrameLength
        switch size {
        case .samples(let count):
            guard (1...limit).contains(count) else {
                problems.append("\(field) must be 1…\(limit) samples (got \(count) samples)")
                return nil
            }
            return count
        case .milliseconds(let ms):
            let exact = (rate * ms / 1000 + 0.5).rounded(.down)
            guard ms > 0, ms.isFinite, exact >= 1, exact <= Double(limit) else {
                problems.append("\(field) must be 1…\(limit) samples at \(rate) Hz (got \(ms) ms"
                    + (exact.isFinite && ms.isFinite ? ", \(exact) samples)" : ")"))
                return nil
            }
            return Int(exact)
        }
    }

    /// The problems of a VTLN warp on a filterbank spanning `lowFrequency…highFrequency` Hz.
    private static func problems(of vtln: VTLNWarp, lowFrequency: Double, highFrequency: Double,
                                 nyquist: Double) -> [String] {
        guard InputLimits.vtlnWarpFactors.contains(vtln.factor) else {
            return ["the VTLN warp factor (vtlnWarp.factor) must be in \(InputLimits.vtlnWarpFactors.lowerBound)…\(InputLimits.vtlnWarpFactors.upperBound) (got \(vtln.factor))"]
        }
        guard vtln.lowCutoff.isFinite, vtln.highCutoff.isFinite else {
            return ["the VTLN cut-offs must be finite (got lowCutoff \(vtln.lowCutoff) Hz, highCutoff \(vtln.highCutoff) Hz)"]
        }
        guard vtln.factor != 1 else { return [] }  // a factor of 1 leaves the filterbank as it is
        do {
            _ = try VTLNWarp.Shape(vtln, lowFrequency: lowFrequency, highFrequency: highFrequency, nyquist: nyquist)
            return []
        } catch {
            if case .invalidConfiguration(let message) = error { return [message] }
            return ["\(error)"]
        }
    }
}

extension FeatureConfiguration {
    /// The largest sample magnitude (full scale ±1.0) this configuration computes features from:
    /// ``/HMMKitNumerics/InputLimits/maximumScaledAmplitude`` / ``inputScale``.
    public var maximumSampleMagnitude: Double { InputLimits.maximumScaledAmplitude / inputScale }

    /// Checks that every sample is finite and at most ``maximumSampleMagnitude`` in magnitude, in
    /// one pass. Louder samples are refused, not clipped: the bounds in ``/HMMKitNumerics/InputLimits`` that keep
    /// energies and spectra finite assume it.
    /// - Throws: ``FeatureError/nonFiniteSamples(source:index:)`` or
    ///   ``FeatureError/sampleOutOfRange(source:index:value:inputScale:)`` for the first bad sample.
    public func checkAmplitude(of samples: [Double], source: String) throws(FeatureError) {
        let limit = maximumSampleMagnitude
        // NaN fails the comparison too, so one scan finds every kind of bad sample.
        guard let bad = ValueScan.firstBeyond(samples, limit: limit) else { return }
        let value = samples[bad]
        guard value.isFinite else { throw .nonFiniteSamples(source: source, index: bad) }
        throw .sampleOutOfRange(source: source, index: bad, value: value, inputScale: inputScale)
    }
}
