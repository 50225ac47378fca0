import HMMKitNumerics

/// Appends delta and delta-delta features to static cepstra, in the three styles of ``DeltaStyle``.
enum DeltaComputer {
    /// `[frames × d]` statics → `[frames × d·(1 + order)]`: statics, Δ, ΔΔ side by side.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func appendDeltas<S: MatrixScalar>(to statics: Matrix<S>, style: DeltaStyle, order: Int, source: String)
        throws(FeatureError) -> Matrix<S>
    {
        let frames = statics.rowCount, d = statics.columnCount
        var result = Matrix<S>(rowCount: frames, columnCount: d * (1 + order))
        guard frames > 0 else { return result }
        var blocks: [Matrix<S>] = [statics]
        switch style {
        case .regression(let window):
            // Kaldi DeltaFeatures: the order-i filter is the order-(i−1) filter convolved with the
            // regression filter; every order is applied to the statics with clamped frame indices.
            var filter: [Double] = [1]
            let regression = regressionFilter(window)
            for _ in 0..<order {
                filter = convolve(filter, regression)
                blocks.append(applyClamped(filter, to: statics))
            }
        case .repeatedRegression(let window):
            let regression = regressionFilter(window)
            for _ in 0..<order { blocks.append(applyClamped(regression, to: blocks.last!)) }
        case .savitzkyGolay(let width):
            guard order == 0 || frames >= width else {
                throw .tooFewFramesForDeltas(source: source, frames: frames, needed: width)
            }
            for derivative in stride(from: 1, through: order, by: 1) {
                blocks.append(savitzkyGolay(statics, width: width, derivative: derivative))
            }
        }
        result.withUnsafeMutableElements { out in
            for (blockIndex, block) in blocks.enumerated() {
                block.withUnsafeElements { values in
                    for t in 0..<frames {
                        for j in 0..<d { out[t * d * (1 + order) + blockIndex * d + j] = values[t * d + j] }
                    }
                }
            }
        }
        return result
    }

    /// `j / Σ j²` for `j = −N … N` (the normaliser is `2 Σ_{n=1}^{N} n²`).
    static func regressionFilter(_ window: Int) -> [Double] {
        let normalizer = Double(2 * (1...window).reduce(0) { $0 + $1 * $1 })
        return (-window...window).map { Double($0) / normalizer }
    }

    /// The full convolution of two filters.
    static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: a.count + b.count - 1)
        for (i, x) in a.enumerated() { for (j, y) in b.enumerated() { result[i + j] += x * y } }
        return result
    }

    /// `out[t] = Σⱼ filter[j] · x[clamp(t + j − center)]` (an odd-length filter centred on t).
    static func applyClamped<S: MatrixScalar>(_ filter: [Double], to x: Matrix<S>) -> Matrix<S> {
        let frames = x.rowCount, d = x.columnCount, center = filter.count / 2
        var out = Matrix<S>(rowCount: frames, columnCount: d)
        let taps = filter.map { S($0) }
        x.withUnsafeElements { input in
            out.withUnsafeMutableElements { output in
                for t in 0..<frames {
                    let row = output.baseAddress! + t * d
                    for (j, tap) in taps.enumerated() where tap != 0 {
                        let source = min(max(t + j - center, 0), frames - 1)
                        let inputRow = input.baseAddress! + source * d
                        for k in 0..<d { row[k] += tap * inputRow[k] }
                    }
                }
            }
        }
        return out
    }

    /// librosa's `delta(width, order, mode='interp')`: the Savitzky-Golay derivative of the given
    /// order with polynomial order equal to it. The derivative of the fitted polynomial is then
    /// constant over a window, so the first and last `width/2` frames take the value of the first
    /// and last full window — what `interp` mode's edge fit gives.
    static func savitzkyGolay<S: MatrixScalar>(_ x: Matrix<S>, width: Int, derivative: Int) -> Matrix<S> {
        let half = width / 2
        let offsets = (-half...half).map(Double.init)
        let filter: [Double]
        if derivative == 1 {
            let norm = offsets.reduce(0) { $0 + $1 * $1 }
            filter = offsets.map { $0 / norm }
        } else {
            // Second derivative of the least-squares quadratic: 2·Σ (j² − mean j²)·x / Σ (j² − mean j²)².
            let meanSquare = offsets.reduce(0) { $0 + $1 * $1 } / Double(width)
            let centred = offsets.map { $0 * $0 - meanSquare }
            let norm = centred.reduce(0) { $0 + $1 * $1 }
            filter = centred.map { 2 * $0 / norm }
        }
        var out = applyClamped(filter, to: x)
        let frames = x.rowCount, d = x.columnCount
        out.withUnsafeMutableElements { values in
            for t in 0..<min(half, frames) {
                for k in 0..<d { values[t * d + k] = values[half * d + k] }
            }
            for t in max(frames - half, half)..<frames {
                for k in 0..<d { values[t * d + k] = values[(frames - 1 - half) * d + k] }
            }
        }
        return out
    }
}
