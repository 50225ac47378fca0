import Foundation
import HMMKitFeatures
import HMMKitFileSystem
import HMMKitMarkov
import HMMKitMatrixFiles
import HMMKitMixtures
import HMMKitNumerics
import HMMKitPhones

/// The recognizer file: `{"format": "HMMKit.Recognizer", "version": 1, "configuration": {…
/// the exact front end and model options …}, "labels": […], "trainingCounts": […],
/// "trainingHistory": [[…]…], "models": [one "HMMKit.HiddenMarkovModel" document per label],
/// "trainingWarps": {speaker: factor} (VTLN only)}`.
///
/// Version 2 added VTLN (`configuration.vtln`, `trainingWarps`). A recognizer without VTLN is
/// still written as version 1, so older HMMKit versions read it; one with VTLN is written as
/// version 2, which they refuse rather than recognise with the wrong front end. Version 3 added
/// speaker adaptation (`configuration.adaptation`); a recognizer with it is written as version 3,
/// so an older HMMKit refuses it rather than recognise without the adaptation it was tuned with.
/// Version 4 added the normalisation prior (`configuration.normalizationPriorFrames`,
/// `normalizationPrior`); a recognizer with it is written as version 4. Version 5 added the
/// unknown-voice models (`configuration.unknownVoiceFrames`, `unknownVoice`: `{"models": […],
/// "trainingHistory": [[…]…], "normalizationPrior": {…}}` of the same labels). Version 6 added
/// recognizers built from phones (`phoneModels`: the phone models and lexicon, `models` empty,
/// `trainingCounts` 0 for a label never recorded); one is written as version 6. Version 7 added the
/// noisy-voice models (`configuration.noisyVoice`, `noisyVoice`, of the unknown-voice models' form);
/// a recognizer with them is written as version 7.
struct RecognizerDocument: Codable {
    static let formatName = "HMMKit.Recognizer"
    static let currentVersion = 7

    var format: String
    var version: Int
    var configuration: RecognizerConfiguration
    var labels: [String]
    var trainingCounts: [Int]
    var trainingHistory: [[Double]]
    var models: [HiddenMarkovModelDocument]
    var trainingWarps: [String: Double]?
    var normalizationPrior: CepstralPrior?
    var unknownVoice: UnknownVoiceDocument?
    var phoneModels: PhoneModelsDocument?
    var noisyVoice: UnknownVoiceDocument?

    /// The unknown-voice models of a recognizer file.
    struct UnknownVoiceDocument: Codable {
        var models: [HiddenMarkovModelDocument]
        var trainingHistory: [[Double]]
        var normalizationPrior: CepstralPrior?
    }

    /// The oldest version that holds everything `configuration` (and phone models, when
    /// `phones`) uses, so older HMMKit versions read what they can use and refuse the rest.
    static func version(of configuration: RecognizerConfiguration, phones: Bool = false) -> Int {
        configuration.noisyVoiceConfiguration != nil ? 7 : phones ? 6 : configuration.unknownVoiceConfiguration != nil ? 5 : configuration.normalizationPriorFrames != nil ? 4
            : configuration.adaptation != nil ? 3 : configuration.vtln != nil ? 2 : 1
    }
}

extension Recognizer.UnknownVoiceModels {
    /// The file form of these models, with `finite` applied to the training history.
    func document(finite: ([[Double]]) -> [[Double]]) -> RecognizerDocument.UnknownVoiceDocument {
        .init(models: models.map { $0.document() }, trainingHistory: finite(trainingHistory), normalizationPrior: normalizationPrior)
    }
}

