import Foundation
import HMMKitPlots
import Testing

/// Line plots, scatter plots, bar charts and the ellipses' geometry.
@Suite struct ChartTests {
    static let awkwardText = "a < b & \"c\" 'd' \u{1} Δ"

    /// Every plot type makes well-formed XML, whatever its text, and never prints `nan` or `inf`.
    @Test func everyPlotIsWellFormedWithoutNonFiniteNumbers() throws {
        let plots: [any SVGPlot] = [
            LinePlot(series: [LineSeries(name: Self.awkwardText, values: [1, .nan, 3, .infinity, 2])],
                     title: Self.awkwardText, xLabel: Self.awkwardText, yLabel: Self.awkwardText),
            LinePlot(series: []),
            LinePlot(series: [LineSeries(name: "", values: [.nan])]),
            ScatterPlot(groups: [ScatterGroup(name: Self.awkwardText, points: [PlotPoint(x: .nan, y: 1), PlotPoint(x: 1, y: 2)])],
                        ellipses: [CovarianceEllipse(center: PlotPoint(x: 0, y: 0), varianceX: .nan, covarianceXY: 0, varianceY: 1),
                                   CovarianceEllipse(center: PlotPoint(x: 0, y: 0), varianceX: 1, covarianceXY: 2, varianceY: 1)],
                        title: Self.awkwardText),
            ScatterPlot(groups: []),
            BarChart(categories: [Self.awkwardText, "b"], series: [BarSeries(name: Self.awkwardText, values: [.nan, -.infinity])]),
            BarChart(categories: [], series: []),
            HeatMap(values: [[.nan]], title: Self.awkwardText, cellText: [[Self.awkwardText]]),
        ]
        for plot in plots {
            let text = plot.svgText
            let elements = try #require(parseSVG(text), "not well-formed: \(text.prefix(300))")
            #expect(elements.first?.name == "svg")
            #expect(!containsNonFiniteNumber(text))
            #expect(text == plot.svgText, "rendering is deterministic")
        }
    }

    /// Escaped text reads back as written (control characters become U+FFFD).
    @Test func textRoundTripsThroughEscaping() throws {
        let plot = LinePlot(series: [LineSeries(name: "s", values: [1, 2])], title: Self.awkwardText)
        let elements = try #require(parseSVG(plot.svgText))
        let expected = Self.awkwardText.replacingOccurrences(of: "\u{1}", with: "\u{FFFD}")
        #expect(elements.contains { $0.name == "text" && $0.text == expected })
        #expect(elements.contains { $0.name == "title" && $0.text == expected })
    }

    /// A non-finite point breaks the line into two polylines.
    @Test func nonFinitePointsBreakLines() throws {
        let plot = LinePlot(series: [LineSeries(name: "ll", values: [1, 2, .nan, 4, 5])])
        let polylines = try #require(parseSVG(plot.svgText)).filter { $0.name == "polyline" }
        #expect(polylines.count == 2)
    }

    /// Bars grow from the zero line; a non-finite value draws no bar and no label.
    @Test func barsGrowFromZero() throws {
        let chart = BarChart(categories: ["diag", "full"], series: [BarSeries(name: "accuracy", values: [0.5, .nan])],
                             valueFormat: .percent(decimals: 0))
        let elements = try #require(parseSVG(chart.svgText))
        let bars = elements.filter { element in
            element.name == "rect" && element.parent.map { elements[$0].name == "g" && elements[$0].attributes["fill"] != nil } == true
        }
        #expect(bars.count == 1)
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        #expect(texts.contains("50%") && texts.contains("0.0"))
    }

