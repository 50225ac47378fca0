// swift-tools-version: 6.1
// HMMKit's benchmarks: a package of their own so that users of HMMKit never build the
// benchmark tooling. Run from this folder: `swift package benchmark` (builds in release).
import Foundation
import PackageDescription

// A package added by path is named after its folder, which is whatever the clone is called.
let hmmkitFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "HMMKitBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LinearAlgebra",
            dependencies: [
                .product(name: "HMMKit", package: hmmkitFolder),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LinearAlgebra",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "Features",
            dependencies: [
                .product(name: "HMMKit", package: hmmkitFolder),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Features",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "Mixtures",
            dependencies: [
                .product(name: "HMMKit", package: hmmkitFolder),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Mixtures",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
