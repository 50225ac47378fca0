#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SVGDocument {
    /// Several finished plots side by side in one file, left to right, top-aligned; the height is
    /// the tallest panel's. Element identifiers are renamed per panel so that clip paths and
    /// gradients of different panels never collide.
    public static func sideBySide(_ panels: [SVGDocument], title: String? = nil) -> SVGDocument {
        precondition(!panels.isEmpty, "sideBySide needs at least one panel")
        var definitions = "", body = "", x = 0.0
        for (index, panel) in panels.enumerated() {
            let prefix = "hmmkit-panel\(index)-"
            definitions += panel.definitions.replacing("hmmkit-", with: prefix)
            body += "<g transform=\"translate(\(NumberText.coordinate(x)),0)\">\n"
            body += panel.body.replacing("hmmkit-", with: prefix)
            body += "</g>\n"
            x += panel.width
        }
        return SVGDocument(width: x, height: panels.map(\.height).max()!, title: title ?? panels[0].title,
                           fontFamily: panels[0].fontFamily, fontSize: panels[0].fontSize,
                           definitions: definitions, body: body)
    }
}
