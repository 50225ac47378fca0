import Foundation

/// What a training run's result depends on — its task, its data and every option that changes
/// the numbers — recorded in each checkpoint. A run resumes only from a checkpoint with an equal
/// fingerprint; otherwise it is told which fields differ.
public struct TrainingFingerprint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What is trained (`gmm fit`, `hmm fit`, `train`).
    public var task: String
    /// The data, in order: the inputs as named, or a hash of a corpus listing.
    public var data: String
    /// Every option the result depends on, by name, in its text form.
    public var options: [String: String]

    /// A fingerprint from its fields.
    public init(task: String, data: String, options: [String: String]) {
        self.task = task
        self.data = data
        self.options = options
    }

    /// A fingerprint whose options are the top-level fields of `settings` encoded as JSON (each
    /// value's JSON text), plus `extra`.
    public init(task: String, data: String, settings: some Encodable, extra: [String: String] = [:]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var options = extra
        if let json = try? encoder.encode(settings),
           let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] {
            for (key, value) in object {
                let text = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]))
                    .flatMap { String(data: $0, encoding: .utf8) }
                options[key] = text ?? "\(value)"
            }
        }
        self.init(task: task, data: data, options: options)
    }

    /// The fields in which `other` differs from this fingerprint, for people
    /// (`components: 8 in this run, 4 in the checkpoint`); empty when they are equal.
    public func differences(from other: TrainingFingerprint, this: String = "this run", that: String = "the checkpoint") -> [String] {
        var lines: [String] = []
        if task != other.task { lines.append("task: \(task) in \(this), \(other.task) in \(that)") }
        if data != other.data { lines.append("data: \(data) in \(this), \(other.data) in \(that)") }
        for key in Set(options.keys).union(other.options.keys).sorted() where options[key] != other.options[key] {
            lines.append("\(key): \(options[key] ?? "unset") in \(this), \(other.options[key] ?? "unset") in \(that)")
        }
        return lines
    }

    public var description: String {
        ([task, "data \(data)"] + options.keys.sorted().map { "\($0) \(options[$0]!)" }).joined(separator: "; ")
    }
}
