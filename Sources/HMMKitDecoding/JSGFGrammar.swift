import Foundation
import HMMKitFileSystem

/// A grammar in a subset of the Java Speech Grammar Format (JSGF 1.0, as PocketSphinx reads it):
///
/// ```
/// #JSGF V1.0;
/// grammar pin;
/// public <pin> = <digit> <digit> <digit> <digit>;
/// <digit> = zero | oh | one | two | three | four | five | six | seven | eight | nine;
/// ```
///
/// Supported: the header, `grammar name;`, `public` and private rules, alternatives `a | b`,
/// sequences, grouping `( … )`, optional `[ … ]`, rule references `<name>`, the special rules
/// `<NULL>` (nothing) and `<VOID>` (no path), quoted words `"new york"` (one word), `//` and
/// `/* */` comments. Not supported (each a ``GrammarError/syntax(source:line:column:token:message:)``
/// naming the token): `import`, weights `/w/`, the repeats `*` and `+`, tags `{…}`, recursion.
public struct JSGFGrammar: Sendable, Equatable {
    /// One expansion of a rule's right-hand side.
    public indirect enum Expansion: Sendable, Equatable {
        /// A word (quoted words without their quotes), with its line.
        case word(String, line: Int)
        /// A reference to the rule `<name>`, with where it stands.
        case rule(String, line: Int, column: Int)
        /// Items in order.
        case sequence([Expansion])
        /// One of several, `a | b`.
        case alternatives([Expansion])
        /// `[ … ]`: the expansion or nothing.
        case optional(Expansion)
    }

    /// A rule: its name, whether it is public, its expansion and the line it starts on.
    public struct Rule: Sendable, Equatable {
        /// The name between the angle brackets.
        public var name: String
        /// Whether it was declared `public` (only public rules can be decoded with).
        public var isPublic: Bool
        /// The right-hand side.
        public var expansion: Expansion
        /// The line its definition starts on.
        public var line: Int
    }

    /// The grammar's name (from `grammar name;`).
    public var name: String
    /// The rules, in the order of the text.
    public var rules: [Rule]
    /// Where the text came from, as errors name it.
    public var source: String

    /// Parses `text`. `source` names it in errors (a file path, say).
    /// - Throws: ``GrammarError`` naming the line, column and token of the first problem.
    public init(parsing text: String, source: String = "grammar") throws(GrammarError) {
        var parser = JSGFParser(tokens: try JSGFLexer.tokens(text, source: source), source: source)
        (name, rules) = try parser.grammar()
        self.source = source
    }

    /// The most nodes a grammar may expand to (each rule reference is a copy of the rule): 1,000,000.
    public static let maximumNodes = 1_000_000

    /// The largest grammar file read: 1 MiB, far more than any hand-written grammar.
    public static let maximumFileBytes = 1 << 20

    /// Reads and parses the grammar file at `path` (errors name it).
    /// - Throws: ``GrammarError/file(_:)``, ``GrammarError/notText(source:reason:)``, or a parse error.
    public init(contentsOfFile path: String) throws(GrammarError) {
        let read: (bytes: [UInt8], fileSize: Int)
        do { read = try AtomicFile.read(path, limit: Self.maximumFileBytes + 1) } catch { throw .file(error) }
        guard read.fileSize <= Self.maximumFileBytes else {
            throw .notText(source: path, reason: "the grammar is \(read.fileSize) bytes; at most \(Self.maximumFileBytes) are read")
        }
        guard let text = String(validating: read.bytes, as: UTF8.self) else {
            throw .notText(source: path, reason: "the grammar is not UTF-8 text")
        }
        try self.init(parsing: text, source: path)
    }

    /// The word network of the public rule `root` (default: the first public rule), rule
    /// references expanded in place; each of n alternatives weighs `log(1/n)`, an optional part
    /// `log(1/2)` either way.
    /// - Throws: ``GrammarError`` for an undefined or recursive rule, or no such public rule.
    public func network(root: String? = nil) throws(GrammarError) -> WordNetwork {
        var byName: [String: Rule] = [:]
        for rule in rules {
            guard byName[rule.name] == nil else { throw .duplicateRule(source: source, name: rule.name, line: rule.line) }
            byName[rule.name] = rule
        }
        guard let top = rules.first(where: { $0.isPublic && (root == nil || $0.name == root) }) else {
            throw .noPublicRule(source: source, requested: root)
        }
        var builder = JSGFNetworkBuilder(rules: byName, source: source)
        var network = WordNetwork()
        builder.stack = [top.name]
        if let exit = try builder.build(top.expansion, from: network.start, into: &network) {
            network.connect(exit, network.end)
        }
        return network
    }
}

/// Expands a grammar's rules into a ``WordNetwork``.
private struct JSGFNetworkBuilder {
    let rules: [String: JSGFGrammar.Rule]
    let source: String
    /// The rules being expanded, outermost first (to find recursion).
    var stack: [String] = []

    /// Adds `expansion` after node `from`; returns the node its paths end on (nil: no path, `<VOID>`).
    mutating func build(_ expansion: JSGFGrammar.Expansion, from: Int, into network: inout WordNetwork) throws(GrammarError) -> Int? {
        guard network.nodes.count <= JSGFGrammar.maximumNodes else { throw .tooLarge(source: source, limit: JSGFGrammar.maximumNodes) }
        switch expansion {
        case .word(let word, let line):
            let node = network.add(.word(word, line: line))
            network.connect(from, node)
            return node
        case .rule(let name, let line, let column):
            if name == "NULL" { return from }
            if name == "VOID" { return nil }
            guard let rule = rules[name] else { throw .undefinedRule(source: source, name: name, line: line, column: column) }
            guard !stack.contains(name) else { throw .recursiveRule(source: source, chain: stack + [name], line: line) }
            stack.append(name)
            defer { stack.removeLast() }
            return try build(rule.expansion, from: from, into: &network)
        case .sequence(let items):
            var current = from
            for item in items {
                guard let next = try build(item, from: current, into: &network) else { return nil }
                current = next
            }
            return current
        case .alternatives(let branches):
            return try join(branches.map { Optional($0) }, from: from, into: &network)
        case .optional(let inner):
            return try join([inner, nil], from: from, into: &network)
        }
    }

    /// Branches (nil: the empty branch) from `from`, each weighing `log(1/n)`, joined in one null node.
    private mutating func join(_ branches: [JSGFGrammar.Expansion?], from: Int,
                               into network: inout WordNetwork) throws(GrammarError) -> Int? {
        let weight = -Foundation.log(Double(branches.count))
        let joined = network.add(.null)
        var reached = false
        for branch in branches {
            let entry = network.add(.null)
            network.connect(from, entry, logWeight: weight)
            let exit: Int?
            if let branch { exit = try build(branch, from: entry, into: &network) } else { exit = entry }
            guard let exit else { continue }
            network.connect(exit, joined)
            reached = true
        }
        return reached ? joined : nil
    }
}
