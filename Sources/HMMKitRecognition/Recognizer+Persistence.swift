import Foundation
import HMMKitMarkov
import HMMKitMatrixFiles
import HMMKitMixtures
import HMMKitNumerics

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
struct RecognizerDocument: Codable {
    static let formatName = "HMMKit.Recognizer"
    static let currentVersion = 3

    var format: String
    var version: Int
    var configuration: RecognizerConfiguration
    var labels: [String]
    var trainingCounts: [Int]
    var trainingHistory: [[Double]]
    var models: [HiddenMarkovModelDocument]
    var trainingWarps: [String: Double]?
}

extension Recognizer {
    /// Saves the recognizer (models and front end) as one JSON file, atomically.
    /// - Throws: ``RecognizerError/file(path:problem:)``.
    public func save(to url: URL) throws(RecognizerError) {
        let document = RecognizerDocument(format: RecognizerDocument.formatName,
                                          version: configuration.adaptation != nil ? 3 : configuration.vtln != nil ? 2 : 1,
                                          configuration: configuration, labels: labels, trainingCounts: trainingCounts,
                                          trainingHistory: trainingHistory.map { $0.map { $0.isFinite ? $0 : -1e308 } },
                                          models: models.map { $0.document() },
                                          trainingWarps: configuration.vtln == nil ? nil : trainingWarps)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try AtomicFile.write(Array(try encoder.encode(document)), to: url)
        } catch {
            throw .file(path: url.path, problem: "cannot save the recognizer: \(error)")
        }
    }

    /// Loads a recognizer saved by ``save(to:)``.
    /// - Throws: ``RecognizerError/file(path:problem:)`` for a missing, truncated or corrupt file, a
    ///   file of another tool or kind, or one written by a newer HMMKit.
    public static func load(from url: URL) throws(RecognizerError) -> Recognizer {
        let document: RecognizerDocument
        do {
            document = try VersionedDocument.read(RecognizerDocument.self, from: url, format: RecognizerDocument.formatName,
                                                  currentVersion: RecognizerDocument.currentVersion, kind: "recognizer")
        } catch { throw .file(path: url.path, problem: "\(error)") }
        guard document.labels.count >= 1, document.models.count == document.labels.count,
              document.trainingCounts.count == document.labels.count else {
            throw .file(path: url.path, problem: "damaged recognizer file: \(document.labels.count) labels, \(document.models.count) models")
        }
        var models: [GMMHMM<Double>] = []
        for (index, model) in document.models.enumerated() {
            do { models.append(try GMMHMM<Double>(document: model, path: url.path)) } catch {
                throw .file(path: url.path, problem: "the model of \"\(document.labels[index])\": \(error)")
            }
        }
        return Recognizer(configuration: document.configuration, labels: document.labels, models: models,
                          trainingCounts: document.trainingCounts, trainingHistory: document.trainingHistory,
                          trainingWarps: document.trainingWarps ?? [:])
    }
}
