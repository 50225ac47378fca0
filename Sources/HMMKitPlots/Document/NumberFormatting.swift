/// How a plot prints data values next to the marks (bar values, heat-map cells).
public enum ValueFormat: Sendable, Hashable {
    /// Three significant digits with trailing zeros dropped (`0.923`, `12.5`, `1200`, `3`), and
    /// exponent notation below 0.001 and from 1,000,000 on (`4.2e-5`, `1.23e6`).
    case automatic
    /// A fixed number of decimals (`.decimals(2)`: `0.92`, `12.00`).
    case decimals(Int)
    /// The value × 100 with a fixed number of decimals and a percent sign (`.percent(decimals: 1)`
    /// prints 0.9234 as `92.3%`).
    case percent(decimals: Int)

    /// `value` printed in this format; a value that is not finite prints as an empty string.
    public func string(for value: Double) -> String {
        guard value.isFinite else { return "" }
        switch self {
        case .automatic: return NumberText.significant(value, digits: 3)
        case let .decimals(count): return NumberText.fixed(value, decimals: max(0, count))
        case let .percent(decimals): return NumberText.fixed(value * 100, decimals: max(0, decimals)) + "%"
        }
    }
}

/// Compact, locale-free number printing for SVG: coordinates, tick labels, cell values.
/// Nothing here ever prints `nan`, `inf` or a 17-digit float.
enum NumberText {
    /// A coordinate or length: at most two decimals (1/100 px), trailing zeros dropped, never `-0`.
    /// Non-finite input (which callers filter out) prints as `0` rather than break the file.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let scaled = (value * 100).rounded()
        guard abs(scaled) < 9e15 else { return exponent(value, mantissaDecimals: 6) }
        let hundredths = Int64(scaled)
        if hundredths == 0 { return "0" }
        let magnitude = hundredths.magnitude
        var text = hundredths < 0 ? "-" : ""
        text += String(magnitude / 100)
        let fraction = magnitude % 100
        if fraction != 0 {
            text += fraction % 10 == 0 ? ".\(fraction / 10)" : (fraction < 10 ? ".0\(fraction)" : ".\(fraction)")
        }
        return text
    }

    /// `value` with exactly `decimals` decimals (rounded half away from zero), never `-0`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "" }
        let decimals = min(decimals, 12)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard abs(scaled) < 9e15 else { return exponent(value, mantissaDecimals: 3) }
        let units = Int64(scaled)
        let magnitude = units.magnitude
        let divisor = UInt64(scale)
        var text = units < 0 ? "-" : ""
        text += String(magnitude / divisor)
        if decimals > 0 {
            let fraction = String(magnitude % divisor)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// `value` with `digits` significant digits and trailing zeros dropped; exponent notation
    /// below 0.001 and from 1,000,000 on.
    static func significant(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "" }
        if value == 0 { return "0" }
        let power = Int((log10Magnitude(value)).rounded(.down))
        if power < -3 || power >= 6 { return trimmed(exponent(value, mantissaDecimals: digits - 1)) }
        return trimmed(fixed(value, decimals: max(0, digits - 1 - power)))
    }

    /// `mantissa` `e` `exponent`, e.g. `1.25e6`, `-3e-5`, with `mantissaDecimals` decimals
    /// (trailing zeros kept; the caller trims if it wants).
    static func exponent(_ value: Double, mantissaDecimals: Int) -> String {
        guard value.isFinite else { return "" }
        if value == 0 { return "0" }
        var power = Int(log10Magnitude(value).rounded(.down))
        var mantissa = value / power10(power)
        // Rounding can carry the mantissa to 10 (9.996 → "10.00"): move to the next power.
        if abs((fixedValue(mantissa, decimals: mantissaDecimals))) >= 10 {
            power += 1
            mantissa = value / power10(power)
        }
        return fixed(mantissa, decimals: mantissaDecimals) + "e\(power)"
    }

    /// Labels for ticks that are whole multiples of `step` (a 1-2-5 step): just enough decimals to
    /// tell neighbours apart; exponent notation with a shared exponent when the ticks reach
    /// 1,000,000 or the step is below 0.0001.
    static func tickLabels(_ ticks: [Double], step: Double) -> [String] {
        guard step > 0, step.isFinite else { return ticks.map { significant($0, digits: 3) } }
        let stepPower = Int(log10Magnitude(step).rounded(.down))
        let largest = ticks.map(abs).max() ?? 0
        if largest < 1e6 && stepPower >= -4 {
            let decimals = max(0, -stepPower + (isWholeMultiple(step, ofPower: stepPower) ? 0 : 1))
            return ticks.map { fixed($0, decimals: decimals) }
        }
        let power = largest > 0 ? Int(log10Magnitude(largest).rounded(.down)) : stepPower
        let decimals = max(0, power - stepPower + (isWholeMultiple(step, ofPower: stepPower) ? 0 : 1))
        return ticks.map { tick in
            let mantissa = tick / power10(power)
            if fixedValue(mantissa, decimals: decimals) == 0 { return "0" }
            return fixed(mantissa, decimals: decimals) + "e\(power)"
        }
    }

    /// `fixed` with a trailing run of zeros (and a bare point) removed: `12.500` → `12.5`, `3.00` → `3`.
    static func trimmed(_ text: String) -> String {
        guard let exponentIndex = text.firstIndex(of: "e") else { return trimmedDecimal(Substring(text)) }
        return trimmedDecimal(text[..<exponentIndex]) + text[exponentIndex...]
    }

    private static func trimmedDecimal(_ text: Substring) -> String {
        guard text.contains(".") else { return String(text) }
        var end = text.endIndex
        while end > text.startIndex, text[text.index(before: end)] == "0" { end = text.index(before: end) }
        if end > text.startIndex, text[text.index(before: end)] == "." { end = text.index(before: end) }
        let result = String(text[..<end])
        return result == "-0" ? "0" : result
    }

    /// log10 of |value| (value nonzero and finite), corrected so that exact powers of ten land on
    /// their integer (log10(1000) may come out a hair below 3).
    private static func log10Magnitude(_ value: Double) -> Double {
        let logarithm = decimalLogarithm(abs(value))
        let nearest = logarithm.rounded()
        return abs(logarithm - nearest) < 1e-12 ? nearest : logarithm
    }

    /// Whether `step` is a whole number of 10^`power` (1 and 2 and 5 are, 2.5 is not).
    private static func isWholeMultiple(_ step: Double, ofPower power: Int) -> Bool {
        let units = step / power10(power)
        return abs(units - units.rounded()) < 1e-9
    }

    /// `value` rounded to `decimals` decimals, as a number.
    private static func fixedValue(_ value: Double, decimals: Int) -> Double {
        let scale = power10(decimals)
        return (value * scale).rounded() / scale
    }

    /// 10^`power`, exact for the powers tick steps use.
    static func power10(_ power: Int) -> Double {
        var result = 1.0
        if power >= 0 {
            for _ in 0..<power { result *= 10 }
        } else {
            for _ in 0..<(-power) { result /= 10 }
        }
        return result
    }
}
