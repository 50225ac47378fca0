// swift-tools-version: 6.1
// HMMKit: GMM-HMM acoustic modelling on OpenBLAS, LAPACKE and FFTW, with a pure-Swift reference backend.
import PackageDescription

/// The C libraries, each a system-library target with a module map; only `HMMKitNumerics` imports them.
let systemLibraries: [Target] = [
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                   providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE", pkgConfig: "lapacke",
                   providers: [.apt(["liblapacke-dev"])]),
    .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3",
                   providers: [.apt(["libfftw3-dev"])]),
    .systemLibrary(name: "CSndfile", path: "Sources/CSndfile", pkgConfig: "sndfile",
                   providers: [.apt(["libsndfile1-dev"])]),
    .systemLibrary(name: "CSoxr", path: "Sources/CSoxr", pkgConfig: "soxr",
                   providers: [.apt(["libsoxr-dev"])]),
]

/// Vector kernels HMMKit writes itself (AVX2 + FMA, chosen at run time): the accelerated
/// row softmax and the skinny matrix products; and the exp polynomial (`exp_polynomial.h`) that
/// they and HMMKitNumerics' pure-Swift code share. C with per-function target attributes, so one
/// binary runs everywhere; always optimised (-O3), as the register-blocked loops are 30× slower
/// unoptimised and debug test runs call them too.
let vectorKernels: Target = .target(name: "CVectorMath", path: "Sources/CVectorMath",
                                    cSettings: [.unsafeFlags(["-O3"])], linkerSettings: [.linkedLibrary("m")])

