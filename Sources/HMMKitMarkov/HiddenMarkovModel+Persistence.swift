import Foundation
import HMMKitFileSystem
import HMMKitMatrixFiles
import HMMKitMixtures
import HMMKitNumerics

/// The versioned, self-describing JSON form of a ``GMMHMM``, in the family of the GMM's file:
/// `{"format": "HMMKit.HiddenMarkovModel", "version": 1, "precision": …, "topology": …,
/// "endStates": […], "startProbabilities": […], "transitions": [[…]…], "states": [one
/// "HMMKit.GaussianMixture" document per state]}`. Values round-trip exactly.
package struct HiddenMarkovModelDocument: Codable, Sendable {
    package static let formatName = "HMMKit.HiddenMarkovModel"
    package static let currentVersion = 1

    package var format: String
    package var version: Int
    package var precision: Precision
    package var topology: TopologyDocument
    package var endStates: [Int]
    package var startProbabilities: [Double]
    package var transitions: [[Double]]
    package var states: [GaussianMixtureDocument]
}

/// A ``MarkovTopology`` in a file: `{"kind": "ergodic"}`, `{"kind": "leftToRight", "maximumJump": J}`
/// or `{"kind": "custom", "allowedTransitions": [[Bool]], "allowedStarts": [Bool]}`.
package struct TopologyDocument: Codable, Sendable {
    package var kind: String
    package var maximumJump: Int?
    package var allowedTransitions: [[Bool]]?
    package var allowedStarts: [Bool]?

    init(_ topology: MarkovTopology) {
        switch topology {
        case .ergodic: kind = "ergodic"
        case .leftToRight(let jump): kind = "leftToRight"; maximumJump = jump
        case .custom(let structure):
            kind = "custom"
            let n = structure.stateCount
            allowedTransitions = (0..<n).map { i in (0..<n).map { structure.allowedTransitions[i * n + $0] } }
            allowedStarts = structure.allowedStarts
        }
    }

    func topology(path: String) throws(HMMError) -> MarkovTopology {
        switch kind {
        case "ergodic": return .ergodic
        case "leftToRight":
            guard let jump = maximumJump else { throw .file(path: path, problem: "left-to-right topology without maximumJump") }
            guard (0...InputLimits.maximumJump).contains(jump) else {
                throw .file(path: path, problem: "topology.maximumJump is \(jump); it must lie in 0…\(InputLimits.maximumJump)")
            }
            return .leftToRight(maximumJump: jump)
        case "custom":
            guard let rows = allowedTransitions else { throw .file(path: path, problem: "custom topology without allowedTransitions") }
            do { return .custom(try TransitionStructure(allowedTransitions: rows, allowedStarts: allowedStarts)) } catch {
                throw .file(path: path, problem: "bad custom topology: \(error)")
            }
        default: throw .file(path: path, problem: "unknown topology kind \"\(kind)\"")
        }
    }
}

extension HiddenMarkovModel where Emissions: GaussianMixtureEmissions {
    /// The model as its file document.
    package func document() -> HiddenMarkovModelDocument {
        HiddenMarkovModelDocument(
            format: HiddenMarkovModelDocument.formatName, version: HiddenMarkovModelDocument.currentVersion,
            precision: Scalar.precision, topology: TopologyDocument(chain.topology),
            endStates: chain.endStates.indices.filter { chain.endStates[$0] },
            startProbabilities: chain.startProbabilities.map(Double.init),
            transitions: (0..<stateCount).map { i in (0..<stateCount).map { Double(chain.transitions[i, $0]) } },
            states: mixtures.map { $0.document() })
    }

    /// Saves the model as JSON (format `HMMKit.HiddenMarkovModel`), atomically: a crash leaves the
    /// previous file or the new one, never a mixture.
    /// - Throws: ``HMMError/file(path:problem:)``.
    public func save(to url: URL) throws(HMMError) {
        let bytes = try encodedFile()
        do {
            try AtomicFile.write(bytes, to: url)
        } catch {
            throw .file(path: url.path, problem: .access(error))
        }
    }
}

extension HiddenMarkovModel {
    /// A model from its file document (`path` names the file in errors).
    package init<S: MatrixScalar>(document: HiddenMarkovModelDocument, path: String,
                                  backend: ComputeBackend = .default) throws(HMMError) where Emissions == MixtureEmissions<S> {
        let s = document.startProbabilities.count
        guard s <= InputLimits.maximumStateCount else {
            throw .file(path: path, problem: "startProbabilities has \(s) states; at most \(InputLimits.maximumStateCount) are accepted")
        }
        guard s >= 1, document.transitions.count == s, document.transitions.allSatisfy({ $0.count == s }),
              document.states.count == s else {
            throw .file(path: path, problem: .content("inconsistent state counts (start \(s), transitions \(document.transitions.count), "
                + "states \(document.states.count))"))
        }
        let topology = try document.topology.topology(path: path)
        let chain: MarkovChain<S>
        do {
            chain = try MarkovChain(startProbabilities: document.startProbabilities.map { S($0) },
                                    transitions: Matrix(rows: document.transitions.map { $0.map { S($0) } }),
                                    topology: topology, end: .states(document.endStates))
        } catch {
            throw .invalidModel(path: path, .markov(error))
        }
        var mixtures: [GaussianMixture<S>] = []
        for (state, stateDocument) in document.states.enumerated() {
            do { mixtures.append(try GaussianMixture(document: stateDocument, path: path, backend: backend)) } catch {
                throw .emission(state: state, error)
            }
        }
        try self.init(chain: chain, mixtures: mixtures, backend: backend)
    }

    /// Loads a model saved by ``save(to:)`` (either precision; values are converted).
    /// - Throws: ``HMMError/file(path:problem:)`` for a missing, truncated, foreign or newer-version
    ///   file; ``HMMError/invalidModel(path:_:)`` for a chain that does not make a model (sizes within
    ///   ``/HMMKitNumerics/InputLimits``, stochastic start and transition rows, a reachable end state); ``HMMError/emission(state:_:)`` wrapping the
    ///   file error of a state's mixture.
    public static func load<S: MatrixScalar>(from url: URL, backend: ComputeBackend = .default) throws(HMMError)
        -> HiddenMarkovModel where Emissions == MixtureEmissions<S>
    {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(url) } catch { throw .file(path: url.path, problem: .access(error)) }
        return try HiddenMarkovModel(encodedFile: bytes, path: url.path, backend: backend)
    }

    /// A model from the bytes of its file (as ``save(to:)`` writes them; `path` names it in errors).
    /// - Throws: as ``load(from:backend:)``.
    package init<S: MatrixScalar>(encodedFile bytes: [UInt8], path: String, backend: ComputeBackend = .default) throws(HMMError)
        where Emissions == MixtureEmissions<S>
    {
        let document: HiddenMarkovModelDocument
        do {
            document = try VersionedDocument.decode(HiddenMarkovModelDocument.self, from: bytes, format: HiddenMarkovModelDocument.formatName,
                                                    currentVersion: HiddenMarkovModelDocument.currentVersion, kind: "hidden Markov model")
        } catch { throw .file(path: path, problem: error) }
        try self.init(document: document, path: path, backend: backend)
    }
}

extension HiddenMarkovModel where Emissions: GaussianMixtureEmissions {
    /// The bytes ``save(to:)`` writes: the document as JSON with sorted keys (the same parameters
    /// always give the same bytes).
    package func encodedFile() throws(HMMError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Array(try encoder.encode(document()))
        } catch {
            throw .invalidArgument("cannot encode the model: \(error)")
        }
    }
}
