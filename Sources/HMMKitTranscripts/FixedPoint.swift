/// Numbers written with a fixed count of digits after the point, the same on every platform
/// (no locale, no exponent): what the text formats here need, without `String(format:)`.
enum FixedPoint {
    /// `value` rounded to `decimals` digits after the point (half away from zero), e.g.
    /// `format(1.2345, 3) == "1.235"`; `-0` is written `0`. Values too large for exact
    /// integer scaling fall back to Swift's shortest representation.
    static func format(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard value.isFinite, abs(scaled) < 9.0e15 else { return "\(value)" }
        let units = Int64(scaled)
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(scale)
        var text = units < 0 ? "-\(whole)" : "\(whole)"
        if decimals > 0 {
            let fraction = String(magnitude % UInt64(scale))
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// As ``format(_:_:)``, with trailing zeros after the point removed (and the point when
    /// nothing follows it): `0.5`, `2`, `0.125`.
    static func trimmed(_ value: Double, _ decimals: Int) -> String {
        var text = format(value, decimals)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