    /// The drawn ellipse is the σ contour: points `center + L (cos t, sin t)` (L the Cholesky factor of
    /// the covariance) map, through the axes, onto the SVG ellipse — with unequal axis scales too.
    @Test(arguments: [
        // Axes of very different scales (x in units, y in thousands), drawn as they come.
        EllipseCase(equalAspect: false, center: PlotPoint(x: 5, y: 500), covariance: [[1, 300], [300, 250_000]],
                    xRange: 0...10, yRange: -1500...2500),
        // Equal scales: the x range is widened to match the y range's pixels per unit.
        EllipseCase(equalAspect: true, center: PlotPoint(x: 1, y: -2), covariance: [[4, -3], [-3, 9]],
                    xRange: -6...8, yRange: -12...8),
    ])
    func ellipsesFollowTheCovariance(_ example: EllipseCase) throws {
        let (center, covariance, sigmas) = (example.center, example.covariance, 2.0)
        let plot = ScatterPlot(groups: [ScatterGroup(name: "g", points: [center])],
                               ellipses: [CovarianceEllipse(center: center, covariance: covariance, sigmaCount: sigmas, group: 0)],
                               xRange: example.xRange, yRange: example.yRange, equalAspect: example.equalAspect)
        let elements = try #require(parseSVG(plot.svgText))
        let area = try #require(elements.first { $0.name == "rect" && $0.parent.map { elements[$0].name == "clipPath" } == true })
        let ellipse = try #require(elements.first { $0.name == "ellipse" })
        let (x0, y0, width, height) = (area.number("x")!, area.number("y")!, area.number("width")!, area.number("height")!)
        var (xRange, yRange) = (example.xRange, example.yRange)
        if example.equalAspect {
            // The narrower-scaled axis is widened about its centre to equal scales.
            let xSpan = xRange.upperBound - xRange.lowerBound, ySpan = yRange.upperBound - yRange.lowerBound
            let scale = min(width / xSpan, height / ySpan)
            let xMiddle = (xRange.lowerBound + xRange.upperBound) / 2, yMiddle = (yRange.lowerBound + yRange.upperBound) / 2
            xRange = (xMiddle - width / scale / 2)...(xMiddle + width / scale / 2)
            yRange = (yMiddle - height / scale / 2)...(yMiddle + height / scale / 2)
        }
        func pixel(_ x: Double, _ y: Double) -> (Double, Double) {
            (x0 + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * width,
             y0 + height - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * height)
        }
        let (cx, cy) = (ellipse.number("cx")!, ellipse.number("cy")!)
        let (rx, ry) = (ellipse.number("rx")!, ellipse.number("ry")!)
        let centerPixel = pixel(center.x, center.y)
        #expect(abs(cx - centerPixel.0) < 0.02 && abs(cy - centerPixel.1) < 0.02)
        let transform = ellipse.attributes["transform"] ?? "rotate(0)"
        let degrees = try #require(Double(transform.dropFirst("rotate(".count).prefix { $0 != " " && $0 != ")" }))
        let theta = degrees * Double.pi / 180
        let l11 = covariance[0][0].squareRoot(), l21 = covariance[1][0] / l11
        let l22 = (covariance[1][1] - l21 * l21).squareRoot()
        for step in 0..<12 {
            let t = Double(step) * Double.pi / 6
            let (u, v) = (sigmas * Foundation.cos(t), sigmas * Foundation.sin(t))
            let (px, py) = pixel(center.x + l11 * u, center.y + l21 * u + l22 * v)
            // Into the ellipse's own frame: undo the rotation about its centre.
            let dx = px - cx, dy = py - cy
            let along = dx * Foundation.cos(theta) + dy * Foundation.sin(theta)
            let across = -dx * Foundation.sin(theta) + dy * Foundation.cos(theta)
            let radius = (along / rx) * (along / rx) + (across / ry) * (across / ry)
            #expect(abs(radius - 1) < 0.01, "t = \(t): \(radius)")  // coordinates are printed to 0.01 px
        }
    }

    /// Positive correlation tilts the major axis up to the right: a negative SVG rotation (y points down).
    @Test func positiveCorrelationTiltsUpward() throws {
        let plot = ScatterPlot(groups: [], ellipses: [CovarianceEllipse(center: PlotPoint(x: 0, y: 0),
                               covariance: [[2, 1.5], [1.5, 2]], sigmaCount: 1)], xRange: -3...3, yRange: -3...3,
                               equalAspect: true)
        let ellipse = try #require(parseSVG(plot.svgText)?.first { $0.name == "ellipse" })
        #expect(ellipse.attributes["transform"]?.hasPrefix("rotate(-45 ") == true)
        let ratio = ellipse.number("rx")! / ellipse.number("ry")!
        #expect(abs(ratio - (3.5 / 0.5).squareRoot()) < 1e-3)
    }
}

/// An ellipse to draw and the axes to draw it on.
struct EllipseCase: Sendable, CustomTestStringConvertible {
    var equalAspect: Bool
    var center: PlotPoint
    var covariance: [[Double]]
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>

    var testDescription: String { equalAspect ? "equal scales" : "unequal scales" }
}
