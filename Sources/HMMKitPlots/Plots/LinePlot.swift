/// One named curve of a ``LinePlot``.
public struct LineSeries: Sendable, Hashable {
    /// How the line is stroked.
    public enum Style: Sendable, Hashable {
        /// A continuous line.
        case solid
        /// Dashes of 6 px with gaps of 4 px.
        case dashed
        /// Round dots 3 px apart.
        case dotted
    }

    /// The name shown in the legend.
    public var name: String
    /// The points, joined in this order. A point with a non-finite coordinate is skipped and
    /// breaks the line there.
    public var points: [PlotPoint]
    /// The colour, or `nil` (the default) for the plot's palette colour at this series' position.
    public var color: RGBColor?
    /// How the line is stroked (default solid).
    public var style: Style
    /// Whether each point gets a dot; `nil` (the default) shows dots on series of at most 60 points.
    public var showsMarkers: Bool?

    /// A series through `points`.
    public init(name: String, points: [PlotPoint], color: RGBColor? = nil, style: Style = .solid,
                showsMarkers: Bool? = nil) {
        self.name = name
        self.points = points
        self.color = color
        self.style = style
        self.showsMarkers = showsMarkers
    }

    /// A series of `values` at x = `firstX`, `firstX + 1`, … — e.g. the log-likelihood after each
    /// EM iteration, with `firstX` 1 (the default) for iterations counted from 1.
    public init(name: String, values: [Double], firstX: Double = 1, color: RGBColor? = nil, style: Style = .solid,
                showsMarkers: Bool? = nil) {
        self.init(name: name, points: values.enumerated().map { PlotPoint(x: firstX + Double($0), y: $1) },
                  color: color, style: style, showsMarkers: showsMarkers)
    }

    var dash: String? {
        switch style {
        case .solid: return nil
        case .dashed: return "6 4"
        case .dotted: return "1.5 3"
        }
    }
}

/// Curves of y against x: log-likelihood per EM iteration for several models, error rate against
/// the number of Gaussians, …
///
/// Axes span the data (3% extra along x, 5% along y) unless ``xRange`` / ``yRange`` are set, with
/// ticks on the 1-2-5 rule (whole numbers only when every x is whole, as iteration counts are);
/// lines are clipped to the axes box. Non-finite points are skipped and break their line.
public struct LinePlot: SVGPlot {
    /// The curves, drawn in order (later ones on top).
    public var series: [LineSeries]
    /// The title above the axes, if any.
    public var title: String?
    /// The label under the x axis, if any.
    public var xLabel: String?
    /// The label left of the y axis, if any.
    public var yLabel: String?
    /// The x axis's span, or `nil` (the default) to fit the data.
    public var xRange: ClosedRange<Double>?
    /// The y axis's span, or `nil` (the default) to fit the data.
    public var yRange: ClosedRange<Double>?
    /// Where the legend goes (default right of the axes; no legend is drawn for one unnamed series).
    public var legend: LegendPlacement
    /// Whether light grid lines cross the axes box at the ticks (default `true`).
    public var showsGrid: Bool
    /// Colours of series without their own (default ``CategoricalPalette/tab10``).
    public var palette: CategoricalPalette
    /// The page.
    public var figure: Figure

    /// A plot of `series`.
    ///
    /// - Precondition: `xRange` and `yRange`, when given, are finite and not empty.
    public init(series: [LineSeries], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                legend: LegendPlacement = .outsideRight, showsGrid: Bool = true,
                palette: CategoricalPalette = .tab10, figure: Figure = Figure()) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.legend = legend
        self.showsGrid = showsGrid
        self.palette = palette
        self.figure = figure
    }

    /// Draws the axes, the curves and the legend.
    public func render() -> SVGDocument {
        figure.checkValid()
        checkRange(xRange, "xRange")
        checkRange(yRange, "yRange")
        let points = series.flatMap(\.points).filter(\.isFinite)
        let fontSize = figure.fontSize
        let entries = series.enumerated().map { index, line in
            LegendEntry(label: line.name, color: color(of: index),
                        symbol: .line(dash: line.dash, marker: showsMarkers(line)))
        }
        let hasNames = !(series.count == 1 && series[0].name.isEmpty)
        let legendBox = Legend(entries: hasNames ? entries : [], fontSize: fontSize)
        let axes = ContinuousAxes(
            title: title, xLabel: xLabel, yLabel: yLabel,
            xRange: xRange ?? DataRange.padded(DataRange.extent(points.map(\.x)), fraction: 0.03),
            yRange: yRange ?? DataRange.padded(DataRange.extent(points.map(\.y)), fraction: 0.05),
            xIntegers: !points.isEmpty && DataRange.allIntegers(points.map(\.x)),
            rightReserve: legendBox.rightReserve(for: legend))
        let layout = axes.layout(figure: figure)

        var canvas = SVGCanvas()
        layout.drawBackground(into: &canvas)
        if showsGrid { layout.drawGrid(into: &canvas, vertical: true, horizontal: true) }
        let clip = layout.clipPath(into: &canvas)
        canvas.beginGroup(["clip-path": clip])
        for (index, line) in series.enumerated() {
            let color = color(of: index)
            for run in Self.finiteRuns(line.points) where run.count > 1 {
                let coordinates = run.map { "\(canvas.number(layout.x($0.x))),\(canvas.number(layout.y($0.y)))" }
                canvas.element("polyline", [
                    "points": coordinates.joined(separator: " "), "fill": "none", "stroke": color.hexString,
                    "stroke-width": "2", "stroke-linejoin": "round", "stroke-linecap": line.style == .dotted ? "round" : nil,
                    "stroke-dasharray": line.dash,
                ])
            }
        }
        canvas.endGroup()
        for (index, line) in series.enumerated() where showsMarkers(line) {
            // Markers are not clipped: a point on the edge of the axes box stays whole.
            canvas.beginGroup(["fill": color(of: index).hexString])
            for point in line.points where point.isFinite && inside(point, layout) {
                canvas.element("circle", ["cx": canvas.number(layout.x(point.x)), "cy": canvas.number(layout.y(point.y)),
                                          "r": canvas.number(fontSize * 0.25)])
            }
            canvas.endGroup()
        }
        layout.drawAxes(into: &canvas)
        legendBox.draw(into: &canvas, placement: legend, plot: layout.plot)
        return canvas.document(figure: figure, title: title)
    }

    private func color(of index: Int) -> RGBColor {
        series[index].color ?? palette[index]
    }

    private func showsMarkers(_ line: LineSeries) -> Bool {
        line.showsMarkers ?? (line.points.count <= 60)
    }

    /// Whether `point` lies in the axes' ranges.
    private func inside(_ point: PlotPoint, _ layout: ChartLayout) -> Bool {
        layout.frame.x.range.contains(point.x) && layout.frame.y.range.contains(point.y)
    }

    /// The stretches of consecutive finite points.
    static func finiteRuns(_ points: [PlotPoint]) -> [ArraySlice<PlotPoint>] {
        points.split(whereSeparator: { !$0.isFinite })
    }
}

/// Traps unless `range` is `nil` or finite and not empty.
func checkRange(_ range: ClosedRange<Double>?, _ name: String) {
    guard let range else { return }
    precondition(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound < range.upperBound,
                 "\(name) must be finite with lowerBound < upperBound (got \(range))")
}
