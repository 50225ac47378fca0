/// The frame of a chart with two continuous axes (line and scatter plots): ticks fitted to the
/// axes' final lengths in pixels, and optionally equal scales on both axes.
struct ContinuousAxes {
    var title: String?
    var xLabel: String?
    var yLabel: String?
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    var xIntegers = false
    var yIntegers = false
    var rightReserve = 0.0
    /// Whether one data unit is as long in pixels along y as along x (the smaller scale wins,
    /// and the other axis's range is widened about its centre).
    var equalAspect = false

    /// The frame, placed on `figure`.
    func layout(figure: Figure) -> ChartLayout {
        let fontSize = figure.fontSize
        var lengths = (x: figure.width * 0.75, y: figure.height * 0.7)
        var ranges = (x: xRange, y: yRange)
        var result: ChartLayout?
        // Pass 1 with estimated lengths; pass 2 with the lengths pass 1 found (tick labels barely
        // change between them); a third only when equal scales moved the ranges.
        for _ in 0..<3 {
            let frame = ChartFrame(
                title: title,
                x: AxisSpec(range: ranges.x,
                            ticks: NiceTicks.horizontalTicks(in: ranges.x, length: lengths.x, spacing: fontSize * 7,
                                                             fontSize: fontSize, integersOnly: xIntegers),
                            label: xLabel),
                y: AxisSpec(range: ranges.y,
                            ticks: NiceTicks.ticks(in: ranges.y, targetCount: NiceTicks.targetCount(length: lengths.y, spacing: fontSize * 5),
                                                   integersOnly: yIntegers),
                            label: yLabel),
                rightReserve: rightReserve)
            let layout = frame.layout(figure: figure)
            let settled = result.map { $0.plot == layout.plot } ?? false
            result = layout
            lengths = (layout.plot.width, layout.plot.height)
            if equalAspect {
                ranges = Self.equalized(x: xRange, y: yRange, width: lengths.x, height: lengths.y)
            }
            if settled && (!equalAspect || ranges == (layout.frame.x.range, layout.frame.y.range)) { break }
        }
        return result!
    }

    /// `x` and `y` with the narrower-scaled one widened about its centre so that a data unit is
    /// the same number of pixels along both axes.
    static func equalized(x: ClosedRange<Double>, y: ClosedRange<Double>, width: Double,
                          height: Double) -> (ClosedRange<Double>, ClosedRange<Double>) {
        let xSpan = x.upperBound - x.lowerBound, ySpan = y.upperBound - y.lowerBound
        let scale = min(width / xSpan, height / ySpan)
        let newX = width / scale, newY = height / scale
        let xMiddle = (x.lowerBound + x.upperBound) / 2, yMiddle = (y.lowerBound + y.upperBound) / 2
        return ((xMiddle - newX / 2)...(xMiddle + newX / 2), (yMiddle - newY / 2)...(yMiddle + newY / 2))
    }
}
