import HMMKitPlots
import Testing

/// Heat-map geometry: orientation, colours, runs, non-finite cells, the confusion matrix.
@Suite struct HeatMapTests {
    /// The cell rectangles (in cell units, inside the scaled group) keyed by their (x, y).
    private func cells(_ plot: HeatMap) throws -> [[Int]: ParsedElement] {
        let elements = try #require(parseSVG(plot.svgText))
        var result: [[Int]: ParsedElement] = [:]
        for element in elements where element.name == "rect" {
            guard let parent = element.parent, elements[parent].attributes["shape-rendering"] == "crispEdges" else { continue }
            result[[Int(element.number("x")!), Int(element.number("y")!)]] = element
        }
        return result
    }

    /// `[frameCount × dimension]`: frame 0 on the left, coefficient 0 at the bottom (librosa's specshow).
    @Test func featuresRunAlongXWithCoefficientZeroAtTheBottom() throws {
        let features: [[Double]] = [[0, 1], [2, 3], [4, 5]]
        let plot = HeatMap(features: features, colorScale: .sequential(.viridis, range: 0...5))
        let cells = try cells(plot)
        #expect(cells.count == 6)
        #expect(cells[[0, 1]]?.attributes["fill"] == ColorMap.viridis.color(at: 0).hexString, "frame 0, coefficient 0")
        #expect(cells[[2, 0]]?.attributes["fill"] == ColorMap.viridis.color(at: 1).hexString, "frame 2, coefficient 1")
    }

    /// `[rowCount × columnCount]` drawn row 0 at the top, as imshow and confusion matrices are.
    @Test func rowsRunDownward() throws {
        let plot = HeatMap(values: [[0, 1], [2, 3]], colorScale: .sequential(.magma, range: 0...3))
        let cells = try cells(plot)
        #expect(cells[[0, 0]]?.attributes["fill"] == ColorMap.magma.color(at: 0).hexString)
        #expect(cells[[1, 1]]?.attributes["fill"] == ColorMap.magma.color(at: 1).hexString)
    }

    /// Equal neighbours in a display row become one rectangle.
    @Test func equalNeighboursMerge() throws {
        let cells = try cells(HeatMap(values: [[1, 1, 1, 5]]))
        #expect(cells.count == 2)
        #expect(cells[[0, 0]]?.number("width") == 3)
        #expect(cells[[3, 0]]?.number("width") == 1)
    }

    /// A diverging scale is symmetric about 0: 0 takes the map's middle colour.
    @Test func divergingScaleCentresZero() throws {
        let cells = try cells(HeatMap(values: [[-1, 0, 4]], colorScale: .diverging()))
        #expect(cells[[1, 0]]?.attributes["fill"] == ColorMap.coolwarm.color(at: 128.0 / 255).hexString)
        #expect(cells[[2, 0]]?.attributes["fill"] == ColorMap.coolwarm.color(at: 1).hexString)
    }

    /// NaN and ±∞ cells take the neutral colour, the colour range ignores them, and no `nan` is printed.
    @Test func nonFiniteCellsAreNeutral() throws {
        let plot = HeatMap(values: [[.nan, 0, .infinity, 2, -.infinity]], nonFiniteColor: RGBColor(hex: 0x808080))
        let text = plot.svgText
        #expect(!containsNonFiniteNumber(text))
        let cells = try cells(plot)
        #expect(cells[[0, 0]]?.attributes["fill"] == "#808080")
        #expect(cells[[2, 0]]?.attributes["fill"] == "#808080")
        #expect(cells[[4, 0]]?.attributes["fill"] == "#808080")
        #expect(cells[[3, 0]]?.attributes["fill"] == ColorMap.viridis.color(at: 1).hexString)
        #expect(text.contains(">not finite</text>"), "the colour bar's key for non-finite cells")
    }

    /// Time ticks in seconds sit at `seconds / frameShift` cells.
    @Test func secondsTicks() throws {
        let plot = HeatMap(features: [[Double]](repeating: [0, 1], count: 250), frameShiftSeconds: 0.01)
        let elements = try #require(parseSVG(plot.svgText))
        let labels = elements.filter { $0.name == "text" }.map(\.text)
        #expect(labels.contains("0.0") && labels.contains("2.5"))
        #expect(labels.contains("Time (s)"))
    }

    /// Counts printed in the cells, colours by share of the true class, class names on both axes.
    @Test func confusionMatrix() throws {
        let plot = HeatMap.confusionMatrix([[3, 1], [0, 4]], classNames: ["yes", "no & maybe"])
        #expect(plot.values == [[0.75, 0.25], [0, 1]])
        let elements = try #require(parseSVG(plot.svgText))
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        for expected in ["3", "1", "0", "4", "no & maybe", "yes", "True class", "Predicted class"] {
            #expect(texts.contains(expected), "missing \(expected)")
        }
    }

    /// Empty matrices draw empty axes rather than trap.
    @Test(arguments: [[[Double]](), [[]]])
    func emptyMatrices(values: [[Double]]) throws {
        #expect(parseSVG(HeatMap(values: values).svgText) != nil)
    }

    /// A 2,000 × 39 MFCC matrix: fine for a browser, and quick.
    @Test func largeFeatureMatrix() throws {
        let features: [[Double]] = (0..<2000).map { (t: Int) -> [Double] in
            (0..<39).map { (k: Int) -> Double in Double((t * 7 + k * 13) % 101) - 50 }
        }
        let text = HeatMap(features: features, frameShiftSeconds: 0.01, colorScale: .diverging()).svgText
        #expect(text.utf8.count < 5_000_000)
        #expect(!containsNonFiniteNumber(text))
    }
}
