import HMMKitMarkov
import HMMKitNumerics

/// The frame loop of an n-best ``Decoder`` (``DecoderOptions/nBest`` > 1): token passing with up
/// to n tokens per state, each of a different word sequence (silence left out), best first.
///
/// Exact for distinct word sequences (Schwartz & Chow's exact n-best): the future of a token
/// depends only on its state, so if n tokens of other word sequences beat a token in some state,
/// each of them completed as the token would be completes a different, better sequence, and the
/// token's sequence cannot be among the n best. Keeping n per state therefore loses none of the n
/// best sequences, nor their best paths, when nothing is pruned; the beam and the active-state
/// limit prune as in the 1-best search, on each state's best token, so the best token of every
/// state — and the first answer — is the 1-best search's exactly.
///
/// Word sequences are told apart by a 64-bit hash of their words, and a hash match is confirmed
/// by walking both word-end chains, so a collision never merges two sequences. Every buffer is
/// sized once, before the first frame; memory is n times the 1-best search's per state, and
/// word-end records are collected as there.
struct NBestSearch {
    /// One token: its path's score, its last word-end record (−1: none), its word sequence's hash.
    struct Token {
        var score: Double
        var record: Int32
        var history: UInt64

        static let empty = Token(score: -.infinity, record: -1, history: 0)
    }

    let graph: DecodingGraph
    let options: DecoderOptions
    /// Tokens per state.
    let n: Int
    /// Word-end records; tokens point into them.
    private(set) var history = WordHistory()
    /// Per state, n slots from `state · n`, best first (``Token/empty`` after the last): this frame's and the next.
    private var tokens: [Token], next: [Token]
    /// Per instance, n slots from `instance · n`: the tokens waiting to enter it at the next frame.
    private var entries: [Token]
    /// Scratch: the n best tokens leaving one instance.
    private var exits: [Token]
    private var active: [Int] = [], nextActive: [Int] = []
    private var queued: [Bool]
    private var survivors: [Double] = []
    private var block: EmissionBlock
    private var collectAt = 4_096

    init(graph: DecodingGraph, options: DecoderOptions) {
        self.graph = graph
        self.options = options
        n = options.nBest
        tokens = [Token](repeating: .empty, count: graph.stateCount * n)
        next = tokens
        entries = [Token](repeating: .empty, count: graph.instanceCount * n)
        exits = [Token](repeating: .empty, count: n)
        queued = [Bool](repeating: false, count: graph.instanceCount)
        survivors.reserveCapacity(graph.stateCount)
        active.reserveCapacity(graph.instanceCount)
        nextActive.reserveCapacity(graph.instanceCount)
        block = EmissionBlock(graph: graph, blockFrames: options.blockFrames)
    }

    /// Runs the search over `features`; returns the last word-end records of the n best distinct
    /// word sequences, best first, with their total scores (fewer when fewer reached the end;
    /// empty when none did).
    mutating func run(_ features: Matrix<Double>) -> [(record: Int32, score: Double)] {
        let frames = features.rowCount
        for (k, target) in graph.startTarget.enumerated() {
            _ = Self.offer(Token(score: graph.startWeight[k], record: -1, history: 0), into: &entries, at: target * n, n: n, history: history)
            if !queued[target] { queued[target] = true; active.append(target) }
        }
        for frame in 0..<frames {
            block.scoreIfStarting(frame, features)
            let threshold = advance(row: frame % options.blockFrames)
            if frame == frames - 1 { return finish(threshold: threshold, frame: frame) }
            leaveWords(threshold: threshold, frame: frame)
            swap(&tokens, &next)
            swap(&active, &nextActive)
            if history.records.count >= collectAt { collect() }
        }
        return []
    }

