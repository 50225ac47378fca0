import ArgumentParser
import Foundation
import HMMKit
import Synchronization

extension GMMFit {
    /// What determines the result of a streaming fit; a checkpoint resumes only under an equal one.
    var fingerprint: TrainingFingerprint {
        let options: [String: String] = [
            "components": "\(components)", "covariance": covariance.rawValue, "tolerance": "\(tolerance)",
            "init": initialization.rawValue, "reg-covar": "\(regCovar)", "variance-floor": "\(varianceFloor)",
            "seed": "\(seed)", "precision": precision.rawValue,
        ]
        return TrainingFingerprint(task: "gmm fit", data: data.joined(separator: " "),
                                   options: options.merging(streaming.fingerprintOptions(backend: engine.backend)) { own, _ in own })
    }

    /// `gmm fit --stream` (and --mpi, --resume): EM over the frames streamed from disk, a
    /// checkpoint after every iteration, optionally with every rank of an MPI job.
    ///
    /// Initialisation and the re-seeding of starved components use a bounded seeded sample of the
    /// sequences (`--init-frames`), drawn when first needed; when the corpus fits in it, the fit
    /// is the in-memory one.
    func runStreaming<S: MatrixScalar>(_: S.Type) throws {
        let group = try ProcessGroup.make(mpi: streaming.mpi)
        let printer = TrainingProgressPrinter(json: report.json, quiet: report.quiet || !group.isRoot)
        try group.run {
            let source = try FeatureFileSource<S>(data)
            let options = trainingOptions
            let mixtureTrainer = GaussianMixtureTrainer<S>(options: options)
            let sample = SequenceSampleCache(source: source, frameBudget: streaming.initFrames, seed: seed)
            var trainer = EMDriver<GaussianMixture<S>>(
                updateOptions: options.update,
                options: EMOptions(iterationCount: iterations, convergence: .meanLogLikelihoodChange(tolerance),
                                            threadCount: engine.threads, chunking: streaming.chunking, backend: engine.backend))
            streaming.attach(&trainer, group: group, output: output, fingerprint: fingerprint)
            if options.update.starvedComponents == .reseed {
                trainer.afterUpdate = { previous, next, report throws(TrainingError) in
                    guard !report.starvedComponents.isEmpty else { return next }
                    let frames = try sample.frames()
                    do throws(MixtureError) {
                        return try mixtureTrainer.reseed(next, components: report.starvedComponents, data: frames, scoredBy: previous)
                    } catch { throw .mixture(error) }
                }
            }
            let start = try trainer.start(resuming: streaming.resume) { () throws(TrainingError) in
                if let startFrom = streaming.startFrom {
                    do throws(MixtureError) {
                        return try GaussianMixture<S>.load(from: URL(fileURLWithPath: startFrom))
                    } catch { throw .mixture(error) }
                }
                let frames = try sample.frames()
                printer.note("initialising from \(sample.description)")
                guard frames.rowCount >= components else {
                    guard sample.isWholeCorpus else {
                        throw .noData("the sample holds \(frames.rowCount) frames for \(components) components; raise --init-frames")
                    }
                    throw .noData("the corpus (\(data.joined(separator: " "))) has \(frames.rowCount) frame(s) in all, fewer than the "
                        + "\(components) components; give at least one frame per component, or lower --components")
                }
                var generator = SplitMix64(seed: seed)
                do throws(MixtureError) {
                    if let (row, column, value) = frames.firstUnusableValue() {
                        guard let (name, local) = sample.locate(row: row) else { throw .nonFiniteData(row: row, column: column, value: value) }
                        throw .file(path: name, problem: "row \(local), column \(column) is \(value); \(FeatureValues.rule)")
                    }
                    return try mixtureTrainer.initialModel(frames, initialization: mixtureInitialization(S.self), using: &generator)
                } catch { throw .mixture(error) }
            }
            if start.resumed {
                printer.note("resuming from \(trainer.checkpointURL!.path) after iteration \(start.completedIterations)")
            }
            let fit = try trainer.train(from: start, source: source) { progress in
                guard group.isRoot else { return }
                var extra = ""
                if progress.report.flooredVarianceCount > 0 { extra += "  floored \(progress.report.flooredVarianceCount)" }
                if !progress.report.starvedComponents.isEmpty {
                    extra += "  \(progress.report.starvedPolicy == .remove ? "removed" : "re-seeded") \(progress.report.starvedComponents)"
                }
                printer.iteration(progress, extra: extra)
            }
            guard group.isRoot else { return }
            try TrainedModelFile.write(fit.model, to: output)
            let last = fit.history.last
            if report.json {
                try Terminal.printJSON(StreamedGMMFitSummary(
                    iterations: fit.history.count, converged: fit.stopReason == .converged,
                    finalMeanLogLikelihood: last?.meanLogLikelihood ?? -Double.infinity,
                    secondsPerIteration: fit.history.map(\.seconds), components: fit.model.componentCount,
                    covariance: covariance.rawValue, frames: last?.frameCount ?? 0, dimension: fit.model.dimension,
                    processes: group.communicator.size))
            } else {
                printer.note("\(fit.stopReason == .converged ? "converged" : "stopped") after \(fit.history.count) iterations, "
                    + String(format: "mean log-likelihood %.6f; model written to %@", last?.meanLogLikelihood ?? -Double.infinity, output))
            }
        }
    }
}
