import Foundation
import HMMKitAudio
import HMMKitFeatures
import HMMKitNumerics

/// Unknown voices (``RecognizerConfiguration/unknownVoiceFrames``): which recordings the
/// unknown-voice models score, and one table from the two model sets.
extension Recognizer {
    /// ``score(_:threadCount:)``: recordings of speakers with at least
    /// ``RecognizerConfiguration/unknownVoiceFrames`` frames through this recognizer's own
    /// models, the others through ``unknownVoiceRecognizer`` (when it has one), in one table.
    func scoreRouted(_ recordings: RecordingList, threadCount: Int) throws(RecognizerError) -> ScoredRecordings {
        guard let single = unknownVoiceRecognizer, let unknown = try unknownVoices(in: recordings) else {
            return try scoreOneSet(recordings, threadCount: threadCount)
        }
        let known = recordings.urls.indices.filter { !unknown[$0] }
        let alone = recordings.urls.indices.filter { unknown[$0] }
        // A list of one kind is scored as it is, so that each recording keeps its position (which
        // seeds its dither).
        if alone.isEmpty { return ScoredRecordings(merging: [(known, try scoreOneSet(recordings, threadCount: threadCount), .speaker)]) }
        var parts: [(positions: [Int], scored: ScoredRecordings, set: ScoredRecordings.ModelSet)] = []
        if !known.isEmpty {
            parts.append((known, try scoreOneSet(recordings.subset(known), threadCount: threadCount), .speaker))
        }
        var clean = alone
        if let noisy = noisyVoiceRecognizer, let maximumSNR = configuration.noisyVoice?.maximumSNR {
            let noisyFlags = recordings.belowSNR(alone, maximumSNR: maximumSNR)
            let noisyPart = zip(alone, noisyFlags).filter(\.1).map(\.0)
            clean = zip(alone, noisyFlags).filter { !$0.1 }.map(\.0)
            if !noisyPart.isEmpty {
                let list = try recordings.subset(noisyPart, configuration: noisy.configuration, normalizationPrior: noisy.normalizationPrior)
                parts.append((noisyPart, try noisy.scoreOneSet(list, threadCount: threadCount), .noisyVoice))
            }
        }
        if !clean.isEmpty {
            let list = try recordings.subset(clean, configuration: single.configuration, normalizationPrior: single.normalizationPrior)
            parts.append((clean, try single.scoreOneSet(list, threadCount: threadCount), .unknownVoice))
        }
        return ScoredRecordings(merging: parts)
    }

    /// For each audio file, whether the unknown-voice models take it — the rule of
    /// ``recognize(_:speaker:options:threadCount:)`` and ``evaluate(_:speakers:options:threadCount:)``: it names no
    /// speaker, or its speaker's files together hold fewer than
    /// ``RecognizerConfiguration/unknownVoiceFrames`` frames. All false when the recognizer has no
    /// ``unknownVoiceRecognizer``. Counts the files' frames from their headers.
    /// - Parameters:
    ///   - urls: the audio files.
    ///   - speakers: each file's speaker (nil: unknown).
    ///   - filesWithoutSpeakerAsVoices: count a file without a speaker as a voice of its own, by
    ///     its own frames, instead of always unknown (connected-word decoding: an utterance of
    ///     several words can hold as many frames as a speaker's group of single words).
    ///   - threadCount: front-end workers (results do not depend on it).
    /// - Throws: ``RecognizerError/frontEnd(_:)`` for a front end that cannot run.
    public func unknownVoices(_ urls: [URL], speakers: [String?], filesWithoutSpeakerAsVoices: Bool = false,
                              threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws(RecognizerError) -> [Bool] {
        guard unknownVoiceRecognizer != nil, configuration.unknownVoiceFrames != nil else { return urls.map { _ in false } }
        let recordings = try RecordingList(urls: urls, speakers: speakers, configuration: configuration, perturbed: false,
                                           normalizationPrior: normalizationPrior, threadCount: threadCount)
        guard let minimumFrames = configuration.unknownVoiceFrames else { return urls.map { _ in false } }
        return try recordings.unknownVoices(minimumFrames: minimumFrames, filesWithoutSpeakerAsVoices: filesWithoutSpeakerAsVoices)
    }

    /// For each of `recordings`, whether ``unknownVoiceRecognizer`` takes it; nil when the
    /// recognizer has no unknown-voice models or no ``RecognizerConfiguration/unknownVoiceFrames``.
    func unknownVoices(in recordings: RecordingList) throws(RecognizerError) -> [Bool]? {
        guard unknownVoiceRecognizer != nil, let minimumFrames = configuration.unknownVoiceFrames else { return nil }
        return try recordings.unknownVoices(minimumFrames: minimumFrames)
    }
}

extension ScoredRecordings {
    /// The model set that scored a recording.
    enum ModelSet {
        /// The recognizer's own (speaker) models.
        case speaker
        /// ``Recognizer/unknownVoiceRecognizer``.
        case unknownVoice
        /// ``Recognizer/noisyVoiceRecognizer``, a kind of unknown-voice model.
        case noisyVoice
    }

