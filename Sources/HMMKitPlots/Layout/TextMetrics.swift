/// Text widths without a font engine: per-character advance widths close to DejaVu Sans (the
/// font `rsvg-convert` uses on Linux; Helvetica and Arial are a little narrower), so that margins
/// and legend boxes are sized generously but not wastefully.
enum TextMetrics {
    /// The estimated advance width of `text` at `fontSize` pixels.
    static func width(_ text: String, fontSize: Double) -> Double {
        var ems = 0.0
        for character in text.unicodeScalars {
            ems += advance(character)
        }
        return ems * fontSize
    }

    /// The widest of `texts` at `fontSize`.
    static func maximumWidth(_ texts: some Sequence<String>, fontSize: Double) -> Double {
        texts.reduce(0) { max($0, width($1, fontSize: fontSize)) }
    }

    /// The advance of one character in ems.
    private static func advance(_ scalar: Unicode.Scalar) -> Double {
        switch scalar {
        case "i", "j", "l", "|", "!", "'", ".", ",", ":", ";", "I": return 0.29
        case " ", "f", "t", "(", ")", "[", "]", "{", "}", "-", "/": return 0.38
        case "r": return 0.42
        case "s", "c", "z", "\"": return 0.54
        case "m", "w": return 0.92
        case "M", "W", "%", "@": return 0.96
        case "0"..."9", "+", "=", "<", ">", "#", "$", "_", "^", "~", "*": return 0.64
        case "A"..."Z": return 0.72
        case "a"..."z": return 0.62
        default: return scalar.value < 0x3000 ? 0.75 : 1.0
        }
    }
}