/// OpenMPI, for data-parallel training across processes and machines. Optional: only the `MPI`
/// package trait (`swift build --traits MPI`) makes anything import it, so machines without
/// OpenMPI build everything else unchanged.
let messagePassing: [Target] = [
    .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
                   providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
    // The MPI communicator for streaming training (empty without the MPI trait).
    .target(name: "HMMKitDistributed",
            dependencies: ["HMMKitTraining", .target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
]

let package = Package(
    name: "HMMKit",
    products: [
        .library(name: "HMMKit", targets: ["HMMKit"]),
        .library(name: "HMMKitDistributed", targets: ["HMMKitDistributed"]),
        // The C ABI (include/hmmkit.h) that the Python package `hmmkit` loads; Swift runtime linked in.
        .library(name: "HMMKitC", type: .dynamic, targets: ["HMMKitC"]),
        .executable(name: "hmmkit", targets: ["HMMKitCommandLine"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Data-parallel training over OpenMPI (`hmmkit … --mpi`); needs libopenmpi-dev."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` (the DocC catalog in Sources/HMMKit); no target depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: systemLibraries + [vectorKernels] + messagePassing + [
        // Matrix, the linear-algebra and FFT/DCT operations, and their two backends.
        .target(
            name: "HMMKitNumerics",
            dependencies: [
                "CBLAS", "CLAPACKE", "CFFTW", "CVectorMath",
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "ComplexModule", package: "swift-numerics"),
            ]),
        // Path checks, whole-file reads, the one atomic writer, and the versioned JSON model-file header.
        .target(name: "HMMKitFileSystem"),
        // Reading audio files (libsndfile) and resampling them (libsoxr).
        .target(name: "HMMKitAudio", dependencies: ["CSndfile", "CSoxr", "HMMKitFileSystem"]),
        // Matrices to and from files: NumPy .npy, Kaldi archives (.ark) and script files (.scp).
        .target(name: "HMMKitMatrixFiles", dependencies: ["HMMKitNumerics", "HMMKitFileSystem"]),
        // The MFCC front end: framing, windows, mel filterbanks, cepstra, deltas, CMVN, presets.
        .target(name: "HMMKitFeatures", dependencies: ["HMMKitNumerics", "HMMKitAudio"]),
        // Gaussian mixture models: diagonal, full, spherical, tied; statistics, EM update, training.
        .target(name: "HMMKitMixtures", dependencies: ["HMMKitNumerics", "HMMKitMatrixFiles", "HMMKitFileSystem"]),
        // Hidden Markov models: topologies, forward-backward, Viterbi (emissions from the mixtures).
        .target(name: "HMMKitMarkov", dependencies: ["HMMKitNumerics", "HMMKitMixtures", "HMMKitMatrixFiles", "HMMKitFileSystem"]),
        // Isolated-word recognition: one GMM-HMM per label, training (in memory or streamed), recognition, evaluation, files.
        .target(name: "HMMKitRecognition", dependencies: [
            "HMMKitFeatures", "HMMKitMarkov", "HMMKitCorpus", "HMMKitAudio", "HMMKitMatrixFiles", "HMMKitTraining",
            "HMMKitAdaptation", "HMMKitFileSystem", "HMMKitPhones",
        ]),
        // Connected words: word networks (loops, fixed lengths, JSGF grammars) and the token-passing Viterbi decoder.
        .target(name: "HMMKitDecoding", dependencies: [
            "HMMKitNumerics", "HMMKitMixtures", "HMMKitMarkov", "HMMKitFeatures", "HMMKitRecognition", "HMMKitFileSystem", "HMMKitPhones",
        ]),
        // Speaker adaptation: feature-space MLLR (statistics against GMM-HMMs, the transform estimate).
        .target(name: "HMMKitAdaptation", dependencies: ["HMMKitNumerics", "HMMKitMixtures", "HMMKitMarkov",
                                                         .product(name: "RealModule", package: "swift-numerics")]),
        // Training: the one EM driver (in memory or streamed, threads, MPI ranks, checkpoints, statistics files) and the
        // trainers on it (Gaussian mixtures, HMMs: initialisers plus hooks).
        .target(name: "HMMKitTraining", dependencies: ["HMMKitNumerics", "HMMKitMatrixFiles", "HMMKitMixtures", "HMMKitMarkov",
                                                       "HMMKitFileSystem"]),
        // Words from phones: pronunciation lexicons, phone HMMs over a pool of shared states, utterance graphs, embedded training.
        .target(name: "HMMKitPhones", dependencies: ["HMMKitNumerics", "HMMKitMixtures", "HMMKitMarkov", "HMMKitTraining",
                                                     "HMMKitFileSystem"]),
        // Standalone SVG plots: heat maps, curves, scatter plots.
        .target(name: "HMMKitPlots", dependencies: ["HMMKitFileSystem"]),
        // Transcripts, word times and scoring: Kaldi `text`, CTM, Praat TextGrid, word error rates (HResults, compute-wer).
        .target(name: "HMMKitTranscripts", dependencies: ["HMMKitFileSystem"]),
        // Labelled recordings for training and testing: folders and manifests, selection, train/test splits, checks;
        // connected-word corpora built from isolated words.
        .target(name: "HMMKitCorpus", dependencies: ["HMMKitAudio", "HMMKitFileSystem", "HMMKitNumerics", "HMMKitTranscripts",
                                                   .product(name: "RealModule", package: "swift-numerics")]),
        // The umbrella: `import HMMKit` brings every public module.
        .target(name: "HMMKit", dependencies: [
            "HMMKitNumerics", "HMMKitFileSystem", "HMMKitAudio", "HMMKitMatrixFiles", "HMMKitFeatures", "HMMKitMixtures", "HMMKitMarkov",
            "HMMKitPlots", "HMMKitCorpus", "HMMKitRecognition", "HMMKitTraining", "HMMKitAdaptation", "HMMKitPhones", "HMMKitTranscripts",
            "HMMKitDecoding",
        ]),
        // The C functions of Sources/HMMKitC/include/hmmkit.h over the engine (for Python's ctypes):
        // caller-owned buffers, status codes and messages; the only module with unsafe pointers in its API.
        .target(name: "HMMKitC", dependencies: ["HMMKitFeatures", "HMMKitMarkov", "HMMKitMixtures", "HMMKitTraining", "HMMKitNumerics",
                                               "HMMKitFileSystem"],
                exclude: ["include"],
                // The Swift runtime and Foundation linked in; Foundation's static archives depend on
                // one another, hence the group.
                linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "--start-group", "-lFoundation",
                                               "-lFoundationEssentials", "-lFoundationInternationalization", "-lCoreFoundation",
                                               "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
                                               "-Xlinker", "--end-group"])]),
        // The `hmmkit` command.
        .executableTarget(
            name: "HMMKitCommandLine",
            dependencies: [
                "HMMKit", "HMMKitDistributed", "HMMKitFileSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Seeded random numbers, closeness checks and synthetic data for the tests.
        .target(name: "HMMKitTestSupport", dependencies: ["HMMKitNumerics"], path: "Tests/HMMKitTestSupport"),
        .testTarget(name: "HMMKitNumericsTests", dependencies: ["HMMKitNumerics", "HMMKitTestSupport"]),
        .testTarget(name: "HMMKitAudioTests", dependencies: ["HMMKitAudio", "HMMKitTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "HMMKitMatrixFilesTests", dependencies: ["HMMKitMatrixFiles", "HMMKitFileSystem", "HMMKitTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "HMMKitMixturesTests",
                    dependencies: ["HMMKitMixtures", "HMMKitTraining", "HMMKitMatrixFiles", "HMMKitTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "HMMKitMarkovTests",
                    dependencies: ["HMMKitMarkov", "HMMKitTraining", "HMMKitMatrixFiles", "HMMKitTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "HMMKitCommandLineTests",
                    dependencies: ["HMMKitCommandLine", "HMMKitMatrixFiles", "HMMKitNumerics", "HMMKitAudio", "HMMKitTestSupport"]),
        .testTarget(name: "HMMKitTrainingTests",
                    dependencies: ["HMMKitTraining", "HMMKitMarkov", "HMMKitMixtures", "HMMKitMatrixFiles", "HMMKitTestSupport"]),
        .testTarget(name: "HMMKitDecodingTests",
                    dependencies: ["HMMKitDecoding", "HMMKitRecognition", "HMMKitAdaptation", "HMMKitAudio", "HMMKitCorpus", "HMMKitMarkov",
                                   "HMMKitMixtures", "HMMKitNumerics", "HMMKitPhones", "HMMKitTestSupport"]),
        .testTarget(name: "HMMKitPhonesTests",
                    dependencies: ["HMMKitPhones", "HMMKitTraining", "HMMKitMarkov", "HMMKitMixtures", "HMMKitTestSupport"]),
        .testTarget(name: "HMMKitAdaptationTests",
                    dependencies: ["HMMKitAdaptation", "HMMKitMarkov", "HMMKitMixtures", "HMMKitTestSupport"]),
        .testTarget(name: "HMMKitPlotsTests", dependencies: ["HMMKitPlots", "HMMKitTestSupport"]),
        .testTarget(name: "HMMKitCorpusTests", dependencies: ["HMMKitCorpus", "HMMKitAudio", "HMMKitTranscripts", "HMMKitTestSupport"]),
        .testTarget(name: "HMMKitTranscriptsTests", dependencies: ["HMMKitTranscripts", "HMMKitTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "HMMKitRecognitionTests",
                    dependencies: ["HMMKitRecognition", "HMMKitCorpus", "HMMKitFeatures", "HMMKitAudio", "HMMKitPhones", "HMMKitTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "HMMKitFeaturesTests",
                    dependencies: ["HMMKitFeatures", "HMMKitMatrixFiles", "HMMKitAudio", "HMMKitTestSupport"],
                    resources: [.copy("Fixtures")]),
    ]
)
