import RealModule

/// The pure-Swift real FFT behind ``RealFourierTransform`` on the reference backend.
///
/// Power-of-two lengths n ≥ 2: the n real samples are packed as n/2 complex values
/// (z[j] = x[2j] + i·x[2j+1]), transformed by an iterative radix-2 FFT (bit-reversal table,
/// precomputed twiddles, split real/imaginary arrays) and split into the spectrum of x.
/// Other lengths: a plain DFT over a precomputed table of cos/sin(2πm/n).
final class ReferenceRealFFT<Scalar: MatrixScalar> {
    let length: Int
    private let half: Int
    private let isPowerOfTwo: Bool
    // Radix-2 tables (power-of-two lengths).
    private var bitReversed: [Int] = []
    private var twiddleCos: [Scalar] = []      // cos(2πj/half), j < half/2
    private var twiddleSin: [Scalar] = []      // sin(2πj/half)
    private var splitCos: [Scalar] = []        // cos(2πk/length), k ≤ half
    private var splitSin: [Scalar] = []
    // Work arrays.
    private var workReal: [Scalar]
    private var workImaginary: [Scalar]
    private var outReal: [Scalar]
    private var outImaginary: [Scalar]

    init(length: Int) {
        self.length = length
        half = length / 2
        isPowerOfTwo = length >= 2 && length & (length - 1) == 0
        workReal = [Scalar](repeating: 0, count: max(half, length))
        workImaginary = [Scalar](repeating: 0, count: max(half, length))
        outReal = [Scalar](repeating: 0, count: half + 1)
        outImaginary = [Scalar](repeating: 0, count: half + 1)
        if isPowerOfTwo {
            let bits = half.trailingZeroBitCount
            bitReversed = (0..<half).map { index in
                var reversed = 0
                for bit in 0..<bits where index & (1 << bit) != 0 { reversed |= 1 << (bits - 1 - bit) }
                return reversed
            }
            twiddleCos = (0..<max(half / 2, 1)).map { Scalar(Double.cos(2 * .pi * Double($0) / Double(half))) }
            twiddleSin = (0..<max(half / 2, 1)).map { Scalar(Double.sin(2 * .pi * Double($0) / Double(half))) }
            splitCos = (0...half).map { Scalar(Double.cos(2 * .pi * Double($0) / Double(length))) }
            splitSin = (0...half).map { Scalar(Double.sin(2 * .pi * Double($0) / Double(length))) }
        } else {
            // cos/sin(2πm/n) for m < n: the DFT needs index (k·j) mod n only.
            splitCos = (0..<length).map { Scalar(Double.cos(2 * .pi * Double($0) / Double(length))) }
            splitSin = (0..<length).map { Scalar(Double.sin(2 * .pi * Double($0) / Double(length))) }
        }
    }

    func withOutput<R>(_ body: (UnsafePointer<Scalar>, UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try outReal.withUnsafeBufferPointer { real in
            try outImaginary.withUnsafeBufferPointer { imaginary in
                try body(real.baseAddress!, imaginary.baseAddress!)
            }
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func transform(_ signal: UnsafeBufferPointer<Scalar>) {
        @inline(__always) func sample(_ index: Int) -> Scalar { index < signal.count ? signal[index] : 0 }
        if length == 1 {
            outReal[0] = sample(0); outImaginary[0] = 0
            return
        }
        if !isPowerOfTwo {
            plainDFT(signal)
            return
        }
        workReal.withUnsafeMutableBufferPointer { re in
            workImaginary.withUnsafeMutableBufferPointer { im in
                for j in 0..<half {
                    let target = bitReversed[j]
                    re[target] = sample(2 * j)
                    im[target] = sample(2 * j + 1)
                }
                radix2(re, im)
                outReal.withUnsafeMutableBufferPointer { outRe in
                    outImaginary.withUnsafeMutableBufferPointer { outIm in
                        split(re, im, outRe, outIm)
                    }
                }
            }
        }
    }

    /// In-place decimation-in-time butterflies on bit-reversed input of length `half`.
    private func radix2(_ re: UnsafeMutableBufferPointer<Scalar>, _ im: UnsafeMutableBufferPointer<Scalar>) {
        twiddleCos.withUnsafeBufferPointer { cosTable in
            twiddleSin.withUnsafeBufferPointer { sinTable in
                var span = 1
                while span < half {
                    let tableStep = half / (2 * span)
                    for start in stride(from: 0, to: half, by: 2 * span) {
                        for offset in 0..<span {
                            let c = cosTable[offset * tableStep], s = sinTable[offset * tableStep]
                            let top = start + offset, bottom = top + span
                            // w = e^(−2πi·offset/(2·span)) = c − i·s
                            let productRe = re[bottom] * c + im[bottom] * s
                            let productIm = im[bottom] * c - re[bottom] * s
                            re[bottom] = re[top] - productRe
                            im[bottom] = im[top] - productIm
                            re[top] += productRe
                            im[top] += productIm
                        }
                    }
                    span *= 2
                }
            }
        }
    }

    /// X[k] = (Z[k] + conj Z[h−k])/2 − i·e^(−2πik/n)·(Z[k] − conj Z[h−k])/2, with Z[h] = Z[0].
    private func split(_ re: UnsafeMutableBufferPointer<Scalar>, _ im: UnsafeMutableBufferPointer<Scalar>,
                       _ outRe: UnsafeMutableBufferPointer<Scalar>, _ outIm: UnsafeMutableBufferPointer<Scalar>) {
        for k in 0...half {
            let zr = re[k % half], zi = im[k % half]
            let mirror = (half - k) % half
            let wr = re[mirror], wi = -im[mirror]          // conj Z[h−k]
            let evenRe = (zr + wr) / 2, evenIm = (zi + wi) / 2
            let oddRe = (zr - wr) / 2, oddIm = (zi - wi) / 2
            // −i·(c − i·s)·odd = (−s − i·c)·odd
            let c = splitCos[k], s = splitSin[k]
            let rotatedRe = -s * oddRe + c * oddIm
            let rotatedIm = -s * oddIm - c * oddRe
            outRe[k] = evenRe + rotatedRe
            outIm[k] = evenIm + rotatedIm
        }
    }

    private func plainDFT(_ signal: UnsafeBufferPointer<Scalar>) {
        for k in 0...half {
            var sumRe: Scalar = 0, sumIm: Scalar = 0
            var index = 0
            for j in 0..<min(signal.count, length) {
                sumRe += signal[j] * splitCos[index]
                sumIm -= signal[j] * splitSin[index]
                index += k
                if index >= length { index -= length }
            }
            outReal[k] = sumRe
            outImaginary[k] = sumIm
        }
    }
}
