import HMMKitCorpus

/// A training recording that training cannot use, in whole or in some of its speed-perturbed
/// copies: unreadable audio, NaN samples, a sample rate the resampler refuses, or fewer frames
/// than its word model's topology needs. Training reports every one of them, by file and
/// reason, before it trains (``Recognizer/Progress/unusable(_:)``), and leaves them out or
/// stops, as ``UnusableRecordingPolicy`` says. A recording found unusable only after the survey
/// (it changed or vanished since) stops streamed training as this error, in
/// ``/HMMKitTraining/TrainingError/input(_:)``.
public struct UnusableRecording: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// The recording's path, as the corpus names it.
    public var path: String
    /// Its line in the manifest, when it came from one.
    public var line: Int?
    /// Why it (or a copy) cannot be used; each reason names the file.
    public var reasons: [String]
    /// Copies that can still train (0: the recording is left out entirely).
    public var usableCopies: Int

    /// A report of `path` (at manifest line `line`) with its reasons and usable copies.
    public init(path: String, line: Int?, reasons: [String], usableCopies: Int) {
        self.path = path
        self.line = line
        self.reasons = reasons
        self.usableCopies = usableCopies
    }

    /// Each reason, placed at the manifest line when there is one.
    public var messages: [String] { reasons.map { reason in line.map { "line \($0): \(reason)" } ?? reason } }

    public var description: String { messages.joined(separator: "; ") }
}

/// What training does with recordings it cannot use (after reporting every one of them).
public enum UnusableRecordingPolicy: String, Sendable, Codable, CaseIterable {
    /// Train on the others; fail only when a label is left without any usable recording.
    case skip
    /// Fail before training (``RecognizerError/corpus(_:)`` listing them all).
    case fail
}

extension UnusableRecordingPolicy {
    /// Throws, under ``fail``, the error that lists every recording in `unusable`.
    func enforce(_ unusable: [UnusableRecording]) throws(RecognizerError) {
        guard self == .fail, !unusable.isEmpty else { return }
        throw .corpus(unusable.flatMap(\.messages) + ["\(unusable.count) recording(s) cannot be used; "
            + "fix or remove them, or train without --strict to leave them out"])
    }
}
