import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

// The `hmmkit_hmm_*` functions of hmmkit.h: GaussianHMM and GMMHMM in hmmlearn's layouts.

/// The handle behind a caller's `hmmkit_hmm *`.
func hmmHandle(_ pointer: OpaquePointer?) throws(CallError) -> HMMHandle {
    guard let pointer else { throw CallError(.invalidArgument, "the model handle is NULL") }
    return Unmanaged<HMMHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

/// A model of precision `S` from parameters in hmmlearn's layout (see `hmmkit_hmm_create`).
private func makeModel<S: MatrixScalar>(_: S.Type, states s: Int, components m: Int, dimension d: Int, type: CovarianceType,
                                        start: [Double], transitions: [Double], weights: [Double], means: [Double],
                                        covariances covarianceValues: [Double]) throws -> GMMHMM<S> {
    let chain = try MarkovChain<S>(startProbabilities: start.map { S($0) },
                                   transitions: Matrix(rowCount: s, columnCount: s, elements: transitions.map { S($0) }))
    let perState = covarianceCount(type, components: m, dimension: d)
    let mixtures = try (0..<s).map { state throws -> GaussianMixture<S> in
        do {
            return try GaussianMixture<S>(
                weights: weights[(state * m)..<((state + 1) * m)].map { S($0) },
                means: Matrix(rowCount: m, columnCount: d, elements: means[(state * m * d)..<((state + 1) * m * d)].map { S($0) }),
                covariances: covariances(covarianceValues[(state * perState)..<((state + 1) * perState)], type: type, components: m, dimension: d))
        } catch {
            throw CallError(.invalidArgument, "state \(state): \(error)")
        }
    }
    return try GMMHMM(chain: chain, mixtures: mixtures)
}

@_cdecl("hmmkit_hmm_create")
public func hmmkitHMMCreate(_ dtype: Int32, _ states: Int64, _ components: Int64, _ dimension: Int64, _ covarianceCode: Int32,
                            _ startProbabilities: UnsafePointer<Double>?, _ transitions: UnsafePointer<Double>?,
                            _ weights: UnsafePointer<Double>?, _ means: UnsafePointer<Double>?, _ covariances: UnsafePointer<Double>?,
                            _ result: UnsafeMutablePointer<OpaquePointer?>?,
                            _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        guard let result else { throw CallError(.invalidArgument, "the result pointer is NULL") }
        let s = Int(states), m = Int(components), d = Int(dimension)
        guard s >= 1, m >= 1, d >= 1, s <= InputLimits.maximumComponentCount, m <= InputLimits.maximumComponentCount else {
            throw CallError(.invalidArgument, "n_components, n_mix and n_features must be ≥ 1 (got \(s), \(m), \(d))")
        }
        let type = try covarianceType(covarianceCode)
        let start = try doubles(startProbabilities, count: s, "startprob")
        let transitionValues = try doubles(transitions, count: s * s, "transmat")
        let weightValues = try doubles(weights, count: s * m, "weights")
        let meanValues = try doubles(means, count: s * m * d, "means")
        let covarianceValues = try doubles(covariances, count: s * covarianceCount(type, components: m, dimension: d), "covars")
        let handle: HMMHandle
        switch try ElementType(code: dtype) {
        case .float64:
            handle = HMMHandle(try makeModel(Double.self, states: s, components: m, dimension: d, type: type, start: start,
                                             transitions: transitionValues, weights: weightValues, means: meanValues,
                                             covariances: covarianceValues))
        case .float32:
            handle = HMMHandle(try makeModel(Float.self, states: s, components: m, dimension: d, type: type, start: start,
                                             transitions: transitionValues, weights: weightValues, means: meanValues,
                                             covariances: covarianceValues))
        }
        result.pointee = OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
    }
}

@_cdecl("hmmkit_hmm_destroy")
public func hmmkitHMMDestroy(_ model: OpaquePointer?) {
    guard let model else { return }
    Unmanaged<HMMHandle>.fromOpaque(UnsafeRawPointer(model)).release()
}

@_cdecl("hmmkit_hmm_get")
public func hmmkitHMMGet(_ model: OpaquePointer?, _ startProbabilities: UnsafeMutablePointer<Double>?,
                         _ transitions: UnsafeMutablePointer<Double>?, _ weights: UnsafeMutablePointer<Double>?,
                         _ means: UnsafeMutablePointer<Double>?, _ covariances: UnsafeMutablePointer<Double>?,
                         _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let values = try hmmHandle(model).with { model in (model.parameters(), nil) }
        store(values.start, into: startProbabilities)
        store(values.transitions, into: transitions)
        store(values.weights, into: weights)
        store(values.means, into: means)
        store(values.covariances, into: covariances)
    }
}