    /// One table from the tables of disjoint parts of a list: `positions[k]` is the list's position
    /// of the part's recording `k`; `set` says which model set scored the part. Rows follow the
    /// list's order.
    init(merging parts: [(positions: [Int], scored: ScoredRecordings, set: ModelSet)]) {
        var rows: [(position: Int, part: Int, row: Int)] = []
        var problems: [Int: FeatureError] = [:]
        for (part, piece) in parts.enumerated() {
            for (row, local) in piece.scored.usable.enumerated() { rows.append((piece.positions[local], part, row)) }
            for (local, problem) in piece.scored.problems { problems[piece.positions[local]] = problem }
        }
        rows.sort { $0.position < $1.position }
        let warped = parts.contains { $0.scored.warpFactors != nil }
        self.init(usable: rows.map(\.position), table: rows.map { parts[$0.part].scored.table[$0.row] },
                  frames: rows.map { parts[$0.part].scored.frames[$0.row] }, problems: problems,
                  warpFactors: warped ? rows.map { parts[$0.part].scored.warpFactors?[$0.row] } : nil,
                  groupWarps: parts.compactMap(\.scored.groupWarps).first,
                  adaptationGains: parts.compactMap(\.scored.adaptationGains).first,
                  unknownVoice: rows.map { parts[$0.part].set != .speaker })
        let noisySet = parts.contains { $0.set == .noisyVoice }
        noisyVoice = noisySet ? rows.map { parts[$0.part].set == .noisyVoice } : nil
    }
}

extension RecordingList {
    /// For each recording at `positions`, whether its blind SNR estimate
    /// (``/HMMKitFeatures/SignalToNoiseEstimate``, on its audio at the front end's rate) is below
    /// `maximumSNR` dB. A recording whose audio cannot be read counts as clean (its scoring
    /// reports the problem).
    func belowSNR(_ positions: [Int], maximumSNR: Double) -> [Bool] {
        let configuration = frontEnd.configuration
        let estimate = SignalToNoiseEstimate(sampleRate: configuration.sampleRate)
        return ParallelWork.map(positions.count, threadCount: frontEnd.threadCount) { item in
            guard let samples = try? AudioLoader.load(urls[positions[item]], for: configuration),
                  let snr = estimate.decibels(of: samples) else { return false }
            return snr < maximumSNR
        }
    }

    /// For each recording, whether it is an unknown voice: it names no speaker, or its speaker's
    /// recordings together hold fewer than `minimumFrames` frames of the front end. Frames are
    /// counted from the files' headers (sample count and rate, after resampling to the front
    /// end's rate), so nothing is decoded twice; a file whose header cannot be read counts none.
    /// With `filesWithoutSpeakerAsVoices`, a recording without a speaker is a voice of its own,
    /// unknown when it alone holds fewer than `minimumFrames` frames.
    /// - Throws: ``RecognizerError/frontEnd(_:)`` for a front end that cannot run.
    func unknownVoices(minimumFrames: Int, filesWithoutSpeakerAsVoices: Bool = false) throws(RecognizerError) -> [Bool] {
        /// Whose frames a recording adds to: its speaker's, or its own.
        enum Voice: Hashable { case speaker(String), file(Int) }
        let voice = { (position: Int) -> Voice? in
            self.speakers[position].map(Voice.speaker) ?? (filesWithoutSpeakerAsVoices ? .file(position) : nil)
        }
        let named = urls.indices.filter { voice($0) != nil }
        var frames: [Voice: Int] = [:]
        if !named.isEmpty {
            let extractor: MFCCExtractor<Double>
            do { extractor = try MFCCExtractor<Double>(configuration: frontEnd.configuration) } catch { throw .frontEnd(error) }
            let rate = frontEnd.configuration.sampleRate
            for position in named {
                guard let info = try? AudioDecoder.info(url: urls[position]), info.frameCount > 0 else { continue }
                // Bounded so that an absurd header cannot overflow the resampled count.
                let declared = min(info.frameCount, 1 << 40)
                let samples = info.sampleRate == rate ? declared
                    : Resampler.outputLength(inputLength: declared, inputRate: info.sampleRate, outputRate: rate)
                // Counted up to the threshold only, so no sum can overflow.
                let speaker = voice(position)!
                frames[speaker] = min(frames[speaker, default: 0] + min(extractor.frameCount(sampleCount: samples), minimumFrames),
                                      minimumFrames)
            }
        }
        return urls.indices.map { position in voice(position).map { frames[$0, default: 0] < minimumFrames } ?? true }
    }

    /// The recordings at `positions` (in that order) as a list of their own, with `configuration`
    /// (default this list's) and its `normalizationPrior` (default this list's).
    /// - Throws: ``RecognizerError/frontEnd(_:)`` for a front end that cannot run.
    func subset(_ positions: [Int], configuration: RecognizerConfiguration? = nil,
                normalizationPrior: CepstralPrior?? = nil) throws(RecognizerError) -> RecordingList {
        try RecordingList(urls: positions.map { urls[$0] }, speakers: positions.map { speakers[$0] },
                          configuration: configuration ?? self.configuration, perturbed: false,
                          normalizationPrior: normalizationPrior ?? self.normalizationPrior, threadCount: frontEnd.threadCount)
    }
}
