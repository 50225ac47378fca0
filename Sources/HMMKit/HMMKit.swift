// The umbrella module: `import HMMKit` brings every public HMMKit module.
@_exported import HMMKitNumerics
