/// A continuous colour map: evenly spaced anchor colours, linearly interpolated in sRGB.
///
/// The built-in maps are matplotlib's, sampled at evenly spaced points of its 256-entry tables:
/// ``viridis`` and ``magma`` (perceptually uniform, for magnitudes such as MFCC or log-energy)
/// from 32 anchors, within 2/255 of matplotlib on every channel; ``coolwarm`` (diverging, for
/// signed data centred at 0) from 33 anchors, within 5/255, with its neutral grey exactly at the
/// middle.
public struct ColorMap: Sendable, Hashable {
    /// The map's name, e.g. `"viridis"`.
    public let name: String
    /// The colours at fractions 0, 1/(n−1), …, 1.
    public let anchors: [RGBColor]

    /// A map through `anchors`, evenly spaced from fraction 0 to fraction 1.
    ///
    /// - Precondition: at least two anchors.
    public init(name: String, anchors: [RGBColor]) {
        precondition(anchors.count >= 2, "ColorMap \(name): needs at least two anchor colours (got \(anchors.count))")
        self.name = name
        self.anchors = anchors
    }

    /// The colour at `fraction` of the way along the map; fractions outside 0…1 are clamped.
    ///
    /// - Precondition: `fraction` is not NaN (plots handle non-finite data before they get here).
    public func color(at fraction: Double) -> RGBColor {
        precondition(!fraction.isNaN, "ColorMap.color(at:): the fraction is NaN")
        let clamped = min(1, max(0, fraction))
        let position = clamped * Double(anchors.count - 1)
        let lower = min(anchors.count - 2, Int(position))
        let weight = position - Double(lower)
        let a = anchors[lower], b = anchors[lower + 1]
        func mix(_ u: UInt8, _ v: UInt8) -> UInt8 {
            UInt8((Double(u) + (Double(v) - Double(u)) * weight).rounded())
        }
        return RGBColor(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue))
    }

    /// The same map run backwards (`viridis.reversed` goes from yellow to purple).
    public var reversed: ColorMap {
        ColorMap(name: name.hasSuffix("_r") ? String(name.dropLast(2)) : name + "_r", anchors: anchors.reversed())
    }

    /// `count` colours evenly spaced along the map, ends included: the lookup table plots use
    /// (matplotlib's maps are also 256-entry tables).
    func table(count: Int) -> [RGBColor] {
        (0..<count).map { color(at: count == 1 ? 0 : Double($0) / Double(count - 1)) }
    }

    /// matplotlib's `viridis`: dark purple → blue → green → yellow. Perceptually uniform, readable
    /// in grey scale and by colour-blind readers; the default for heat maps.
    public static let viridis = ColorMap(name: "viridis", anchors: [
        0x440154, 0x470d60, 0x48186a, 0x482374, 0x472e7c, 0x453882, 0x424186, 0x3e4a89,
        0x3a548c, 0x365d8d, 0x32658e, 0x2e6d8e, 0x2b758e, 0x287d8e, 0x25848e, 0x228c8d,
        0x1f948c, 0x1e9c89, 0x20a386, 0x25ab82, 0x2eb37c, 0x3aba76, 0x48c16e, 0x58c765,
        0x6ccd5a, 0x7fd34e, 0x93d741, 0xa8db34, 0xc0df25, 0xd5e21a, 0xeae51a, 0xfde725,
    ].map(RGBColor.init(hex:)))

    /// matplotlib's `magma`: black → purple → orange → pale yellow. Perceptually uniform, with
    /// more range at the dark end than ``viridis`` (librosa's default for spectrograms).
    public static let magma = ColorMap(name: "magma", anchors: [
        0x000004, 0x030312, 0x0a0822, 0x130d34, 0x1e1149, 0x2a115c, 0x38106c, 0x451077,
        0x54137d, 0x601880, 0x6d1d81, 0x792282, 0x882781, 0x942c80, 0xa1307e, 0xae347b,
        0xbd3977, 0xca3e72, 0xd6456c, 0xe24d66, 0xec5860, 0xf3655c, 0xf8745c, 0xfb835f,
        0xfd9467, 0xfea36f, 0xfeb27a, 0xfec185, 0xfed194, 0xfde0a1, 0xfceeb0, 0xfcfdbf,
    ].map(RGBColor.init(hex:)))

    /// matplotlib's `coolwarm` (Moreland's diverging map): blue → light grey → red, for signed
    /// data with 0 at the grey middle (librosa's default for data with both signs, such as MFCC).
    public static let coolwarm = ColorMap(name: "coolwarm", anchors: [
        0x3b4cc0, 0x445acc, 0x4e68d8, 0x5875e1, 0x6282ea, 0x6c8ff1, 0x779af7, 0x82a6fb,
        0x8db0fe, 0x98b9ff, 0xa3c2fe, 0xaec9fc, 0xb9d0f9, 0xc3d5f4, 0xccd9ed, 0xd5dbe5,
        0xdddcdc, 0xe5d8d1, 0xecd3c5, 0xf1ccb8, 0xf5c4ac, 0xf7ba9f, 0xf7b093, 0xf6a586,
        0xf4987a, 0xf08b6e, 0xeb7d62, 0xe46e56, 0xdd5f4b, 0xd44e41, 0xca3b37, 0xbe242e,
        0xb40426,
    ].map(RGBColor.init(hex:)))
}
