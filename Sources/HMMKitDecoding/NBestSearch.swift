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
/// Word sequences are numbered as they are first said (``WordHistory``), so two tokens say the
/// same words exactly when their numbers agree: no hash to collide, no walk along the records.
/// A state's n tokens are merged with those arriving along an arc in one pass over each sorted
/// list. Every buffer is sized once, before the first frame; token memory is n times the 1-best
/// search's per state, and word-end records and sequences are collected as records are there.
struct NBestSearch {
    /// One token: its path's score, its last word-end record (−1: none), its word sequence
    /// (``WordHistory/extend(_:with:)``; 0: none yet).
    struct Token: Equatable {
        var score: Double
        var record: Int32
        var sequence: Int32

        static let empty = Token(score: -.infinity, record: -1, sequence: 0)
    }

    let graph: DecodingGraph
    let options: DecoderOptions
    /// Tokens per state.
    let n: Int
    /// Word-end records and word sequences; tokens point into them.
    private(set) var history = WordHistory()
    /// Per state, n slots from `state · n`, best first (``Token/empty`` after the last): this frame's and the next.
    private var tokens: [Token], next: [Token]
    /// Per instance, n slots from `instance · n`: the tokens waiting to enter it at the next frame.
    private var entries: [Token]
    /// Scratch: the n best tokens leaving one instance.
    private var exits: [Token]
    /// Scratch of ``merge(_:at:adding:into:at:n:scratch:beaten:)``: the merged slots, and which held
    /// tokens an arriving token of their word sequence beat.
    private var merged: [Token], beaten: [Bool]
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
        merged = exits
        beaten = [Bool](repeating: false, count: n)
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
            _ = Self.offer(Token(score: graph.startWeight[k], record: -1, sequence: 0), into: &entries, at: target * n, n: n)
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

    /// Merges the tokens of `source`'s n slots at `from`, each plus `weight`, into `next`'s slots at `slot`.
    private mutating func offerAll(from source: [Token], at from: Int, adding weight: Double, into slot: Int) {
        Self.merge(source, at: from, adding: weight, into: &next, at: slot, n: n, scratch: &merged, beaten: &beaten)
    }

    /// Merges the tokens of `source`'s n slots at `from`, each plus `weight`, into the n slots of
    /// `slots` at `base`: the n best of both, one per word sequence, a held token before an
    /// arriving one of equal score — what offering the arriving tokens one by one, best first
    /// (``offer(_:into:at:n:)``), would leave. Both lists are sorted and hold each sequence once,
    /// so the merge reads each list once; an arriving token that would be kept is also compared
    /// with the held tokens' sequence numbers (at most n integer comparisons), as one of them may
    /// say its words. `scratch` (n tokens) and `beaten` (n, all false) are working space, and
    /// `beaten` is all false again on return.
    static func merge(_ source: [Token], at from: Int, adding weight: Double, into slots: inout [Token], at base: Int, n: Int,
                      scratch: inout [Token], beaten: inout [Bool]) {
        // Nothing arrives, or the slots are full and the best arriving token is no better than their last.
        guard source[from].score > -.infinity, source[from].score + weight > slots[base + n - 1].score else { return }
        var held = 0, arriving = 0, count = 0
        while count < n {
            let kept = held < n ? slots[base + held] : .empty
            var token = arriving < n ? source[from + arriving] : .empty
            if token.score > -.infinity { token.score += weight }
            if kept.score == -.infinity && token.score == -.infinity { break }
            if kept.score >= token.score {
                if !beaten[held] { scratch[count] = kept; count += 1 }
                held += 1
                continue
            }
            arriving += 1
            // The held token of the same words, if any: one at least as good is already merged and
            // stays; a worse one is beaten, and left out when the merge reaches it.
            var same = 0
            while same < n && slots[base + same].score > -.infinity && slots[base + same].sequence != token.sequence { same += 1 }
            if same < n && slots[base + same].score > -.infinity {
                if slots[base + same].score >= token.score { continue }
                beaten[same] = true
            }
            scratch[count] = token
            count += 1
        }
        for k in 0..<n {
            slots[base + k] = k < count ? scratch[k] : .empty
            beaten[k] = false
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
                    if Self.offer(token, into: &entries, at: target * n, n: n), !queued[target] {
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
                _ = Self.offer(next[slot + k], into: &exits, at: 0, n: n)
            }
        }
        return alive
    }

