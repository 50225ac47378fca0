import HMMKitNumerics

/// Splitting one component in two (HTK `MU`, Kaldi `--mix-up`).
package enum MixtureSplitting {
    /// The model with its heaviest component split: both halves get half its weight, its
    /// covariance, and its mean moved by ±0.2 standard deviations along every dimension.
    package static func splitHeaviest<S: MatrixScalar>(_ model: GaussianMixture<S>, backend: ComputeBackend) throws(MixtureError) -> GaussianMixture<S> {
        let k = model.componentCount, d = model.dimension
        let heaviest = model.weights.indices.max { model.weights[$0] < model.weights[$1] }!
        let covariance = model.covariances.matrix(component: heaviest, dimension: d)
        let offsets = (0..<d).map { S(0.2) * covariance[$0, $0].squareRoot() }
        var meanRows = (0..<k).map { Array(model.means[row: $0]) }
        let centre = meanRows[heaviest]
        meanRows[heaviest] = zip(centre, offsets).map { $0 - $1 }
        meanRows.append(zip(centre, offsets).map { $0 + $1 })
        var weights = model.weights
        weights[heaviest] /= 2
        weights.append(weights[heaviest])
        let covariances: Covariances<S>
        switch model.covariances {
        case .full(let matrices): covariances = .full(matrices + [matrices[heaviest]])
        case .diagonal(let variances):
            covariances = .diagonal(Matrix(rows: (0..<k).map { Array(variances[row: $0]) } + [Array(variances[row: heaviest])]))
        case .spherical(let variances): covariances = .spherical(variances + [variances[heaviest]])
        case .tied(let matrix): covariances = .tied(matrix)
        }
        return try GaussianMixture(weights: weights, means: Matrix(rows: meanRows), covariances: covariances, backend: backend)
    }
}
