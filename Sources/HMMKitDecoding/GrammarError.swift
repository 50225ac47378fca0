import HMMKitFileSystem

/// A grammar or word network that cannot be decoded with, named by its source (a file path, or
/// `"grammar"` for text given directly) and, where it has one, the line, column and token.
public enum GrammarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text breaks the grammar language at `line`:`column` (1-based) on `token`.
    case syntax(source: String, line: Int, column: Int, token: String, message: String)
    /// A rule reference to a rule the grammar does not define.
    case undefinedRule(source: String, name: String, line: Int, column: Int)
    /// A rule that refers to itself, directly or through others (`chain`: the rules in order).
    case recursiveRule(source: String, chain: [String], line: Int)
    /// A rule defined twice.
    case duplicateRule(source: String, name: String, line: Int)
    /// The grammar has no public rule, or not the one asked for.
    case noPublicRule(source: String, requested: String?)
    /// Words the grammar uses that the models do not have (with the grammar line of each, when known).
    case unknownWords(source: String, words: [String], lines: [Int?], vocabulary: [String])
    /// No path leads from the grammar's start to its end through words the decoder can say.
    case noPath(source: String)
    /// The grammar file cannot be read.
    case file(FileAccessError)
    /// The grammar file is not UTF-8 text, or larger than ``JSGFGrammar/maximumFileBytes``.
    case notText(source: String, reason: String)
    /// The grammar expands (rule references copied in place) to more than `limit` nodes.
    case tooLarge(source: String, limit: Int)
    /// A cycle of null nodes: the decoder could go around it forever without a frame.
    case nullCycle(source: String)

    /// The problem in one sentence, naming the file, line and token where known.
    public var description: String {
        switch self {
        case .syntax(let source, let line, let column, let token, let message):
            return "\(source):\(line):\(column): \(message) (at \(token.isEmpty ? "end of file" : "'\(token)'"))"
        case .undefinedRule(let source, let name, let line, let column):
            return "\(source):\(line):\(column): the rule <\(name)> is not defined"
        case .recursiveRule(let source, let chain, let line):
            return "\(source):\(line): recursive rule \(chain.map { "<\($0)>" }.joined(separator: " → ")) (recursion is not supported)"
        case .duplicateRule(let source, let name, let line):
            return "\(source):\(line): the rule <\(name)> is defined twice"
        case .noPublicRule(let source, let requested):
            if let requested { return "\(source): no public rule <\(requested)>" }
            return "\(source): the grammar has no public rule to decode with"
        case .unknownWords(let source, let words, let lines, let vocabulary):
            let named = zip(words, lines).map { word, line in line.map { "'\(word)' (line \($0))" } ?? "'\(word)'" }
            return "\(source): the models have no word \(named.joined(separator: ", ")); they know \(vocabulary.joined(separator: " "))"
        case .noPath(let source):
            return "\(source): no word sequence leads from the start of the grammar to its end"
        case .file(let error): return error.description
        case .notText(let source, let reason): return "\(source): \(reason)"
        case .tooLarge(let source, let limit):
            return "\(source): the grammar expands to more than \(limit) nodes; share fewer rule references"
        case .nullCycle(let source):
            return "\(source): a cycle without words (every grammar loop must say a word)"
        }
    }
}
