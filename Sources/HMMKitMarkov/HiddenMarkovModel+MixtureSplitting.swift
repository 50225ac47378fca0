import HMMKitNumerics

extension HiddenMarkovModel {
    /// The model with mixtures grown to `componentCount` per state (``MixtureEmissions`` only;
    /// other emissions throw ``HMMError/invalidArgument(_:)``).
    package func splittingMixtures(to componentCount: Int) throws(HMMError) -> HiddenMarkovModel {
        guard let mixtures = emissions as? MixtureEmissions<Scalar> else {
            throw .invalidArgument("mixture splitting needs Gaussian-mixture emissions")
        }
        guard let grown = try mixtures.splitting(to: componentCount) as? Emissions else {
            throw .invalidArgument("mixture splitting needs Gaussian-mixture emissions")
        }
        return try HiddenMarkovModel(chain: chain, emissions: grown)
    }
}
