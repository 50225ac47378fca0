import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HMMKitPlots

/// One element of a parsed SVG file: its name, attributes, and the text directly inside it.
struct ParsedElement {
    var name: String
    var attributes: [String: String]
    /// The index of the enclosing element in the parsed list (`nil` for the root).
    var parent: Int?
    var text = ""

    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

/// The elements of an SVG file in document order, by Foundation's `XMLParser` (so a file that
/// parses is well-formed XML); `nil` when it does not parse.
func parseSVG(_ text: String) -> [ParsedElement]? {
    let collector = ElementCollector()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = collector
    guard parser.parse() else { return nil }
    return collector.elements
}

private final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [ParsedElement] = []
    private var open: [Int] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(ParsedElement(name: elementName, attributes: attributes, parent: open.last))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = open.last { elements[index].text += string }
    }
}

/// Whether the SVG text prints a number as Swift prints NaN or infinity.
func containsNonFiniteNumber(_ text: String) -> Bool {
    text.contains("nan") || text.contains("inf")
}
