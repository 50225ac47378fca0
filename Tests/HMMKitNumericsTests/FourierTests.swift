import Foundation
import HMMKitNumerics
import HMMKitTestSupport
import Testing

// The real FFT on both backends and both precisions: closed forms (impulses, cosines, Parseval),
// a plain Double DFT written here as the independent reference, zero padding, the power spectrum,
// and agreement between FFTW and the pure-Swift radix-2 / plain-DFT code.
//
// Tolerances, relative to the largest |Re X| or |Im X| of the expected spectrum (`relativeError`
// over real and imaginary parts together). A radix-2 FFT's error grows like log₂n·ε, but the
// reference backend runs a plain DFT for lengths that are not powers of two: each output sums n
// products (inputs in -1...1, twiddles rounded to the precision), so its rounding error is at most
// n·ε·Σ|x| and typically √n·ε·‖x‖. Relative to the spectrum's peak (≥ ‖x‖, n/2 for a cosine) that
// is worst case n·ε·√n for random data: 257·16·2⁻⁵³ ≈ 4.6e-13 and 257·16·2⁻²⁴ ≈ 2.5e-4.
/// Double: 1e-12, twice the worst case n^1.5·2⁻⁵³ for n = 257.
private let toleranceDouble = 1e-12
/// Float: 1e-4; the worst case n^1.5·2⁻²⁴ ≈ 2.5e-4 needs every rounding to line up, the expected
/// n·2⁻²⁴ ≈ 1.5e-5 is 7 times below. A wrong twiddle or bin gives errors of order 1.
private let toleranceFloat = 1e-4

/// The lengths swept: 1 and 2 (degenerate), odd primes (plain DFT), 64 and 256 (radix-2, one even and
/// one odd power of four), 200 (even but not a power of two), and 257 = 2⁸ + 1.
let fourierLengths = [1, 2, 3, 17, 64, 200, 256, 257]

/// A spectrum as real parts followed by imaginary parts, in Double, for `relativeError`.
private struct Spectrum {
    var real: [Double], imaginary: [Double]
    var flattened: [Double] { real + imaginary }
}

/// Runs `fft` on `signal` through the buffer API.
private func spectrum<S: MatrixScalar>(_ fft: RealFourierTransform<S>, _ signal: [S]) -> Spectrum {
    signal.withUnsafeBufferPointer { buffer in
        fft.transform(buffer) { real, imaginary in
            #expect(real.count == fft.outputCount && imaginary.count == fft.outputCount)
            return Spectrum(real: (0..<real.count).map { Double(real[$0]) },
                            imaginary: (0..<imaginary.count).map { Double(imaginary[$0]) })
        }
    }
}

/// X[k] = Σⱼ x[j]·e^(−2πi·kj/n) for k = 0 … n/2 by the definition, in Double, with the phase
/// k·j reduced modulo n in integers; `signal` may be shorter than `length` (zero padding).
private func naiveDFT(_ signal: [Double], length n: Int) -> Spectrum {
    var result = Spectrum(real: [], imaginary: [])
    for k in 0...(n / 2) {
        var re = 0.0, im = 0.0
        for (j, x) in signal.enumerated() {
            let angle = 2 * Double.pi * Double((k * j) % n) / Double(n)
            re += x * cos(angle)
            im -= x * sin(angle)
        }
        result.real.append(re)
        result.imaginary.append(im)
    }
    return result
}

@Suite("Real FFT")
struct RealFourierTransformTests {
    @Test(arguments: ComputeBackend.allCases, fourierLengths)
    func impulsesGiveUnitPhasors(backend: ComputeBackend, length: Int) {
        checkImpulses(Float.self, backend, length, tolerance: toleranceFloat)
        checkImpulses(Double.self, backend, length, tolerance: toleranceDouble)
    }

