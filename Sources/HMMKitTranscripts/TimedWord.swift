/// A word with the time it occupies in an utterance: one line of a CTM file.
public struct TimedWord: Sendable, Hashable {
    /// The utterance (Kaldi's utterance id; NIST's waveform name): not empty, no whitespace.
    public var utterance: String
    /// The channel, `"1"` for mono audio as Kaldi writes it (NIST uses `"A"`).
    public var channel: String
    /// Where the word starts, in seconds from the start of the utterance (≥ 0).
    public var start: Double
    /// How long the word lasts, in seconds (≥ 0).
    public var duration: Double
    /// The word.
    public var word: String
    /// The recogniser's confidence in the word, 0…1, when it gives one.
    public var confidence: Double?

    /// A word of `utterance` from `start` lasting `duration` seconds.
    public init(utterance: String, channel: String = "1", start: Double, duration: Double, word: String,
                confidence: Double? = nil) {
        self.utterance = utterance
        self.channel = channel
        self.start = start
        self.duration = duration
        self.word = word
        self.confidence = confidence
    }

    /// Where the word ends, `start + duration`, in seconds.
    public var end: Double { start + duration }
}
