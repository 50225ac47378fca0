import Foundation
import HMMKitNumerics
import HMMKitTestSupport
import Testing

@Suite("FastExponential against libm")
struct FastExponentialTests {
    /// Over [-708, 709] in Double the polynomial exp stays within 2 ulp (relative 4.5e-16) of
    /// libm's `exp`, which is itself correctly rounded to within 1 ulp.
    @Test func doubleWithinTwoUlp() {
        var generator = SeededGenerator(seed: 1)
        var worst = 0.0
        for index in 0..<200_000 {
            let x = index < 100_000 ? Double.random(in: -708...709, using: &generator) : Double.random(in: -40...0, using: &generator)
            let expected = Foundation.exp(x)
            worst = max(worst, abs(FastExponential.exp(x) - expected) / expected)
        }
        #expect(worst <= 4.5e-16, "worst relative error \(worst)")
    }

    /// Float: within 2 ulp (relative 2.4e-7) on [-87, 88].
    @Test func floatWithinTwoUlp() {
        var generator = SeededGenerator(seed: 2)
        var worst = 0.0
        for _ in 0..<200_000 {
            let x = Float.random(in: -87...88, using: &generator)
            let expected = Double(Foundation.exp(Double(x)))
            worst = max(worst, abs(Double(FastExponential.exp(x)) - expected) / expected)
        }
        #expect(worst <= 2.4e-7, "worst relative error \(worst)")
    }

    /// The branch-free form agrees with the checked one on x ≤ 0 (bitwise above −708).
    @Test func nonPositiveMatchesChecked() {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<10_000 {
            let x = Double.random(in: -708...0, using: &generator)
            #expect(FastExponential.exp(nonPositive: x) == FastExponential.exp(x))
            let y = Float.random(in: -87...0, using: &generator)
            #expect(FastExponential.exp(nonPositive: y) == FastExponential.exp(y))
        }
        #expect(FastExponential.exp(nonPositive: -1e6) < 1e-300)
    }

    @Test func edges() {
        #expect(FastExponential.exp(0.0) == 1)
        #expect(FastExponential.exp(Float(0)) == 1)
        #expect(FastExponential.exp(-800.0) == 0)
        #expect(FastExponential.exp(-Double.infinity) == 0)
        #expect(FastExponential.exp(710.0) == .infinity)
        #expect(FastExponential.exp(Double.nan).isNaN)
        #expect(FastExponential.exp(Float.nan).isNaN)
        #expect(FastExponential.exp(Float(-100)) == 0)
    }
}
