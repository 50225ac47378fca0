import ArgumentParser
import Foundation
import HMMKit

extension TrainCommand {
    /// `train --stream` (and --mpi, --resume): the recognizer trained with the corpus streamed
    /// from its audio (``Recognizer/trainStreaming(_:configuration:options:events:)``), a
    /// checkpoint after every iteration, optionally by every rank of an MPI job; rank 0 writes the
    /// recognizer, then evaluates the test part of --split, as in memory.
    func runStreaming(configuration: RecognizerConfiguration) throws {
        let group = try ProcessGroup.make(mpi: streaming.mpi)
        let printer = TrainingProgressPrinter(json: report.json, quiet: report.quiet || !group.isRoot)
        try group.run {
            // Every rank lists and checks the corpus alike; rank 0 reports its problems.
            let (train, test) = try group.everyRank { try split(try corpus.read()) }
            var options = StreamingRecognizerOptions()
            options.threadCount = engine.threads
            options.chunking = streaming.chunking
            options.initialisationFrames = streaming.initFrames
            options.checkpointURL = streaming.checkpointURL(output: output!)
            options.resume = streaming.resume
            options.communicator = group.communicator
            options.backend = engine.backend
            options.unusable = unusablePolicy
            if noFeatureCache {
                options.featureCacheDirectory = nil
            } else if let featureCache {
                options.featureCacheDirectory = URL(fileURLWithPath: featureCache, isDirectory: true)
            }
            let unusable = UnusableRecordingReport()
            let started = Date()
            let warpProgress = trainingProgress(quiet: report.quiet || !group.isRoot, started: started, labels: train.labels.count)
            let fit = try Recognizer.trainStreaming(train.entries, configuration: configuration, options: options) { event in
                guard group.isRoot else { return }
                switch event {
                case let .surveyed(recordings, sequences, frames, unusableRecordings, seconds):
                    unusable.record(unusableRecordings, policy: options.unusable)
                    let noisy = configuration.noiseAugmentation.isEmpty ? "" : " + \(configuration.noiseAugmentation.count) noisy"
                    printer.note(String(format: "surveyed %d recordings in %.2f s: %d sequences (%d speed cop%@%@ each), %d frames",
                                        recordings, seconds, sequences, max(configuration.speedPerturbation.count, 1),
                                        configuration.speedPerturbation.count > 1 ? "ies" : "y", noisy, frames))
                case let .initialised(sampled, total):
                    printer.note("initialised the word models from \(sampled) of \(total) frames")
                case let .resumed(completed):
                    printer.note("resuming from \(options.checkpointURL!.path) after iteration \(completed)")
                case let .warps(pass, passes, factors, seconds):
                    warpProgress?(.warps(pass: pass, of: passes, factors: factors, seconds: seconds))
                case .unknownVoiceModels:
                    warpProgress?(.unknownVoiceModels)
                case .noisyVoiceModels:
                    warpProgress?(.noisyVoiceModels)
                case .iteration(let progress):
                    let floored = progress.report.values.reduce(0) { $0 + $1.emissions.flooredVarianceCount }
                    printer.iteration(progress, extra: "  words training \(progress.report.count)"
                        + (floored > 0 ? "  floored \(floored)" : ""))
                }
            }
            guard group.isRoot else { return }
            try fit.recognizer.save(to: URL(fileURLWithPath: output!))
            let last = fit.history.last
            try finish(fit.recognizer, train: train, test: test, trainSeconds: Date().timeIntervalSince(started),
                       unusable: unusable.recordings, streamed: StreamedTrainingSummary(
                           iterations: fit.history.count, converged: fit.stopReason == .converged,
                           frames: last?.frameCount ?? 0, processes: group.communicator.size,
                           logLikelihoodHistory: fit.history.map(\.logLikelihood)))
        }
    }
}
