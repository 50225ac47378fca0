/// Distinct colours for categories (classes, series, models), used in order and repeated when
/// there are more categories than colours.
public struct CategoricalPalette: Sendable, Hashable {
    /// The colours, in the order they are handed out.
    public let colors: [RGBColor]

    /// A palette of `colors`.
    ///
    /// - Precondition: at least one colour.
    public init(colors: [RGBColor]) {
        precondition(!colors.isEmpty, "CategoricalPalette: needs at least one colour")
        self.colors = colors
    }

    /// The colour of category `index` (counted from 0), cycling through ``colors``.
    ///
    /// - Precondition: `index` ≥ 0.
    public subscript(index: Int) -> RGBColor {
        precondition(index >= 0, "CategoricalPalette: category index \(index) is negative")
        return colors[index % colors.count]
    }

    /// matplotlib's default `tab10` (Tableau 10): blue, orange, green, red, purple, brown, pink,
    /// grey, olive, cyan.
    public static let tab10 = CategoricalPalette(colors: [
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    ].map(RGBColor.init(hex:)))
}
