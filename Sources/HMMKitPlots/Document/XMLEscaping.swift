/// Text made safe for SVG (XML 1.0) character data and for attribute values in double or single
/// quotes: `&`, `<`, `>`, `"` and `'` become entities, and the characters XML 1.0 forbids (the C0
/// controls other than tab, line feed and carriage return, and U+FFFE, U+FFFF) become U+FFFD.
func xmlEscaped(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&apos;"
        case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
        default:
            if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                escaped += "\u{FFFD}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
    }
    return escaped
}
