import RealModule

extension WindowFunction {
    /// The window's `length` coefficients, in Double.
    public func coefficients(length: Int) -> [Double] {
        precondition(length >= 1, "window length must be at least 1 (got \(length))")
        // Kaldi divides by N − 1 (a symmetric window); librosa's periodic Hann divides by N.
        let symmetricDenominator = Double(max(length - 1, 1))
        return (0..<length).map { i in
            let phase = 2 * Double.pi * Double(i) / symmetricDenominator
            switch self {
            case .hamming: return 0.54 - 0.46 * Double.cos(phase)
            case .hann: return 0.5 - 0.5 * Double.cos(phase)
            case .periodicHann: return 0.5 - 0.5 * Double.cos(2 * Double.pi * Double(i) / Double(length))
            case .povey: return Double.pow(0.5 - 0.5 * Double.cos(phase), 0.85)
            case .rectangular: return 1
            case .blackman: return 0.42 - 0.5 * Double.cos(phase) + 0.08 * Double.cos(2 * phase)
            }
        }
    }
}