    /// A word-end record for `exit` leaving instance `i` at `frame`, and the token that carries it on.
    private mutating func leave(_ i: Int, _ exit: Token, frame: Int) -> Token {
        let model = graph.instanceModel[i], word = model == graph.silenceModel ? -1 : model
        let record = history.append(WordEnd(instance: Int32(i), endFrame: Int32(frame), score: exit.score, previous: exit.record))
        return Token(score: exit.score, record: record, sequence: word < 0 ? exit.sequence : history.extend(exit.sequence, with: Int32(word)))
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
                _ = Self.offer(token, into: &final, at: 0, n: n)
            }
        }
        return final.prefix { $0.score > -.infinity }.map { ($0.record, $0.score) }
    }

    /// Puts `token` among the n slots of `slots` at `base` (best first) unless they hold n better
    /// tokens or a token of the same word sequence at least as good; a token of its word sequence
    /// that it beats leaves. An equal score goes after those already there. Whether it was kept.
    static func offer(_ token: Token, into slots: inout [Token], at base: Int, n: Int) -> Bool {
        var position = n
        for k in 0..<n {
            let held = slots[base + k]
            if held.score == -.infinity {
                if position == n { position = k }
                break
            }
            if position == n && held.score < token.score { position = k }
            guard held.sequence == token.sequence else { continue }
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

    /// Drops the word-end records and word sequences no live token leads back to, renumbering the
    /// others. Live tokens are those of the active instances (in their states or waiting to
    /// enter): every other slot is empty, as in the 1-best search.
    private mutating func collect() {
        var records: [Int32] = [], sequences: [Int32] = []
        for i in active {
            for k in stateSlots(i) where tokens[k].score > -.infinity {
                records.append(tokens[k].record)
                sequences.append(tokens[k].sequence)
            }
            for k in i * n..<(i + 1) * n where entries[k].score > -.infinity {
                records.append(entries[k].record)
                sequences.append(entries[k].sequence)
            }
        }
        let renumbered = history.compact(keeping: WordEnd.reachable(history.records, from: records), sequences: sequences)
        func renumber(_ token: inout Token) {
            if token.record >= 0 { token.record = renumbered.records[Int(token.record)] }
            token.sequence = renumbered.sequences[Int(token.sequence)]
        }
        for i in active {
            for k in stateSlots(i) where tokens[k].score > -.infinity { renumber(&tokens[k]) }
            for k in i * n..<(i + 1) * n where entries[k].score > -.infinity { renumber(&entries[k]) }
        }
        collectAt = max(4_096, 2 * history.records.count)
    }

    /// The token slots of instance `i`'s states.
    private func stateSlots(_ i: Int) -> Range<Int> {
        let base = graph.instanceBase[i]
        return base * n..<(base + graph.modelStates[graph.instanceModel[i]]) * n
    }
}

/// The word-end records of an n-best search, and the word sequences its tokens say, each
/// numbered once: sequence 0 is the empty one, and every other sequence is an earlier one
/// followed by one word (a trie of the sequences said), so two tokens say the same words (silence left out) exactly when their
/// sequence numbers agree.
struct WordHistory {
    private(set) var records: [WordEnd] = []
    /// Per sequence: the sequence it extends by one word (−1 for the empty sequence, 0).
    private(set) var parents: [Int32] = [-1]
    /// Per sequence: its last word's model (−1 for the empty sequence).
    private(set) var lastWords: [Int32] = [-1]
    /// The number of each sequence made so far, by the sequence it extends (high 32 bits) and its
    /// last word (low 32 bits).
    private var numbers: [UInt64: Int32] = [:]

    /// Appends `record`; returns its index.
    mutating func append(_ record: WordEnd) -> Int32 {
        records.append(record)
        return Int32(records.count - 1)
    }

    /// The number of sequence `sequence` followed by the word of model `word` (≥ 0): the same
    /// number whichever path said those words.
    mutating func extend(_ sequence: Int32, with word: Int32) -> Int32 {
        precondition(word >= 0, "WordHistory.extend: silence extends no sequence")
        let key = Self.key(sequence, word)
        if let number = numbers[key] { return number }
        let number = Int32(parents.count)
        parents.append(sequence)
        lastWords.append(word)
        numbers[key] = number
        return number
    }

    /// Keeps the records marked in `live` (``WordEnd/compact(_:keeping:)``) and the sequences of
    /// `sequences` with every sequence they extend; returns each old record's and each old
    /// sequence's new number (−1 for one dropped). Kept sequences keep their order, so a sequence
    /// still comes after the one it extends.
    mutating func compact(keeping live: [Bool], sequences: some Sequence<Int32>) -> (records: [Int32], sequences: [Int32]) {
        var kept = [Bool](repeating: false, count: parents.count)
        kept[0] = true
        for start in sequences {
            var sequence = start
            while sequence > 0 && !kept[Int(sequence)] {
                kept[Int(sequence)] = true
                sequence = parents[Int(sequence)]
            }
        }
        var renumbered = [Int32](repeating: -1, count: parents.count)
        var count = 0
        numbers.removeAll(keepingCapacity: true)
        for old in parents.indices where kept[old] {
            renumbered[old] = Int32(count)
            let parent = old == 0 ? -1 : renumbered[Int(parents[old])]
            parents[count] = parent
            lastWords[count] = lastWords[old]
            if old > 0 { numbers[Self.key(parent, lastWords[count])] = Int32(count) }
            count += 1
        }
        parents.removeLast(parents.count - count)
        lastWords.removeLast(lastWords.count - count)
        return (WordEnd.compact(&records, keeping: live), renumbered)
    }

    private static func key(_ sequence: Int32, _ word: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: sequence)) << 32 | UInt64(UInt32(bitPattern: word))
    }
}
