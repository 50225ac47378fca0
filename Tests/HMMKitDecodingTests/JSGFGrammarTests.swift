import HMMKitDecoding
import Testing

@Suite struct JSGFGrammarTests {
    static let pin = """
        #JSGF V1.0;
        grammar pin;
        // four digits
        public <pin> = <digit> <digit> <digit> <digit>;
        <digit> = zero | oh | one | two | three | four | five | six | seven | eight | nine;
        """

    /// Every word sequence from start to end of `network` with at most `limit` words.
    static func sentences(_ network: WordNetwork, limit: Int = 6) -> Set<[String]> {
        var found = Set<[String]>()
        func walk(_ node: Int, _ words: [String]) {
            guard words.count <= limit else { return }
            if node == network.end { found.insert(words); return }
            for arc in network.arcs where arc.from == node {
                switch network.nodes[arc.to] {
                case .word(let word, _): walk(arc.to, words + [word])
                case .null: walk(arc.to, words)
                case .silence: break  // silence loops back without a word: skipped, it changes no sentence
                }
            }
        }
        walk(network.start, [])
        return found
    }

    @Test func pinGrammarSaysExactlyFourDigits() throws {
        let network = try JSGFGrammar(parsing: Self.pin, source: "pin.jsgf").network()
        let sentences = Self.sentences(network, limit: 5)
        #expect(sentences.count == 11 * 11 * 11 * 11)
        #expect(sentences.allSatisfy { $0.count == 4 })
        #expect(sentences.contains(["oh", "nine", "zero", "oh"]))
    }

    @Test func alternativesOptionalsGroupsAndQuotes() throws {
        let text = """
            grammar g;
            public <s> = [please] (call | dial) <who> [now];
            <who> = mum | "new york" | <NULL>;
            """
        let sentences = Self.sentences(try JSGFGrammar(parsing: text).network())
        var expected = Set<[String]>()
        for please in [[], ["please"]] { for verb in ["call", "dial"] { for who in [["mum"], ["new york"], []] {
            for now in [[], ["now"]] { expected.insert(please + [verb] + who + now) }
        } } }
        #expect(sentences == expected)
    }

    @Test func theFirstPublicRuleIsTheRootUnlessNamed() throws {
        let text = "grammar g; <a> = x; public <b> = y <a>; public <c> = z;"
        let grammar = try JSGFGrammar(parsing: text)
        #expect(Self.sentences(try grammar.network()) == [["y", "x"]])
        #expect(Self.sentences(try grammar.network(root: "c")) == [["z"]])
        #expect(throws: GrammarError.noPublicRule(source: "grammar", requested: "a")) { try grammar.network(root: "a") }
    }

    @Test func alternativesWeighOneOverTheirCount() throws {
        let network = try JSGFGrammar(parsing: "grammar g; public <s> = a | b | c | d;").network()
        let weights = network.arcs.map(\.logWeight).filter { $0 != 0 }
        #expect(weights.count == 4 && weights.allSatisfy { abs($0 - (-Double.log(4))) < 1e-15 })
    }

    @Test(arguments: [
        ("grammar g;\npublic <s> = a b\n  | c;\n<s> = d;", "grammar:4: the rule <s> is defined twice"),
        ("grammar g;\npublic <s> = a |\n  ;", "grammar:3:3: expected a word, a <rule>, '(' or '[' (at ';')"),
        ("grammar g;\npublic <s> = (a b;", "grammar:2:18: expected ')' (at ';')"),
        ("grammar g;\npublic <s> = a*;", "grammar:2:15: the repeat operators '*' and '+' are not supported (at '*')"),
        ("grammar g;\npublic <s> = a /2/ b;", "grammar:2:16: weights '/w/' are not supported (at '/')"),
        ("grammar g;\nimport <x.*>;", "grammar:2:1: 'import' is not supported (at 'import')"),
        ("grammar g;\npublic <s> = <t>;\n<t> = a <s>;", "grammar:3: recursive rule <s> → <t> → <s> (recursion is not supported)"),
        ("grammar g;\npublic <s> = a\n   <missing>;", "grammar:3:4: the rule <missing> is not defined"),
        ("grammar g;\npublic <s> = a", "grammar:2:15: expected ';' at the end of the rule <s> (at end of file)"),
        ("public <s> = a;", "grammar:1:1: expected 'grammar name;' (at 'public')"),
        ("grammar g; /* open", "grammar:1:12: unterminated comment (at '/*')"),
        ("grammar g; <s> = a;", "grammar: the grammar has no public rule to decode with"),
        ("grammar g; public <s> = <a20>;" + (1...20).map { "<a\($0)> = <a\($0 - 1)> <a\($0 - 1)>;" }.joined() + "<a0> = x;",
         "grammar: the grammar expands to more than 1000000 nodes; share fewer rule references"),
    ])
    func errorsNameTheLineAndToken(text: String, message: String) {
        do {
            _ = try JSGFGrammar(parsing: text).network()
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
        }
    }
}

@Suite struct WordNetworkTests {
    @Test func loopCountsWords() {
        let loop = WordNetwork.loop(vocabulary: ["a", "b"], minimumWords: 2, maximumWords: 3)
        let sentences = JSGFGrammarTests.sentences(loop)
        #expect(sentences.count == 4 + 8)
        #expect(sentences.allSatisfy { (2...3).contains($0.count) })
        let open = JSGFGrammarTests.sentences(WordNetwork.loop(vocabulary: ["a", "b"]), limit: 4)
        #expect(open.count == 2 + 4 + 8 + 16)
    }

    @Test func optionalSilenceKeepsTheSentences() {
        let loop = WordNetwork.loop(vocabulary: ["a", "b"], minimumWords: 1, maximumWords: 2)
        let silent = loop.withOptionalSilence()
        #expect(JSGFGrammarTests.sentences(silent) == JSGFGrammarTests.sentences(loop))
        // One silence loop after the start and after each of the 2 + 2 word nodes.
        #expect(silent.nodes.filter { $0 == .silence }.count == 1 + 4)
    }
}
