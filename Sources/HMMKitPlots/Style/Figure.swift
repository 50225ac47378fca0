/// The page a plot is drawn on: its size, the space around the plotting area, and the font.
///
/// All lengths are CSS pixels (1/96 inch), the unit of an SVG without a unit.
public struct Figure: Sendable, Hashable {
    /// A sans-serif list that renders alike on Linux (DejaVu Sans, what `rsvg-convert` finds),
    /// macOS (Helvetica) and Windows (Arial).
    public static let defaultFontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    /// The width of the picture, in pixels (default 720).
    public var width: Double
    /// The height of the picture, in pixels (default 450).
    public var height: Double
    /// The space between the picture's edges and the plotting area (the axes box). `nil` (the
    /// default) sizes it to fit the title, the tick labels, the axis labels, and the legend or
    /// colour bar, which go in the right margin; set it to line several figures up exactly.
    public var margins: Margins?
    /// The size of tick labels, legends and axis labels, in pixels (default 12; the title is 1.25×).
    public var fontSize: Double
    /// The SVG `font-family` list of every text (default ``defaultFontFamily``).
    public var fontFamily: String
    /// The colour painted behind everything, or `nil` for a transparent picture (default white).
    public var background: RGBColor?

    /// A page of `width` × `height` pixels.
    ///
    /// - Precondition: `width`, `height` and `fontSize` finite and positive.
    public init(width: Double = 720, height: Double = 450, margins: Margins? = nil, fontSize: Double = 12,
                fontFamily: String = Figure.defaultFontFamily, background: RGBColor? = .white) {
        precondition(width.isFinite && width > 0 && height.isFinite && height > 0,
                     "Figure: width and height must be finite and positive (got \(width) × \(height))")
        precondition(fontSize.isFinite && fontSize > 0, "Figure: fontSize must be finite and positive (got \(fontSize))")
        self.width = width
        self.height = height
        self.margins = margins
        self.fontSize = fontSize
        self.fontFamily = fontFamily
        self.background = background
    }
}

extension Figure {
    /// Traps when a property was set, after `init`, to a size no figure can have.
    func checkValid() {
        precondition(width.isFinite && width > 0 && height.isFinite && height > 0,
                     "Figure: width and height must be finite and positive (got \(width) × \(height))")
        precondition(fontSize.isFinite && fontSize > 0, "Figure: fontSize must be finite and positive (got \(fontSize))")
    }
}

/// Space around the plotting area, in pixels.
public struct Margins: Sendable, Hashable {
    /// Above the axes box (holds the title).
    public var top: Double
    /// Right of the axes box (holds an outside legend or the colour bar).
    public var right: Double
    /// Below the axes box (holds the x tick labels and the x-axis label).
    public var bottom: Double
    /// Left of the axes box (holds the y tick labels and the y-axis label).
    public var left: Double

    /// Margins of the given sizes.
    ///
    /// - Precondition: all four finite and not negative.
    public init(top: Double, right: Double, bottom: Double, left: Double) {
        precondition([top, right, bottom, left].allSatisfy { $0.isFinite && $0 >= 0 },
                     "Margins: each side must be finite and not negative (got \(top), \(right), \(bottom), \(left))")
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }
}

/// Where a plot puts its legend.
public enum LegendPlacement: Sendable, Hashable {
    /// In the right margin, level with the top of the axes box: never hides data (the default).
    case outsideRight
    /// Inside the axes box, in a corner, on a translucent white box.
    case topLeft, topRight, bottomLeft, bottomRight
    /// No legend.
    case hidden
}
