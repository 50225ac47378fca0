@testable import HMMKitPlots
import Testing

/// Compact, exact number printing: no 17-digit floats, no `-0`, no `nan`.
@Suite struct NumberTextTests {
    @Test(arguments: [
        (0.1 + 0.2, "0.3"), (-0.004, "0"), (12, "12"), (-2.5, "-2.5"), (3.14159, "3.14"),
        (100.05, "100.05"), (-0.07, "-0.07"), (1e9, "1000000000"), (Double.nan, "0"), (Double.infinity, "0"),
    ])
    func coordinates(value: Double, expected: String) {
        #expect(NumberText.coordinate(value) == expected)
    }

    @Test func fixedDecimals() {
        #expect(NumberText.fixed(92.34, decimals: 1) == "92.3")
        #expect(NumberText.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(NumberText.fixed(2, decimals: 0) == "2")
        #expect(NumberText.fixed(-1.5, decimals: 3) == "-1.500")
        #expect(NumberText.fixed(.nan, decimals: 2) == "")
    }

    @Test(arguments: [
        (0.92345, "0.923"), (12.0, "12"), (1234.0, "1234"), (0.000042, "4.2e-5"), (1_234_567.0, "1.23e6"),
        (9_996_000.0, "1e7"), (-0.5, "-0.5"), (0.0, "0"),
    ])
    func significantDigits(value: Double, expected: String) {
        #expect(NumberText.significant(value, digits: 3) == expected)
    }

    @Test func tickLabelsHaveJustEnoughDecimals() {
        #expect(NumberText.tickLabels([0, 0.1, 0.2, 0.30000000000000004], step: 0.1) == ["0.0", "0.1", "0.2", "0.3"])
        #expect(NumberText.tickLabels([0, 5, 10], step: 5) == ["0", "5", "10"])
        #expect(NumberText.tickLabels([-20, 0, 20], step: 20) == ["-20", "0", "20"])
        #expect(NumberText.tickLabels([0.0005, 0.001], step: 0.0005) == ["0.0005", "0.0010"])
    }

    @Test func largeAndTinyTicksShareAnExponent() {
        #expect(NumberText.tickLabels([-1.24e6, -1.23e6], step: 1e4) == ["-1.24e6", "-1.23e6"])
        #expect(NumberText.tickLabels([0, 2e6, 4e6], step: 2e6) == ["0", "2e6", "4e6"])
        #expect(NumberText.tickLabels([0, 1e-5, 2e-5], step: 1e-5) == ["0", "1e-5", "2e-5"])
    }

    @Test func valueFormats() {
        #expect(ValueFormat.percent(decimals: 1).string(for: 0.9234) == "92.3%")
        #expect(ValueFormat.decimals(2).string(for: 12) == "12.00")
        #expect(ValueFormat.automatic.string(for: 0.5) == "0.5")
        #expect(ValueFormat.automatic.string(for: .nan) == "")
        #expect(ValueFormat.percent(decimals: 0).string(for: -.infinity) == "")
    }

    @Test func xmlEscaping() {
        #expect(xmlEscaped(#"a < b & "c" 'd' > e"#) == "a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt; e")
        #expect(xmlEscaped("bell\u{7}\u{0}tab\tok") == "bell\u{FFFD}\u{FFFD}tab\tok")
        #expect(xmlEscaped("Δ x₁ 日本") == "Δ x₁ 日本")
    }
}