    /// Moves every active token one frame (emission row `row` of the block) into `next`; returns
    /// the pruning threshold of the frame, from each state's best token as in the 1-best search.
    private mutating func advance(row: Int) -> Double {
        var best = -Double.infinity
        for i in active {
            let m = graph.instanceModel[i], base = graph.instanceBase[i], modelBase = graph.modelBase[m]
            let emission = block.offset(emitter: graph.modelEmitter[m], row: row)
            for j in 0..<graph.modelStates[m] {
                let slot = (base + j) * n
                for k in 0..<n { next[slot + k] = .empty }
                // The 1-best search's order (entry, then predecessors), a later equal score after an earlier one.
                let start = graph.logStart[modelBase + j]
                if start > -.infinity { offerAll(from: entries, at: i * n, adding: start, into: slot) }
                for p in graph.predecessorStart[modelBase + j]..<graph.predecessorStart[modelBase + j + 1] {
                    offerAll(from: tokens, at: (base + graph.predecessorFrom[p]) * n, adding: graph.predecessorLog[p], into: slot)
                }
                let e = block.emissions[emission + graph.emissionState[modelBase + j]]
                for k in 0..<n where next[slot + k].score > -.infinity { next[slot + k].score += e }
                if next[slot].score > best { best = next[slot].score }
            }
            for k in 0..<n { entries[i * n + k] = .empty }
        }
        var threshold = best - options.beam
        survivors.removeAll(keepingCapacity: true)
        for i in active {
            let base = graph.instanceBase[i]
            for j in 0..<graph.modelStates[graph.instanceModel[i]] where next[(base + j) * n].score >= threshold {
                survivors.append(next[(base + j) * n].score)
            }
        }
        if survivors.count > options.maximumActiveStates {
            threshold = max(threshold, TokenSearch.largest(options.maximumActiveStates, of: &survivors))
        }
        return threshold
    }

    /// Offers the tokens of `source`'s n slots at `from`, each plus `weight`, to `next`'s slots at `slot`.
    private mutating func offerAll(from source: [Token], at from: Int, adding weight: Double, into slot: Int) {
        for k in 0..<n {
            var token = source[from + k]
            guard token.score > -.infinity else { return }
            token.score += weight
            // The slots are sorted: once full and no better than the last, so is every later token.
            if next[slot + n - 1].score >= token.score { return }
            _ = Self.offer(token, into: &next, at: slot, n: n, history: history)
        }
    }

    /// Prunes `next` below `threshold`, clears the old tokens, and passes the tokens leaving
    /// words (at frame `frame`) to the words after them; fills `nextActive`.
    private mutating func leaveWords(threshold: Double, frame: Int) {
        nextActive.removeAll(keepingCapacity: true)
        for i in active { queued[i] = false }
        for i in active {
            guard prune(i, threshold: threshold) else { continue }
            if !queued[i] { queued[i] = true; nextActive.append(i) }
            for k in 0..<n {
                let exit = exits[k]
                guard exit.score > -.infinity else { break }
                var left: Token? = nil
                for l in graph.linkStart[i]..<graph.linkStart[i + 1] {
                    let target = graph.linkTarget[l], candidate = exit.score + graph.linkWeight[l]
                    guard candidate >= threshold, candidate > entries[target * n + n - 1].score else { continue }
                    if left == nil { left = leave(i, exit, frame: frame) }
                    var token = left!
                    token.score = candidate
                    if Self.offer(token, into: &entries, at: target * n, n: n, history: history), !queued[target] {
                        queued[target] = true
                        nextActive.append(target)
                    }
                }
            }
        }
    }

    /// Prunes instance `i`'s tokens in `next` below `threshold` and clears its old ones; fills
    /// `exits` with the n best tokens of distinct word sequences in its end states. False when
    /// no token of the instance survives.
    private mutating func prune(_ i: Int, threshold: Double) -> Bool {
        let m = graph.instanceModel[i], base = graph.instanceBase[i], modelBase = graph.modelBase[m]
        var alive = false
        for k in 0..<n { exits[k] = .empty }
        for j in 0..<graph.modelStates[m] {
            let slot = (base + j) * n
            for k in 0..<n {
                tokens[slot + k] = .empty
                if next[slot + k].score < threshold { next[slot + k] = .empty }
            }
            guard next[slot].score > -.infinity else { continue }
            alive = true
            guard graph.logEnd[modelBase + j] == 0 else { continue }
            for k in 0..<n where next[slot + k].score > -.infinity && next[slot + k].score > exits[n - 1].score {
                _ = Self.offer(next[slot + k], into: &exits, at: 0, n: n, history: history)
            }
        }
        return alive
    }

    /// A word-end record for `exit` leaving instance `i` at `frame`, and the token that carries it on.
    private mutating func leave(_ i: Int, _ exit: Token, frame: Int) -> Token {
        let model = graph.instanceModel[i], word = model == graph.silenceModel ? -1 : model
        let record = history.append(WordEnd(instance: Int32(i), endFrame: Int32(frame), score: exit.score, previous: exit.record),
                                    word: Int32(word))
        return Token(score: exit.score, record: record, history: word < 0 ? exit.history : WordHistory.extend(exit.history, with: word))
    }

