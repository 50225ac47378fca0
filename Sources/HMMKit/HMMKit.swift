// The umbrella module: `import HMMKit` brings every public HMMKit module.
@_exported import HMMKitNumerics
@_exported import HMMKitAudio
@_exported import HMMKitFileSystem
@_exported import HMMKitMatrixFiles
@_exported import HMMKitFeatures
@_exported import HMMKitMixtures
@_exported import HMMKitMarkov
@_exported import HMMKitPlots
@_exported import HMMKitCorpus
@_exported import HMMKitRecognition
@_exported import HMMKitTraining
@_exported import HMMKitAdaptation
@_exported import HMMKitPhones
@_exported import HMMKitTranscripts
@_exported import HMMKitDecoding
