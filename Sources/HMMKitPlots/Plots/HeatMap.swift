/// A matrix drawn as coloured cells, with axes, a title and a colour bar: MFCC or filterbank
/// features over time (as `librosa.display.specshow` draws them), means and variances of a model,
/// or a confusion matrix (see ``confusionMatrix(_:classNames:normalization:colorMap:title:figure:)``).
///
/// - Cells: one `<rect>` per run of equal-coloured neighbours in a display row, in cell units
///   inside one scaled group with `shape-rendering="crispEdges"` (no hairline seams between cells);
///   about 50 bytes a cell, so a 2,000 × 39 MFCC matrix is a file of about 4 MB at most.
/// - Colours: values are mapped through a 256-entry table of the ``ColorMap`` (as matplotlib does);
///   values outside the colour range take the colour of its nearer end.
/// - Non-finite values (NaN, ±∞) are drawn in ``nonFiniteColor``, and a key under the colour bar
///   says so; they are left out when the colour range is taken from the data.
public struct HeatMap: SVGPlot {
    /// How `values` is laid out on the page.
    public enum Layout: Sendable, Hashable {
        /// `values` is `[frameCount × dimension]` (the layout of HMMKit's feature matrices):
        /// frames run along x from left to right, and coefficient 0 is the bottom row — the picture
        /// `librosa.display.specshow(mfcc)` draws from librosa's transposed `[dimension × frames]`.
        case framesAlongX
        /// `values` is `[rowCount × columnCount]`: row 0 is the top row and columns run along x
        /// from left to right — as `matplotlib.pyplot.imshow` draws a matrix, and as a confusion
        /// matrix is read (rows are the true classes).
        case rowsDownward
    }

    /// What the ticks along one axis of the cells say.
    public enum AxisTicks: Sendable, Hashable {
        /// Cell indices 0, 1, 2, … at a 1-2-5 step, each at its cell's centre.
        case index
        /// Time in seconds for frames `frameShift` seconds apart: cell `i` spans
        /// `[i × frameShift, (i + 1) × frameShift)`, as in librosa's `x_axis="time"`; ticks at
        /// round numbers of seconds. `frameShift` must be finite and positive.
        case seconds(frameShift: Double)
        /// One label per cell (class names), at the cells' centres; when they would overlap, only
        /// every k-th is shown. The count must equal the number of cells along the axis.
        case labels([String])
    }

    /// How values become colours.
    public enum ColorScale: Sendable, Hashable {
        /// `range.lowerBound` takes the map's first colour and `range.upperBound` its last; `nil`
        /// (the default) takes the smallest and largest finite values.
        case sequential(ColorMap = .viridis, range: ClosedRange<Double>? = nil)
        /// For signed data: `-limit` takes the map's first colour, 0 its middle one and `+limit` its
        /// last; `nil` (the default) takes the largest absolute finite value.
        case diverging(ColorMap = .coolwarm, limit: Double? = nil)
    }

    /// The matrix, `[rowCount × columnCount]`, every row of the same length; ``layout`` says
    /// which way it is drawn.
    public var values: [[Double]]
    /// Which of `values`' indices runs along x and which along y.
    public var layout: Layout
    /// The ticks along the horizontal axis.
    public var xTicks: AxisTicks
    /// The ticks along the vertical axis.
    public var yTicks: AxisTicks
    /// How values become colours.
    public var colorScale: ColorScale
    /// The title above the cells, if any.
    public var title: String?
    /// The label under the x axis (e.g. `"Time (s)"`), if any.
    public var xLabel: String?
    /// The label left of the y axis (e.g. `"MFCC coefficient"`), if any.
    public var yLabel: String?
    /// The label beside the colour bar (the values' quantity and unit), if any.
    public var colorBarLabel: String?
    /// Whether to draw the colour bar (default `true`).
    public var showsColorBar: Bool
    /// Text printed at the centre of each cell, `nil` (the default) for none; the same shape as
    /// ``values``. Printed in black or white, whichever stands out on the cell, and left out where
    /// cells are too small to hold it legibly.
    public var cellText: [[String]]?
    /// The colour of cells whose value is NaN or infinite (default a mid grey, which no built-in
    /// map contains).
    public var nonFiniteColor: RGBColor
    /// The page.
    public var figure: Figure

