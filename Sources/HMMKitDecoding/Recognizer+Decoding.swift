import Foundation
import HMMKitFeatures
import HMMKitMarkov
import HMMKitNumerics
import HMMKitRecognition

extension Recognizer {
    /// A ``Decoder`` for `network` over this recognizer's word models (its labels are the
    /// vocabulary), with `silence` for the network's silence nodes and word times in the front
    /// end's frame shift.
    /// - Throws: ``DecodingError`` for unusable options, a grammar with words the models do not
    ///   know or without a path, or a silence model that cannot be built.
    public func decoder(for network: WordNetwork, silence: SilenceModel = .wordEdges, options: DecoderOptions = DecoderOptions(),
                        source: String = "grammar") throws(DecodingError) -> Decoder {
        let silenceModel: GMMHMM<Double>?
        do { silenceModel = try silence.model(from: models) } catch { throw .recognizer(.wordModel(error)) }
        let features = configuration.features
        let shift = Double(features.frameShift.samples(atRate: features.sampleRate)) / features.sampleRate
        return try Decoder(network: network, words: labels, models: models, silence: silenceModel, options: options,
                           frameShiftSeconds: shift, source: source)
    }

    /// Decodes audio files with `network` by the rule of isolated recognition: files of an unknown
    /// voice (``/HMMKitRecognition/Recognizer/unknownVoices(_:speakers:threadCount:)``: no speaker,
    /// or a speaker with fewer than
    /// ``/HMMKitRecognition/RecognizerConfiguration/unknownVoiceFrames`` frames) with the
    /// ``/HMMKitRecognition/Recognizer/unknownVoiceRecognizer``'s models, features and silence
    /// model, the others with this recognizer's (as ``decode(_:speakers:with:threadCount:)``).
    /// Without unknown-voice models, every file takes this recognizer's.
    /// - Parameters:
    ///   - urls: the audio files.
    ///   - speakers: each file's speaker (nil: unknown).
    ///   - network: the words' network (as ``decoder(for:silence:options:source:)``).
    ///   - silence: the silence model, built from each model set's own word models.
    ///   - options: beam, pruning, penalty and grammar scale.
    ///   - source: how errors name the network.
    ///   - threadCount: worker threads (results do not depend on it).
    /// - Returns: one result per file, in order, whose ``Decoding/unknownVoice`` says which models
    ///   decoded it; a file that cannot be decoded gives its error (``DecodingError/file(path:_:)``).
    /// - Throws: as ``decoder(for:silence:options:source:)``; ``DecodingError/recognizer(_:)`` when
    ///   the front end cannot run at all.
    public func decode(_ urls: [URL], speakers: [String?], network: WordNetwork, silence: SilenceModel = .wordEdges,
                       options: DecoderOptions = DecoderOptions(), source: String = "grammar",
                       threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(DecodingError)
        -> [Result<Decoding, DecodingError>]
    {
        let unknown: [Bool]
        do { unknown = try unknownVoices(urls, speakers: speakers, threadCount: threadCount) } catch { throw .recognizer(error) }
        var results = [Result<Decoding, DecodingError>?](repeating: nil, count: urls.count)
        for (voice, recognizer) in [(false, self), (true, unknownVoiceRecognizer)] {
            let positions = urls.indices.filter { unknown[$0] == voice }
            guard let recognizer, !positions.isEmpty else { continue }
            let decoder = try recognizer.decoder(for: network, silence: silence, options: options, source: source)
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

    /// Decodes audio files with `decoder` (made by ``decoder(for:silence:options:source:)``):
    /// features by ``/HMMKitRecognition/Recognizer/normalizedFeatures(_:speakers:threadCount:)``
    /// (speaker CMVN over each speaker's files), then each file's best word sequence, all with the
    /// decoder's one model set.
    /// - Parameters:
    ///   - urls: the audio files.
    ///   - speakers: each file's speaker (nil: unknown, normalised on its own).
    ///   - decoder: the decoder of this recognizer's words and a network.
    ///   - threadCount: worker threads (results do not depend on it).
    /// - Returns: one result per file, in order; a file that cannot be decoded gives its error
    ///   (``DecodingError/file(path:_:)``).
    /// - Throws: ``DecodingError/recognizer(_:)`` when the front end cannot run at all.
    public func decode(_ urls: [URL], speakers: [String?], with decoder: Decoder,
                       threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(DecodingError)
        -> [Result<Decoding, DecodingError>]
    {
        let features: [Result<Matrix<Double>, RecognizerError>]
        do { features = try normalizedFeatures(urls, speakers: speakers, threadCount: threadCount) } catch { throw .recognizer(error) }
        return ParallelWork.map(urls.count, threadCount: threadCount) { index in
            let path = urls[index].path(percentEncoded: false)
            switch features[index] {
            case .failure(let error): return .failure(.file(path: path, .recognizer(error)))
            case .success(let frames):
                do throws(DecodingError) { return .success(try decoder.decode(frames)) } catch { return .failure(.file(path: path, error)) }
            }
        }
    }
}
