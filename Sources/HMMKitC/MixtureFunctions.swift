import Foundation
import HMMKitMixtures
import HMMKitNumerics
import HMMKitTraining

// The `hmmkit_gmm_*` functions of hmmkit.h: scikit-learn's GaussianMixture in its layouts.

/// A Gaussian mixture behind an opaque `hmmkit_gmm *`, in the caller's precision.
final class MixtureHandle: @unchecked Sendable {
    enum Model {
        case float64(GaussianMixture<Double>)
        case float32(GaussianMixture<Float>)
    }

    private let lock = NSLock()
    private var model: Model

    init(_ model: Model) { self.model = model }

    func with<R>(_ body: (inout Model) throws -> R) rethrows -> R {
        try lock.withLock { try body(&model) }
    }
}

/// What a mixture fit reports: scikit-learn's `lower_bound_`, `n_iter_` and `converged_`.
private struct MixtureFitSummary {
    var lowerBounds: [Double]
    var iterations: Int
    var converged: Bool
}

/// The handle behind a caller's `hmmkit_gmm *`.
func mixtureHandle(_ pointer: OpaquePointer?) throws(CallError) -> MixtureHandle {
    guard let pointer else { throw CallError(.invalidArgument, "the model handle is NULL") }
    return Unmanaged<MixtureHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

private func makeMixture<S: MatrixScalar>(_: S.Type, components k: Int, dimension d: Int, type: CovarianceType,
                                          weights: [Double], means: [Double], covariances values: [Double]) throws -> GaussianMixture<S> {
    try GaussianMixture(weights: weights.map { S($0) }, means: Matrix(rowCount: k, columnCount: d, elements: means.map { S($0) }),
                        covariances: covariances(values[...], type: type, components: k, dimension: d))
}

/// scikit-learn's EM from `model`: its M-step (`reg_covar`, no floor, every component updated),
/// its convergence rule on the mean log-likelihood.
private func fit<S: MatrixScalar>(_ model: GaussianMixture<S>, data: Matrix<S>, iterations: Int, tolerance: Double,
                                  regularization: Double, threads: Int) throws -> (GaussianMixture<S>, MixtureFitSummary) {
    var options = GaussianMixtureTrainingOptions(componentCount: model.componentCount, covarianceType: model.covarianceType)
    options.maxIterations = iterations
    options.tolerance = tolerance
    options.update = .scikitLearn
    options.update.regCovar = regularization
    options.threadCount = threads
    var generator = SystemRandomNumberGenerator()  // unused: the start is given
    let fit = try GaussianMixtureTrainer<S>(options: options).fit(data, initialization: .given(model), using: &generator)
    return (fit.model, MixtureFitSummary(lowerBounds: fit.history.map(\.meanLogLikelihood), iterations: fit.iterationCount, converged: fit.converged))
}

@_cdecl("hmmkit_gmm_create")
public func hmmkitGMMCreate(_ dtype: Int32, _ components: Int64, _ dimension: Int64, _ covarianceCode: Int32,
                            _ weights: UnsafePointer<Double>?, _ means: UnsafePointer<Double>?, _ covariances: UnsafePointer<Double>?,
                            _ result: UnsafeMutablePointer<OpaquePointer?>?,
                            _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        guard let result else { throw CallError(.invalidArgument, "the result pointer is NULL") }
        let k = Int(components), d = Int(dimension)
        guard k >= 1, d >= 1, k <= InputLimits.maximumComponentCount else {
            throw CallError(.invalidArgument, "n_components and n_features must be ≥ 1 (got \(k), \(d))")
        }
        let type = try covarianceType(covarianceCode)
        let w = try doubles(weights, count: k, "weights"), m = try doubles(means, count: k * d, "means")
        let c = try doubles(covariances, count: covarianceCount(type, components: k, dimension: d), "covariances")
        let model: MixtureHandle.Model
        switch try ElementType(code: dtype) {
        case .float64: model = .float64(try makeMixture(Double.self, components: k, dimension: d, type: type, weights: w, means: m, covariances: c))
        case .float32: model = .float32(try makeMixture(Float.self, components: k, dimension: d, type: type, weights: w, means: m, covariances: c))
        }
        result.pointee = OpaquePointer(Unmanaged.passRetained(MixtureHandle(model)).toOpaque())
    }
}

@_cdecl("hmmkit_gmm_destroy")
public func hmmkitGMMDestroy(_ model: OpaquePointer?) {
    guard let model else { return }
    Unmanaged<MixtureHandle>.fromOpaque(UnsafeRawPointer(model)).release()
}

