/// The largest sizes and values HMMKit accepts from outside: from a file it reads (audio, model,
/// recognizer, statistics and checkpoint files) or from a command-line option. Every reader and
/// every option validator checks against these constants, so this file is the one place that
/// says what "too large" means, and why.
///
/// Each limit is far above any real use and far below what would overflow an `Int`, exhaust
/// memory on a workstation, or hang the process: a value past it is a damaged or hostile input,
/// and is refused with a typed error that names the file (or option), the field and the value.
public enum InputLimits {
    // MARK: - Arithmetic on untrusted sizes

    /// `a * b` when it neither overflows nor exceeds `limit`, else `nil` (for sizes read from a
    /// file before anything is allocated from them).
    @inlinable
    public static func product(_ a: Int, _ b: Int, limit: Int = Int.max) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || value > limit ? nil : value
    }

    /// `a + b` when it neither overflows nor exceeds `limit`, else `nil`.
    @inlinable
    public static func sum(_ a: Int, _ b: Int, limit: Int = Int.max) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow || value > limit ? nil : value
    }

    // MARK: - Front end (audio and features)

    // MARK: - Models (mixtures, Markov chains, recognizers)

    /// The largest magnitude of a feature value (and of a model's mean) that models accept.
    /// Its square (1e36) is finite even in `Float` (largest 3.4e38), so the squared terms of
    /// scoring and the second-order statistics cannot overflow from the data alone, and k-means++'s
    /// total of squared distances, `N · D · (2 · 1e18)²`, stays finite in `Double` for any corpus
    /// that fits in memory. Real features (MFCCs, filterbank energies, even the linear power
    /// spectrum of full-scale 16-bit audio, `(32768 · 2048)² ≈ 4.5e15` for a 2048-point FFT)
    /// are far below it.
    public static let maximumFeatureMagnitude: Double = 1e18

    /// The smallest variance (diagonal, spherical, or a covariance's diagonal element) a model
    /// accepts: its reciprocal, the precision a score multiplies by, is at most 1e30 — finite
    /// in `Float` — and the variance itself is far above `Float`'s smallest normal number (1.2e-38). Subnormal variances (a damaged file, or a
    /// model fitted to constant data without `regCovar`) would turn scores into ±∞ or NaN.
    public static let minimumVariance: Double = 1e-30

    /// The most states of a Markov chain read from a file, a configuration or an option. A chain
    /// keeps several `S × S` tables (transitions in the model's precision and in Double, their
    /// logarithms, the allowed mask, the transition counts): at 2048 states over 100 MB; word and phone models have 3 – 50 states, hmmlearn's examples
    /// a few hundred.
    public static let maximumStateCount = 2048

    /// The largest left-to-right `maximumJump` read from a file, a configuration or an option: a jump of
    /// `S − 1` already allows every forward transition, so anything past the state limit is a
    /// damaged file (and `i + jump + 1` must never overflow).
    public static let maximumJump = maximumStateCount

    /// The most Gaussian components of a mixture (per state of an HMM) in a model file, a
    /// statistics layout, a recognizer configuration or a `--components`/`--mixtures` option:
    /// Kaldi's largest systems use a few thousand in total, so this only stops sizes that would
    /// be allocated before the data could refuse them.
    public static let maximumComponentCount = 65_536

    /// The largest feature dimension of a model or statistics layout: MFCCs with deltas have
    /// 39, i-vector and bottleneck features a few hundred; a full covariance has `D²` entries.
    public static let maximumDimension = 16_384

    /// The most training iterations a configuration or a checkpoint may record; training runs
    /// use tens.
    public static let maximumIterationCount = 1_000_000

    /// The most passes of a recognizer's VTLN training or speaker adaptation (each pass
    /// recognizes or retrains everything once): the defaults are 1 and 4, and accuracy stops
    /// changing after a handful.
    public static let maximumRecognizerPasses = 100

    /// The most candidate VTLN warp factors a recognizer tries (each is one filterbank and one
    /// scoring of every recording): Kaldi's usual grid has 21.
    public static let maximumWarpFactorCount = 1000

    /// The most training recordings a recognizer file may count in total (checked sums of
    /// `trainingCounts` cannot overflow below it): far above any corpus.
    public static let maximumTrainingRecordingCount = 1 << 40

    // MARK: - Statistics and checkpoint files

    /// The largest JSON header of a statistics file: real headers are a few hundred bytes.
    public static let maximumStatisticsHeaderBytes = 1 << 20

    /// The most shard files one statistics file may sum (`sum-accs` adds the counts with checked
    /// arithmetic): one per job of a cluster run; 2³¹ leaves room to add any two.
    public static let maximumShardCount = 1 << 31

    /// The relative tolerance below zero for sums that cannot be negative (occupancies, frame
    /// and transition counts, `Σ γ x²`): summing in another order may leave `−1e-9 ·` the total.
    public static let negativeSumTolerance: Double = 1e-9
}
