/// One series of a ``BarChart``: a value per category.
public struct BarSeries: Sendable, Hashable {
    /// The name shown in the legend (e.g. `"diagonal"`, `"full"`).
    public var name: String
    /// One value per category, in the chart's category order. A non-finite value draws no bar and
    /// no label.
    public var values: [Double]
    /// The colour, or `nil` (the default) for the chart's palette colour at this series' position.
    public var color: RGBColor?

    /// A series named `name` with `values`, one per category.
    public init(name: String, values: [Double], color: RGBColor? = nil) {
        self.name = name
        self.values = values
        self.color = color
    }
}

/// Grouped bars: for each category (a configuration, a data set) one bar per series side by side,
/// each labelled with its value — e.g. accuracy of diagonal against full covariances for several
/// numbers of Gaussians.
///
/// Bars grow from 0 (the y axis always includes 0 unless ``yRange`` is set; bars are clipped to the
/// axes box); positive values are labelled above their bar, negative ones below. Labels that are
/// wider than their bar are turned to run upwards, and the axis makes room for them.
public struct BarChart: SVGPlot {
    /// The category names along x, one group of bars each.
    public var categories: [String]
    /// The series: one bar in every group each, in this order from left to right.
    public var series: [BarSeries]
    /// The title above the axes, if any.
    public var title: String?
    /// The label under the x axis, if any.
    public var xLabel: String?
    /// The label left of the y axis, if any.
    public var yLabel: String?
    /// The y axis's span, or `nil` (the default) for 0 to the largest value plus room for labels.
    public var yRange: ClosedRange<Double>?
    /// How the value labels print the values (default ``ValueFormat/automatic``).
    public var valueFormat: ValueFormat
    /// Whether each bar is labelled with its value (default `true`).
    public var showsValueLabels: Bool
    /// Where the legend goes (default right of the axes; none for a single unnamed series).
    public var legend: LegendPlacement
    /// Colours of series without their own (default ``CategoricalPalette/tab10``).
    public var palette: CategoricalPalette
    /// The page.
    public var figure: Figure

    /// A chart of `series` over `categories`.
    ///
    /// - Precondition: every series has one value per category; `yRange`, when given, is finite and not empty.
    public init(categories: [String], series: [BarSeries], title: String? = nil, xLabel: String? = nil,
                yLabel: String? = nil, yRange: ClosedRange<Double>? = nil, valueFormat: ValueFormat = .automatic,
                showsValueLabels: Bool = true, legend: LegendPlacement = .outsideRight,
                palette: CategoricalPalette = .tab10, figure: Figure = Figure()) {
        self.categories = categories
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yRange = yRange
        self.valueFormat = valueFormat
        self.showsValueLabels = showsValueLabels
        self.legend = legend
        self.palette = palette
        self.figure = figure
    }

    /// The share of a category's slot the group of bars fills (the rest is the gap between groups).
    static let groupFill = 0.8

