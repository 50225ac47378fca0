/// Tick values on the 1-2-5 rule: steps of 1, 2 or 5 × 10^k, placed on whole multiples of the step.
enum NiceTicks {
    /// The smallest 1, 2 or 5 × 10^k step that cuts `span` into at most about `targetCount` parts.
    static func step(span: Double, targetCount: Int) -> Double {
        precondition(span > 0 && span.isFinite, "NiceTicks.step: span must be finite and positive (got \(span))")
        let raw = span / Double(max(1, targetCount))
        let power = Int(decimalLogarithm(raw).rounded(.down))
        let base = NumberText.power10(power)
        for multiple in [1.0, 2, 5, 10] where multiple * base >= raw * (1 - 1e-9) {
            return multiple * base
        }
        return 10 * base
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
