import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

extension PhoneModels {
    /// Flat-start models (HTK's `HCompV`): every pooled state one Gaussian with the global mean
    /// and variance of `frames` (a sample of the training corpus), every phone uniform
    /// transitions. The first E-step then aligns each utterance by its transcript's topology
    /// alone, as every state scores every frame alike, and the states differentiate from there.
    /// - Parameters:
    ///   - inventory: the phones and their topologies.
    ///   - lexicon: the pronunciations (its phones must all be in `inventory`).
    ///   - labelWords: transcripts of labels that are not words.
    ///   - frames: the sample, sequences of `[T × D]` frames, at least 2 frames in all.
    ///   - backend: the backend the mixtures score on.
    ///   - covariance: ``/HMMKitMixtures/CovarianceType/diagonal`` or ``/HMMKitMixtures/CovarianceType/full``.
    /// - Throws: ``PhoneModelError/invalid(_:)`` for fewer than 2 frames or another covariance
    ///   type; ``PhoneModelError/hmm(_:)`` when the Gaussian cannot be built (a constant column
    ///   gets the smallest usable variance instead).
    public static func flatStart(inventory: PhoneInventory, lexicon: Lexicon, labelWords: [String: [String]] = [:],
                                 frames: [Matrix<Double>], covariance: CovarianceType = .diagonal,
                                 backend: ComputeBackend = .default) throws(PhoneModelError) -> PhoneModels {
        let n = frames.reduce(0) { $0 + $1.rowCount }, d = frames.first?.columnCount ?? 0
        guard n >= 2, d >= 1, frames.allSatisfy({ $0.columnCount == d }) else {
            throw .invalid("a flat start needs at least 2 frames of one dimension (got \(n))")
        }
        guard covariance == .diagonal || covariance == .full else {
            throw .invalid("phone models use diagonal or full covariances (got \(covariance.rawValue))")
        }
        var mean = [Double](repeating: 0, count: d)
        for sequence in frames { for t in 0..<sequence.rowCount { for j in 0..<d { mean[j] += sequence[t, j] } } }
        for j in 0..<d { mean[j] /= Double(n) }
        // Two passes (mean, then deviations from it): no cancellation for features far from 0.
        var scatter = Matrix<Double>(rowCount: d, columnCount: d)
        for sequence in frames {
            for t in 0..<sequence.rowCount {
                for i in 0..<d {
                    let a = sequence[t, i] - mean[i]
                    for j in (covariance == .full ? 0 : i)..<(covariance == .full ? d : i + 1) {
                        scatter[i, j] += a * (sequence[t, j] - mean[j])
                    }
                }
            }
        }
        for i in 0..<d {
            for j in 0..<d { scatter[i, j] /= Double(n) }
            scatter[i, i] = max(scatter[i, i], InputLimits.minimumVariance)
        }
        let covariances: Covariances<Double> = covariance == .full
            ? .full([scatter])
            : .diagonal(Matrix(rowCount: 1, columnCount: d, elements: (0..<d).map { scatter[$0, $0] }))
        let stateCount = inventory.topologies.reduce(0) { $0 + $1.stateCount }
        do {
            let gaussian = try GaussianMixture<Double>(weights: [1], means: Matrix(rowCount: 1, columnCount: d, elements: mean),
                                                       covariances: covariances, backend: backend)
            let pool = try MixtureEmissions(Array(repeating: gaussian, count: stateCount), backend: backend)
            return try PhoneModels(inventory: inventory, lexicon: lexicon, labelWords: labelWords,
                                   transitions: uniformTransitions(inventory), pool: pool)
        } catch let error as PhoneModelError {
            throw error
        } catch let error as HMMError {
            throw .hmm(error)
        } catch {
            throw .invalid("the flat-start Gaussian cannot be built: \(error)")
        }
    }

    /// The models with every pooled state's mixture grown to `componentCount` components by
    /// splitting the heaviest one (HTK's `HHEd MU`; the shared
    /// ``/HMMKitMarkov/MixtureEmissions/splitting(to:)``).
    public func splitting(to componentCount: Int) throws(PhoneModelError) -> PhoneModels {
        do { return try replacingPool(try pool.splitting(to: componentCount)) } catch let error as PhoneModelError {
            throw error
        } catch let error as HMMError {
            throw .hmm(error)
        } catch {
            throw .invalid("\(error)")
        }
    }
}
