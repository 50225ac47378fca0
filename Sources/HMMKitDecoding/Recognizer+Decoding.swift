import Foundation
import HMMKitFeatures
import HMMKitMarkov
import HMMKitNumerics
import HMMKitRecognition

extension Recognizer {
    /// A ``Decoder`` for `network` over this recognizer's word models (its labels are the
    /// vocabulary), with `silence` for the network's silence nodes and word times in the front
    /// end's frame shift. A recognizer built from phones decodes with its phone models
    /// (``Decoder/init(network:words:phoneModels:silence:options:frameShiftSeconds:source:)``)
    /// and its own trained silence phone, which every `silence` but ``SilenceModel/none`` means.
    /// - Throws: ``DecodingError`` for unusable options, a grammar with words the models do not
    ///   know or without a path, or a silence model that cannot be built.
    public func decoder(for network: WordNetwork, silence: SilenceModel = .wordEdges, options: DecoderOptions = DecoderOptions(),
                        source: String = "grammar") throws(DecodingError) -> Decoder {
        let shift = configuration.features.frameShiftSeconds
        var decoder: Decoder
        if let phoneModels {
            decoder = try Decoder(network: network, words: labels, phoneModels: phoneModels, silence: silence != .none, options: options,
                                  frameShiftSeconds: shift, source: source)
        } else {
            let silenceModel: GMMHMM<Double>?
            do { silenceModel = try silence.model(from: models) } catch { throw .recognizer(.wordModel(error)) }
            decoder = try Decoder(network: network, words: labels, models: models, silence: silenceModel, options: options,
                                  frameShiftSeconds: shift, source: source)
        }
        decoder.boundaryOffsetSeconds = configuration.features.frameBoundaryOffsetSeconds
        return decoder
    }

    /// `options` with this model set's decoding weights
    /// (``/HMMKitRecognition/RecognizerConfiguration/decodingWeights``) in place of its insertion
    /// penalty and grammar scale, but for those given here.
    public func decoderOptions(_ options: DecoderOptions, insertionPenalty: Double? = nil, grammarScale: Double? = nil) -> DecoderOptions {
        var resolved = options
        resolved.insertionPenalty = insertionPenalty ?? configuration.decodingWeights.insertionPenalty
        resolved.grammarScale = grammarScale ?? configuration.decodingWeights.grammarScale
        return resolved
    }

