import HMMKitNumerics

extension MFCCExtractor {
    /// The per-frame stage: for every frame, framing, DC removal, energy, pre-emphasis, window,
    /// FFT, power spectrum and mel filterbank; writes the mel energies (not yet logged) as rows
    /// of `logMel` and the frame energies the configuration asks for into `energies`.
    ///
    /// Every option is resolved to a plain value before the loop and every buffer is bound once,
    /// so the loop body touches no array bookkeeping and allocates nothing.
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
        let fft = self.fft
        signal.withUnsafeBufferPointer { signal in
        window.withUnsafeBufferPointer { window in
        filterWeights.withUnsafeBufferPointer { weights in
        filterFirstBins.withUnsafeBufferPointer { firstBins in
        filterOffsets.withUnsafeBufferPointer { offsets in
        frame.withUnsafeMutableBufferPointer { x in
        spectrum.withUnsafeMutableBufferPointer { power in
        logMel.withUnsafeMutableElements { mel in
        energies.withUnsafeMutableBufferPointer { energies in
            for t in 0..<frames {
                let start = firstStart + t * shift
                // Copy the frame; samples outside the signal are zeros (centre and end padding).
                if start >= 0 && start + length <= sampleCount {
                    x.baseAddress!.update(from: signal.baseAddress! + start, count: length)
                } else {
                    for i in 0..<length {
                        let index = start + i
                        x[i] = index >= 0 && index < sampleCount ? signal[index] : 0
                    }
                }
                if removeDC {
                    var sum: Scalar = 0
                    for i in 0..<length { sum += x[i] }
                    let mean = sum / Scalar(length)
                    for i in 0..<length { x[i] -= mean }
                }
                var energy: Scalar = 0
                if energySource == .rawSignal {
                    for i in 0..<length { energy += x[i] * x[i] }
                }
                if preemphasis != 0 {
                    for i in stride(from: length - 1, through: 1, by: -1) { x[i] -= preemphasis * x[i - 1] }
                    x[0] -= preemphasis * x[0]
                }
                for i in 0..<length { x[i] *= window[i] }
                if energySource == .windowedSignal {
                    for i in 0..<length { energy += x[i] * x[i] }
                }
                fft.powerSpectrum(UnsafeBufferPointer(rebasing: x[0..<length]), into: power)
                if magnitude {
                    for k in 0..<binCount { power[k] = power[k].squareRoot() }
                }
                if spectrumScale != 1 {
                    for k in 0..<binCount { power[k] *= spectrumScale }
                }
                if energySource == .powerSpectrum {
                    for k in 0..<binCount { energy += power[k] }
                }
                energies[t] = energy
                let row = mel.baseAddress! + t * filterCount
                for filter in 0..<filterCount {
                    let first = firstBins[filter], lower = offsets[filter], upper = offsets[filter + 1]
                    var sum: Scalar = 0
                    for index in lower..<upper { sum += weights[index] * power[first + index - lower] }
                    row[filter] = sum
                }
            }
        }}}}}}}}}
    }
}
