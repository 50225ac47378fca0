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
        let features = configuration.features
        let shift = Double(features.frameShift.samples(atRate: features.sampleRate)) / features.sampleRate
        if let phoneModels {
            return try Decoder(network: network, words: labels, phoneModels: phoneModels, silence: silence != .none, options: options,
                               frameShiftSeconds: shift, source: source)
        }
        let silenceModel: GMMHMM<Double>?
        do { silenceModel = try silence.model(from: models) } catch { throw .recognizer(.wordModel(error)) }
        return try Decoder(network: network, words: labels, models: models, silence: silenceModel, options: options,
                           frameShiftSeconds: shift, source: source)
    }

    /// Decodes audio files with `decoder` (made by ``decoder(for:silence:options:source:)``):
    /// features by ``/HMMKitRecognition/Recognizer/normalizedFeatures(_:speakers:threadCount:)``
    /// (speaker CMVN over each speaker's files), then each file's best word sequence.
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
