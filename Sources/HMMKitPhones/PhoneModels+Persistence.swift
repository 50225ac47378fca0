import Foundation
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// The versioned JSON form of ``PhoneModels``: `{"format": "HMMKit.PhoneModels", "version": 1,
/// "phones": […], "silence": "sil", "topologies": [{"stateCount": 3, "maximumJump": 0}…],
/// "transitions": [[…] per phone], "lexicon": {"words": […], "pronunciations": {…}},
/// "labelWords": {…}, "states": [one "HMMKit.GaussianMixture" document per pooled state]}`,
/// keys sorted, values round-tripping exactly.
package struct PhoneModelsDocument: Codable, Sendable {
    package static let formatName = "HMMKit.PhoneModels"
    package static let currentVersion = 1

    package var format: String
    package var version: Int
    package var phones: [String]
    package var silence: String
    package var topologies: [PhoneTopology]
    package var transitions: [[Double]]
    package var lexicon: Lexicon
    package var labelWords: [String: [String]]
    package var states: [GaussianMixtureDocument]
}

extension PhoneModels {
    /// The models' file bytes (the same parameters always give the same bytes).
    public func encodedFile() throws(PhoneModelError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return Array(try encoder.encode(document())) } catch { throw .invalid("cannot encode the phone models: \(error)") }
    }

    /// The models as their file document (also embedded in recognizer files).
    package func document() -> PhoneModelsDocument {
        PhoneModelsDocument(
            format: PhoneModelsDocument.formatName, version: PhoneModelsDocument.currentVersion, phones: inventory.phones,
            silence: inventory.silence, topologies: inventory.topologies, transitions: transitions, lexicon: lexicon,
            labelWords: labelWords, states: pool.mixtures.map { $0.document() })
    }

    /// Models from their file's bytes (`path` names the file in errors).
    /// - Throws: ``PhoneModelError/invalid(_:)`` naming the file and what is wrong.
    public init(encodedFile bytes: [UInt8], path: String, backend: ComputeBackend = .default) throws(PhoneModelError) {
        let document: PhoneModelsDocument
        do { document = try JSONDecoder().decode(PhoneModelsDocument.self, from: Data(bytes)) } catch {
            throw .invalid("\(path): not an HMMKit phone-model file (\(error))")
        }
        try self.init(document: document, path: path, backend: backend)
    }

    /// Models from their document, validated as a whole (`path` names the file in errors).
    package init(document: PhoneModelsDocument, path: String, backend: ComputeBackend = .default) throws(PhoneModelError) {
        guard document.format == PhoneModelsDocument.formatName else { throw .invalid("\(path): format \(document.format)") }
        guard document.version == PhoneModelsDocument.currentVersion else {
            throw .invalid("\(path): phone-model version \(document.version); this HMMKit reads \(PhoneModelsDocument.currentVersion)")
        }
        guard document.topologies.count == document.phones.count,
              document.topologies.allSatisfy({ (1...InputLimits.maximumStateCount).contains($0.stateCount) && (0...InputLimits.maximumJump).contains($0.maximumJump) }),
              !document.states.isEmpty else {
            throw .invalid("\(path): one topology of 1…\(InputLimits.maximumStateCount) states per phone and at least one state are needed")
        }
        var mixtures: [GaussianMixture<Double>] = []
        for (index, state) in document.states.enumerated() {
            do { mixtures.append(try GaussianMixture<Double>(document: state, path: "\(path) (pooled state \(index))", backend: backend)) }
            catch { throw .invalid("\(error)") }
        }
        let pool: MixtureEmissions<Double>
        do { pool = try MixtureEmissions(mixtures, backend: backend) } catch { throw .hmm(error) }
        let inventory = PhoneInventory(uncheckedPhones: document.phones, silence: document.silence, topologies: document.topologies)
        do {
            let lexicon = try Lexicon(document.lexicon.words.flatMap { word in
                (document.lexicon.pronunciations[word] ?? []).map { (word, $0) }
            })
            try self.init(inventory: inventory, lexicon: lexicon, labelWords: document.labelWords, transitions: document.transitions,
                          pool: pool)
        } catch let error as PhoneModelError {
            throw .invalid("\(path): \(error)")
        } catch {
            throw .invalid("\(path): \(error)")
        }
    }
}

extension PhoneInventory {
    /// An inventory as stored (``PhoneModels/init(inventory:lexicon:labelWords:transitions:pool:)`` checks it).
    init(uncheckedPhones phones: [String], silence: String, topologies: [PhoneTopology]) {
        self.phones = phones
        self.silence = silence
        self.topologies = topologies
    }
}
