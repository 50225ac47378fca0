import ArgumentParser
import Foundation
import HMMKit
import HMMKitFileSystem

extension HMMFitCommand {
    /// What determines the result of a streaming fit; a checkpoint resumes only under an equal one.
    var fingerprint: TrainingFingerprint {
        let options: [String: String] = [
            "states": "\(states)", "mixtures": "\(mixtures)", "covariance": covariance.rawValue, "topology": topology.rawValue,
            "max-jump": "\(maxJump)", "initialization": initialization?.rawValue ?? "default", "split-every": "\(splitEvery)",
            "tolerance": "\(tolerance)", "variance-floor": "\(varianceFloor)", "seed": "\(seed)", "precision": precision.rawValue,
        ]
        return TrainingFingerprint(task: "hmm fit", data: data.joined(separator: " "),
                                   options: options.merging(streaming.fingerprintOptions(backend: engine.backend)) { own, _ in own })
    }

    /// `hmm fit --stream` (and --mpi, --resume): Baum-Welch over the corpus streamed from disk,
    /// a checkpoint after every iteration, optionally with every rank of an MPI job.
    func runStreaming<S: MatrixScalar>(_: S.Type) throws {
        let group = try ProcessGroup.make(mpi: streaming.mpi)
        let printer = TrainingProgressPrinter(json: report.json, quiet: report.quiet || !group.isRoot)
        try group.run {
            let source = try FeatureFileSource<S>(data)
            let hmmTrainer = makeTrainer(S.self)
            var trainer: EMDriver<GMMHMM<S>>
            do throws(HMMError) { trainer = try hmmTrainer.driver() } catch { throw TrainingError.hmm(error) }
            trainer.options.chunking = streaming.chunking
            trainer.options.backend = engine.backend
            streaming.attach(&trainer, group: group, output: output, fingerprint: fingerprint)
            let start = try trainer.start(resuming: streaming.resume) { () throws(TrainingError) in
                try initialModel(hmmTrainer, source: source, printer: printer)
            }
            if start.resumed {
                printer.note("resuming from \(trainer.checkpointURL!.path) after iteration \(start.completedIterations)")
            }
            let started = Date()
            let fit = try trainer.train(from: start, source: source) { progress in
                guard group.isRoot else { return }
                var extra = ""
                let emissions = progress.report.emissions
                if emissions.flooredVarianceCount > 0 { extra += "  floored \(emissions.flooredVarianceCount)" }
                if !emissions.starvedComponents.isEmpty {
                    extra += "  kept starved \(emissions.starvedComponents.map(\.description).joined(separator: ", "))"
                }
                printer.iteration(progress, extra: extra)
            }
            guard group.isRoot else { return }
            try TrainedModelFile.write(fit.model, to: output)
            let last = fit.history.last
            if report.json {
                try Terminal.printJSON(StreamedHMMFitSummary(
                    iterations: fit.history.count, converged: fit.stopReason == .converged,
                    logLikelihoodHistory: fit.history.map(\.logLikelihood),
                    finalLogLikelihoodPerFrame: last?.meanLogLikelihood ?? -Double.infinity,
                    states: states, mixtures: mixtures, covariance: covariance.rawValue,
                    frames: last?.frameCount ?? 0, parameters: fit.model.parameterCount,
                    processes: group.communicator.size, seconds: Date().timeIntervalSince(started)))
            } else {
                printer.note("\(fit.stopReason == .converged ? "converged" : "stopped at the iteration limit") after "
                    + "\(fit.history.count) iterations, "
                    + String(format: "log-likelihood per frame %.6f; model written to %@", last?.meanLogLikelihood ?? -Double.infinity, output))
            }
        }
    }

    /// The model training starts from: `--start-from`, or the trainer's initialisation on a
    /// bounded seeded sample of the sequences (the whole corpus when it fits in `--init-frames`).
    private func initialModel<S: MatrixScalar>(_ trainer: HMMTrainer<S>, source: FeatureFileSource<S>,
                                               printer: TrainingProgressPrinter) throws(TrainingError) -> GMMHMM<S> {
        if let startFrom = streaming.startFrom {
            do { return try GMMHMM<S>.load(from: URL(fileURLWithPath: startFrom), backend: engine.backend) } catch { throw .hmm(error) }
        }
        var sample = try SequenceSample.draw(from: source, frameBudget: streaming.initFrames, seed: seed)
        printer.note("initialising from \(sample.summary)")
        let names = sample.records.map(\.name)
        let (frames, lengths) = sample.takeStacked()
        do { return try trainer.initialModel(frames, lengths: lengths) } catch {
            throw .hmm(StackedDataErrors.located(error, origins: names.map { SequenceOrigin(file: $0) }) as? HMMError ?? error)
        }
    }
}

/// Writing a trained model: its exact file bytes, atomically.
enum TrainedModelFile {
    static func write<Model: EMModel>(_ model: Model, to path: String) throws {
        let bytes = try model.fileContents()
        do { try AtomicFile.write(bytes, to: URL(fileURLWithPath: path)) } catch {
            throw TrainingError.file(path: path, problem: .access(error))
        }
    }
}
