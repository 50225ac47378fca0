/// One axis of a chart: the data range it spans, its ticks and its label.
struct AxisSpec {
    /// The data values at the two ends of the axis.
    var range: ClosedRange<Double>
    /// The ticks to draw (those outside `range` are left out).
    var ticks: [Tick]
    /// The axis label (with units), if any.
    var label: String?
    /// For y: the lower end at the top, as a matrix's first row is.
    var inverted = false
}

/// Everything drawn around the data: title, axes box, ticks and labels, and the space kept in the
/// right margin for a legend or colour bar.
struct ChartFrame {
    var title: String?
    var x: AxisSpec
    var y: AxisSpec
    /// The width the right margin must hold besides its padding (legend, colour bar), in pixels.
    var rightReserve = 0.0
    /// The height below the axes box that the right-margin object needs (a colour bar's NaN key).
    var bottomReserve = 0.0

    /// Where everything goes on `figure`: its margins when it has them, else margins sized to fit.
    func layout(figure: Figure) -> ChartLayout {
        let metrics = FrameMetrics(fontSize: figure.fontSize)
        let fontSize = figure.fontSize
        let yLabelWidths = y.ticks.map { TextMetrics.width($0.label, fontSize: fontSize) }
        let xLabelWidths = x.ticks.map { TextMetrics.width($0.label, fontSize: fontSize) }

        var margins: Margins
        if let given = figure.margins {
            margins = given
        } else {
            let top = metrics.padding + (title == nil ? fontSize * 0.5 : metrics.titleSize * 1.25 + fontSize * 0.5)
            var left = metrics.padding + metrics.tickLength + metrics.tickGap + (yLabelWidths.max() ?? 0)
            if y.label != nil { left += fontSize * 1.2 + fontSize * 0.5 }
            var right = metrics.padding + rightReserve
            if rightReserve == 0 { right = max(right + fontSize, metrics.padding + (xLabelWidths.last ?? 0) / 2) }
            margins = Margins(top: top, right: right, bottom: 0, left: left)
        }

        // Rotate the x labels by 45° when neighbours would touch.
        let plotWidth = max(1, figure.width - margins.left - margins.right)
        let span = x.range.upperBound - x.range.lowerBound
        var rotates = false
        if x.ticks.count > 1, span != 0 {
            for index in 1..<x.ticks.count {
                let gap = abs(x.ticks[index].value - x.ticks[index - 1].value) / abs(span) * plotWidth
                if (xLabelWidths[index] + xLabelWidths[index - 1]) / 2 + fontSize * 0.6 > gap { rotates = true }
            }
        }
        let xLabelHeight = rotates ? ((xLabelWidths.max() ?? 0) + fontSize) * 0.7071 : fontSize
        if figure.margins == nil {
            var bottom = metrics.padding + metrics.tickLength + metrics.tickGap + xLabelHeight
            if x.label != nil { bottom += fontSize * 0.5 + fontSize * 1.2 }
            margins.bottom = max(bottom, metrics.padding + bottomReserve)
            if rotates, let first = x.ticks.first {
                // A long first label slants down-left past the axes box: keep it on the page.
                let offset = (first.value - x.range.lowerBound) / span * plotWidth
                margins.left = max(margins.left, metrics.padding + xLabelWidths[0] * 0.7071 - offset)
            }
        }
        let plot = Rect(x: margins.left, y: margins.top,
                        width: max(1, figure.width - margins.left - margins.right),
                        height: max(1, figure.height - margins.top - margins.bottom))
        return ChartLayout(frame: self, figure: figure, metrics: metrics, plot: plot, rotatesXLabels: rotates,
                           xLabelHeight: xLabelHeight)
    }
}

/// The fixed lengths of a frame, scaled with the font size.
struct FrameMetrics {
    let fontSize: Double
    var padding: Double { fontSize * 0.75 }
    var tickLength: Double { fontSize * 0.4 }
    var tickGap: Double { fontSize * 0.25 }
    var titleSize: Double { fontSize * 1.25 }
}

/// A frame placed on a figure: maps data to pixels and draws the frame.
struct ChartLayout {
    let frame: ChartFrame
    let figure: Figure
    let metrics: FrameMetrics
    /// The axes box, in pixels.
    let plot: Rect
    let rotatesXLabels: Bool
    let xLabelHeight: Double

    static let axisColor = RGBColor(hex: 0x333333)
    static let gridColor = RGBColor(hex: 0xe5e5e5)

    /// The pixel column of the data value `value` on the x axis.
    func x(_ value: Double) -> Double {
        let range = frame.x.range
        return plot.minX + (value - range.lowerBound) / (range.upperBound - range.lowerBound) * plot.width
    }

    /// The pixel row of the data value `value` on the y axis.
    func y(_ value: Double) -> Double {
        let range = frame.y.range
        let fraction = (value - range.lowerBound) / (range.upperBound - range.lowerBound)
        return frame.y.inverted ? plot.minY + fraction * plot.height : plot.maxY - fraction * plot.height
    }

    /// Pixels per data unit along x and along y (both positive).
    var scale: (x: Double, y: Double) {
        (plot.width / (frame.x.range.upperBound - frame.x.range.lowerBound),
         plot.height / (frame.y.range.upperBound - frame.y.range.lowerBound))
    }