    /// Decodes audio files with `network`, routed by the rule of isolated recognition with a file
    /// without a speaker counted as a voice of its own: files of an unknown voice
    /// (``/HMMKitRecognition/Recognizer/unknownVoices(_:speakers:filesWithoutSpeakerAsVoices:threadCount:)``:
    /// a speaker, or a file without one, with fewer than
    /// ``/HMMKitRecognition/RecognizerConfiguration/unknownVoiceFrames`` frames) with the
    /// ``/HMMKitRecognition/Recognizer/unknownVoiceRecognizer``'s models, features, silence model
    /// and decoding weights, the others with this recognizer's, through its speaker machinery
    /// (as ``decode(_:speakers:with:threadCount:)``). Without unknown-voice models, every file
    /// takes this recognizer's.
    /// - Parameters:
    ///   - urls: the audio files.
    ///   - speakers: each file's speaker (nil: unknown).
    ///   - network: the words' network (as ``decoder(for:silence:options:source:)``).
    ///   - silence: the silence model, built from each model set's own word models.
    ///   - options: beam, pruning and block size; its penalty and grammar scale are replaced by
    ///     each model set's (``decoderOptions(_:insertionPenalty:grammarScale:)``).
    ///   - insertionPenalty: the penalty for both model sets, in place of their own.
    ///   - grammarScale: the grammar scale for both model sets, in place of their own.
    ///   - source: how errors name the network.
    ///   - threadCount: worker threads (results do not depend on it).
    /// - Returns: one result per file, in order, whose ``Decoding/unknownVoice`` says which models
    ///   decoded it; a file that cannot be decoded gives its error (``DecodingError/file(path:_:)``).
    /// - Throws: as ``decoder(for:silence:options:source:)``; ``DecodingError/recognizer(_:)`` when
    ///   the front end cannot run at all.
    public func decode(_ urls: [URL], speakers: [String?], network: WordNetwork, silence: SilenceModel = .wordEdges,
                       options: DecoderOptions = DecoderOptions(), insertionPenalty: Double? = nil, grammarScale: Double? = nil,
                       source: String = "grammar",
                       threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(DecodingError)
        -> [Result<Decoding, DecodingError>]
    {
        let unknown: [Bool]
        // An utterance of several words normalised on its own is closer to a speaker's group of
        // words than to one word: long enough, the speaker models decode it (BENCHMARKS.md,
        // "Connected words: decoding weights per model set").
        do { unknown = try unknownVoices(urls, speakers: speakers, filesWithoutSpeakerAsVoices: true, threadCount: threadCount) } catch {
            throw .recognizer(error)
        }
        var results = [Result<Decoding, DecodingError>?](repeating: nil, count: urls.count)
        for (voice, recognizer) in [(false, self), (true, unknownVoiceRecognizer)] {
            let positions = urls.indices.filter { unknown[$0] == voice }
            guard let recognizer, !positions.isEmpty else { continue }
            let own = recognizer.decoderOptions(options, insertionPenalty: insertionPenalty, grammarScale: grammarScale)
            let decoder = try recognizer.decoder(for: network, silence: silence, options: own, source: source)
            let decoded = try recognizer.decode(positions.map { urls[$0] }, speakers: positions.map { speakers[$0] },
                                                with: decoder, threadCount: threadCount)
            for (position, result) in zip(positions, decoded) {
                results[position] = result.map { decoding in
                    var marked = decoding
                    marked.unknownVoice = voice
                    return marked
                }
            }
        }
        return results.map { $0! }
    }

    /// Decodes audio files with `decoder` (made by ``decoder(for:silence:options:source:)``, its
    /// options as given) through this recognizer's speaker machinery, as isolated recognition
    /// treats a speaker's group of recordings: features normalised per speaker (with the
    /// recognizer's prior); with VTLN, each speaker's (each speakerless file's) warp factor
    /// chosen by the highest total of its files' best-path scores; with speaker adaptation,
    /// fMLLR per speaker with enough frames, its statistics gathered over the words of the
    /// first pass's answers (silence left out), and the speaker's files decoded again on the
    /// transformed features (``/HMMKitRecognition/SpeakerAdaptationOptions/passes`` rounds).
    /// - Parameters:
    ///   - urls: the audio files.
    ///   - speakers: each file's speaker (nil: unknown, normalised, warped and adapted on its own).
    ///   - decoder: the decoder of this recognizer's words and a network.
    ///   - threadCount: worker threads (results do not depend on it).
    /// - Returns: one result per file, in order, with ``Decoding/warpFactor`` and
    ///   ``Decoding/adapted`` set as they were used; a file that cannot be decoded gives its error
    ///   (``DecodingError/file(path:_:)``).
    /// - Throws: ``DecodingError/recognizer(_:)`` when the front end cannot run at all or the
    ///   models cannot be adapted.
    public func decode(_ urls: [URL], speakers: [String?], with decoder: Decoder,
                       threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(DecodingError)
        -> [Result<Decoding, DecodingError>]
    {
        let index = Dictionary(labels.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let answers: [Result<SpeakerAnswer<SegmentedDecoding, DecodingError>, RecognizerError>]
        do {
            answers = try speakerAdaptedAnswers(urls, speakers: speakers, threadCount: threadCount) { frames in
                Result { () throws(DecodingError) in SegmentedDecoding(try decoder.decode(frames), models: index) }
            }
        } catch { throw .recognizer(error) }
        return zip(urls, answers).map { url, answer in
            let path = url.path(percentEncoded: false)
            switch answer {
            case .failure(let error): return .failure(.file(path: path, .recognizer(error)))
            case .success(let found):
                switch found.result {
                case .failure(let error): return .failure(.file(path: path, error))
                case .success(var segmented):
                    segmented.decoding.warpFactor = found.warpFactor
                    segmented.decoding.adapted = configuration.adaptation == nil ? nil : found.adapted
                    return .success(segmented.decoding)
                }
            }
        }
    }
}

/// A ``Decoding`` with its words' model indices, for the speaker machinery.
struct SegmentedDecoding: SegmentedAnswer {
    var decoding: Decoding
    let segments: [(frames: Range<Int>, model: Int)]

    init(_ decoding: Decoding, models: [String: Int]) {
        self.decoding = decoding
        segments = decoding.words.map { word in
            guard let model = models[word.word] else {
                preconditionFailure("the decoder's word \"\(word.word)\" is not the recognizer's: decode with a decoder made by its decoder(for:)")
            }
            return (frames: word.startFrame..<word.endFrame, model: model)
        }
    }

    var score: Double { decoding.score }

    func addingJacobian(_ logDeterminant: Double) -> SegmentedDecoding {
        func adjusted(_ words: [Decoding.Word]) -> [Decoding.Word] {
            words.map { word in
                var moved = word
                moved.logLikelihood += Double(word.endFrame - word.startFrame) * logDeterminant
                return moved
            }
        }
        let whole = Double(decoding.frameCount) * logDeterminant
        var result = self
        result.decoding.score += whole
        result.decoding.words = adjusted(decoding.words)
        result.decoding.nBest = decoding.nBest?.map { Decoding.Hypothesis(words: adjusted($0.words), score: $0.score + whole) }
        return result
    }
}
