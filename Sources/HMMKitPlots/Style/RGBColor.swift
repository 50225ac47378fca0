/// An opaque sRGB colour with 8 bits per channel, as SVG's `#rrggbb` spells it.
public struct RGBColor: Sendable, Hashable {
    /// The red channel, 0–255.
    public var red: UInt8
    /// The green channel, 0–255.
    public var green: UInt8
    /// The blue channel, 0–255.
    public var blue: UInt8

    /// A colour from its three channels, 0–255 each.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from its 24-bit hexadecimal code, as in CSS: `RGBColor(hex: 0x1f77b4)`.
    ///
    /// - Precondition: `hex` ≤ `0xFFFFFF`.
    public init(hex: UInt32) {
        precondition(hex <= 0xFF_FFFF, "RGBColor(hex:) takes a 24-bit 0xRRGGBB code (got 0x\(String(hex, radix: 16)))")
        self.init(red: UInt8(hex >> 16), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// A grey of the given lightness, 0 (black) to 1 (white), clamped.
    public init(gray lightness: Double) {
        let level = UInt8((min(1, max(0, lightness.isNaN ? 0 : lightness)) * 255).rounded())
        self.init(red: level, green: level, blue: level)
    }

    /// Black, `#000000`.
    public static let black = RGBColor(hex: 0x000000)
    /// White, `#ffffff`.
    public static let white = RGBColor(hex: 0xFFFFFF)

    /// The SVG and CSS spelling, `#rrggbb` in lower case.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "#")]
        for channel in [red, green, blue] {
            bytes.append(digits[Int(channel >> 4)])
            bytes.append(digits[Int(channel & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The WCAG relative luminance, 0 (black) to 1 (white): used to pick black or white text on a cell.
    public var relativeLuminance: Double {
        func linear(_ channel: UInt8) -> Double {
            let value = Double(channel) / 255
            return value <= 0.04045 ? value / 12.92 : power((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// The colour mixed with black: `fraction` 0 leaves it, 1 gives black.
    func darkened(_ fraction: Double) -> RGBColor {
        func mix(_ channel: UInt8) -> UInt8 { UInt8((Double(channel) * (1 - fraction)).rounded()) }
        return RGBColor(red: mix(red), green: mix(green), blue: mix(blue))
    }
}