extension Recognizer {
    /// Saves the recognizer (models and front end) as one JSON file, atomically.
    /// - Throws: ``RecognizerError/file(path:problem:)``; ``RecognizerError/configuration(_:)`` when the
    ///   configuration asks for a normalisation prior or unknown-voice models the recognizer does
    ///   not have, or the reverse.
    public func save(to url: URL) throws(RecognizerError) {
        guard (normalizationPrior == nil) == (configuration.normalizationPriorFrames == nil),
              unknownVoice.map({ ($0.normalizationPrior == nil) == (configuration.normalizationPriorFrames == nil) }) ?? true else {
            throw .configuration(["the configuration's normalizationPriorFrames and the recognizer's normalizationPrior must be "
                + "set together to save it (train it, or give it the prior training made)"])
        }
        guard (unknownVoice == nil) == (configuration.unknownVoiceConfiguration == nil) else {
            throw .configuration(["the configuration's unknownVoiceFrames (with speaker normalisation, VTLN or adaptation) and the "
                + "recognizer's unknownVoice models must be set together to save it (train it)"])
        }
        guard (noisyVoice == nil) == (configuration.noisyVoiceConfiguration == nil) else {
            throw .configuration(["the configuration's noisyVoice (with unknown-voice models) and the recognizer's noisyVoice "
                + "models must be set together to save it (train it)"])
        }
        func finite(_ history: [[Double]]) -> [[Double]] { history.map { $0.map { $0.isFinite ? $0 : -1e308 } } }
        let document = RecognizerDocument(format: RecognizerDocument.formatName,
                                          version: RecognizerDocument.version(of: configuration, phones: phoneModels != nil),
                                          configuration: configuration, labels: labels, trainingCounts: trainingCounts,
                                          trainingHistory: finite(trainingHistory),
                                          models: models.map { $0.document() },
                                          trainingWarps: configuration.vtln == nil ? nil : trainingWarps,
                                          normalizationPrior: normalizationPrior,
                                          unknownVoice: unknownVoice.map { $0.document(finite: finite) },
                                          phoneModels: phoneModels?.document(),
                                          noisyVoice: noisyVoice.map { $0.document(finite: finite) })
        do { try VersionedDocument.write(document, to: url, kind: "recognizer") } catch { throw .file(path: url.path, problem: error) }
    }

