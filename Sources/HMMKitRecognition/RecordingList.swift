import Foundation
import HMMKitCorpus
import HMMKitFeatures
import HMMKitNumerics

/// Recordings as a recognizer's front end sees them: where each one's audio is and who speaks
/// it (nil: unknown), the ``FrontEnd`` of the recognizer's configuration, and the groups its
/// copies share: a VTLN warp factor per speaker (per file without one), CMVN statistics per
/// speaker. Training, evaluation and recognition all compute features through it; it knows no
/// labels.
///
/// In training, each recording's copies are its speed-perturbed copies followed by one noisy copy
/// of its unperturbed audio per ``RecognizerConfiguration/noiseAugmentation`` condition (the front
/// end's ``/HMMKitFeatures/FrontEnd/speedFactors`` list a factor of 1 for each), with babble drawn from the list's
/// own recordings of other speakers (``/HMMKitFeatures/NoiseMixer``), then, without VTLN, the
/// ``RecognizerConfiguration/vtlp`` copies of its unperturbed audio, each warped at random
/// (``/HMMKitFeatures/WarpPerturbation``).
struct RecordingList: Sendable {
    /// The audio files, in order.
    let urls: [URL]
    /// The files' paths, as messages and warp groups name them.
    let paths: [String]
    /// The speaker of each file, when known.
    let speakers: [String?]
    let configuration: RecognizerConfiguration
    let frontEnd: FrontEnd
    /// The noise of the copies after the speed-perturbed ones, in order (empty: no noisy copy).
    let noiseConditions: [NoiseCondition]
    /// Copies per recording that are speed-perturbed (or the audio as it is): the noisy ones follow.
    let speedCopyCount: Int
    /// Copies per recording after the noisy ones: the audio as it is, through a randomly warped
    /// filterbank (``RecognizerConfiguration/vtlp``; 0 without).
    let warpedCopyCount: Int
    /// What makes the noisy copies; babble from the list's own recordings.
    let noiseMixer: NoiseMixer
    /// The training corpus's statistics every recording's and speaker's CMVN statistics are added
    /// to (``RecognizerConfiguration/normalizationPriorFrames``); nil: none.
    private(set) var normalizationPrior: CepstralPrior?

