// The Markov-chain kernels on speech-shaped work: one 100,000-frame sequence through a 5-state
// left-to-right chain (scaled and log-space forward-backward, forward only, Viterbi), and a
// batch of 1,000 sequences of 100 frames (the statistics Baum-Welch needs) on 1 and 2 threads.
// Emission log-likelihoods are seeded random values, as an emission model would hand them over.
import Benchmark
import HMMKit

func emissions(frames: Int, states: Int, seed: UInt64) -> Matrix<Double> {
    var generator = SplitMix64(seed: seed)
    return Matrix(rowCount: frames, columnCount: states,
                  elements: (0..<(frames * states)).map { _ in Double.random(in: -60 ... -20, using: &generator) })
}

func leftToRight(states: Int) throws -> MarkovChain<Double> {
    var transitions = Matrix<Double>(rowCount: states, columnCount: states)
    for i in 0..<states {
        transitions[i, i] = i == states - 1 ? 1 : 0.6
        if i + 1 < states { transitions[i, i + 1] = 0.4 }
    }
    var start = [Double](repeating: 0, count: states)
    start[0] = 1
    return try MarkovChain(startProbabilities: start, transitions: transitions, topology: .leftToRight(maximumJump: 0))
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .throughput], maxDuration: .seconds(3), maxIterations: 100)
    Benchmark("forward-backward scaled T=100000 S=5 left-to-right", configuration: configuration) { benchmark in
        let chain = try leftToRight(states: 5), input = emissions(frames: 100_000, states: 5, seed: 1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try chain.forwardBackward(input, implementation: .scaled)) }
    }
    Benchmark("forward-backward log-space T=100000 S=5 left-to-right", configuration: configuration) { benchmark in
        let chain = try leftToRight(states: 5), input = emissions(frames: 100_000, states: 5, seed: 1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try chain.forwardBackward(input, implementation: .logSpace)) }
    }
    Benchmark("forward-backward checked scaled T=100000 S=5 left-to-right", configuration: configuration) { benchmark in
        let chain = try leftToRight(states: 5), input = emissions(frames: 100_000, states: 5, seed: 1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try chain.forwardBackward(input, implementation: .checkedScaled)) }
    }
    Benchmark("forward only T=100000 S=5 left-to-right", configuration: configuration) { benchmark in
        let chain = try leftToRight(states: 5), input = emissions(frames: 100_000, states: 5, seed: 1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try chain.logLikelihood(of: input)) }
    }
    Benchmark("Viterbi T=100000 S=5 left-to-right", configuration: configuration) { benchmark in
        let chain = try leftToRight(states: 5), input = emissions(frames: 100_000, states: 5, seed: 1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try chain.viterbi(input)) }
    }
    for threads in [1, 2] {
        Benchmark("batch statistics 1000 x 100 frames S=5 \(threads) thread\(threads == 1 ? "" : "s")",
                  configuration: configuration) { benchmark in
            let chain = try leftToRight(states: 5)
            let batch = SequenceBatch((0..<1000).map { emissions(frames: 100, states: 5, seed: UInt64($0)) })
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try chain.statistics(of: batch, threadCount: threads)) }
        }
    }
}
