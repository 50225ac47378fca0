import HMMKitAudio

/// How ``ConnectedCorpusBuilder`` makes connected-word utterances from isolated words.
///
/// Every random choice (word count, recordings, pause lengths, level jitter, pause noise) comes
/// from a ``/HMMKitNumerics/SplitMix64`` seeded by ``seed`` and the speaker's name, so the same
/// corpus and options give the same bytes, and one speaker's utterances do not change when other
/// speakers are added or removed.
public struct ConnectedCorpusOptions: Sendable, Equatable {
    /// What fills the pauses between and around the words.
    public enum PauseFill: Sendable, Equatable {
        /// Digital silence (zeros).
        case silence
        /// White Gaussian noise whose RMS level is `levelDecibels` dB below full scale (dBFS,
        /// e.g. −60): a quiet room rather than a gap, so that log energies stay finite and the
        /// pauses sound like the recordings' own background.
        case noise(levelDecibels: Double)
    }

    /// Utterances made per speaker; default 50 (200 for FSDD's four speakers).
    public var utterancesPerSpeaker: Int
    /// Words per utterance, each count equally likely; default 2…7 (phone-number-like strings).
    public var wordCounts: ClosedRange<Int>
    /// Pause between two words, in milliseconds, uniform; default 50…400 (from run-together
    /// digits to a clear gap).
    public var pauseMilliseconds: ClosedRange<Double>
    /// Pause before the first word and after the last, in milliseconds, uniform; default 100…300.
    public var edgePauseMilliseconds: ClosedRange<Double>
    /// What fills the pauses; default noise at −60 dBFS.
    public var pauseFill: PauseFill
    /// Each word's level is changed by a gain drawn uniformly from ±this many dB; default 0 (off).
    public var levelJitterDecibels: Double
    /// The output's sample rate in hertz: recordings at other rates are resampled (libsoxr).
    /// `nil` (the default): every recording must share one rate, and that is the output's.
    public var sampleRate: Double?
    /// The seed of every random choice; default 0.
    public var seed: UInt64
    /// The audio files' format; default 16-bit PCM WAV.
    public var audioFormat: AudioWriteFormat
    /// Also write each utterance's true word boundaries as a Praat TextGrid (a "words" tier) in
    /// `textgrid/<id>.TextGrid`, to look at in Praat beside the audio; default `false`.
    public var writesTextGrids: Bool
    /// Cut each recording's leading and trailing non-speech (``SpeechTrimming``) before joining,
    /// so that a word's true time in the CTM is its speech rather than its file; default `nil`
    /// (each recording joined whole, as the corpus has it).
    public var trimming: SpeechTrimming?

    /// Options; the defaults make 50 utterances of 2–7 words per speaker, pauses of 50–400 ms
    /// filled with noise at −60 dBFS, no level jitter, seed 0.
    public init(utterancesPerSpeaker: Int = 50, wordCounts: ClosedRange<Int> = 2...7,
                pauseMilliseconds: ClosedRange<Double> = 50...400, edgePauseMilliseconds: ClosedRange<Double> = 100...300,
                pauseFill: PauseFill = .noise(levelDecibels: -60), levelJitterDecibels: Double = 0,
                sampleRate: Double? = nil, seed: UInt64 = 0, audioFormat: AudioWriteFormat = .wav16,
                writesTextGrids: Bool = false, trimming: SpeechTrimming? = nil) {
        self.utterancesPerSpeaker = utterancesPerSpeaker
        self.wordCounts = wordCounts
        self.pauseMilliseconds = pauseMilliseconds
        self.edgePauseMilliseconds = edgePauseMilliseconds
        self.pauseFill = pauseFill
        self.levelJitterDecibels = levelJitterDecibels
        self.sampleRate = sampleRate
        self.seed = seed
        self.audioFormat = audioFormat
        self.writesTextGrids = writesTextGrids
        self.trimming = trimming
    }

    /// The valid range of each option.
    public enum Limits {
        /// ``utterancesPerSpeaker``.
        public static let utterancesPerSpeaker = 1...1_000_000
        /// Both ends of ``wordCounts``.
        public static let wordCount = 1...1_000
        /// Both ends of ``pauseMilliseconds`` and ``edgePauseMilliseconds`` (up to a minute).
        public static let pauseMilliseconds = 0.0...60_000
        /// The level of ``PauseFill/noise(levelDecibels:)``, dBFS: quiet enough to be a pause.
        public static let noiseDecibels = -150.0...(-10)
        /// ``levelJitterDecibels``.
        public static let jitterDecibels = 0.0...20
        /// ``sampleRate``, hertz.
        public static let sampleRate = 1_000.0...384_000
    }

    /// Checks every option against ``Limits``.
    /// - Throws: ``ConnectedCorpusError/invalidOption(name:value:expected:)`` for the first that is outside.
    public func validate() throws(ConnectedCorpusError) {
        func check<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ name: String) throws(ConnectedCorpusError) {
            guard range.contains(value) else {
                throw .invalidOption(name: name, value: "\(value)", expected: "\(range.lowerBound)…\(range.upperBound)")
            }
        }
        func check(_ range: ClosedRange<Double>, _ name: String) throws(ConnectedCorpusError) {
            guard range.lowerBound.isFinite, range.upperBound.isFinite else {
                throw .invalidOption(name: name, value: "\(range)", expected: "finite milliseconds")
            }
            try check(range.lowerBound, Limits.pauseMilliseconds, name)
            try check(range.upperBound, Limits.pauseMilliseconds, name)
        }
        try check(utterancesPerSpeaker, Limits.utterancesPerSpeaker, "utterances per speaker")
        try check(wordCounts.lowerBound, Limits.wordCount, "word count")
        try check(wordCounts.upperBound, Limits.wordCount, "word count")
        try check(pauseMilliseconds, "pause")
        try check(edgePauseMilliseconds, "edge pause")
        if case .noise(let level) = pauseFill { try check(level, Limits.noiseDecibels, "noise level (dBFS)") }
        try check(levelJitterDecibels, Limits.jitterDecibels, "level jitter (dB)")
        if let sampleRate { try check(sampleRate, Limits.sampleRate, "sample rate (Hz)") }
        try trimming?.validate()
    }
}