    /// Paints the figure's background, if it has one.
    func drawBackground(into canvas: inout SVGCanvas) {
        guard let background = figure.background else { return }
        canvas.rectangle(Rect(x: 0, y: 0, width: figure.width, height: figure.height), fill: background)
    }

    /// Light lines across the axes box at the x and/or y ticks (drawn under the data).
    func drawGrid(into canvas: inout SVGCanvas, vertical: Bool, horizontal: Bool) {
        var path = ""
        if vertical {
            for tick in visible(frame.x) { path += "M\(canvas.number(x(tick.value))) \(canvas.number(plot.minY))V\(canvas.number(plot.maxY))" }
        }
        if horizontal {
            for tick in visible(frame.y) { path += "M\(canvas.number(plot.minX)) \(canvas.number(y(tick.value)))H\(canvas.number(plot.maxX))" }
        }
        guard !path.isEmpty else { return }
        canvas.element("path", ["d": path, "stroke": Self.gridColor.hexString, "fill": "none"])
    }

    /// A clip path of the axes box; returns the `clip-path` attribute value that uses it.
    func clipPath(into canvas: inout SVGCanvas) -> String {
        let identifier = canvas.identifier("plot-area")
        canvas.define(raw: "<clipPath id=\"\(identifier)\"><rect x=\"\(canvas.number(plot.x))\" y=\"\(canvas.number(plot.y))\" "
                      + "width=\"\(canvas.number(plot.width))\" height=\"\(canvas.number(plot.height))\"/></clipPath>\n")
        return "url(#\(identifier))"
    }

    /// The axes box, the ticks and their labels, the axis labels and the title (drawn over the data).
    func drawAxes(into canvas: inout SVGCanvas) {
        let fontSize = figure.fontSize
        let axis = Self.axisColor
        canvas.rectangle(plot, fill: nil, stroke: axis)

        let xTicks = visible(frame.x), yTicks = visible(frame.y)
        var path = ""
        for tick in xTicks { path += "M\(canvas.number(x(tick.value))) \(canvas.number(plot.maxY))v\(canvas.number(metrics.tickLength))" }
        for tick in yTicks { path += "M\(canvas.number(plot.minX)) \(canvas.number(y(tick.value)))h\(canvas.number(-metrics.tickLength))" }
        if !path.isEmpty { canvas.element("path", ["d": path, "stroke": axis.hexString, "fill": "none"]) }

        let labelTop = plot.maxY + metrics.tickLength + metrics.tickGap
        for tick in xTicks {
            if rotatesXLabels {
                canvas.text(tick.label, x: x(tick.value), y: labelTop + fontSize * 0.3, anchor: .end, baseline: .middle,
                            rotation: -45)
            } else {
                canvas.text(tick.label, x: x(tick.value), y: labelTop, anchor: .middle, baseline: .top)
            }
        }
        let labelRight = plot.minX - metrics.tickLength - metrics.tickGap
        for tick in yTicks {
            canvas.text(tick.label, x: labelRight, y: y(tick.value), anchor: .end, baseline: .middle)
        }

        if let label = frame.x.label {
            canvas.text(label, x: plot.midX, y: labelTop + xLabelHeight + fontSize * 0.5, anchor: .middle, baseline: .top)
        }
        if let label = frame.y.label {
            let widest = yTicks.map { TextMetrics.width($0.label, fontSize: fontSize) }.max() ?? 0
            let column = max(metrics.padding + fontSize * 0.6, labelRight - widest - fontSize * 0.5 - fontSize * 0.6)
            canvas.text(label, x: column, y: plot.midY, anchor: .middle, baseline: .middle, rotation: -90)
        }
        if let title = frame.title {
            canvas.text(title, x: plot.midX, y: metrics.padding, anchor: .middle, baseline: .top, fontSize: metrics.titleSize)
        }
    }

    /// The ticks of `axis` that fall inside its range.
    private func visible(_ axis: AxisSpec) -> [Tick] {
        let low = min(axis.range.lowerBound, axis.range.upperBound)
        let high = max(axis.range.lowerBound, axis.range.upperBound)
        let slack = (high - low) * 1e-9
        return axis.ticks.filter { $0.value >= low - slack && $0.value <= high + slack }
    }
}

/// Data ranges for continuous axes.
enum DataRange {
    /// The smallest range holding every finite value of `values`, or `nil` when there is none.
    static func extent(_ values: some Sequence<Double>) -> ClosedRange<Double>? {
        var low = Double.infinity, high = -Double.infinity
        for value in values where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        return low <= high ? low...high : nil
    }

    /// `range` widened by `fraction` of its span on each side; a single value becomes a range of
    /// ±5% of its size (±0.5 at zero), and `nil` becomes 0…1.
    static func padded(_ range: ClosedRange<Double>?, fraction: Double) -> ClosedRange<Double> {
        guard let range else { return 0...1 }
        let span = range.upperBound - range.lowerBound
        if span == 0 {
            let half = range.lowerBound == 0 ? 0.5 : abs(range.lowerBound) * 0.05
            return (range.lowerBound - half)...(range.upperBound + half)
        }
        return (range.lowerBound - span * fraction)...(range.upperBound + span * fraction)
    }

    /// Whether every finite value of `values` is a whole number.
    static func allIntegers(_ values: some Sequence<Double>) -> Bool {
        values.allSatisfy { !$0.isFinite || $0 == $0.rounded() }
    }
}