@_cdecl("hmmkit_gmm_get")
public func hmmkitGMMGet(_ model: OpaquePointer?, _ weights: UnsafeMutablePointer<Double>?, _ means: UnsafeMutablePointer<Double>?,
                         _ covariances: UnsafeMutablePointer<Double>?,
                         _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        try mixtureHandle(model).with { model in
            switch model {
            case .float64(let g):
                store(g.weights, into: weights)
                store(g.means.elements, into: means)
                store(flattened(g.covariances), into: covariances)
            case .float32(let g):
                store(g.weights.map(Double.init), into: weights)
                store(g.means.elements.map(Double.init), into: means)
                store(flattened(g.covariances), into: covariances)
            }
        }
    }
}

@_cdecl("hmmkit_gmm_fit")
public func hmmkitGMMFit(_ model: OpaquePointer?, _ data: UnsafeRawPointer?, _ rows: Int64, _ maxIterations: Int64, _ tolerance: Double,
                         _ regularization: Double, _ threads: Int64, _ lowerBounds: UnsafeMutablePointer<Double>?,
                         _ lowerBoundCapacity: Int64, _ iterations: UnsafeMutablePointer<Int64>?, _ converged: UnsafeMutablePointer<Int32>?,
                         _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        guard maxIterations >= 1, threads >= 1, regularization >= 0, tolerance >= 0 else {
            throw CallError(.invalidArgument, "max_iter and the thread count must be ≥ 1, reg_covar and tol ≥ 0")
        }
        guard lowerBounds == nil || lowerBoundCapacity >= maxIterations else {
            throw CallError(.bufferTooSmall, "the lower-bound buffer holds \(lowerBoundCapacity) values for max_iter = \(maxIterations)")
        }
        let summary = try mixtureHandle(model).with { model throws -> MixtureFitSummary in
            /// EM on the caller's data in the model's precision; `wrap` stores the fitted model.
            func refit<S: MatrixScalar>(_ g: GaussianMixture<S>, _ type: ElementType,
                                        _ wrap: (GaussianMixture<S>) -> MixtureHandle.Model) throws -> MixtureFitSummary {
                let (fitted, summary) = try fit(g, data: try matrix(data, type: type, rows: Int(rows), columns: g.dimension),
                                                iterations: Int(maxIterations), tolerance: tolerance,
                                                regularization: regularization, threads: Int(threads))
                model = wrap(fitted)
                return summary
            }
            switch model {
            case .float64(let g): return try refit(g, .float64, MixtureHandle.Model.float64)
            case .float32(let g): return try refit(g, .float32, MixtureHandle.Model.float32)
            }
        }
        store(summary.lowerBounds, into: lowerBounds)
        iterations?.pointee = Int64(summary.iterations)
        converged?.pointee = summary.converged ? 1 : 0
    }
}

@_cdecl("hmmkit_gmm_score_samples")
public func hmmkitGMMScoreSamples(_ model: OpaquePointer?, _ data: UnsafeRawPointer?, _ rows: Int64,
                                  _ output: UnsafeMutablePointer<Double>?,
                                  _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let out = try buffer(output, count: Int(rows), "the output buffer")
        let scores = try mixtureHandle(model).with { model throws -> [Double] in
            switch model {
            case .float64(let g): return try g.scoreSamples(try matrix(data, type: .float64, rows: Int(rows), columns: g.dimension))
            case .float32(let g): return try g.scoreSamples(try matrix(data, type: .float32, rows: Int(rows), columns: g.dimension))
            }
        }
        store(scores, into: out)
    }
}

@_cdecl("hmmkit_gmm_predict_proba")
public func hmmkitGMMPredictProbabilities(_ model: OpaquePointer?, _ data: UnsafeRawPointer?, _ rows: Int64,
                                          _ output: UnsafeMutableRawPointer?,
                                          _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        guard output != nil || rows == 0 else { throw CallError(.invalidArgument, "the output buffer is NULL") }
        try mixtureHandle(model).with { model in
            switch model {
            case .float64(let g):
                store(try g.predictProbabilities(try matrix(data, type: .float64, rows: Int(rows), columns: g.dimension)).elements,
                      into: output, type: .float64)
            case .float32(let g):
                store(try g.predictProbabilities(try matrix(data, type: .float32, rows: Int(rows), columns: g.dimension)).elements,
                      into: output, type: .float32)
            }
        }
    }
}
