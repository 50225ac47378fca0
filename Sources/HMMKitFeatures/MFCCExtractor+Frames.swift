import HMMKitNumerics

extension MFCCExtractor {
    /// Frames analysed together: each sum over a frame (mean, energy, mel band) is a chain of
    /// dependent additions, so four frames' chains are run side by side. Every chain still adds
    /// its terms in index order from zero, so each result is bit for bit the one-frame sum.
    static var laneCount: Int { 4 }

    /// The per-frame stage: for every frame, framing, DC removal, energy, pre-emphasis, window,
    /// FFT, power spectrum and mel filterbank; writes the mel energies (not yet logged) as rows
    /// of `logMel` and the frame energies the configuration asks for into `energies`.
    ///
    /// Frames go through in groups of ``laneCount`` (the last group repeats its last frame
    /// in the lanes it lacks, and discards them). Every option is resolved to a plain value
    /// before the loop and every buffer is bound once, so the loop body touches no array
    /// bookkeeping and allocates nothing.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func analyseFrames(_ signal: [Scalar], frames: Int, logMel: inout Matrix<Scalar>, energies: inout [Scalar]) {
        let length = frameLength, shift = frameShift, sampleCount = signal.count
        // Centred frames: librosa pads fftSize/2 zeros in front and centres the window in the
        // FFT frame ((fftSize − length)/2 zeros before it), so frame t's window starts here.
        let firstStart = configuration.edges == .center ? -(fftSize / 2) + (fftSize - length) / 2 : 0
        let removeDC = configuration.removeDCOffset
        let energySource: EnergySource?
        if case .logEnergy(let source, _) = configuration.energy { energySource = source } else { energySource = nil }
        let preemphasis = configuration.preemphasisScope == .perFrame ? Scalar(configuration.preemphasis) : 0
        let magnitude = configuration.spectrum == .magnitude
        let spectrumScale: Scalar = configuration.divideSpectrumByFFTSize ? 1 / Scalar(fftSize) : 1
        let filterCount = filterbank.filterCount, binCount = fftSize / 2 + 1
        let lanes = Self.laneCount
        let fft = self.fft
        signal.withUnsafeBufferPointer { signal in
        window.withUnsafeBufferPointer { window in
        filterWeights.withUnsafeBufferPointer { weights in
        filterFirstBins.withUnsafeBufferPointer { firstBins in
        filterOffsets.withUnsafeBufferPointer { offsets in
        laneFrames.withUnsafeMutableBufferPointer { frameBlock in
        laneSpectra.withUnsafeMutableBufferPointer { spectrumBlock in
        logMel.withUnsafeMutableElements { mel in
        energies.withUnsafeMutableBufferPointer { energies in
            // Lane g's frame is frameBlock[g·length ..< (g+1)·length], its spectrum
            // spectrumBlock[g·binCount ..< (g+1)·binCount].
            let x = frameBlock.baseAddress!, power = spectrumBlock.baseAddress!
            var energy = LaneSums<Scalar>()
            for first in stride(from: 0, to: frames, by: lanes) {
                for lane in 0..<lanes {
                    let start = firstStart + min(first + lane, frames - 1) * shift
                    let row = x + lane * length
                    // Copy the frame; samples outside the signal are zeros (centre and end padding).
                    if start >= 0 && start + length <= sampleCount {
                        row.update(from: signal.baseAddress! + start, count: length)
                    } else {
                        for i in 0..<length {
                            let index = start + i
                            row[i] = index >= 0 && index < sampleCount ? signal[index] : 0
                        }
                    }
                }
                if removeDC {
                    let sums = LaneSums.sums(x, stride: length, count: length)
                    for lane in 0..<lanes {
                        let row = x + lane * length, mean = sums[lane] / Scalar(length)
                        for i in 0..<length { row[i] -= mean }
                    }
                }
                energy = LaneSums()
                if energySource == .rawSignal { energy = LaneSums.squares(x, stride: length, count: length) }
                for lane in 0..<lanes {
                    let row = x + lane * length
                    if preemphasis != 0 {
                        for i in stride(from: length - 1, through: 1, by: -1) { row[i] -= preemphasis * row[i - 1] }
                        row[0] -= preemphasis * row[0]
                    }
                    for i in 0..<length { row[i] *= window[i] }
                }
                if energySource == .windowedSignal { energy = LaneSums.squares(x, stride: length, count: length) }
                for lane in 0..<lanes {
                    let spectrum = UnsafeMutableBufferPointer(start: power + lane * binCount, count: binCount)
                    fft.powerSpectrum(UnsafeBufferPointer(start: x + lane * length, count: length), into: spectrum)
                    if magnitude {
                        for k in 0..<binCount { spectrum[k] = spectrum[k].squareRoot() }
                    }
                    if spectrumScale != 1 {
                        for k in 0..<binCount { spectrum[k] *= spectrumScale }
                    }
                }
                if energySource == .powerSpectrum { energy = LaneSums.sums(power, stride: binCount, count: binCount) }
                let valid = min(lanes, frames - first)
                for lane in 0..<valid { energies[first + lane] = energy[lane] }
                for filter in 0..<filterCount {
                    let lower = offsets[filter], upper = offsets[filter + 1]
                    let sums = LaneSums.dots(weights.baseAddress! + lower, power + firstBins[filter],
                                             stride: binCount, count: upper - lower)
                    for lane in 0..<valid { mel[(first + lane) * filterCount + filter] = sums[lane] }
                }
            }
        }}}}}}}}}
    }
}

