import ArgumentParser
import Foundation
import HMMKit
import HMMKitDistributed

/// Large-corpus training, shared by `gmm fit` and `hmm fit`: streaming, checkpoints, resume, MPI.
struct StreamingOptions: ParsableArguments {
    @Flag(help: """
        Stream the corpus: every iteration reads the data again in chunks (read ahead on a second thread), \
        so memory holds the model and a few chunks whatever the corpus size. Implied by --mpi, --resume and --start-from.
        """)
    var stream = false

    @Option(help: "Streaming: frames per chunk (a chunk is accumulated in one go, on all threads).")
    var chunkFrames: Int = ChunkingPolicy().maximumFrames

    @Option(help: """
        Streaming: frames of the seeded random sample of sequences the model is initialised from \
        (the whole corpus when it is smaller).
        """)
    var initFrames: Int = 200_000

    @Option(help: "Streaming: start from this model file instead of initialising one.")
    var startFrom: String?

    @Option(help: "Streaming: the checkpoint written after every iteration (default: OUTPUT.checkpoint).")
    var checkpoint: String?

    @Flag(help: """
        Continue from the checkpoint of a run that was stopped, with the same data and options; starts \
        afresh when there is no checkpoint yet. The result equals that of an uninterrupted run.
        """)
    var resume = false

    @Flag(help: """
        Train with every process of an MPI job (mpirun -np N hmmkit …): each reads its share of the \
        sequences, the statistics are summed across processes every iteration; rank 0 writes the model, \
        checkpoints and progress. Needs an hmmkit built with `--traits MPI`.
        """)
    var mpi = false

    /// Whether training streams.
    var isStreaming: Bool { stream || mpi || resume || startFrom != nil }

    func validate() throws {
        try OptionRange.check(chunkFrames, in: 1...InputLimits.maximumChunkFrames, "--chunk-frames")
        try OptionRange.check(initFrames, in: 1...InputLimits.maximumChunkFrames, "--init-frames")
        if mpi && !MPISupport.isAvailable {
            throw ValidationError("this hmmkit was built without MPI; rebuild it with `swift build -c release --traits MPI` "
                + "(needs libopenmpi-dev) to use --mpi")
        }
    }

    /// The chunking of every pass.
    var chunking: ChunkingPolicy { ChunkingPolicy(maximumFrames: chunkFrames) }

    /// The checkpoint's location for the model written to `output`.
    func checkpointURL(output: String) -> URL { URL(fileURLWithPath: checkpoint ?? output + ".checkpoint") }

    /// The streaming options that determine a fit's result, for its fingerprint.
    func fingerprintOptions(backend: ComputeBackend) -> [String: String] {
        ["chunk-frames": "\(chunkFrames)", "init-frames": "\(initFrames)", "start-from": startFrom ?? "none", "backend": "\(backend)"]
    }

    /// Connects `trainer` to the process group, the checkpoint next to `output`, and the command's
    /// fingerprint.
    func attach<Model>(_ trainer: inout EMDriver<Model>, group: ProcessGroup, output: String, fingerprint: TrainingFingerprint) {
        trainer.communicator = group.communicator
        trainer.checkpointURL = checkpointURL(output: output)
        trainer.fingerprint = fingerprint
    }
}

/// How a streaming fit reports, on rank 0: a line per iteration on stderr, or with --json one
/// JSON object per line on stdout (`"event": "iteration"`, then `"event": "summary"`).
struct TrainingProgressPrinter {
    let json: Bool
    let quiet: Bool

    func iteration<Report>(_ progress: EMProgress<Report>, extra: String = "") {
        let record = progress.record
        if json {
            try? Terminal.printJSON(StreamedIterationEvent(
                iteration: record.iteration, iterations: progress.iterationCount,
                frames: record.frameCount, framesPerSecond: progress.framesPerSecond,
                logLikelihood: record.logLikelihood, logLikelihoodPerFrame: record.meanLogLikelihood,
                seconds: record.seconds, elapsedSeconds: progress.elapsedSeconds,
                remainingSecondsAtMost: progress.remainingSecondsAtMost, processes: progress.processCount))
            fflush(nil)  // one line per iteration, also through a pipe
        } else if !quiet {
            Terminal.info(String(format: "iteration %3d/%d  %.0f frames  log-likelihood per frame %.6f  %.0f frames/s  "
                                 + "elapsed %.1f s  at most %.1f s left", record.iteration, progress.iterationCount,
                                 record.frameCount, record.meanLogLikelihood, progress.framesPerSecond,
                                 progress.elapsedSeconds, progress.remainingSecondsAtMost) + extra)
        }
    }

    func note(_ message: String) {
        if !quiet && !json { Terminal.info(message) }
    }
}