@_cdecl("hmmkit_hmm_fit")
public func hmmkitHMMFit(_ model: OpaquePointer?, _ data: UnsafeRawPointer?, _ rows: Int64, _ lengthValues: UnsafePointer<Int64>?,
                         _ sequenceCount: Int64, _ options: UnsafeRawPointer?, _ history: UnsafeMutablePointer<Double>?,
                         _ historyCapacity: Int64, _ iterations: UnsafeMutablePointer<Int64>?, _ converged: UnsafeMutablePointer<Int32>?,
                         _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let handle = try hmmHandle(model)
        guard let options else { throw CallError(.invalidArgument, "the options pointer is NULL") }
        let fitOptions = options.loadUnaligned(as: FitOptions.self)
        guard historyCapacity >= fitOptions.iterationCount else {
            throw CallError(.bufferTooSmall, "the history buffer holds \(historyCapacity) values for n_iter = \(fitOptions.iterationCount)")
        }
        let sequences = try lengths(lengthValues, count: Int(sequenceCount), rows: Int(rows))
        guard rows >= 1, let data else { throw CallError(.invalidArgument, "no data to fit") }
        let summary = try handle.with { model in
            let (summary, fitted) = try model.fit(data, type: handle.elementType, rows: Int(rows), lengths: sequences, options: fitOptions)
            return (summary, fitted)
        }
        store(summary.history, into: history)
        iterations?.pointee = Int64(summary.history.count)
        converged?.pointee = summary.converged ? 1 : 0
    }
}

@_cdecl("hmmkit_hmm_score")
public func hmmkitHMMScore(_ model: OpaquePointer?, _ data: UnsafeRawPointer?, _ rows: Int64, _ lengthValues: UnsafePointer<Int64>?,
                           _ sequenceCount: Int64, _ implementationCode: Int32, _ logProbabilities: UnsafeMutablePointer<Double>?,
                           _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let handle = try hmmHandle(model)
        let sequences = try lengths(lengthValues, count: Int(sequenceCount), rows: Int(rows))
        let method = try implementation(implementationCode)
        let output = try buffer(logProbabilities, count: sequences.count, "the log-probability buffer")
        let scores = try handle.with { model in
            (try model.logLikelihoods(data, type: handle.elementType, rows: Int(rows), lengths: sequences, implementation: method), nil)
        }
        store(scores, into: output)
    }
}

@_cdecl("hmmkit_hmm_posteriors")
public func hmmkitHMMPosteriors(_ model: OpaquePointer?, _ data: UnsafeRawPointer?, _ rows: Int64, _ lengthValues: UnsafePointer<Int64>?,
                                _ sequenceCount: Int64, _ implementationCode: Int32, _ logProbabilities: UnsafeMutablePointer<Double>?,
                                _ posteriors: UnsafeMutableRawPointer?,
                                _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let handle = try hmmHandle(model)
        let sequences = try lengths(lengthValues, count: Int(sequenceCount), rows: Int(rows))
        let method = try implementation(implementationCode)
        guard posteriors != nil || rows == 0 else { throw CallError(.invalidArgument, "the posterior buffer is NULL") }
        try handle.with { model in
            if let logProbabilities {
                let scores = try model.logLikelihoods(data, type: handle.elementType, rows: Int(rows), lengths: sequences,
                                                      implementation: method)
                store(scores, into: logProbabilities)
            }
            try model.posteriors(data, type: handle.elementType, rows: Int(rows), lengths: sequences, implementation: method,
                                 into: posteriors)
            return ((), nil)
        }
    }
}

@_cdecl("hmmkit_hmm_log_frameprob")
public func hmmkitHMMLogFrameProbabilities(_ model: OpaquePointer?, _ data: UnsafeRawPointer?, _ rows: Int64,
                                           _ output: UnsafeMutableRawPointer?,
                                           _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let handle = try hmmHandle(model)
        guard output != nil || rows == 0 else { throw CallError(.invalidArgument, "the output buffer is NULL") }
        try handle.with { model in
            try model.emissionLogLikelihoods(data, type: handle.elementType, rows: Int(rows), into: output)
            return ((), nil)
        }
    }
}

@_cdecl("hmmkit_hmm_viterbi")
public func hmmkitHMMViterbi(_ model: OpaquePointer?, _ data: UnsafeRawPointer?, _ rows: Int64, _ lengthValues: UnsafePointer<Int64>?,
                             _ sequenceCount: Int64, _ logProbabilities: UnsafeMutablePointer<Double>?,
                             _ states: UnsafeMutablePointer<Int64>?,
                             _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let handle = try hmmHandle(model)
        let sequences = try lengths(lengthValues, count: Int(sequenceCount), rows: Int(rows))
        let output = try buffer(states, count: Int(rows), "the state buffer")
        let paths = try handle.with { model in (try model.viterbi(data, type: handle.elementType, rows: Int(rows), lengths: sequences), nil) }
        store(paths.map(\.logProbability), into: logProbabilities)
        if let output {
            var row = 0
            for path in paths {
                for state in path.states {
                    output[row] = Int64(state)
                    row += 1
                }
            }
        }
    }
}
