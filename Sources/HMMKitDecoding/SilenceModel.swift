import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

/// What the decoder says silence (pauses, background) sounds like. A whole-word recognizer has
/// no silence model of its own: its word models were trained on isolated recordings, whose short
/// leading and trailing pauses their first and last states absorbed.
public enum SilenceModel: String, Sendable, CaseIterable, Codable {
    /// No silence: the grammar's silence nodes are dropped, and pauses must be absorbed by the
    /// words' own first and last states.
    case none
    /// A one-state model whose mixture pools the components of every word model's first and
    /// last state, each weighted `1 / (2 · words)`: the sounds the words begin and end with,
    /// pauses among them. Needs nothing but the recognizer.
    case wordEdges

    /// The model for `models` (nil for ``none``).
    /// - Throws: ``/HMMKitMarkov/HMMError`` when the components cannot form one mixture (tied covariances).
    public func model(from models: [GMMHMM<Double>]) throws(HMMError) -> GMMHMM<Double>? {
        guard self == .wordEdges else { return nil }
        let states = models.flatMap { [$0.emissions.mixtures[0], $0.emissions.mixtures[$0.stateCount - 1]] }
        let pooled: GaussianMixture<Double>
        do { pooled = try Self.pool(states) } catch { throw .mixtures(error) }
        let chain: MarkovChain<Double>
        do { chain = try MarkovChain(uniform: .ergodic, stateCount: 1) } catch { throw .markov(error) }
        return try GMMHMM(chain: chain, emissions: MixtureEmissions([pooled]))
    }

    /// One mixture holding every component of `mixtures`, each mixture's weights scaled by `1 / mixtures.count`.
    static func pool(_ mixtures: [GaussianMixture<Double>]) throws(MixtureError) -> GaussianMixture<Double> {
        let share = 1 / Double(mixtures.count)
        let weights = mixtures.flatMap { $0.weights.map { $0 * share } }
        let means = Matrix(rows: mixtures.flatMap { mixture in (0..<mixture.componentCount).map { Array(mixture.means[row: $0]) } })
        let covariances: Covariances<Double>
        switch mixtures[0].covariances {
        case .diagonal:
            covariances = .diagonal(Matrix(rows: mixtures.flatMap { mixture -> [[Double]] in
                guard case .diagonal(let v) = mixture.covariances else { return [] }
                return (0..<v.rowCount).map { Array(v[row: $0]) }
            }))
        case .spherical:
            covariances = .spherical(mixtures.flatMap { mixture -> [Double] in
                guard case .spherical(let v) = mixture.covariances else { return [] }
                return v
            })
        case .full:
            covariances = .full(mixtures.flatMap { mixture -> [Matrix<Double>] in
                guard case .full(let v) = mixture.covariances else { return [] }
                return v
            })
        case .tied:
            throw .invalidParameter("a silence model cannot pool tied covariances (one per state); use --silence none")
        }
        return try GaussianMixture(weights: weights, means: means, covariances: covariances)
    }
}
