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
    //
    // Together these bound every buffer of the front end and every number in it. With a frame of
    // at most `maximumFrameLength` = 2^18 samples, an FFT of at most `maximumFFTSize` = 2^18
    // points, scaled samples of magnitude at most `maximumScaledAmplitude` = 2^33 and dither noise
    // below 39·`maximumDither` < 2^22, the values of a frame stay below 8·(2^33 + 2^22) < 2^37
    // after DC removal and pre-emphasis (each at most doubles them; signal and frame pre-emphasis
    // can both apply), its energy below 2^18·2^74 = 2^92, and the whole power spectrum
    // (Parseval: fftSize·Σx²) below 2^110: far inside `Float`'s 2^128, so energies, spectra, mel
    // sums and their logarithms are finite in single precision too.

    /// The highest rate, in Hz, features are computed at: 768 kHz, the highest rate audio
    /// interfaces record. Every frame and FFT buffer is the rate times a duration, and a resampler
    /// sized for a rate of 2^31 Hz allocates gigabytes.
    public static let maximumSampleRate: Double = 768_000

    /// The longest analysis frame and the longest frame shift, in samples: 2^18 = 262,144
    /// (16 s at 16 kHz, 341 ms at 768 kHz), where speech front ends use 20–50 ms. Frame sizes
    /// given in milliseconds are converted to samples, and the result checked against this,
    /// before any `Int` is formed from them.
    public static let maximumFrameLength = 1 << 18

    /// The largest FFT, in points: 2^18, the longest frame rounded up to a power of two. Its
    /// buffers take 2 MB in `Double`; 2^40 points would take terabytes.
    public static let maximumFFTSize = 1 << 18

    /// The largest FFT length that is not a power of two: 4,096. The pure-Swift backend
    /// transforms such lengths with a plain DFT, `fftSize²` operations per frame (16.8 million
    /// here); powers of two up to ``maximumFFTSize`` take the fast path on every backend.
    public static let maximumNonPowerOfTwoFFTSize = 1 << 12

    /// The most mel filters: 512. Kaldi uses 23–80, librosa 128; each filter must also cover an
    /// FFT bin, so more filters than this only repeat bins.
    public static let maximumMelBinCount = 512

    /// The largest delta window: ±50 frames for regression deltas (½ s each side at a 10 ms
    /// shift; Kaldi's default is 2), a width of 2·50 + 1 = 101 frames for Savitzky-Golay deltas.
    /// Regression filters have `4N + 1` taps for ΔΔ and the normaliser `2·Σn²` is formed in `Int`.
    public static let maximumDeltaWindow = 50

    /// The largest input scale: 2^32, above the full scale of 32-bit integer audio (2^31);
    /// Kaldi's and python_speech_features' 16-bit units are 32,768.
    public static let maximumInputScale: Double = 4_294_967_296

    /// The smallest input scale: 2^−32. With it the largest sample the front end takes
    /// (`maximumScaledAmplitude / inputScale` = 2^65) stays far inside the range of the
    /// resampler's single-precision arithmetic.
    public static let minimumInputScale: Double = 1.0 / 4_294_967_296

    /// The largest magnitude of a sample times the input scale: 2^33, twice full-scale audio at
    /// ``maximumInputScale`` (room for a resampler's overshoot of full-scale audio). A louder
    /// sample is refused (naming file and sample), not clipped: a floating-point file with values
    /// like 10^30 is not audio in ±1.0 full scale.
    public static let maximumScaledAmplitude: Double = 8_589_934_592

    /// The largest dither standard deviation, in input-scale units: 65,536, twice 16-bit full
    /// scale (Kaldi's default is 1). Box–Muller draws stay below 39 σ, so the noise adds at most
    /// 2^22 to a sample: within the bounds above.
    public static let maximumDither: Double = 65_536

    /// The valid VTLN warp factors: 0.5…2. Kaldi's speaker warps lie in 0.8–1.2; a factor
    /// outside this halves or doubles every formant, which no vocal tract does.
    public static let vtlnWarpFactors: ClosedRange<Double> = 0.5...2

    /// The most VTLN candidate warp factors an option may list: 1,000 (Kaldi's usual grid 0.8…1.2
    /// in steps of 0.02 has 21). Every candidate costs one filterbank and one scoring of every
    /// recording. Recognizer files are held to it too.
    public static let maximumVTLNWarpCount = 1000

    /// The valid floors of the filterbank's logarithm (natural-log floor or decibel `amin`):
    /// 10^−30…10^30. Kaldi floors at `FLT_EPSILON`, librosa at 10^−10; a floor outside this range
    /// underflows to 0 or overflows to infinity in `Float`, so `log` of it would not be finite.
    public static let logarithmFloors: ClosedRange<Double> = 1e-30...1e30

    /// The valid cepstral lifter coefficients L: 10^−3…10^4 (Kaldi, HTK and psf use 22). The
    /// lifter scales coefficient n by up to `1 + L/2`; below 10^−3 `sin(πn/L)` loses all precision.
    public static let lifterCoefficients: ClosedRange<Double> = 1e-3...1e4

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
    /// The heaviest cepstral normalisation prior, in frames (`RecognizerConfiguration.normalizationPriorFrames`):
    /// 10^7 frames (28 hours at 100 frames a second) outweighs any speaker's own statistics.
    public static let maximumNormalizationPriorFrames = 10_000_000

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
