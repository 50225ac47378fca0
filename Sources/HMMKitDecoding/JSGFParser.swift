/// One token of a JSGF text and where it starts (1-based line and column).
struct JSGFToken: Equatable {
    enum Kind: Equatable {
        /// A word, keyword or header item (`#JSGF`, `V1.0`, `public`, `zero`).
        case word
        /// A quoted word, without its quotes.
        case quoted
        /// A rule name between angle brackets, without them.
        case ruleName
        /// One of `; = | ( ) [ ] * + / { }`.
        case symbol
    }
    var kind: Kind
    var text: String
    var line: Int
    var column: Int
}

/// Splits JSGF text into tokens, dropping comments.
enum JSGFLexer {
    static let symbols: Set<Character> = [";", "=", "|", "(", ")", "[", "]", "*", "+", "/", "{", "}"]

    static func tokens(_ text: String, source: String) throws(GrammarError) -> [JSGFToken] {
        var tokens: [JSGFToken] = []
        let characters = Array(text)
        var index = 0, line = 1, column = 1
        func advance(_ count: Int = 1) {
            for _ in 0..<count where index < characters.count {
                if characters[index] == "\n" { line += 1; column = 1 } else { column += 1 }
                index += 1
            }
        }
        func peek(_ offset: Int = 0) -> Character? { index + offset < characters.count ? characters[index + offset] : nil }
        while let character = peek() {
            if character.isWhitespace { advance(); continue }
            if character == "/" && peek(1) == "/" {
                while let c = peek(), c != "\n" { _ = c; advance() }
                continue
            }
            if character == "/" && peek(1) == "*" {
                let (startLine, startColumn) = (line, column)
                advance(2)
                while peek() != nil && !(peek() == "*" && peek(1) == "/") { advance() }
                guard peek() != nil else {
                    throw .syntax(source: source, line: startLine, column: startColumn, token: "/*", message: "unterminated comment")
                }
                advance(2)
                continue
            }
            let (startLine, startColumn) = (line, column)
            if symbols.contains(character) {
                tokens.append(JSGFToken(kind: .symbol, text: String(character), line: startLine, column: startColumn))
                advance()
            } else if character == "<" || character == "\"" {
                // A rule name <name> (no spaces) or a quoted word "…" (on one line): up to the closing mark.
                let isRule = character == "<", close: Character = isRule ? ">" : "\""
                advance()
                var text = ""
                while let c = peek(), c != close, c != "\n", !(isRule && c.isWhitespace) { text.append(c); advance() }
                guard peek() == close, !text.isEmpty else {
                    throw .syntax(source: source, line: startLine, column: startColumn, token: String(character) + text,
                                  message: isRule ? "a rule name is written <name>" : "a quoted word needs its closing quote on the same line")
                }
                advance()
                tokens.append(JSGFToken(kind: isRule ? .ruleName : .quoted, text: text, line: startLine, column: startColumn))
            } else if character == ">" {
                throw .syntax(source: source, line: startLine, column: startColumn, token: ">", message: "'>' without '<'")
            } else {
                var word = ""
                while let c = peek(), !c.isWhitespace, !symbols.contains(c), c != "<", c != ">", c != "\"" { word.append(c); advance() }
                tokens.append(JSGFToken(kind: .word, text: word, line: startLine, column: startColumn))
            }
        }
        return tokens
    }
}

/// Recursive descent over JSGF tokens.
struct JSGFParser {
    let tokens: [JSGFToken]
    let source: String
    var position = 0

    init(tokens: [JSGFToken], source: String) {
        self.tokens = tokens
        self.source = source
    }

    private var current: JSGFToken? { position < tokens.count ? tokens[position] : nil }

    private func error(_ message: String) -> GrammarError {
        let token = current ?? tokens.last
        let atEnd = current == nil
        return .syntax(source: source, line: token?.line ?? 1, column: atEnd ? (token.map { $0.column + $0.text.count } ?? 1) : token!.column,
                       token: atEnd ? "" : token!.text, message: message)
    }

    private func isSymbol(_ symbol: String) -> Bool { current?.kind == .symbol && current?.text == symbol }

    private mutating func expect(_ symbol: String, _ message: String) throws(GrammarError) {
        guard isSymbol(symbol) else { throw error(message) }
        position += 1
    }

    /// `#JSGF …; grammar name; rule…`
    mutating func grammar() throws(GrammarError) -> (String, [JSGFGrammar.Rule]) {
        if current?.kind == .word, current?.text == "#JSGF" {
            while current != nil && !isSymbol(";") { position += 1 }
            try expect(";", "the header '#JSGF V1.0' ends with ';'")
        }
        guard current?.kind == .word, current?.text == "grammar" else { throw error("expected 'grammar name;'") }
        position += 1
        guard let name = current, name.kind == .word else { throw error("expected the grammar's name") }
        position += 1
        try expect(";", "expected ';' after the grammar's name")
        var rules: [JSGFGrammar.Rule] = []
        while current != nil {
            if current?.kind == .word, current?.text == "import" { throw error("'import' is not supported") }
            rules.append(try rule())
        }
        guard !rules.isEmpty else { throw error("the grammar defines no rule") }
        return (name.text, rules)
    }

    /// `[public] <name> = expansion ;`
    private mutating func rule() throws(GrammarError) -> JSGFGrammar.Rule {
        let line = current?.line ?? 1
        var isPublic = false
        if current?.kind == .word, current?.text == "public" {
            isPublic = true
            position += 1
        }
        guard let name = current, name.kind == .ruleName else { throw error("expected a rule definition '<name> = …;'") }
        position += 1
        try expect("=", "expected '=' after <\(name.text)>")
        let expansion = try alternatives()
        try expect(";", "expected ';' at the end of the rule <\(name.text)>")
        return JSGFGrammar.Rule(name: name.text, isPublic: isPublic, expansion: expansion, line: line)
    }

    /// `sequence ('|' sequence)*`
    private mutating func alternatives() throws(GrammarError) -> JSGFGrammar.Expansion {
        var branches = [try sequence()]
        while isSymbol("|") {
            position += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternatives(branches)
    }

    /// `item+`
    private mutating func sequence() throws(GrammarError) -> JSGFGrammar.Expansion {
        var items: [JSGFGrammar.Expansion] = []
        while let token = current {
            if token.kind == .symbol && [";", "|", ")", "]"].contains(token.text) { break }
            items.append(try item())
        }
        guard !items.isEmpty else { throw error("expected a word, a <rule>, '(' or '['") }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    /// A word, a rule reference, `( … )` or `[ … ]`.
    private mutating func item() throws(GrammarError) -> JSGFGrammar.Expansion {
        guard let token = current else { throw error("expected a word, a <rule>, '(' or '['") }
        let result: JSGFGrammar.Expansion
        switch (token.kind, token.text) {
        case (.word, _), (.quoted, _):
            position += 1
            result = .word(token.text, line: token.line)
        case (.ruleName, _):
            position += 1
            result = .rule(token.text, line: token.line, column: token.column)
        case (.symbol, "("):
            position += 1
            let inner = try alternatives()
            try expect(")", "expected ')'")
            result = inner
        case (.symbol, "["):
            position += 1
            let inner = try alternatives()
            try expect("]", "expected ']'")
            result = .optional(inner)
        case (.symbol, "/"):
            throw error("weights '/w/' are not supported")
        case (.symbol, "{"):
            throw error("tags '{…}' are not supported")
        default:
            throw error("expected a word, a <rule>, '(' or '['")
        }
        if isSymbol("*") || isSymbol("+") { throw error("the repeat operators '*' and '+' are not supported") }
        return result
    }
}
