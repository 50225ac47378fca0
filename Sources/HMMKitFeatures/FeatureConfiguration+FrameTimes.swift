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

    /// The time of the boundary between frames `t − 1` and `t`, in seconds: halfway between their
    /// windows' centres (each frame stands for the stretch of one shift centred on its window), and
    /// 0 — the audio's start, never before it — for `t = 0`. Word and phone times of alignment and
    /// decoding both come from here.
    public func frameBoundarySeconds(_ t: Int) -> Double {
        Self.boundarySeconds(t, shiftSeconds: frameShiftSeconds, offsetSeconds: frameBoundaryOffsetSeconds)
    }

    /// ``frameBoundarySeconds(_:)`` from a shift and an offset (``frameShiftSeconds``,
    /// ``frameBoundaryOffsetSeconds``) held apart from a configuration, as a decoder holds them.
    public static func boundarySeconds(_ t: Int, shiftSeconds: Double, offsetSeconds: Double) -> Double {
        t == 0 ? 0 : max(0, Double(t) * shiftSeconds + offsetSeconds)
    }

    /// Seconds between frames.
    public var frameShiftSeconds: Double { Double(frameShift.samples(atRate: sampleRate)) / sampleRate }

    /// ``frameBoundarySeconds(_:)`` minus `t × shift` for `t > 0` (before the clamp at 0): where a
    /// frame's window is centred relative to its start, less half a shift.
    public var frameBoundaryOffsetSeconds: Double { frameCentreSeconds(0) - frameShiftSeconds / 2 }
}
