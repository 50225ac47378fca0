import Synchronization

/// The mel filterbanks of one front end at every VTLN warp factor asked for, each built once and
/// then shared by every extractor and thread that uses the cache (Kaldi's
/// `MfccComputer::GetMelBanks`, which keeps one `MelBanks` per warp factor). Choosing a
/// speaker's factor among 21 candidates thus builds 21 banks, however many recordings and
/// workers score them.
public final class MelFilterbankCache: Sendable {
    /// The front end whose banks these are; a warp factor replaces the factor of its
    /// ``FeatureConfiguration/vtlnWarp`` and keeps its cut-offs (Kaldi's 100 / −500 Hz without one).
    public let configuration: FeatureConfiguration
    /// The FFT length the banks read.
    public let fftSize: Int
    /// Built banks (or why a factor cannot make one), by factor; nil is the configuration's own warp.
    private let banks = Mutex<[Double?: Result<MelFilterbank, FeatureError>]>([:])

    /// An empty cache for `configuration`.
    /// - Throws: ``FeatureError/invalidConfiguration(_:)`` for a configuration
    ///   ``FeatureConfiguration/validate()`` refuses.
    public init(configuration: FeatureConfiguration) throws(FeatureError) {
        try configuration.validate()
        self.configuration = configuration
        fftSize = configuration.resolvedSizes.fftSize
    }

    /// The front end's configuration at warp factor `factor` (nil: as configured).
    public func configuration(warpFactor factor: Double?) -> FeatureConfiguration {
        guard let factor else { return configuration }
        var warped = configuration
        warped.vtlnWarp = configuration.vtlnWarp ?? VTLNWarp(factor: 1)
        warped.vtlnWarp!.factor = factor
        return warped
    }

    /// The filterbank at warp factor `factor` (nil: the configuration's own), built on first use.
    /// A factor of 1 gives the unwarped bank, bit for bit.
    /// - Throws: ``FeatureError/invalidConfiguration(_:)`` for a factor the cut-offs or the
    ///   limits cannot take (every later request for it throws the same).
    public func filterbank(warpFactor factor: Double?) throws(FeatureError) -> MelFilterbank {
        // Built under the lock, so each factor is built once (a bank takes microseconds).
        let built = banks.withLock { banks in
            if let built = banks[factor] { return built }
            let warped = configuration(warpFactor: factor)
            let built = Result { () throws(FeatureError) in
                if factor != nil { try warped.validate() }
                return try MelFilterbank(configuration: warped, fftSize: fftSize)
            }
            banks[factor] = built
            return built
        }
        return try built.get()
    }

    /// How many factors the cache has built (or refused).
    package var count: Int { banks.withLock { $0.count } }
}
