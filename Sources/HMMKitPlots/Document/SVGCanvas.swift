/// Where a text's anchor point sits horizontally (`text-anchor`).
enum TextAnchor: String {
    case start, middle, end
}

/// Where a text's anchor point sits vertically. Set with `dy` rather than `dominant-baseline`,
/// which older renderers ignore.
enum TextBaseline {
    /// The point is on the baseline.
    case alphabetic
    /// The point is at the middle of digits and capitals.
    case middle
    /// The point is at the top of capitals.
    case top

    var shift: String? {
        switch self {
        case .alphabetic: return nil
        case .middle: return "0.35em"
        case .top: return "0.75em"
        }
    }
}

/// An SVG body under construction: each method appends one element, with numbers printed by
/// ``NumberText/coordinate(_:)`` and text escaped by ``xmlEscaped(_:)``.
struct SVGCanvas {
    private(set) var definitions = ""
    private(set) var body = ""
    private var identifierCount = 0

    init() {
        body.reserveCapacity(1 << 16)
    }

    /// A document of this drawing, sized and styled by `figure`.
    func document(figure: Figure, title: String?) -> SVGDocument {
        SVGDocument(width: figure.width, height: figure.height, title: title, fontFamily: figure.fontFamily,
                    fontSize: figure.fontSize, definitions: definitions, body: body)
    }

    /// A fresh element identifier (`<stem>-<n>`), unique within this document.
    mutating func identifier(_ stem: String) -> String {
        identifierCount += 1
        return "hmmkit-\(stem)-\(identifierCount)"
    }

    /// Appends `text`, which the caller has built from escaped strings and printed numbers.
    mutating func append(raw text: String) {
        body += text
    }

    /// Appends `text` to `<defs>`.
    mutating func define(raw text: String) {
        definitions += text
    }

    /// An element with the attributes whose values are not `nil` (values are escaped here).
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String?>, content: String? = nil) {
        body += "<\(name)"
        for (key, value) in attributes {
            guard let value else { continue }
            body += " \(key)=\"\(xmlEscaped(value))\""
        }
        if let content {
            body += ">\(content)</\(name)>\n"
        } else {
            body += "/>\n"
        }
    }

    mutating func beginGroup(_ attributes: KeyValuePairs<String, String?>) {
        body += "<g"
        for (key, value) in attributes {
            guard let value else { continue }
            body += " \(key)=\"\(xmlEscaped(value))\""
        }
        body += ">\n"
    }

    mutating func endGroup() {
        body += "</g>\n"
    }

    mutating func rectangle(_ rect: Rect, fill: RGBColor?, stroke: RGBColor? = nil, strokeWidth: Double? = nil,
                            opacity: Double? = nil) {
        element("rect", [
            "x": number(rect.x), "y": number(rect.y),
            "width": number(max(0, rect.width)), "height": number(max(0, rect.height)),
            "fill": fill?.hexString ?? "none", "stroke": stroke?.hexString,
            "stroke-width": strokeWidth.map(number), "opacity": opacity.map(number),
        ])
    }

    mutating func line(from start: (x: Double, y: Double), to end: (x: Double, y: Double), stroke: RGBColor,
                       width: Double = 1, dash: String? = nil) {
        element("line", [
            "x1": number(start.x), "y1": number(start.y), "x2": number(end.x), "y2": number(end.y),
            "stroke": stroke.hexString, "stroke-width": width == 1 ? nil : number(width), "stroke-dasharray": dash,
        ])
    }

    mutating func text(_ string: String, x: Double, y: Double, anchor: TextAnchor = .start,
                       baseline: TextBaseline = .alphabetic, fontSize: Double? = nil, rotation: Double? = nil,
                       fill: RGBColor? = nil, bold: Bool = false) {
        let rotate = rotation.map { "rotate(\(number($0)) \(number(x)) \(number(y)))" }
        element("text", [
            "x": number(x), "y": number(y), "dy": baseline.shift,
            "text-anchor": anchor == .start ? nil : anchor.rawValue,
            "font-size": fontSize.map(number), "font-weight": bold ? "bold" : nil,
            "fill": fill?.hexString, "transform": rotate,
        ], content: xmlEscaped(string))
    }

    /// A number as SVG prints it here.
    func number(_ value: Double) -> String {
        NumberText.coordinate(value)
    }
}

/// An axis-aligned rectangle in pixels (y grows downwards, as in SVG).
struct Rect: Hashable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var minX: Double { x }
    var maxX: Double { x + width }
    var minY: Double { y }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }
}