    /// Draws the axes, the bars, their value labels and the legend.
    public func render() -> SVGDocument {
        figure.checkValid()
        for item in series {
            precondition(item.values.count == categories.count,
                         "BarChart: series \"\(item.name)\" has \(item.values.count) values for \(categories.count) categories")
        }
        checkRange(yRange, "yRange")
        let fontSize = figure.fontSize, labelSize = fontSize * 0.85
        let hasNames = !(series.count == 1 && series[0].name.isEmpty)
        let legendBox = Legend(entries: hasNames ? series.enumerated().map {
            LegendEntry(label: $1.name, color: color(of: $0), symbol: .box)
        } : [], fontSize: fontSize)
        let labels = series.map { $0.values.map { showsValueLabels ? valueFormat.string(for: $0) : "" } }
        let values = series.flatMap(\.values).filter(\.isFinite)
        let low = min(0, values.min() ?? 0), high = max(0, values.max() ?? 1)
        let slots = Double(max(categories.count, 1))
        let xAxis = AxisSpec(range: 0...slots,
                             ticks: categories.enumerated().map { Tick(value: Double($0) + 0.5, label: $1) },
                             label: xLabel)

        // Lay out once to learn the bar width and plot height, then fit the y range to the labels.
        var range = yRange ?? DataRange.padded(low...high, fraction: 0)
        if yRange == nil, range.upperBound - range.lowerBound == 0 { range = 0...1 }
        var layout = frame(x: xAxis, y: range, legend: legendBox).layout(figure: figure)
        var rotated = false
        for _ in 0..<2 where yRange == nil {
            let barWidth = layout.plot.width / slots * Self.groupFill / Double(max(series.count, 1))
            let widest = labels.joined().map { TextMetrics.width($0, fontSize: labelSize) }.max() ?? 0
            rotated = widest > barWidth * 1.05
            let labelRoom = widest == 0 ? fontSize * 0.5 : (rotated ? widest : labelSize) + fontSize * 0.9
            let share = min(0.45, labelRoom / layout.plot.height)
            // Solve for a range whose ends leave `share` of the height beyond the extreme bars.
            let span = (high - low) / (1 - share * ((high > 0 ? 1 : 0) + (low < 0 ? 1 : 0)))
            range = (low < 0 ? low - span * share : low)...(high > 0 ? high + span * share : high)
            if range.upperBound - range.lowerBound == 0 { range = 0...1 }
            layout = frame(x: xAxis, y: range, legend: legendBox, plotHeight: layout.plot.height).layout(figure: figure)
        }

        var canvas = SVGCanvas()
        layout.drawBackground(into: &canvas)
        layout.drawGrid(into: &canvas, vertical: false, horizontal: true)
        let clip = layout.clipPath(into: &canvas)
        let slotWidth = layout.plot.width / slots
        let barWidth = slotWidth * Self.groupFill / Double(max(series.count, 1))
        let zero = layout.y(min(max(0, range.lowerBound), range.upperBound))
        canvas.beginGroup(["clip-path": clip])
        for (seriesIndex, item) in series.enumerated() {
            canvas.beginGroup(["fill": color(of: seriesIndex).hexString])
            for (category, value) in item.values.enumerated() where value.isFinite {
                let left = layout.plot.minX + slotWidth * (Double(category) + (1 - Self.groupFill) / 2) + barWidth * Double(seriesIndex)
                let top = layout.y(value)
                canvas.element("rect", ["x": canvas.number(left), "y": canvas.number(min(top, zero)),
                                        "width": canvas.number(barWidth), "height": canvas.number(abs(zero - top))])
            }
            canvas.endGroup()
        }
        canvas.endGroup()
        if showsValueLabels {
            canvas.beginGroup(["font-size": canvas.number(labelSize)])
            for (seriesIndex, item) in series.enumerated() {
                for (category, value) in item.values.enumerated() where value.isFinite && range.contains(value) {
                    let middle = layout.plot.minX + slotWidth * (Double(category) + (1 - Self.groupFill) / 2)
                        + barWidth * (Double(seriesIndex) + 0.5)
                    let gap = fontSize * 0.3
                    let end = layout.y(value) + (value >= 0 ? -gap : gap)
                    let label = labels[seriesIndex][category]
                    if rotated {
                        canvas.text(label, x: middle, y: end, anchor: value >= 0 ? .start : .end, baseline: .middle,
                                    rotation: -90)
                    } else {
                        canvas.text(label, x: middle, y: end, anchor: .middle, baseline: value >= 0 ? .alphabetic : .top)
                    }
                }
            }
            canvas.endGroup()
        }
        // The zero line, when 0 is inside the axis (not on its edge).
        if range.lowerBound < 0 && range.upperBound > 0 {
            canvas.line(from: (layout.plot.minX, zero), to: (layout.plot.maxX, zero), stroke: ChartLayout.axisColor)
        }
        layout.drawAxes(into: &canvas)
        legendBox.draw(into: &canvas, placement: legend, plot: layout.plot)
        return canvas.document(figure: figure, title: title)
    }

    private func frame(x: AxisSpec, y range: ClosedRange<Double>, legend legendBox: Legend,
                       plotHeight: Double? = nil) -> ChartFrame {
        let length = plotHeight ?? figure.height * 0.7
        let ticks = NiceTicks.ticks(in: range, targetCount: NiceTicks.targetCount(length: length, spacing: figure.fontSize * 5))
        return ChartFrame(title: title, x: x, y: AxisSpec(range: range, ticks: ticks, label: yLabel),
                          rightReserve: legendBox.rightReserve(for: legend))
    }

    private func color(of index: Int) -> RGBColor {
        series[index].color ?? palette[index]
    }
}
