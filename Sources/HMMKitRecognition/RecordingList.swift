import Foundation
import HMMKitCorpus
import HMMKitFeatures

/// Recordings as a recognizer's front end sees them: where each one's audio is and who speaks
/// it (nil: unknown), the ``FrontEnd`` of the recognizer's configuration, and the groups its
/// copies share: a VTLN warp factor per speaker (per file without one), CMVN statistics per
/// speaker. Training, evaluation and recognition all compute features through it; it knows no
/// labels.
struct RecordingList: Sendable {
    /// The audio files, in order.
    let urls: [URL]
    /// The files' paths, as messages and warp groups name them.
    let paths: [String]
    /// The speaker of each file, when known.
    let speakers: [String?]
    let configuration: RecognizerConfiguration
    let frontEnd: FrontEnd
    /// The training corpus's statistics every recording's and speaker's CMVN statistics are added
    /// to (``RecognizerConfiguration/normalizationPriorFrames``); nil: none.
    private(set) var normalizationPrior: CepstralPrior?

    /// The recordings at `urls`, spoken by `speakers` (one per file), with `configuration`'s
    /// front end: its speed perturbation when `perturbed` (training), the audio as it is otherwise.
    /// - Throws: ``RecognizerError/frontEnd(_:)`` for a front end that cannot run.
    init(urls: [URL], speakers: [String?], configuration: RecognizerConfiguration, perturbed: Bool,
         normalizationPrior: CepstralPrior? = nil, threadCount: Int) throws(RecognizerError) {
        precondition(urls.count == speakers.count, "RecordingList: \(urls.count) files but \(speakers.count) speakers")
        var features = configuration.features
        // VTLN's cut-offs; a factor of 1 is the unwarped front end, bit for bit.
        if let vtln = configuration.vtln { features.vtlnWarp = vtln.warp(1) }
        do {
            frontEnd = try FrontEnd(configuration: features, speedFactors: perturbed ? configuration.speedPerturbation : [],
                                    threadCount: threadCount)
        } catch { throw .frontEnd(error) }
        self.urls = urls
        paths = urls.map { $0.path(percentEncoded: false) }
        self.speakers = speakers
        self.configuration = configuration
        self.normalizationPrior = normalizationPrior
    }

    /// The recordings of `entries` (their labels play no part), spoken by the speakers `speakers`
    /// gives them (nil: each entry's own ``CorpusEntry/speaker``).
    init(_ entries: [CorpusEntry], speakers: SpeakerMode? = nil, configuration: RecognizerConfiguration, perturbed: Bool,
         normalizationPrior: CepstralPrior? = nil, threadCount: Int) throws(RecognizerError) {
        try self.init(urls: entries.map(\.url), speakers: speakers.map { entries.map($0.speaker(of:)) } ?? entries.map(\.speaker),
                      configuration: configuration, perturbed: perturbed, normalizationPrior: normalizationPrior, threadCount: threadCount)
    }

    /// This list with the normalisation prior of training on `unnormalised`, the features of
    /// every training recording before normalisation (``rawFeatures(audio:warpFactor:)``), when
    /// the configuration asks for one (``RecognizerConfiguration/normalizationPriorFrames``).
    func withTrainingPrior(_ unnormalised: [RecordingFeatures<Double>]) -> RecordingList {
        guard let frames = configuration.normalizationPriorFrames else { return self }
        var list = self
        list.normalizationPrior = CepstralPrior(pooling: unnormalised, frames: frames)
        return list
    }

    var count: Int { urls.count }

    /// The VTLN group of copy `copy` of recording `position`: its speaker, or its file when it
    /// names none; with ``VTLNOptions/perturbedCopiesAsSpeakers``, each speed-perturbed copy is a
    /// speaker of its own (`george@0.9`), as Kaldi recipes treat them.
    func warpGroup(_ position: Int, copy: Int) -> String {
        let speaker = speakers[position] ?? paths[position]
        let factors = frontEnd.speedFactors
        guard configuration.vtln?.perturbedCopiesAsSpeakers == true, factors != [1] else { return speaker }
        return "\(speaker)@\(factors[copy])"
    }

    /// Every VTLN group of the list, whether or not its recordings can be read.
    var warpGroups: Set<String> {
        Set(urls.indices.flatMap { position in frontEnd.speedFactors.indices.map { warpGroup(position, copy: $0) } })
    }

    /// The CMVN group of copy `copy` of recording `position`: with speaker normalisation, its
    /// speaker (split as its VTLN group is, so that features warped alike are normalised
    /// together); nil for a recording without a speaker, normalised on its own.
    func normalizationGroup(_ position: Int, copy: Int) -> String? {
        guard configuration.speakerNormalization, speakers[position] != nil else { return nil }
        return warpGroup(position, copy: copy)
    }

    /// Every recording decoded, resampled and perturbed, held in memory so that features can be
    /// computed again at other warps without decoding again.
    func decoded() -> [DecodedRecording] { frontEnd.decode(urls) }

    /// The normalised features of every recording: from `audio` when given (else decoded from the
    /// files), each copy through the filterbank warped by `warpFactor(position, copy)` (default
    /// the front end's own), normalised per ``normalizationGroup(_:copy:)``.
    func features(audio: [DecodedRecording]? = nil, warpFactor: (@Sendable (Int, Int) -> Double?)? = nil) -> [RecordingFeatures<Double>] {
        var features = rawFeatures(audio: audio, warpFactor: warpFactor)
        normalize(&features)
        return features
    }

    /// ``features(audio:warpFactor:)`` before normalisation.
    func rawFeatures(audio: [DecodedRecording]? = nil, warpFactor: (@Sendable (Int, Int) -> Double?)? = nil) -> [RecordingFeatures<Double>] {
        let urls = urls, frontEnd = frontEnd
        return frontEnd.features(Array(urls.indices), audio: { position in
            audio?[position] ?? frontEnd.decode(urls[position])
        }, warpFactor: warpFactor)
    }

    /// Normalises `features` (of this list's recordings, in order, as ``rawFeatures(audio:warpFactor:)``
    /// gives them) in place, per ``normalizationGroup(_:copy:)`` with the ``normalizationPrior``.
    func normalize(_ features: inout [RecordingFeatures<Double>]) {
        CepstralGroupNormalization.normalize(&features, fallback: configuration.features.normalization,
                                             prior: normalizationPrior, group: normalizationGroup)
    }
}
