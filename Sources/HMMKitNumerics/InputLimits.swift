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
    /// that fits in memory. Real features (MFCCs, filterbank energies, even linear power spectra
    /// of 16-bit audio, about 1e15 for a 2048-point FFT) are far below it.
    public static let maximumFeatureMagnitude: Double = 1e18

    /// The smallest variance (diagonal, spherical, or a covariance's diagonal element) a model
    /// accepts: its reciprocal, the precision a score multiplies by, is at most 1e30 — finite
    /// in `Float` — and `log σ²` is a normal number. Subnormal variances (a damaged file, or a
    /// model fitted to constant data without `regCovar`) would turn scores into ±∞ or NaN.
    public static let minimumVariance: Double = 1e-30

    /// The most states of a Markov chain read from a file or a configuration. A chain keeps
    /// several `S × S` tables (transitions, their logarithms, the allowed mask): at 2048 states
    /// that is about 100 MB; word and phone models have 3 – 50 states, hmmlearn's examples
    /// a few hundred.
    public static let maximumStateCount = 2048

    /// The largest left-to-right `maximumJump` read from a file or a configuration: a jump of
    /// `S − 1` already allows every forward transition, so anything past the state limit is a
    /// damaged file (and `i + jump + 1` must never overflow).
    public static let maximumJump = maximumStateCount

    /// The most Gaussian components per mixture (per state of an HMM) in a configuration that
    /// trains one (recognizer files): Kaldi's largest systems use a few thousand in total.
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

    // MARK: - Command-line options

    /// The most worker threads an option may ask for: past the machine's cores threads only add
    /// scheduling and per-worker buffers, and every partition in HMMKit is fixed, so the result
    /// does not change; 1,024 is above any single machine HMMKit runs on.
    public static let maximumThreadCount = 1024

    /// The most independent EM restarts of one fit: each is a whole training run, so 1,000 is
    /// already days of work on a large corpus (scikit-learn's `n_init` is usually 1–10).
    public static let maximumRestartCount = 1000

    /// The most frames of a streaming chunk or of the initialisation sample: a chunk of
    /// 2²⁴ frames is 5 GB of Double features at 39 dimensions, about a fifth of a 24 GiB machine
    /// (the default chunk is 16,384 frames).
    public static let maximumChunkFrames = 1 << 24

    /// The most alternatives a recognition lists per file (there are never more than labels).
    public static let maximumNBest = 1 << 20
}
