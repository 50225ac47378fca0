/// Tick values on the 1-2-5 rule: steps of 1, 2 or 5 × 10^k, placed on whole multiples of the step.
enum NiceTicks {
    /// The 1, 2 or 5 × 10^k step nearest (in ratio) to `span / targetCount`: the tick spacing is
    /// within a factor of about 1.6 of the one asked for (a span of 13 asked for 5 ticks gets a step
    /// of 2, not 5).
    static func step(span: Double, targetCount: Int) -> Double {
        precondition(span > 0 && span.isFinite, "NiceTicks.step: span must be finite and positive (got \(span))")
        let raw = span / Double(max(1, targetCount))
        let power = Int(decimalLogarithm(raw).rounded(.down))
        let base = NumberText.power10(power)
        let ratio = raw / base
        // The geometric midpoints between 1, 2, 5 and 10: √2, √10 and √50.
        if ratio < 1.4142 { return base }
        if ratio < 3.1623 { return 2 * base }
        if ratio < 7.0711 { return 5 * base }
        return 10 * base
    }

    /// Ticks for a horizontal axis of `length` pixels: about one per `spacing` pixels, fewer when
    /// the labels would crowd each other (so that continuous axes never need slanted labels).
    static func horizontalTicks(in range: ClosedRange<Double>, length: Double, spacing: Double, fontSize: Double,
                                integersOnly: Bool = false) -> [Tick] {
        var target = targetCount(length: length, spacing: spacing)
        let span = range.upperBound - range.lowerBound
        while true {
            let candidate = ticks(in: range, targetCount: target, integersOnly: integersOnly)
            guard target > 2, candidate.count > 1, span > 0 else { return candidate }
            let gap = (candidate[1].value - candidate[0].value) / span * length
            let widest = TextMetrics.maximumWidth(candidate.map(\.label), fontSize: fontSize)
            if widest + fontSize * 1.2 <= gap { return candidate }
            target -= 1
        }
    }

    /// The ticks inside `range` (ends included, to a relative 1e-9), about `targetCount` of them,
    /// with their labels; `integersOnly` keeps the step at 1 or more (for iteration counts and indices).
    static func ticks(in range: ClosedRange<Double>, targetCount: Int, integersOnly: Bool = false) -> [Tick] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [] }
        var step = self.step(span: span, targetCount: targetCount)
        if integersOnly { step = max(1, step) }
        let slack = 1e-9 * max(span, abs(range.lowerBound), abs(range.upperBound)) / step
        let first = (range.lowerBound / step - slack).rounded(.up)
        let last = (range.upperBound / step + slack).rounded(.down)
        guard first <= last, last - first < 10_000 else { return [] }
        let values = stride(from: first, through: last, by: 1).map { $0 * step }
        let labels = NumberText.tickLabels(values, step: step)
        return zip(values, labels).map { Tick(value: $0 == 0 ? 0 : $0, label: $1) }
    }

    /// How many ticks fit along `length` pixels at about one per `spacing` pixels (at least 2).
    static func targetCount(length: Double, spacing: Double) -> Int {
        max(2, Int((length / spacing).rounded()))
    }
}

/// A tick: where it goes (in data units) and what it says.
struct Tick: Hashable {
    var value: Double
    var label: String
}