    /// A heat map of `values` drawn in `layout`.
    ///
    /// - Precondition: every row of `values` (and of `cellText`) has the same length; label
    ///   ticks have one label per cell; a `.seconds` frame shift and a `.diverging` limit are finite
    ///   and positive; a `.sequential` range is finite. (Checked when the plot is rendered.)
    public init(values: [[Double]], layout: Layout = .rowsDownward, xTicks: AxisTicks = .index,
                yTicks: AxisTicks = .index, colorScale: ColorScale = .sequential(), title: String? = nil,
                xLabel: String? = nil, yLabel: String? = nil, colorBarLabel: String? = nil,
                showsColorBar: Bool = true, cellText: [[String]]? = nil,
                nonFiniteColor: RGBColor = RGBColor(gray: 0.55), figure: Figure = Figure(width: 800, height: 400)) {
        self.values = values
        self.layout = layout
        self.xTicks = xTicks
        self.yTicks = yTicks
        self.colorScale = colorScale
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorBarLabel = colorBarLabel
        self.showsColorBar = showsColorBar
        self.cellText = cellText
        self.nonFiniteColor = nonFiniteColor
        self.figure = figure
    }

    /// A feature matrix `[frameCount × dimension]` (MFCC, log-mel energies) drawn as
    /// `librosa.display.specshow` draws it: time along x, in seconds when `frameShiftSeconds` is
    /// given (else in frames), and coefficient 0 at the bottom.
    ///
    /// MFCCs have both signs, so a `.diverging()` scale centred at 0 often reads best for them;
    /// the default `.sequential()` viridis suits energies.
    public init(features: [[Double]], frameShiftSeconds: Double? = nil, colorScale: ColorScale = .sequential(),
                title: String? = nil, yLabel: String = "Coefficient", colorBarLabel: String? = nil,
                figure: Figure = Figure(width: 800, height: 400)) {
        self.init(values: features, layout: .framesAlongX,
                  xTicks: frameShiftSeconds.map { .seconds(frameShift: $0) } ?? .index, yTicks: .index,
                  colorScale: colorScale, title: title, xLabel: frameShiftSeconds == nil ? "Frame" : "Time (s)",
                  yLabel: yLabel, colorBarLabel: colorBarLabel, figure: figure)
    }

    /// Draws the cells, the axes, the title and the colour bar.
    public func render() -> SVGDocument {
        figure.checkValid()
        let grid = CellGrid(values: values, layout: layout)
        if let cellText {
            precondition(cellText.count == values.count && zip(cellText, values).allSatisfy { $0.count == $1.count },
                         "HeatMap: cellText must have the shape of values (\(values.count) rows of \(grid.rowLength))")
        }
        let colors = ColorScaling(scale: colorScale, values: values)
        let fontSize = figure.fontSize
        let estimatedWidth = figure.width * 0.75, estimatedHeight = figure.height * 0.7

        let xAxis = AxisSpec(range: 0...Double(max(grid.columnCount, 1)),
                             ticks: Self.ticks(xTicks, cellCount: grid.columnCount, length: estimatedWidth,
                                               spacing: fontSize * 7, labelSpacing: fontSize * 1.5, fontSize: fontSize, axis: "x"),
                             label: xLabel)
        let yAxis = AxisSpec(range: 0...Double(max(grid.rowCount, 1)),
                             ticks: Self.ticks(yTicks, cellCount: grid.rowCount, length: estimatedHeight,
                                               spacing: fontSize * 3.5, labelSpacing: fontSize * 1.4, fontSize: fontSize, axis: "y"),
                             label: yLabel, inverted: layout == .rowsDownward)
        let colorBar = showsColorBar ? ColorBar(scaling: colors, label: colorBarLabel, fontSize: fontSize,
                                                 length: estimatedHeight, showsNonFiniteKey: grid.hasNonFinite)
                                     : nil
        let frame = ChartFrame(title: title, x: xAxis, y: yAxis, rightReserve: colorBar?.reservedWidth ?? 0,
                               bottomReserve: colorBar?.reservedHeightBelow ?? 0)
        let layout = frame.layout(figure: figure)

        var canvas = SVGCanvas()
        layout.drawBackground(into: &canvas)
        let table = colors.map.table(count: ColorScaling.levelCount).map(\.hexString) + [nonFiniteColor.hexString]
        drawCells(grid: grid, colors: colors, table: table, layout: layout, into: &canvas)
        if let cellText { drawCellText(cellText, grid: grid, colors: colors, layout: layout, into: &canvas) }
        layout.drawAxes(into: &canvas)
        colorBar?.draw(into: &canvas, plot: layout.plot, nonFiniteColor: nonFiniteColor)
        return canvas.document(figure: figure, title: title)
    }

