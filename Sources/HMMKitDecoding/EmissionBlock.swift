import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// The emission log-likelihoods of one block of frames for every emitter of a ``DecodingGraph``,
/// scored one GEMM per emitter (``/HMMKitMarkov/MixtureEmissions/score(_:rows:workspace:into:)``)
/// when the search reaches the block's first frame. Sized once.
struct EmissionBlock {
    private let emitters: [MixtureEmissions<Double>]
    private let workspaces: [MixtureWorkspace<Double>]
    private let emitterBase: [Int]
    private let emitterStates: [Int]
    let blockFrames: Int
    /// Emitter e's `[blockFrames × S_e]` at `blockFrames · emitterBase[e]`.
    private(set) var emissions: [Double]

    init(graph: DecodingGraph, blockFrames: Int) {
        emitters = graph.emitters
        workspaces = graph.emitters.map { $0.makeScoringWorkspace() }
        emitterBase = graph.emitterBase
        emitterStates = graph.emitterStates
        self.blockFrames = blockFrames
        emissions = [Double](repeating: 0, count: blockFrames * graph.emissionWidth)
    }

    /// Scores the block that starts at `frame` of `features`, when one does.
    mutating func scoreIfStarting(_ frame: Int, _ features: Matrix<Double>) {
        guard frame % blockFrames == 0 else { return }
        let rows = frame..<min(frame + blockFrames, features.rowCount)
        emissions.withUnsafeMutableBufferPointer { buffer in
            for (e, emitter) in emitters.enumerated() {
                emitter.score(features, rows: rows, workspace: workspaces[e], into: buffer.baseAddress! + blockFrames * emitterBase[e])
            }
        }
    }

    /// Where emitter `emitter`'s scores of row `row` of the block start in ``emissions``.
    func offset(emitter: Int, row: Int) -> Int { blockFrames * emitterBase[emitter] + row * emitterStates[emitter] }
}
