@testable import HMMKitPlots
import Testing

/// The 1-2-5 tick rule, the colour maps and the palette.
@Suite struct TicksAndColorTests {
    @Test(arguments: [(13.0, 5, 2.0), (10.0, 5, 2.0), (100.0, 4, 20.0), (1.0, 10, 0.1), (0.03, 3, 0.01), (700.0, 5, 100.0)])
    func stepsAreOneTwoOrFiveTimesAPowerOfTen(span: Double, target: Int, expected: Double) {
        #expect(abs(NiceTicks.step(span: span, targetCount: target) - expected) < 1e-12 * expected)
    }

    @Test func ticksIncludeBothEndsAndSitOnMultiplesOfTheStep() {
        let ticks = NiceTicks.ticks(in: 0...1, targetCount: 5)
        #expect(ticks.map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let shifted = NiceTicks.ticks(in: -0.37...1.91, targetCount: 5)
        #expect(shifted.map(\.label) == ["0.0", "0.5", "1.0", "1.5"])
        #expect(NiceTicks.ticks(in: 0...3, targetCount: 12, integersOnly: true).map(\.label) == ["0", "1", "2", "3"])
    }

    @Test func horizontalTicksThinOutWideLabels() {
        let ticks = NiceTicks.horizontalTicks(in: -1.3e6...(-1.2e6), length: 300, spacing: 40, fontSize: 12)
        let gap = (ticks[1].value - ticks[0].value) / 1e5 * 300
        #expect(TextMetrics.maximumWidth(ticks.map(\.label), fontSize: 12) + 12 <= gap)
    }

    @Test func colorMapsHitTheirAnchors() {
        #expect(ColorMap.viridis.color(at: 0) == RGBColor(hex: 0x440154))
        #expect(ColorMap.viridis.color(at: 1) == RGBColor(hex: 0xfde725))
        #expect(ColorMap.magma.color(at: 1) == RGBColor(hex: 0xfcfdbf))
        #expect(ColorMap.coolwarm.color(at: 0.5) == RGBColor(hex: 0xdddcdc), "coolwarm's neutral grey is at 0")
        #expect(ColorMap.viridis.color(at: -3) == ColorMap.viridis.color(at: 0), "clamped below")
        #expect(ColorMap.viridis.reversed.color(at: 0) == RGBColor(hex: 0xfde725))
        #expect(ColorMap.viridis.reversed.name == "viridis_r")
    }

    @Test func interpolationIsLinearBetweenAnchors() {
        let map = ColorMap(name: "ramp", anchors: [.black, .white])
        #expect(map.color(at: 0.5) == RGBColor(red: 128, green: 128, blue: 128))
        #expect(map.color(at: 0.25).hexString == "#404040")
    }

    @Test func paletteCycles() {
        #expect(CategoricalPalette.tab10[0].hexString == "#1f77b4")
        #expect(CategoricalPalette.tab10[10] == CategoricalPalette.tab10[0])
    }

    @Test func luminancePicksReadableText() {
        #expect(RGBColor.white.relativeLuminance > 0.99)
        #expect(RGBColor.black.relativeLuminance < 0.01)
        #expect(ColorMap.viridis.color(at: 0).relativeLuminance < 0.1)
        #expect(ColorMap.viridis.color(at: 1).relativeLuminance > 0.7)
    }
}
