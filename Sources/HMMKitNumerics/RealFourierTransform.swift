import ComplexModule

/// The discrete Fourier transform of real input of one fixed `length`:
/// `X[k] = Σₙ x[n]·e^(−2πikn/length)` for `k = 0 … length/2` (the non-redundant half).
///
/// A transform object owns its scratch buffers, so it is **not** shared between threads: make one
/// per worker (cheap: the FFTW plan itself is cached process-wide). Accelerated: FFTW's
/// `fftw_plan_dft_r2c_1d` (`fftwf_` for `Float`), any length. Reference: a radix-2 FFT of half
/// length with a real-input split for powers of two, a plain O(n²) DFT for other lengths.
public final class RealFourierTransform<Scalar: MatrixScalar> {
    /// The number of real input samples.
    public let length: Int
    /// The backend this transform runs on.
    public let backend: ComputeBackend
    /// The number of complex outputs, `length / 2 + 1`.
    public var outputCount: Int { length / 2 + 1 }

    private let plan: FFTWPlan?
    private let input: FFTWBuffer?
    private let output: FFTWBuffer?
    private let reference: ReferenceRealFFT<Scalar>?

    /// A transform of `length` ≥ 1 real samples on `backend`.
    public init(length: Int, backend: ComputeBackend = .default) {
        precondition(length >= 1, "RealFourierTransform length must be at least 1 (got \(length))")
        self.length = length
        self.backend = backend
        switch backend {
        case .accelerated:
            plan = FFTWPlanner.plan(.realToComplex, length: length, precision: Scalar.precision)
            input = FFTWBuffer(scalars: length, precision: Scalar.precision)
            output = FFTWBuffer(scalars: 2 * (length / 2 + 1), precision: Scalar.precision)
            reference = nil
        case .reference:
            plan = nil; input = nil; output = nil
            reference = ReferenceRealFFT(length: length)
        }
    }

    /// Transforms `signal` (at most ``length`` samples; zero-padded to ``length``) and calls `body`
    /// with the real and imaginary parts of the ``outputCount`` outputs. The buffers are valid
    /// only inside `body`; this is the allocation-free path the feature pipeline uses.
    @_specialize(where Scalar == Float, R == Void)
    @_specialize(where Scalar == Double, R == Void)
    public func transform<R>(
        _ signal: UnsafeBufferPointer<Scalar>,
        _ body: (_ real: StridedSpectrum<Scalar>, _ imaginary: StridedSpectrum<Scalar>) throws -> R
    ) rethrows -> R {
        precondition(signal.count <= length,
                     "RealFourierTransform of length \(length) got \(signal.count) samples")
        if let plan, let input, let output {
            let target = input.scalars(Scalar.self)
            if let base = signal.baseAddress { target.update(from: base, count: signal.count) }
            (target + signal.count).update(repeating: 0, count: length - signal.count)
            plan.execute(.realToComplex, input: input, output: output)
            let values = UnsafePointer(output.scalars(Scalar.self))
            return try body(StridedSpectrum(base: values, count: outputCount, stride: 2),
                            StridedSpectrum(base: values + 1, count: outputCount, stride: 2))
        }
        let reference = reference!
        reference.transform(signal)
        return try reference.withOutput { real, imaginary in
            try body(StridedSpectrum(base: real, count: outputCount, stride: 1),
                     StridedSpectrum(base: imaginary, count: outputCount, stride: 1))
        }
    }

    /// The ``outputCount`` complex outputs for `signal` (at most ``length`` samples, zero-padded).
    public func transform(_ signal: [Scalar]) -> [Complex<Scalar>] {
        signal.withUnsafeBufferPointer { buffer in
            transform(buffer) { real, imaginary in
                (0..<outputCount).map { Complex(real[$0], imaginary[$0]) }
            }
        }
    }

    /// `|X[k]|²` for `k = 0 … length/2` into `power` (resized to ``outputCount``).
    public func powerSpectrum(_ signal: UnsafeBufferPointer<Scalar>, into power: inout [Scalar]) {
        if power.count != outputCount { power = [Scalar](repeating: 0, count: outputCount) }
        power.withUnsafeMutableBufferPointer { powerSpectrum(signal, into: $0) }
    }

    /// `|X[k]|²` for `k = 0 … length/2` into the first ``outputCount`` elements of `power`:
    /// the allocation-free form the feature pipeline calls once per frame.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func powerSpectrum(_ signal: UnsafeBufferPointer<Scalar>, into power: UnsafeMutableBufferPointer<Scalar>) {
        precondition(power.count >= outputCount, "powerSpectrum needs room for \(outputCount) values")
        let count = outputCount
        transform(signal) { real, imaginary in
            let (re, im, stride) = (real.base, imaginary.base, real.stride)
            for k in 0..<count {
                let (x, y) = (re[k * stride], im[k * stride])
                power[k] = x * x + y * y
            }
        }
    }
}

/// A read-only view of one component (real or imaginary) of a spectrum held in a transform's
/// scratch buffer: element `k` is at `base[k * stride]`.
public struct StridedSpectrum<Scalar: MatrixScalar> {
    @usableFromInline let base: UnsafePointer<Scalar>
    /// The number of values.
    public let count: Int
    @usableFromInline let stride: Int

    @inlinable init(base: UnsafePointer<Scalar>, count: Int, stride: Int) {
        self.base = base
        self.count = count
        self.stride = stride
    }

    /// Value `k` (0 ≤ k < count).
    @inlinable public subscript(k: Int) -> Scalar {
        precondition(k >= 0 && k < count, "spectrum index \(k) out of range 0..<\(count)")
        return base[k * stride]
    }
}