    /// An impulse at 0 transforms to all ones; an impulse at d to X[k] = e^(−2πi·kd/n).
    private func checkImpulses<S: MatrixScalar>(
        _: S.Type, _ backend: ComputeBackend, _ n: Int, tolerance: Double
    ) {
        let fft = RealFourierTransform<S>(length: n, backend: backend)
        #expect(fft.outputCount == n / 2 + 1)
        for d in Set([0, 1 % n, n - 1]).sorted() {
            var signal = [S](repeating: 0, count: n)
            signal[d] = 1
            let expected = Spectrum(
                real: (0...(n / 2)).map { cos(2 * Double.pi * Double(($0 * d) % n) / Double(n)) },
                imaginary: (0...(n / 2)).map { -sin(2 * Double.pi * Double(($0 * d) % n) / Double(n)) })
            if d == 0 { #expect(expected.real.allSatisfy { $0 == 1 } && expected.imaginary.allSatisfy { $0 == 0 }) }
            let error = relativeError(spectrum(fft, signal).flattened, expected.flattened)
            #expect(error <= tolerance, "\(S.self) \(backend) n=\(n) impulse at \(d): error \(error)")
        }
    }

    @Test(arguments: ComputeBackend.allCases, fourierLengths)
    func cosinesPeakAtTheirBin(backend: ComputeBackend, length: Int) {
        checkCosines(Float.self, backend, length, tolerance: toleranceFloat)
        checkCosines(Double.self, backend, length, tolerance: toleranceDouble)
    }

    /// x[j] = cos(2π·mj/n) has X[m] = n/2 (n for m = 0 and for m = n/2) and 0 at every other bin.
    private func checkCosines<S: MatrixScalar>(
        _: S.Type, _ backend: ComputeBackend, _ n: Int, tolerance: Double
    ) {
        let fft = RealFourierTransform<S>(length: n, backend: backend)
        for m in Set([0, n / 3, n / 2]).sorted() {
            let signal = (0..<n).map { S(cos(2 * Double.pi * Double((m * $0) % n) / Double(n))) }
            var expected = Spectrum(real: [Double](repeating: 0, count: n / 2 + 1),
                                    imaginary: [Double](repeating: 0, count: n / 2 + 1))
            expected.real[m] = (m == 0 || 2 * m == n) ? Double(n) : Double(n) / 2
            let error = relativeError(spectrum(fft, signal).flattened, expected.flattened)
            #expect(error <= tolerance, "\(S.self) \(backend) n=\(n) cosine at bin \(m): error \(error)")
        }
    }

    @Test(arguments: fourierLengths)
    func randomSignalsMatchTheDefinitionAndTheOtherBackend(length: Int) {
        checkRandom(Float.self, length, tolerance: toleranceFloat)
        checkRandom(Double.self, length, tolerance: toleranceDouble)
    }

    private func checkRandom<S: MatrixScalar>(_: S.Type, _ n: Int, tolerance: Double) {
        var generator = seededGenerator(n, 61)
        let signal: [S] = .random(count: n, using: &generator)
        let expected = naiveDFT(signal.map { Double($0) }, length: n)
        var spectra: [Spectrum] = []
        for backend in ComputeBackend.allCases {
            let fft = RealFourierTransform<S>(length: n, backend: backend)
            let result = spectrum(fft, signal)
            #expect(relativeError(result.flattened, expected.flattened) <= tolerance, "\(S.self) \(backend) n=\(n)")
            // The array API returns the same values as the buffer API.
            let complex = fft.transform(signal)
            #expect(complex.map { Double($0.real) } == result.real && complex.map { Double($0.imaginary) } == result.imaginary,
                    "\(S.self) \(backend) n=\(n): transform(_:) differs from transform(_:_:)")
            spectra.append(result)
        }
        #expect(relativeError(spectra[0].flattened, spectra[1].flattened) <= tolerance,
                "\(S.self) n=\(n): backends disagree")
    }

    @Test(arguments: ComputeBackend.allCases, fourierLengths)
    func shortSignalsAreZeroPadded(backend: ComputeBackend, length: Int) {
        checkPadding(Float.self, backend, length, tolerance: toleranceFloat)
        checkPadding(Double.self, backend, length, tolerance: toleranceDouble)
    }

    /// A signal of c < n samples transforms exactly like the same samples followed by zeros, also
    /// right after a full-length signal has left the transform's scratch buffers non-zero.
    private func checkPadding<S: MatrixScalar>(
        _: S.Type, _ backend: ComputeBackend, _ n: Int, tolerance: Double
    ) {
        var generator = seededGenerator(n, 67)
        let fft = RealFourierTransform<S>(length: n, backend: backend)
        for count in Set([0, 1, n / 2 + 1, n - 1]).sorted() where count < n {
            let short: [S] = .random(count: count, using: &generator)
            let padded = short + [S](repeating: 0, count: n - count)
            _ = spectrum(fft, .random(count: n, in: 1...2, using: &generator))   // dirty the scratch buffers
            let result = spectrum(fft, short)
            let explicit = spectrum(fft, padded)
            #expect(result.flattened == explicit.flattened, "\(S.self) \(backend) n=\(n) count=\(count)")
            let expected = naiveDFT(short.map { Double($0) }, length: n)
            #expect(relativeError(result.flattened, expected.flattened) <= tolerance,
                    "\(S.self) \(backend) n=\(n) count=\(count)")
            if count == 0 { #expect(result.flattened.allSatisfy { $0 == 0 }, "\(S.self) \(backend) n=\(n): empty signal") }
        }
    }

    @Test(arguments: ComputeBackend.allCases, fourierLengths)
    func powerSpectrumIsTheSquaredMagnitudeAndKeepsEnergy(backend: ComputeBackend, length: Int) {
        checkPower(Float.self, backend, length, tolerance: toleranceFloat)
        checkPower(Double.self, backend, length, tolerance: toleranceDouble)
    }

    /// |X[k]|² bin by bin, and Parseval's theorem for a real signal:
    /// Σ x² = (P[0] + 2·Σ₀<ₖ<ₙ/₂ P[k] + P[n/2] if n is even) / n.
    private func checkPower<S: MatrixScalar>(
        _: S.Type, _ backend: ComputeBackend, _ n: Int, tolerance: Double
    ) {
        var generator = seededGenerator(n, 71)
        let fft = RealFourierTransform<S>(length: n, backend: backend)
        let signal: [S] = .random(count: n, using: &generator)
        var power: [S] = [42]   // wrong size on purpose: must be resized to outputCount
        signal.withUnsafeBufferPointer { fft.powerSpectrum($0, into: &power) }
        #expect(power.count == n / 2 + 1)
        let result = spectrum(fft, signal)
        let squared = zip(result.real, result.imaginary).map { $0 * $0 + $1 * $1 }
        // One more rounding per bin on top of the spectrum's own: the spectrum tolerance covers it.
        #expect(relativeError(power.map { Double($0) }, squared) <= tolerance, "\(S.self) \(backend) n=\(n)")
        var weighted = 0.0
        for (k, p) in power.enumerated() {
            let mirrored = k != 0 && !(n % 2 == 0 && k == n / 2)
            weighted += (mirrored ? 2 : 1) * Double(p)
        }
        // The buffer form writes the same values into the first outputCount elements only.
        var buffer = [S](repeating: -1, count: n / 2 + 3)
        signal.withUnsafeBufferPointer { input in
            buffer.withUnsafeMutableBufferPointer { fft.powerSpectrum(input, into: $0) }
        }
        #expect(Array(buffer.prefix(n / 2 + 1)) == power, "\(S.self) \(backend) n=\(n): buffer form differs")
        #expect(buffer.suffix(2) == [-1, -1], "\(S.self) \(backend) n=\(n): wrote past outputCount")
        let energy = signal.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(relativeError([weighted / Double(n)], [energy]) <= tolerance,
                "\(S.self) \(backend) n=\(n): Parseval \(weighted / Double(n)) vs \(energy)")
    }
}
