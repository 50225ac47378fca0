import HMMKitNumerics

/// Vocal-tract-length perturbation (VTLP, Jaitly & Hinton 2013) of a ``FrontEnd``'s copies: each
/// of the ``copies`` of every recording is computed through the filterbank warped (as VTLN warps
/// it, ``VTLNWarp``) by a factor drawn from ``factors``, all equally likely. Training on such
/// copies shows the models a voice at many vocal-tract lengths, so that a few training speakers
/// look like many.
///
/// A copy's factor is determined by ``seed`` and the copy's utterance number
/// (``FrontEnd/copyIndex(position:copy:)``): the same on every run and thread count, whichever
/// other recordings are computed with it.
public struct WarpPerturbation: Sendable, Equatable {
    /// The positions among ``FrontEnd/speedFactors`` of the copies that are warped.
    public var copies: Set<Int>
    /// The factors drawn from; not empty, each one a factor the front end's filterbank can take.
    public var factors: [Double]
    /// The seed of every draw.
    public var seed: UInt64

    /// Copies `copies` warped by factors drawn from `factors` (not empty), seeded by `seed`.
    public init(copies: Set<Int>, factors: [Double], seed: UInt64) {
        precondition(!factors.isEmpty, "WarpPerturbation: no factors to draw from")
        self.copies = copies
        self.factors = factors
        self.seed = seed
    }

    /// The warp factor of utterance `utterance` (``FrontEnd/copyIndex(position:copy:)``) when its
    /// copy is one of ``copies``.
    public func factor(utterance: Int) -> Double {
        // A stream of its own: the seed is mixed once before the utterance number, so that the
        // draws are unrelated to the dither seeded by the same number.
        var mixer = SplitMix64(seed: seed ^ 0x5654_4C50_5754_5250)
        var generator = SplitMix64(seed: mixer.next() ^ UInt64(truncatingIfNeeded: utterance))
        return factors[Int(generator.next() % UInt64(factors.count))]
    }
}
