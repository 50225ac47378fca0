import HMMKitNumerics

/// The tests' seeded generator: HMMKit's ``SplitMix64``.
public typealias SeededGenerator = SplitMix64