    /// The recordings at `urls`, spoken by `speakers` (one per file), with `configuration`'s
    /// front end: its speed perturbation and noise augmentation when `perturbed` (training), the
    /// audio as it is otherwise.
    /// - Throws: ``RecognizerError/frontEnd(_:)`` for a front end that cannot run.
    init(urls: [URL], speakers: [String?], configuration: RecognizerConfiguration, perturbed: Bool,
         normalizationPrior: CepstralPrior? = nil, threadCount: Int) throws(RecognizerError) {
        precondition(urls.count == speakers.count, "RecordingList: \(urls.count) files but \(speakers.count) speakers")
        var features = configuration.features
        // VTLN's cut-offs; a factor of 1 is the unwarped front end, bit for bit.
        if let vtln = configuration.vtln { features.vtlnWarp = vtln.warp(1) }
        let speeds = perturbed && !configuration.speedPerturbation.isEmpty ? configuration.speedPerturbation : [1]
        noiseConditions = perturbed ? configuration.noiseAugmentation : []
        speedCopyCount = speeds.count
        noiseMixer = NoiseMixer(sampleRate: features.sampleRate, seed: configuration.seed,
                                babblePool: BabblePool(urls: urls, speakers: speakers))
        let vtlp = perturbed && configuration.vtln == nil ? configuration.vtlp : nil
        let warpedCount = vtlp?.copies ?? 0, copyCount = speeds.count + noiseConditions.count + warpedCount
        warpedCopyCount = warpedCount
        let warpPerturbation = vtlp.map { vtlp in
            let original = speeds.firstIndex(of: 1)
            let warped = vtlp.warpsPerturbedCopies ? Set((0..<copyCount).filter { $0 != original })
                : Set((copyCount - warpedCount)..<copyCount)
            return WarpPerturbation(copies: warped, factors: vtlp.factors, seed: configuration.seed)
        }
        do {
            frontEnd = try FrontEnd(configuration: features, speedFactors: speeds + Array(repeating: 1, count: copyCount - speeds.count),
                                    warpPerturbation: warpPerturbation, threadCount: threadCount)
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
    /// A noisy copy is a speaker of its own, named by its noise (`george+white:10`), whether or not
    /// the speed copies are; so are a speaker's warped copies together (`george~vtlp`).
    func warpGroup(_ position: Int, copy: Int) -> String {
        let speaker = speakers[position] ?? paths[position]
        if let noise = noiseCondition(copy: copy) { return "\(speaker)+\(noise)" }
        if isWarpedCopy(copy) { return "\(speaker)~vtlp" }
        let factors = frontEnd.speedFactors
        guard configuration.vtln?.perturbedCopiesAsSpeakers == true, Array(factors[..<speedCopyCount]) != [1] else { return speaker }
        return "\(speaker)@\(factors[copy])"
    }

    /// The noise of copy `copy` (nil for a speed copy).
    func noiseCondition(copy: Int) -> NoiseCondition? {
        (speedCopyCount..<speedCopyCount + noiseConditions.count).contains(copy) ? noiseConditions[copy - speedCopyCount] : nil
    }

    /// Whether copy `copy` is one of the ``warpedCopyCount`` warped copies of the audio as it is.
    func isWarpedCopy(_ copy: Int) -> Bool { copy >= speedCopyCount + noiseConditions.count }

    /// How messages name copy `copy` of a recording: by its speed (`speed 0.9`) or its noise
    /// (`white:10`); nil for the audio as it is.
    func copyName(_ copy: Int) -> String? {
        if let noise = noiseCondition(copy: copy) { return noise.description }
        if isWarpedCopy(copy) { return "warped copy \(copy - speedCopyCount - noiseConditions.count + 1)" }
        let factor = frontEnd.speedFactors[copy]
        return factor == 1 ? nil : "speed \(factor)"
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
    func decoded() -> [DecodedRecording] { decode(Array(urls.indices)) }

    /// The recording at `position` decoded, resampled, perturbed and with its noisy copies made:
    /// the copies `wanted` accepts (default all).
    func decode(_ position: Int, copies wanted: ((Int) -> Bool)? = nil) -> DecodedRecording {
        var recording = frontEnd.decode(urls[position], copies: wanted)
        guard !noiseConditions.isEmpty else { return recording }
        do throws(NoiseMixingError) {
            for item in recording.copies.indices {
                let copy = recording.copies[item].index
                guard let noise = noiseCondition(copy: copy) else { continue }
                recording.copies[item].samples = try noiseMixer.noisy(
                    recording.copies[item].samples, condition: noise, conditionIndex: copy - speedCopyCount,
                    path: paths[position], speaker: speakers[position])
            }
        } catch {
            recording.problems.append(.noise(error))
            recording.copies = []
        }
        return recording
    }

    /// The recordings at `positions` decoded as ``decode(_:copies:)`` decodes them, on the front
    /// end's workers, in order; `wanted(item, copy)` chooses the copies of `positions[item]`.
    func decode(_ positions: [Int], copies wanted: (@Sendable (Int, Int) -> Bool)? = nil) -> [DecodedRecording] {
        ParallelWork.map(positions.count, threadCount: frontEnd.threadCount) { item in
            decode(positions[item], copies: wanted.map { wanted in { wanted(item, $0) } })
        }
    }

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
        let recordings = self
        return frontEnd.features(Array(urls.indices), audio: { position in
            audio?[position] ?? recordings.decode(position)
        }, warpFactor: warpFactor)
    }

    /// Normalises `features` (of this list's recordings, in order, as ``rawFeatures(audio:warpFactor:)``
    /// gives them) in place, per ``normalizationGroup(_:copy:)`` with the ``normalizationPrior``.
    func normalize(_ features: inout [RecordingFeatures<Double>]) {
        CepstralGroupNormalization.normalize(&features, fallback: configuration.features.normalization,
                                             prior: normalizationPrior, group: normalizationGroup)
    }
}
