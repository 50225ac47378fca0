extension WordScoring {
    /// The results as HTK's `HResults` prints them, followed by Kaldi's `%WER` and `%SER` lines
    /// and the substitutions (most frequent first, at most `substitutionLimit` of them):
    ///
    /// ```
    /// ====================== HTK Results Analysis =======================
    ///   Ref : data/test/text
    ///   Rec : exp/decode/hyp.txt
    /// ------------------------ Overall Results --------------------------
    /// SENT: %Correct=50.00 [H=1, S=1, N=2]
    /// WORD: %Corr=80.00, Acc=70.00 [H=8, D=1, S=1, I=1, N=10]
    /// ===================================================================
    /// %WER 30.00 [ 3 / 10, 1 ins, 1 del, 1 sub ]
    /// %SER 50.00 [ 1 / 2 ]
    /// ------------------------ Substitutions ----------------------------
    ///      1  seven -> eleven
    /// ```
    ///
    /// Percentages of nothing (no reference words, no utterances) print as `n/a`.
    public func report(referenceName: String, hypothesisName: String, substitutionLimit: Int = 50) -> String {
        func percent(_ value: Double?) -> String { value.map { FixedPoint.format($0, 2) } ?? "n/a" }
        let counts = words
        var lines = [
            "====================== HTK Results Analysis =======================",
            "  Ref : \(referenceName)",
            "  Rec : \(hypothesisName)",
            "------------------------ Overall Results --------------------------",
            "SENT: %Correct=\(percent(sentenceCorrect)) [H=\(sentences - sentenceErrors), S=\(sentenceErrors), N=\(sentences)]",
            "WORD: %Corr=\(percent(counts.percentCorrect)), Acc=\(percent(counts.accuracy)) "
                + "[H=\(counts.hits), D=\(counts.deletions), S=\(counts.substitutions), I=\(counts.insertions), N=\(counts.referenceWords)]",
            "===================================================================",
            "%WER \(percent(counts.wordErrorRate)) [ \(counts.errors) / \(counts.referenceWords), "
                + "\(counts.insertions) ins, \(counts.deletions) del, \(counts.substitutions) sub ]",
            "%SER \(percent(sentenceErrorRate)) [ \(sentenceErrors) / \(sentences) ]",
        ]
        if !unscored.isEmpty {
            lines.append("Scored \(sentences) of \(sentences + unscored.count) reference utterances (\(unscored.count) without a hypothesis)")
        }
        let table = substitutions
        if !table.isEmpty {
            lines.append("------------------------ Substitutions ----------------------------")
            for pair in table.prefix(max(0, substitutionLimit)) {
                let count = String(pair.count)
                lines.append(String(repeating: " ", count: max(0, 6 - count.count)) + count + "  \(pair.reference) -> \(pair.hypothesis)")
            }
            if table.count > substitutionLimit { lines.append("  … \(table.count - substitutionLimit) more pair(s)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension WordAlignment {
    /// The alignment as sclite's three lines, columns padded to the wider word: the reference
    /// (`***` where the hypothesis has an insertion), the hypothesis (`***` for a deletion) and
    /// the evaluation (`S`, `D` or `I` under each error, blank under a hit):
    ///
    /// ```
    /// REF:  seven seven ***
    /// HYP:  eight seven oh
    /// EVAL: S           I
    /// ```
    public var sclitePrintout: String {
        var reference = "REF: ", hypothesis = "HYP: ", evaluation = "EVAL:"
        for step in steps {
            let (top, bottom, mark): (String, String, String)
            switch step {
            case .match(let word): (top, bottom, mark) = (word, word, "")
            case let .substitution(reference, hypothesis): (top, bottom, mark) = (reference, hypothesis, "S")
            case .deletion(let word): (top, bottom, mark) = (word, "***", "D")
            case .insertion(let word): (top, bottom, mark) = ("***", word, "I")
            }
            let width = max(top.count, bottom.count, mark.count)
            func padded(_ text: String) -> String { " " + text + String(repeating: " ", count: width - text.count) }
            reference += padded(top)
            hypothesis += padded(bottom)
            evaluation += padded(mark)
        }
        return [reference, hypothesis, evaluation].map { String($0.reversed().drop { $0 == " " }.reversed()) }
            .joined(separator: "\n")
    }
}