    /// The n best distinct word sequences leaving a word into the end at the last frame.
    private mutating func finish(threshold: Double, frame: Int) -> [(record: Int32, score: Double)] {
        var final = [Token](repeating: .empty, count: n)
        for i in active {
            guard prune(i, threshold: threshold) else { continue }
            for k in 0..<n where exits[k].score > -.infinity {
                let total = exits[k].score + graph.endWeight[i]
                guard total > -.infinity, total > final[n - 1].score else { continue }
                var token = leave(i, exits[k], frame: frame)
                token.score = total
                _ = Self.offer(token, into: &final, at: 0, n: n, history: history)
            }
        }
        return final.prefix { $0.score > -.infinity }.map { ($0.record, $0.score) }
    }

    /// Puts `token` among the n slots of `slots` at `base` (best first) unless they hold n better
    /// tokens or a token of the same word sequence at least as good; a token of its word sequence
    /// that it beats leaves. An equal score goes after those already there. Whether it was kept.
    private static func offer(_ token: Token, into slots: inout [Token], at base: Int, n: Int, history: WordHistory) -> Bool {
        var position = n
        for k in 0..<n {
            let held = slots[base + k]
            if held.score == -.infinity {
                if position == n { position = k }
                break
            }
            if position == n && held.score < token.score { position = k }
            guard held.history == token.history, history.sameWords(held.record, token.record) else { continue }
            if held.score >= token.score { return false }
            // The same sequence, beaten: it leaves from k ≥ position, the tokens between move down one.
            var from = k
            while from > position { slots[base + from] = slots[base + from - 1]; from -= 1 }
            slots[base + position] = token
            return true
        }
        guard position < n else { return false }
        var from = n - 1
        while from > position { slots[base + from] = slots[base + from - 1]; from -= 1 }
        slots[base + position] = token
        return true
    }

    /// Drops the word-end records no live token leads back to, renumbering the others.
    private mutating func collect() {
        var starts: [Int32] = []
        for token in tokens where token.score > -.infinity { starts.append(token.record) }
        for token in entries where token.score > -.infinity { starts.append(token.record) }
        let renumbered = history.compact(keeping: WordEnd.reachable(history.records, from: starts))
        for k in tokens.indices where tokens[k].score > -.infinity && tokens[k].record >= 0 { tokens[k].record = renumbered[Int(tokens[k].record)] }
        for k in entries.indices where entries[k].score > -.infinity && entries[k].record >= 0 {
            entries[k].record = renumbered[Int(entries[k].record)]
        }
        collectAt = max(4_096, 2 * history.records.count)
    }
}

/// The word-end records of an n-best search, each with its word, so that two paths' word
/// sequences can be compared.
struct WordHistory {
    private(set) var records: [WordEnd] = []
    /// Per record: its model, or −1 for silence.
    private var words: [Int32] = []

    /// Appends `record` of model `word` (−1: silence); returns its index.
    mutating func append(_ record: WordEnd, word: Int32) -> Int32 {
        records.append(record)
        words.append(word)
        return Int32(records.count - 1)
    }

    /// Whether the paths ending in records `a` and `b` (−1: none) say the same words.
    func sameWords(_ a: Int32, _ b: Int32) -> Bool {
        var a = a, b = b
        while true {
            while a >= 0 && words[Int(a)] < 0 { a = records[Int(a)].previous }
            while b >= 0 && words[Int(b)] < 0 { b = records[Int(b)].previous }
            if a == b { return true }
            guard a >= 0, b >= 0, words[Int(a)] == words[Int(b)] else { return false }
            a = records[Int(a)].previous
            b = records[Int(b)].previous
        }
    }

    /// Keeps the records marked in `live` (``WordEnd/compact(_:keeping:)``); returns each old index's new one.
    mutating func compact(keeping live: [Bool]) -> [Int32] {
        var kept = 0
        for index in words.indices where live[index] {
            words[kept] = words[index]
            kept += 1
        }
        words.removeLast(words.count - kept)
        return WordEnd.compact(&records, keeping: live)
    }

    /// The hash of a word sequence followed by the word of model `word` (SplitMix64's finaliser
    /// over the sum); the empty sequence's is 0.
    static func extend(_ history: UInt64, with word: Int) -> UInt64 {
        var z = history &+ (UInt64(word) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
