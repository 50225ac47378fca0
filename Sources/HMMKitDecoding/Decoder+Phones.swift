import HMMKitMarkov
import HMMKitPhones

extension Decoder {
    /// A decoder for `network` whose words are spelled by phone models: each word is the
    /// concatenation of its pronunciation's phone HMMs (alternate pronunciations as parallel
    /// paths, a multi-word label's words in a row, ``/HMMKitPhones/UtteranceGraph/withoutSilence(words:models:utterance:)``),
    /// and the network's silence nodes are the silence phone. Every word's states are indices
    /// into the models' one pool of shared states, which is scored once per block of frames (one
    /// GEMM for all of them), however many words use a phone.
    ///
    /// The same search as the whole-word decoder: a word whose states, transitions and mixtures
    /// equal a whole-word model's decodes to the same answer and score.
    /// - Parameters:
    ///   - network: what may be said.
    ///   - words: the vocabulary; each word's transcript is ``/HMMKitPhones/PhoneModels/transcript(of:)``
    ///     (a label such as FSDD's `7` is spelt as `seven`).
    ///   - phoneModels: the phone models and their lexicon.
    ///   - silence: whether the network's silence nodes are kept (the silence phone) or dropped.
    ///   - options: beam, active states, penalty, grammar scale.
    ///   - frameShiftSeconds: the front end's frame shift (word times are frame × shift plus ``boundaryOffsetSeconds``).
    ///   - source: how errors name the network.
    /// - Throws: ``DecodingError/options(_:)``; ``DecodingError/phones(_:)`` listing every word
    ///   the lexicon lacks (or an empty transcript); ``DecodingError/grammar(_:)`` for words of
    ///   the network outside `words`, a cycle without words, or no path from start to end.
    public init(network: WordNetwork, words: [String], phoneModels: PhoneModels, silence: Bool = true,
                options: DecoderOptions = DecoderOptions(), frameShiftSeconds: Double = 0.01,
                source: String = "grammar") throws(DecodingError) {
        precondition(!words.isEmpty, "Decoder: an empty vocabulary")
        let transcripts = words.map { (utterance: "word \"\($0)\"", words: phoneModels.transcript(of: $0)) }
        do { try phoneModels.lexicon.check(transcripts: transcripts) } catch { throw .phones(.lexicon(error)) }
        var graphs: [UtteranceGraph] = []
        do {
            for transcript in transcripts {
                graphs.append(try UtteranceGraph.withoutSilence(words: transcript.words, models: phoneModels, utterance: transcript.utterance))
            }
            if silence { graphs.append(try UtteranceGraph.silence(models: phoneModels)) }
        } catch {
            throw .phones(error)
        }
        let models = DecodingModels(chains: graphs.map(\.chain), names: words + (silence ? ["<sil>"] : []),
                                    emitterOfModel: [Int](repeating: 0, count: graphs.count), emissionStates: graphs.map(\.poolStates),
                                    emitters: [phoneModels.pool], silence: silence ? words.count : nil)
        try self.init(network: network, models: models, options: options, frameShiftSeconds: frameShiftSeconds, source: source)
    }
}
