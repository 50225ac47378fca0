extension FeatureConfiguration {
    /// Where frame `t`'s analysis window is centred, in seconds from the start of the signal:
    /// `t × shift + length / 2` when frame `t` starts at sample `t × shift` (``EdgeHandling/snip``,
    /// Kaldi and HTK; ``EdgeHandling/padEnd``, python_speech_features), `t × shift` when it is
    /// centred there (``EdgeHandling/center``, librosa).
    public func frameCentreSeconds(_ t: Int) -> Double {
        let shift = frameShift.samples(atRate: sampleRate)
        let half = edges == .center ? 0 : Double(frameLength.samples(atRate: sampleRate)) / 2
        return (Double(t * shift) + half) / sampleRate
    }
}
