import HMMKit

/// Errors about a row of stacked sequences (``loadSequences(_:as:)``), told as the file (or
/// archive key) and the row inside it, which is what a user can open and repair.
enum StackedDataErrors {
    /// The sequence holding stacked row `row`, and the row inside it; nil past the end.
    static func locate(row: Int, lengths: [Int], names: [String]) -> (name: String, row: Int)? {
        var first = 0
        for (index, length) in lengths.enumerated() {
            if row < first + length { return (names[index], row - first) }
            first += length
        }
        return nil
    }

    /// `error` with the stacked row it names (a non-finite or out-of-range value, a non-finite
    /// score) replaced by the file and row; other errors as they are.
    static func located(_ error: MixtureError, lengths: [Int], names: [String]) -> any Error {
        switch error {
        case let .nonFiniteData(row, column, value):
            guard let (name, local) = locate(row: row, lengths: lengths, names: names) else { return error }
            return MixtureError.file(path: name, problem: "row \(local), column \(column) is \(value); \(FeatureValues.rule)")
        case let .nonFiniteScore(row, value):
            guard let (name, local) = locate(row: row, lengths: lengths, names: names) else { return error }
            return MixtureError.file(path: name, problem: "row \(local) has the log-likelihood \(value) under the model: it lies "
                + "too far from every component to be scored; check the data against the model")
        default:
            return error
        }
    }

    /// `error` with the sequence it names replaced by its file (or archive key); other errors as
    /// they are.
    static func located(_ error: HMMError, names: [String]) -> any Error {
        guard case let .nonFiniteData(sequence, frame, column, value) = error, names.indices.contains(sequence) else { return error }
        return HMMError.file(path: names[sequence], problem: "row \(frame), column \(column) is \(value); \(FeatureValues.rule)")
    }
}