    /// Every cell, as runs of equal colour along each display row, in cell units.
    private func drawCells(grid: CellGrid, colors: ColorScaling, table: [String], layout: ChartLayout,
                           into canvas: inout SVGCanvas) {
        guard grid.columnCount > 0, grid.rowCount > 0 else { return }
        let plot = layout.plot
        let scaleX = plot.width / Double(grid.columnCount), scaleY = plot.height / Double(grid.rowCount)
        canvas.append(raw: "<g transform=\"translate(\(canvas.number(plot.minX)) \(canvas.number(plot.minY))) "
                      + "scale(\(NumberText.significant(scaleX, digits: 6)) \(NumberText.significant(scaleY, digits: 6)))\" "
                      + "shape-rendering=\"crispEdges\">\n")
        var text = ""
        for displayRow in 0..<grid.rowCount {
            var column = 0
            while column < grid.columnCount {
                let level = colors.level(of: grid.value(column: column, displayRow: displayRow))
                var end = column + 1
                while end < grid.columnCount,
                      colors.level(of: grid.value(column: end, displayRow: displayRow)) == level { end += 1 }
                text += "<rect x=\"\(column)\" y=\"\(displayRow)\" width=\"\(end - column)\" height=\"1\" fill=\"\(table[level])\"/>\n"
                column = end
            }
            canvas.append(raw: text)
            text.removeAll(keepingCapacity: true)
        }
        canvas.endGroup()
    }

    /// `cellText` centred in the cells, in black or white, at a size that fits the cells.
    private func drawCellText(_ cellText: [[String]], grid: CellGrid, colors: ColorScaling, layout: ChartLayout,
                              into canvas: inout SVGCanvas) {
        guard grid.columnCount > 0, grid.rowCount > 0 else { return }
        let plot = layout.plot
        let cellWidth = plot.width / Double(grid.columnCount), cellHeight = plot.height / Double(grid.rowCount)
        let longest = cellText.joined().map { TextMetrics.width($0, fontSize: 1) }.max() ?? 0
        guard longest > 0 else { return }
        let size = min(figure.fontSize, cellHeight * 0.6, cellWidth * 0.85 / longest)
        guard size >= 6 else { return }
        canvas.beginGroup(["font-size": canvas.number(size), "text-anchor": "middle"])
        for displayRow in 0..<grid.rowCount {
            for column in 0..<grid.columnCount {
                let (row, inner) = grid.matrixIndex(column: column, displayRow: displayRow)
                let string = cellText[row][inner]
                guard !string.isEmpty else { continue }
                let level = colors.level(of: values[row][inner])
                let background = level < ColorScaling.levelCount
                    ? colors.map.color(at: Double(level) / Double(ColorScaling.levelCount - 1)) : nonFiniteColor
                let ink: RGBColor = background.relativeLuminance > 0.4 ? .black : .white
                canvas.element("text", [
                    "x": canvas.number(plot.minX + (Double(column) + 0.5) * cellWidth),
                    "y": canvas.number(plot.minY + (Double(displayRow) + 0.5) * cellHeight),
                    "dy": "0.35em", "fill": ink == .black ? nil : ink.hexString,
                ], content: xmlEscaped(string))
            }
        }
        canvas.endGroup()
    }

