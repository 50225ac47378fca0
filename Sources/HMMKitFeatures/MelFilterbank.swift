import HMMKitNumerics
import RealModule

/// Triangular mel filters over the bins `0 … fftSize/2` of a spectrum, stored sparsely: each
/// filter keeps only its non-zero span. Built in Double, in one of the three layouts of
/// ``FilterbankStyle``, on the ``MelScale`` asked for, with the filters' corners moved by the
/// configuration's ``VTLNWarp`` when it has one (and its factor is not 1).
public struct MelFilterbank: Sendable, Equatable {
    /// The number of filters.
    public let filterCount: Int
    /// The number of spectrum bins the filters read, `fftSize / 2 + 1`.
    public let binCount: Int
    /// The first bin of each filter's span.
    public let firstBin: [Int]
    /// Where each filter's weights start in ``weights`` (`filterCount + 1` offsets).
    public let weightOffsets: [Int]
    /// All filters' weights, one span after another.
    public let weights: [Double]

    /// The filterbank that `configuration` describes for an FFT of `fftSize` points.
    /// - Throws: ``FeatureError/invalidConfiguration(_:)`` when the frequency range is empty or
    ///   exceeds Nyquist, the VTLN cut-offs do not lie inside it, or a filter would cover no bin at all.
    public init(configuration: FeatureConfiguration, fftSize: Int) throws(FeatureError) {
        let rate = configuration.sampleRate
        let nyquist = rate / 2
        let low = configuration.lowFrequency
        let high = configuration.highFrequency > 0 ? configuration.highFrequency : nyquist + configuration.highFrequency
        let count = configuration.melBinCount
        guard (1...InputLimits.maximumMelBinCount).contains(count) else {
            throw .invalidConfiguration("melBinCount must be in 1…\(InputLimits.maximumMelBinCount) (got \(count))")
        }
        guard (1...InputLimits.maximumFFTSize).contains(fftSize) else {
            throw .invalidConfiguration("fftSize must be in 1…\(InputLimits.maximumFFTSize) (got \(fftSize))")
        }
        guard low >= 0, low < high, high <= nyquist + 1e-9 else {
            throw .invalidConfiguration(
                "mel filter range must satisfy 0 ≤ low < high ≤ Nyquist (\(nyquist) Hz); got low \(low) Hz, high \(high) Hz")
        }
        // The warp, resolved once; nil leaves every corner where it is (a factor of 1 too: bit for bit).
        var warp: VTLNWarp.Shape?
        if let vtln = configuration.vtlnWarp, vtln.factor != 1 {
            warp = try VTLNWarp.Shape(vtln, lowFrequency: low, highFrequency: high, nyquist: nyquist)
        }
        let scale = configuration.melScale
        let melLow = scale.mel(low), melHigh = scale.mel(high)
        let binCount = fftSize / 2 + 1
        // The filters' corners in Hz, evenly spaced in mel, then warped (librosa's layout and Slaney areas).
        let warpedHertzEdges = (0..<(count + 2)).map { index in
            let hertz = scale.hertz(melLow + (melHigh - melLow) * Double(index) / Double(count + 1))
            return warp?.warp(hertz) ?? hertz
        }
        // Per-layout values resolved once.
        let kaldiDelta = (melHigh - melLow) / Double(count + 1)
        let binWidth = rate / Double(fftSize)
        var integerEdges: [Int] = [], warpedCorners: [Double] = [], binMels: [Double] = []
        if configuration.filterbank == .kaldi { binMels = (0..<(fftSize / 2)).map { scale.mel(binWidth * Double($0)) } }
        if configuration.filterbank == .integerBins {
            // python_speech_features get_filterbanks: edges ⌊(nfft + 1)·hz / rate⌋.
            integerEdges = (0..<(count + 2)).map { index -> Int in
                let mel = melLow + (melHigh - melLow) * Double(index) / Double(count + 1)
                return Int((Double(fftSize + 1) * scale.hertz(mel) / rate).rounded(.down))
            }
            // With a warp, the integer corners (at bin k's frequency k·rate/nfft) move to
            // fractional bins; weights stay linear in the bin index between them.
            if let warp { warpedCorners = integerEdges.map { warp.warp(Double($0) * binWidth) / binWidth } }
        }
        // One filter at a time through a reused dense row: only the non-zero spans are kept.
        var row = [Double](repeating: 0, count: binCount)
        var firstBin = [Int](), offsets = [0], weights = [Double]()
        for filter in 0..<count {
            switch configuration.filterbank {
            case .kaldi:
                // Kaldi MelBanks: weights linear in mel between the edges; bins 0 ..< fftSize/2.
                var left = melLow + Double(filter) * kaldiDelta, center = left + kaldiDelta, right = center + kaldiDelta
                if let warp {
                    // Kaldi's VtlnWarpMelFreq: each corner through Hz, warped, back to mel.
                    (left, center, right) = (scale.mel(warp.warp(scale.hertz(left))), scale.mel(warp.warp(scale.hertz(center))),
                                             scale.mel(warp.warp(scale.hertz(right))))
                }
                for bin in 0..<(fftSize / 2) {
                    let mel = binMels[bin]
                    guard mel > left, mel < right else { continue }
                    row[bin] = mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center)
                }
            case .integerBins:
                if warp != nil {
                    let (a, b, c) = (warpedCorners[filter], warpedCorners[filter + 1], warpedCorners[filter + 2])
                    for bin in min(binCount, max(0, Int(a.rounded(.up))))..<binCount {
                        let k = Double(bin)
                        guard k < c else { break }
                        row[bin] = k < b ? (k - a) / (b - a) : (c - k) / (c - b)
                    }
                } else {
                    let (a, b, c) = (integerEdges[filter], integerEdges[filter + 1], integerEdges[filter + 2])
                    for bin in a..<max(a, b) where bin < binCount { row[bin] = Double(bin - a) / Double(b - a) }
                    for bin in b..<max(b, c) where bin < binCount { row[bin] = Double(c - bin) / Double(c - b) }
                }
            case .hertzTriangles:
                // librosa filters.mel: triangles in Hz over the bins' frequencies k·rate/fftSize.
                let (a, b, c) = (warpedHertzEdges[filter], warpedHertzEdges[filter + 1], warpedHertzEdges[filter + 2])
                let area = configuration.filterNormalization == .slaneyArea ? 2 / (c - a) : 1
                for bin in 0..<binCount {
                    let frequency = Double(bin) * rate / Double(fftSize)
                    let rising = (frequency - a) / (b - a), falling = (c - frequency) / (c - b)
                    row[bin] = max(0, min(rising, falling)) * area
                }
            }
            if configuration.filterNormalization == .slaneyArea && configuration.filterbank != .hertzTriangles {
                // Slaney area normalisation in Hz for the other layouts: 2 / (right edge − left edge).
                let area = 2 / (warpedHertzEdges[filter + 2] - warpedHertzEdges[filter])
                for bin in 0..<binCount { row[bin] *= area }
            }
            guard let first = row.firstIndex(where: { $0 != 0 }), let last = row.lastIndex(where: { $0 != 0 }) else {
                throw .invalidConfiguration(
                    "mel filter \(filter) of \(count) covers no FFT bin: use fewer mel bins (melBinCount) or a longer FFT")
            }
            firstBin.append(first)
            weights.append(contentsOf: row[first...last])
            offsets.append(weights.count)
            for bin in first...last { row[bin] = 0 }  // the row is zero again outside this span
        }
        self.filterCount = count
        self.binCount = binCount
        self.firstBin = firstBin
        self.weightOffsets = offsets
        self.weights = weights
    }

    /// The filters as a dense `[filterCount × binCount]` matrix.
    package var denseMatrix: Matrix<Double> {
        var matrix = Matrix<Double>(rowCount: filterCount, columnCount: binCount)
        for filter in 0..<filterCount {
            for (offset, index) in (weightOffsets[filter]..<weightOffsets[filter + 1]).enumerated() {
                matrix[filter, firstBin[filter] + offset] = weights[index]
            }
        }
        return matrix
    }
}

extension MelScale {
    /// Hz to mel.
    public func mel(_ hertz: Double) -> Double {
        switch self {
        case .htk:
            return 1127 * Double.log(1 + hertz / 700)
        case .slaney:
            // Linear (200/3 Hz per mel) below 1 kHz, logarithmic (step ln 6.4 / 27) above.
            let linear = hertz / (200.0 / 3)
            guard hertz >= 1000 else { return linear }
            return 15 + Double.log(hertz / 1000) / (Double.log(6.4) / 27)
        }
    }

    /// Mel to Hz, the inverse of ``mel(_:)``.
    public func hertz(_ mel: Double) -> Double {
        switch self {
        case .htk:
            return 700 * (Double.exp(mel / 1127) - 1)
        case .slaney:
            guard mel >= 15 else { return mel * (200.0 / 3) }
            return 1000 * Double.exp(Double.log(6.4) / 27 * (mel - 15))
        }
    }
}
