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
    ///
    /// Pass 1 uses estimated axis lengths; pass 2 the lengths pass 1 found (and, for equal scales,
    /// ranges equalized for them). When pass 2 moved the axes box, equal scales need one more pass
    /// with the margins pinned to pass 2's, so that the box the ranges were equalized for is the
    /// box drawn.
    func layout(figure: Figure) -> ChartLayout {
        let first = frame(ranges: (xRange, yRange), lengths: (figure.width * 0.75, figure.height * 0.7),
                          fontSize: figure.fontSize).layout(figure: figure)
        var lengths = (first.plot.width, first.plot.height)
        var ranges = equalAspect ? Self.equalized(x: xRange, y: yRange, width: lengths.0, height: lengths.1) : (xRange, yRange)
        let second = frame(ranges: ranges, lengths: lengths, fontSize: figure.fontSize).layout(figure: figure)
        guard equalAspect, second.plot != first.plot else { return second }
        var pinned = figure
        pinned.margins = Margins(top: second.plot.minY, right: max(0, figure.width - second.plot.maxX),
                                 bottom: max(0, figure.height - second.plot.maxY), left: second.plot.minX)
        lengths = (second.plot.width, second.plot.height)
        ranges = Self.equalized(x: xRange, y: yRange, width: lengths.0, height: lengths.1)
        return frame(ranges: ranges, lengths: lengths, fontSize: figure.fontSize).layout(figure: pinned)
    }

    /// The frame for axes spanning `ranges`, with ticks for axes of `lengths` pixels.
    private func frame(ranges: (x: ClosedRange<Double>, y: ClosedRange<Double>), lengths: (x: Double, y: Double),
                       fontSize: Double) -> ChartFrame {
        ChartFrame(
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