    /// The ticks of one axis of `cellCount` cells drawn over about `length` pixels.
    static func ticks(_ kind: AxisTicks, cellCount: Int, length: Double, spacing: Double, labelSpacing: Double,
                      fontSize: Double, axis: String) -> [Tick] {
        guard cellCount > 0 else { return [] }
        switch kind {
        case .index:
            if cellCount == 1 { return [Tick(value: 0.5, label: "0")] }
            let indices = 0...Double(cellCount - 1)
            let ticks = axis == "x"
                ? NiceTicks.horizontalTicks(in: indices, length: length, spacing: spacing, fontSize: fontSize, integersOnly: true)
                : NiceTicks.ticks(in: indices, targetCount: NiceTicks.targetCount(length: length, spacing: spacing),
                                  integersOnly: true)
            return ticks.map { Tick(value: $0.value + 0.5, label: $0.label) }
        case let .seconds(frameShift):
            precondition(frameShift.isFinite && frameShift > 0,
                         "HeatMap: the \(axis) axis frame shift must be finite and positive seconds (got \(frameShift))")
            let seconds = 0...(Double(cellCount) * frameShift)
            let ticks = axis == "x"
                ? NiceTicks.horizontalTicks(in: seconds, length: length, spacing: spacing, fontSize: fontSize)
                : NiceTicks.ticks(in: seconds, targetCount: NiceTicks.targetCount(length: length, spacing: spacing))
            return ticks.map { Tick(value: $0.value / frameShift, label: $0.label) }
        case let .labels(labels):
            precondition(labels.count == cellCount,
                         "HeatMap: the \(axis) axis has \(cellCount) cells but \(labels.count) labels")
            let stride = max(1, Int((Double(cellCount) * labelSpacing / length).rounded(.up)))
            return labels.enumerated().compactMap { index, label in
                index % stride == 0 ? Tick(value: Double(index) + 0.5, label: label) : nil
            }
        }
    }
}

/// The matrix seen as display cells: `column` along x from the left, `displayRow` along y from the top.
struct CellGrid {
    let values: [[Double]]
    let layout: HeatMap.Layout
    /// The length of every row of `values`.
    let rowLength: Int
    /// Cells along x.
    let columnCount: Int
    /// Cells along y.
    let rowCount: Int
    /// Whether any value is NaN or infinite.
    let hasNonFinite: Bool

    init(values: [[Double]], layout: HeatMap.Layout) {
        let rowLength = values.first?.count ?? 0
        for (index, row) in values.enumerated() where row.count != rowLength {
            preconditionFailure("HeatMap: row \(index) of values has \(row.count) entries, row 0 has \(rowLength)")
        }
        self.values = values
        self.layout = layout
        self.rowLength = rowLength
        let count = rowLength == 0 ? 0 : values.count
        switch layout {
        case .framesAlongX: (columnCount, rowCount) = (count, count == 0 ? 0 : rowLength)
        case .rowsDownward: (columnCount, rowCount) = (count == 0 ? 0 : rowLength, count)
        }
        hasNonFinite = values.contains { $0.contains { !$0.isFinite } }
    }

    /// The indices into `values` of the cell at (`column`, `displayRow`).
    @inline(__always) func matrixIndex(column: Int, displayRow: Int) -> (row: Int, column: Int) {
        switch layout {
        case .framesAlongX: return (column, rowCount - 1 - displayRow)
        case .rowsDownward: return (displayRow, column)
        }
    }

    @inline(__always) func value(column: Int, displayRow: Int) -> Double {
        let (row, inner) = matrixIndex(column: column, displayRow: displayRow)
        return values[row][inner]
    }
}

/// A ``HeatMap/ColorScale`` resolved against the data: the value range and the colour levels.
struct ColorScaling {
    /// Entries of the colour table (matplotlib's `N`); level `levelCount` is the non-finite colour.
    static let levelCount = 256

    let map: ColorMap
    let range: ClosedRange<Double>

    init(scale: HeatMap.ColorScale, values: [[Double]]) {
        switch scale {
        case let .sequential(map, given):
            if let given {
                precondition(given.lowerBound.isFinite && given.upperBound.isFinite,
                             "HeatMap: the colour range must be finite (got \(given))")
            }
            let range = given ?? DataRange.extent(values.joined()) ?? 0...1
            self.map = map
            self.range = range.lowerBound < range.upperBound ? range : DataRange.padded(range, fraction: 0)
        case let .diverging(map, given):
            if let given {
                precondition(given.isFinite && given > 0, "HeatMap: the diverging limit must be finite and positive (got \(given))")
            }
            var limit = given ?? values.joined().reduce(0) { $1.isFinite ? max($0, abs($1)) : $0 }
            if limit == 0 { limit = 1 }
            self.map = map
            self.range = -limit...limit
        }
    }

