#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HMMKitFileSystem

/// A finished, standalone SVG 1.1 file: what every plot's ``SVGPlot/render()`` returns.
///
/// The text is self-contained (no scripts, no external fonts, images or style sheets; the font is
/// named by family with generic fallbacks), so it opens in a browser, in `rsvg-convert` or in
/// Inkscape as it is. Every piece of text in it is XML-escaped, and every number is printed
/// compactly (at most two decimals for coordinates) — never `nan` or `inf`.
public struct SVGDocument: Sendable, Hashable {
    /// The width of the picture, in CSS pixels (the `width` attribute and the view box).
    public let width: Double
    /// The height of the picture, in CSS pixels.
    public let height: Double
    /// The document's `<title>` (shown as a tooltip and read by screen readers), if any.
    public let title: String?
    /// The font family of all text (an SVG `font-family` list).
    let fontFamily: String
    /// The default font size, in pixels.
    let fontSize: Double
    /// The `<defs>` content (gradients, clip paths).
    let definitions: String
    /// The drawing itself.
    let body: String

    init(width: Double, height: Double, title: String?, fontFamily: String, fontSize: Double,
         definitions: String, body: String) {
        self.width = width
        self.height = height
        self.title = title
        self.fontFamily = fontFamily
        self.fontSize = fontSize
        self.definitions = definitions
        self.body = body
    }

    /// The complete file: an XML declaration, then the `<svg>` element with its `xmlns`,
    /// `width`, `height` and `viewBox` in pixels.
    public var svgText: String {
        let w = NumberText.coordinate(width), h = NumberText.coordinate(height)
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        text += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" "
        text += "viewBox=\"0 0 \(w) \(h)\" font-family=\"\(xmlEscaped(fontFamily))\" "
        text += "font-size=\"\(NumberText.coordinate(fontSize))\">\n"
        if let title { text += "<title>\(xmlEscaped(title))</title>\n" }
        if !definitions.isEmpty { text += "<defs>\n\(definitions)</defs>\n" }
        text += body
        text += "</svg>\n"
        return text
    }

    /// Writes ``svgText`` (UTF-8) to `url`, atomically: into a temporary file in the same folder
    /// (`.<name>.tmp-XXXXXX`, `mkstemp`), flushed (`fsync`) and renamed over `url`, so that a reader
    /// never sees half a file and a failure leaves an existing file untouched.
    ///
    /// - Throws: ``PlotError/cannotWrite(file:reason:)`` when `url` is not a file URL, or the
    ///   folder is missing or not writable, or the disk is full.
    public func write(to url: URL) throws(PlotError) {
        guard url.isFileURL else { throw .cannotWrite(file: url.absoluteString, reason: "not a file URL") }
        let path = url.path(percentEncoded: false)
        do { try AtomicFile.write(Array(svgText.utf8), to: path) } catch {
            throw .cannotWrite(file: path, reason: error.reason)
        }
    }
}