    /// Loads a recognizer saved by ``save(to:)``.
    /// - Throws: ``RecognizerError/file(path:problem:)`` for a missing, truncated or corrupt file, a
    ///   file of another tool or kind, or one written by a newer HMMKit.
    public static func load(from url: URL) throws(RecognizerError) -> Recognizer {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(url) } catch { throw .file(path: url.path, problem: .access(error)) }
        let document: RecognizerDocument
        do {
            document = try VersionedDocument.decode(RecognizerDocument.self, from: bytes, format: RecognizerDocument.formatName,
                                                    currentVersion: RecognizerDocument.currentVersion, kind: "recognizer")
        } catch { throw .file(path: url.path, problem: error) }
        return try Recognizer(document: document, path: url.path)
    }

    /// A recognizer from its file document, validated as a whole before anything is sized from
    /// it: the front end (``FeatureConfiguration/validate()``, then built once), every model option within
    /// ``InputLimits``, the configuration's own consistency, the labels and counts, and every word
    /// model (which must have the configuration's states and the front end's dimension).
    /// - Throws: ``RecognizerError/file(path:problem:)`` naming the field and its value.
    /// `part` names the part of the file the document is (`unknownVoice`) in messages.
    init(document: RecognizerDocument, path: String, part: String? = nil) throws(RecognizerError) {
        let within = part.map { "\($0): " } ?? ""
        func damaged(_ problem: String) -> RecognizerError { .file(path: path, problem: "damaged recognizer file: \(within)\(problem)") }
        let configuration = document.configuration
        try Self.validateLimits(configuration, damaged: damaged)
        let problems = configuration.problems()
        guard problems.isEmpty else {
            let more = problems.count > 3 ? "; … and \(problems.count - 3) more" : ""
            throw damaged("configuration: " + problems.prefix(3).joined(separator: "; ") + more)
        }
        // Values each in range can still make no front end (a 2 ms frame leaves mel filters
        // without an FFT bin): build it once, as recognition will.
        do { _ = try MFCCExtractor<Double>(configuration: configuration.features) } catch {
            throw damaged("configuration.features: \(error)")
        }

        let labelCount = document.labels.count
        let phones = document.phoneModels != nil
        guard labelCount >= 1, document.models.count == (phones ? 0 : labelCount), document.trainingCounts.count == labelCount,
              document.trainingHistory.count == labelCount else {
            throw damaged("\(labelCount) labels, \(document.models.count) models, \(document.trainingCounts.count) trainingCounts "
                + "and \(document.trainingHistory.count) trainingHistory entries; there must be one of each per label "
                + "(no model with phone models)")
        }
        guard Set(document.labels).count == labelCount else { throw damaged("the labels repeat a label") }
        // Every label was trained on at least one recording (its log prior is finite), and the
        // counts add up without overflow.
        var total = 0
        for (index, count) in document.trainingCounts.enumerated() {
            guard count >= (phones ? 0 : 1), let sum = InputLimits.sum(total, count, limit: InputLimits.maximumTrainingRecordingCount)
            else {
                throw damaged("trainingCounts[\(index)] is \(count); every label has at least 1 training recording (0 or more "
                    + "with phone models), and the counts sum to at most \(InputLimits.maximumTrainingRecordingCount)")
            }
            total = sum
        }
        for (label, history) in document.trainingHistory.enumerated() {
            if let value = history.first(where: { $0.isNaN }) {
                throw damaged("trainingHistory of \"\(document.labels[label])\" holds \(value)")
            }
        }
        if let warps = document.trainingWarps, let (speaker, factor) = warps.first(where: { !($0.value > 0 && $0.value.isFinite) }) {
            throw damaged("trainingWarps[\"\(speaker)\"] is \(factor); warp factors must be positive and finite")
        }
        try Self.validatePrior(document.normalizationPrior, configuration: configuration, damaged: damaged)
        var models: [GMMHMM<Double>] = []
        for (index, model) in document.models.enumerated() {
            let hmm: GMMHMM<Double>
            do { hmm = try GMMHMM<Double>(document: model, path: path) } catch {
                throw .model(label: document.labels[index], error)
            }
            guard hmm.stateCount == configuration.stateCount, hmm.dimension == configuration.features.dimension else {
                throw damaged("the model of \"\(document.labels[index])\" has \(hmm.stateCount) states of dimension \(hmm.dimension); "
                    + "the configuration asks for \(configuration.stateCount) of dimension \(configuration.features.dimension)")
            }
            models.append(hmm)
        }
        var phoneModels: PhoneModels?
        if let phoneDocument = document.phoneModels {
            do { phoneModels = try PhoneModels(document: phoneDocument, path: "\(path) (phoneModels)") } catch {
                throw damaged("\(error)")
            }
            guard phoneModels!.dimension == configuration.features.dimension else {
                throw damaged("the phone models have dimension \(phoneModels!.dimension); the front end gives \(configuration.features.dimension)")
            }
            for label in document.labels {
                do { _ = try UtteranceGraph(words: phoneModels!.transcript(of: label), models: phoneModels!, utterance: "label \(label)") }
                catch { throw damaged("label \"\(label)\" cannot be spelt with the phone models: \(error)") }
            }
        }
        self.init(configuration: configuration, labels: document.labels, models: models,
                  trainingCounts: document.trainingCounts, trainingHistory: document.trainingHistory,
                  trainingWarps: document.trainingWarps ?? [:], normalizationPrior: document.normalizationPrior,
                  unknownVoice: try Self.unknownVoice(of: document, path: path, damaged: damaged),
                  noisyVoice: try Self.noisyVoice(of: document, path: path, damaged: damaged), phoneModels: phoneModels)
    }

    /// The unknown-voice models of `document`, validated as a recognizer of their own (the file's
    /// labels and counts with ``RecognizerConfiguration/unknownVoiceConfiguration``); nil when the
    /// configuration has none.
    /// - Throws: ``RecognizerError/file(path:problem:)`` when the models are missing, or present
    ///   without a configuration that asks for them, or damaged.
    static func unknownVoice(of document: RecognizerDocument, path: String,
                             damaged: (String) -> RecognizerError) throws(RecognizerError) -> UnknownVoiceModels? {
        switch (document.unknownVoice, document.configuration.unknownVoiceConfiguration) {
        case (nil, nil): return nil
        case (nil, _?): throw damaged("configuration.unknownVoiceFrames asks for unknown-voice models but the file has no unknownVoice")
        case (_?, nil):
            throw damaged("the file has unknownVoice models but its configuration asks for none (configuration.unknownVoiceFrames is "
                + "\(document.configuration.unknownVoiceFrames.map { String($0) } ?? "null") with "
                + "\(document.configuration.isSpeakerDependent ? "" : "no ")speaker normalisation, VTLN or adaptation)")
        case (let stored?, let single?):
            return try modelSet(stored, configuration: single, of: document, path: path, part: "unknownVoice")
        }
    }

    /// The extra model set `stored` of `document` (its `part`), validated as a recognizer of its
    /// own: the file's labels and counts with `configuration`.
    static func modelSet(_ stored: RecognizerDocument.UnknownVoiceDocument, configuration: RecognizerConfiguration,
                         of document: RecognizerDocument, path: String, part: String) throws(RecognizerError) -> UnknownVoiceModels {
        let own = RecognizerDocument(format: document.format, version: document.version, configuration: configuration,
                                     labels: document.labels, trainingCounts: document.trainingCounts,
                                     trainingHistory: stored.trainingHistory, models: stored.models, trainingWarps: nil,
                                     normalizationPrior: stored.normalizationPrior, unknownVoice: nil, phoneModels: nil)
        return UnknownVoiceModels(try Recognizer(document: own, path: path, part: part))
    }

    /// The noisy-voice models of `document`, validated as a recognizer of their own (the file's
    /// labels and counts with ``RecognizerConfiguration/noisyVoiceConfiguration``); nil when the
    /// configuration has none.
    /// - Throws: ``RecognizerError/file(path:problem:)`` when the models are missing, or present
    ///   without a configuration that asks for them, or damaged.
    static func noisyVoice(of document: RecognizerDocument, path: String,
                           damaged: (String) -> RecognizerError) throws(RecognizerError) -> UnknownVoiceModels? {
        switch (document.noisyVoice, document.configuration.noisyVoiceConfiguration) {
        case (nil, nil): return nil
        case (nil, _?): throw damaged("configuration.noisyVoice asks for noisy-voice models but the file has no noisyVoice")
        case (_?, nil): throw damaged("the file has noisyVoice models but its configuration asks for none (configuration.noisyVoice "
            + "is \(document.configuration.noisyVoice == nil ? "null" : "set, without unknown-voice models"))")
        case (let stored?, let noisy?):
            return try modelSet(stored, configuration: noisy, of: document, path: path, part: "noisyVoice")
        }
    }

    /// Throws unless the file's normalisation prior is there exactly when the configuration asks
    /// for one, weighs what it says, and holds finite statistics of the front end's dimension.
    static func validatePrior(_ prior: CepstralPrior?, configuration: RecognizerConfiguration,
                              damaged: (String) -> RecognizerError) throws(RecognizerError) {
        switch (prior, configuration.normalizationPriorFrames) {
        case (nil, nil): return
        case (nil, let frames?): throw damaged("configuration.normalizationPriorFrames is \(frames) but the file has no normalizationPrior")
        case (_?, nil): throw damaged("the file has a normalizationPrior but configuration.normalizationPriorFrames is not set")
        case (let prior?, let frames?):
            guard prior.frames == frames else {
                throw damaged("normalizationPrior.frames is \(prior.frames); configuration.normalizationPriorFrames says \(frames)")
            }
            let dimension = (prior.statistics.numbers.count - 1) / 2
            guard dimension == configuration.features.dimension else {
                throw damaged("normalizationPrior has dimension \(dimension); the front end's is \(configuration.features.dimension)")
            }
            if let problem = prior.problems().first { throw damaged("normalizationPrior: \(problem)") }
        }
    }

    /// Throws unless every size, count and value of the configuration that the front end's own
    /// validation does not cover lies within ``InputLimits`` and its valid range.
    static func validateLimits(_ configuration: RecognizerConfiguration,
                               damaged: (String) -> RecognizerError) throws(RecognizerError) {
        do { try configuration.features.validate() } catch { throw damaged("configuration.features: \(error)") }
        func within(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws(RecognizerError) {
            guard range.contains(value) else { throw damaged("\(field) is \(value); it must lie in \(range.lowerBound)…\(range.upperBound)") }
        }
        try within(configuration.stateCount, 1...InputLimits.maximumStateCount, "configuration.stateCount")
        try within(configuration.maximumJump, 0...InputLimits.maximumJump, "configuration.maximumJump")
        try within(configuration.componentsPerState, 1...InputLimits.maximumComponentCount, "configuration.componentsPerState")
        try within(configuration.iterations, 1...InputLimits.maximumIterationCount, "configuration.iterations")
        guard configuration.tolerancePerFrame.isFinite, configuration.tolerancePerFrame >= 0 else {
            throw damaged("configuration.tolerancePerFrame is \(configuration.tolerancePerFrame); it must be finite and ≥ 0")
        }
        if let floor = configuration.varianceFloor, !(floor.isFinite && floor >= 0) {
            throw damaged("configuration.varianceFloor is \(floor); it must be finite and ≥ 0")
        }
        if let vtln = configuration.vtln {
            try within(vtln.warpFactors.count, 1...InputLimits.maximumVTLNWarpCount, "the number of configuration.vtln.warpFactors")
            if let factor = vtln.warpFactors.first(where: { !($0 > 0 && $0.isFinite) }) {
                throw damaged("configuration.vtln.warpFactors holds \(factor); warp factors must be positive and finite")
            }
            guard vtln.lowCutoff.isFinite, vtln.lowCutoff > 0, vtln.highCutoff.isFinite, vtln.highCutoff != 0 else {
                throw damaged("configuration.vtln cut-offs are \(vtln.lowCutoff) and \(vtln.highCutoff) Hz; the low one must be "
                    + "positive, the high one non-zero (negative: an offset from Nyquist), both finite")
            }
            try within(vtln.trainingPasses, 0...InputLimits.maximumRecognizerPasses, "configuration.vtln.trainingPasses")
        }
        if let adaptation = configuration.adaptation {
            try within(adaptation.passes, 1...InputLimits.maximumRecognizerPasses, "configuration.adaptation.passes")
            try within(adaptation.iterations, 1...InputLimits.maximumIterationCount, "configuration.adaptation.iterations")
            try within(adaptation.minimumFrames, 0...Int.max, "configuration.adaptation.minimumFrames")
        }
    }
}