    /// The colour-table level of `value`: 0 …`levelCount − 1`, or `levelCount` when it is not finite.
    @inline(__always) func level(of value: Double) -> Int {
        guard value.isFinite else { return Self.levelCount }
        let fraction = (value - range.lowerBound) / (range.upperBound - range.lowerBound)
        return min(Self.levelCount - 1, max(0, Int((fraction * Double(Self.levelCount)).rounded(.down))))
    }
}

/// The colour bar right of a heat map: the map as a gradient, ticks at round values, a label, and
/// a key for non-finite cells.
struct ColorBar {
    let scaling: ColorScaling
    let label: String?
    let fontSize: Double
    let ticks: [Tick]
    let showsNonFiniteKey: Bool

    static let nonFiniteText = "not finite"

    init(scaling: ColorScaling, label: String?, fontSize: Double, length: Double, showsNonFiniteKey: Bool) {
        self.scaling = scaling
        self.label = label
        self.fontSize = fontSize
        self.showsNonFiniteKey = showsNonFiniteKey
        ticks = NiceTicks.ticks(in: scaling.range, targetCount: NiceTicks.targetCount(length: length, spacing: fontSize * 4))
    }

    var gap: Double { fontSize }
    var barWidth: Double { fontSize * 1.2 }
    var tickLength: Double { fontSize * 0.4 }
    var labelColumn: Double { barWidth + tickLength + fontSize * 0.25 }
    var widestTickLabel: Double { TextMetrics.maximumWidth(ticks.map(\.label), fontSize: fontSize) }

    /// The width it needs in the right margin.
    var reservedWidth: Double {
        var width = gap + labelColumn + widestTickLabel
        if label != nil { width += fontSize * 0.6 + fontSize * 1.2 }
        if showsNonFiniteKey {
            width = max(width, gap + barWidth + fontSize * 0.4 + TextMetrics.width(Self.nonFiniteText, fontSize: fontSize * 0.85))
        }
        return width
    }

    /// The height it needs below the axes box.
    var reservedHeightBelow: Double { showsNonFiniteKey ? fontSize * 2.2 : 0 }

    func draw(into canvas: inout SVGCanvas, plot: Rect, nonFiniteColor: RGBColor) {
        let bar = Rect(x: plot.maxX + gap, y: plot.minY, width: barWidth, height: plot.height)
        let identifier = canvas.identifier("colorbar")
        var gradient = "<linearGradient id=\"\(identifier)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n"
        let anchors = scaling.map.anchors
        for (index, color) in anchors.enumerated() {
            let offset = Double(index) / Double(anchors.count - 1)
            gradient += "<stop offset=\"\(NumberText.significant(offset, digits: 4))\" stop-color=\"\(color.hexString)\"/>\n"
        }
        canvas.define(raw: gradient + "</linearGradient>\n")
        canvas.element("rect", ["x": canvas.number(bar.x), "y": canvas.number(bar.y), "width": canvas.number(bar.width),
                                "height": canvas.number(bar.height), "fill": "url(#\(identifier))",
                                "stroke": ChartLayout.axisColor.hexString])

        let range = scaling.range
        func y(_ value: Double) -> Double {
            bar.maxY - (value - range.lowerBound) / (range.upperBound - range.lowerBound) * bar.height
        }
        var path = ""
        for tick in ticks {
            path += "M\(canvas.number(bar.maxX)) \(canvas.number(y(tick.value)))h\(canvas.number(tickLength))"
        }
        if !path.isEmpty { canvas.element("path", ["d": path, "stroke": ChartLayout.axisColor.hexString, "fill": "none"]) }
        for tick in ticks {
            canvas.text(tick.label, x: bar.minX + labelColumn, y: y(tick.value), baseline: .middle)
        }
        if let label {
            let column = bar.minX + labelColumn + widestTickLabel + fontSize * 0.6 + fontSize * 0.6
            canvas.text(label, x: column, y: bar.midY, anchor: .middle, baseline: .middle, rotation: -90)
        }
        if showsNonFiniteKey {
            let key = Rect(x: bar.minX, y: bar.maxY + fontSize * 0.9, width: barWidth, height: fontSize)
            canvas.rectangle(key, fill: nonFiniteColor, stroke: ChartLayout.axisColor)
            canvas.text(Self.nonFiniteText, x: key.maxX + fontSize * 0.4, y: key.midY, baseline: .middle,
                        fontSize: fontSize * 0.85)
        }
    }
}