/// Four sums, one per lane of ``MFCCExtractor/laneCount`` rows `stride` apart, each a chain
/// that adds its terms in index order starting from zero — exactly the sequential sum of one row
/// — run side by side so that the four chains overlap.
struct LaneSums<Scalar: MatrixScalar> {
    private var values: (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)

    subscript(lane: Int) -> Scalar {
        switch lane {
        case 0: return values.0
        case 1: return values.1
        case 2: return values.2
        default: return values.3
        }
    }

    /// `Σᵢ row[i]` for `i` in `0..<count`, per row.
    @inline(__always)
    static func sums(_ rows: UnsafePointer<Scalar>, stride: Int, count: Int) -> LaneSums {
        let (r0, r1, r2, r3) = (rows, rows + stride, rows + 2 * stride, rows + 3 * stride)
        var s = LaneSums()
        for i in 0..<count {
            s.values.0 += r0[i]; s.values.1 += r1[i]; s.values.2 += r2[i]; s.values.3 += r3[i]
        }
        return s
    }

    /// `Σᵢ row[i]·row[i]` for `i` in `0..<count`, per row.
    @inline(__always)
    static func squares(_ rows: UnsafePointer<Scalar>, stride: Int, count: Int) -> LaneSums {
        let (r0, r1, r2, r3) = (rows, rows + stride, rows + 2 * stride, rows + 3 * stride)
        var s = LaneSums()
        for i in 0..<count {
            s.values.0 += r0[i] * r0[i]; s.values.1 += r1[i] * r1[i]
            s.values.2 += r2[i] * r2[i]; s.values.3 += r3[i] * r3[i]
        }
        return s
    }

    /// `Σᵢ weights[i]·row[i]` for `i` in `0..<count`, per row.
    @inline(__always)
    static func dots(_ weights: UnsafePointer<Scalar>, _ rows: UnsafePointer<Scalar>, stride: Int, count: Int) -> LaneSums {
        let (r0, r1, r2, r3) = (rows, rows + stride, rows + 2 * stride, rows + 3 * stride)
        var s = LaneSums()
        for i in 0..<count {
            let w = weights[i]
            s.values.0 += w * r0[i]; s.values.1 += w * r1[i]; s.values.2 += w * r2[i]; s.values.3 += w * r3[i]
        }
        return s
    }
}
