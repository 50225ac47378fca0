/// Vocal-tract-length normalisation of the front end: the mel filterbank's frequency axis is
/// warped by Kaldi's piecewise-linear function (`MelBanks::VtlnWarpFreq`), so that a speaker with
/// a shorter or longer vocal tract than average lands on the average speaker's filters.
///
/// The warp `F` maps `[lowFrequency, highFrequency]` of the filterbank onto itself, fixes both
/// ends, and is `F(f) = f / factor` between two inflection points `l = lowCutoff · max(1, factor)`
/// and `h = highCutoff · min(1, factor)`, linear on either side of them. Each filter's corner
/// frequencies are moved by `F`; the weights are then evaluated on the unwarped FFT bins, as in
/// Kaldi. A factor below 1 moves the filters up (speakers with high formants: shorter vocal
/// tracts, usually women and children), above 1 down. A factor of exactly 1 leaves the
/// filterbank untouched, bit for bit.
public struct VTLNWarp: Codable, Sendable, Equatable, Hashable {
    /// The warp factor α (Kaldi's `--vtln-warp`), > 0.
    public var factor: Double
    /// The lower inflection point for factors ≤ 1, in Hz (Kaldi's `--vtln-low`, 100 Hz).
    public var lowCutoff: Double
    /// The upper inflection point for factors ≥ 1, in Hz; a negative value is an offset from Nyquist
    /// (Kaldi's `--vtln-high`, −500 Hz).
    public var highCutoff: Double

    /// Kaldi's default lower cut-off, 100 Hz (`--vtln-low`).
    public static let kaldiLowCutoff = 100.0
    /// Kaldi's default upper cut-off, 500 Hz below Nyquist (`--vtln-high`, −500).
    public static let kaldiHighCutoff = -500.0

    /// A warp by `factor` with Kaldi's cut-offs unless others are given.
    public init(factor: Double, lowCutoff: Double = VTLNWarp.kaldiLowCutoff, highCutoff: Double = VTLNWarp.kaldiHighCutoff) {
        self.factor = factor
        self.lowCutoff = lowCutoff
        self.highCutoff = highCutoff
    }

    /// The warped frequency `F(frequency)` for a filterbank spanning `lowFrequency…highFrequency`
    /// Hz at `nyquist` Hz; frequencies outside the span are returned as they are.
    /// - Throws: ``FeatureError/invalidConfiguration(_:)`` when the cut-offs do not lie strictly
    ///   inside the span, or the factor is not positive.
    public func warp(_ frequency: Double, lowFrequency: Double, highFrequency: Double, nyquist: Double)
        throws(FeatureError) -> Double
    {
        let shape = try Shape(self, lowFrequency: lowFrequency, highFrequency: highFrequency, nyquist: nyquist)
        return shape.warp(frequency)
    }

    /// The warp's inflection points and slopes, resolved once for a filterbank.
    struct Shape {
        let low: Double, high: Double, l: Double, h: Double, scale: Double, scaleLeft: Double, scaleRight: Double

        init(_ warp: VTLNWarp, lowFrequency: Double, highFrequency: Double, nyquist: Double) throws(FeatureError) {
            let factor = warp.factor
            guard factor > 0, factor.isFinite else {
                throw .invalidConfiguration("the VTLN warp factor must be positive (got \(factor))")
            }
            let lowCutoff = warp.lowCutoff
            let highCutoff = warp.highCutoff < 0 ? nyquist + warp.highCutoff : warp.highCutoff
            guard lowCutoff > lowFrequency, highCutoff < highFrequency, lowCutoff < highCutoff else {
                throw .invalidConfiguration(
                    "VTLN cut-offs must satisfy low frequency (\(lowFrequency) Hz) < VTLN low (\(lowCutoff) Hz) < VTLN high "
                        + "(\(highCutoff) Hz) < high frequency (\(highFrequency) Hz)")
            }
            l = lowCutoff * max(1, factor)
            h = highCutoff * min(1, factor)
            guard l < h else {
                throw .invalidConfiguration(
                    "VTLN warp factor \(factor) is too far from 1 for the cut-offs \(lowCutoff)…\(highCutoff) Hz (inflections at \(l) and \(h) Hz)")
            }
            low = lowFrequency
            high = highFrequency
            scale = 1 / factor
            scaleLeft = (scale * l - low) / (l - low)
            scaleRight = (high - scale * h) / (high - h)
        }

        func warp(_ frequency: Double) -> Double {
            guard frequency >= low, frequency <= high else { return frequency }
            if frequency < l { return low + scaleLeft * (frequency - low) }
            if frequency < h { return scale * frequency }
            return high + scaleRight * (frequency - high)
        }
    }
}
