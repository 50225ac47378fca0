#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A plot that draws itself as a standalone SVG file: ``HeatMap``, ``LinePlot``, ``ScatterPlot``,
/// ``BarChart``.
///
/// Plots are plain values: set their properties, then call ``render()``, ``svgText`` or
/// ``write(to:)``; rendering has no side effects and the same plot always gives the same text.
public protocol SVGPlot: Sendable {
    /// Draws the plot on its figure.
    func render() -> SVGDocument
}

extension SVGPlot {
    /// The SVG file's text: `render().svgText`.
    public var svgText: String { render().svgText }

    /// Renders the plot and writes it to `url` atomically; see ``SVGDocument/write(to:)``.
    ///
    /// - Throws: ``PlotError/cannotWrite(file:reason:)``.
    public func write(to url: URL) throws(PlotError) {
        try render().write(to: url)
    }
}

/// A point in data coordinates.
public struct PlotPoint: Sendable, Hashable {
    /// The horizontal coordinate, in the x axis's data units.
    public var x: Double
    /// The vertical coordinate, in the y axis's data units.
    public var y: Double

    /// The point (`x`, `y`).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Whether both coordinates are finite (plots skip the points that are not).
    var isFinite: Bool { x.isFinite && y.isFinite }
}
