// swift-tools-version: 6.1
// HMMKit's benchmarks: a package of their own so that users of HMMKit never build the
// benchmark tooling. Run from this folder: `swift package benchmark` (builds in release).
import Foundation
import PackageDescription

// A package added by path is named after its folder, which is whatever the clone is called.
let hmmkitFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

/// One benchmark executable: `Benchmarks/<name>/`, linked with HMMKit and package-benchmark.
func benchmarkTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "HMMKit", package: hmmkitFolder),
            .product(name: "Benchmark", package: "benchmark"),
        ],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")])
}

let package = Package(
    name: "HMMKitBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: ["LinearAlgebra", "Features", "Mixtures", "Markov", "MatrixFiles"].map(benchmarkTarget) + [
        // Whole-workload timings that mirror the Python peer scripts (../shared/peers).
        .executableTarget(name: "peer-comparison", dependencies: [.product(name: "HMMKit", package: hmmkitFolder)],
                          path: "PeerComparison"),
    ]
)
