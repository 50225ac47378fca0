import HMMKit

/// Errors about stacked sequences (``FeatureFiles/stackedSequences(_:as:skippingEmpty:)``)
/// told as the file (and the archive entry) and the row inside it, which is what a user can
/// open and repair. Used on the error path only: the sequences are located after a model or
/// trainer has refused them.
enum StackedDataErrors {
    /// The sequence holding stacked row `row`, and the row inside it; nil past the end.
    static func locate(row: Int, lengths: [Int], origins: [SequenceOrigin]) -> (origin: SequenceOrigin, row: Int)? {
        var first = 0
        for (index, length) in lengths.enumerated() {
            if row < first + length { return (origins[index], row - first) }
            first += length
        }
        return nil
    }

    /// `error` with the stacked row or the data it names (a non-finite or out-of-range value, a
    /// non-finite score, a width other than the model's, too few frames) replaced by the file
    /// and row; other errors as they are.
    static func located(_ error: any Error, lengths: [Int], origins: [SequenceOrigin]) -> any Error {
        guard let error = error as? MixtureError else { return error }
        switch error {
        case let .nonFiniteData(row, column, value):
            guard let (origin, local) = locate(row: row, lengths: lengths, origins: origins) else { return error }
            return MixtureError.file(path: origin.file, problem: .content(origin.problem("row \(local), column \(column) is \(value); \(FeatureValues.rule)")))
        case let .nonFiniteScore(row, value):
            guard let (origin, local) = locate(row: row, lengths: lengths, origins: origins) else { return error }
            return MixtureError.file(path: origin.file, problem: .content(origin.problem("row \(local) has the log-likelihood \(value) under the model: "
                + "it lies too far from every component to be scored; check the data against the model")))
        case let .dimensionMismatch(model, data):
            guard let first = origins.first else { return error }
            return MixtureError.file(path: first.file, problem: .content(first.problem("\(data) columns, but the model has dimension \(model)")
                + others(origins)))
        case let .notEnoughData(message):
            guard let first = origins.first else { return error }
            let together = origins.count > 1 ? "with the \(origins.count - 1) other sequences, " : ""
            return MixtureError.file(path: first.file, problem: "\(together)not enough data: \(message)")
        default:
            return error
        }
    }

    /// `error` with the sequence or data it names (a non-finite value, a sequence too short for
    /// the topology, a width other than the model's) replaced by its file (and archive entry);
    /// other errors as they are. Errors of a trainer (``TrainingError/hmm(_:)``) are unwrapped.
    static func located(_ error: any Error, origins: [SequenceOrigin]) -> any Error {
        let hmmError: HMMError
        switch error {
        case let error as HMMError: hmmError = error
        case let error as TrainingError:
            guard case .hmm(let inner) = error else { return error }
            hmmError = inner
        default: return error
        }
        switch hmmError {
        case let .nonFiniteData(sequence, frame, column, value) where origins.indices.contains(sequence):
            let origin = origins[sequence]
            return HMMError.file(path: origin.file, problem: .content(origin.problem("row \(frame), column \(column) is \(value); \(FeatureValues.rule)")))
        case let .markov(.sequenceTooShort(sequence, frameCount, minimum)) where origins.indices.contains(sequence):
            let origin = origins[sequence]
            return HMMError.file(path: origin.file, problem: .content(origin.problem("\(frameCount) frame(s), but the model's topology needs at least "
                + "\(minimum) to reach an end state; drop the sequence or use a model with fewer states or longer jumps")))
        case let .shapeMismatch(message):
            guard let first = origins.first else { return error }
            return HMMError.file(path: first.file, problem: .content(first.problem("the data does not fit the model (\(message))") + others(origins)))
        default:
            return error
        }
    }

    /// `" (and the N other sequences)"` for more than one sequence, else nothing.
    private static func others(_ origins: [SequenceOrigin]) -> String {
        origins.count > 1 ? " (and the \(origins.count - 1) other sequences)" : ""
    }
}

extension SequenceOrigin {
    /// `text` about this sequence, to follow its file's name: prefixed with the entry inside an
    /// archive.
    func problem(_ text: String) -> String {
        guard let key else { return text }
        var entry = "entry '\(key)'"
        if let script, let line { entry += " (\(script) line \(line))" }
        return "\(entry): \(text)"
    }
}
