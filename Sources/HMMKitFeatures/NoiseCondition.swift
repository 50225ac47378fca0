import Foundation

/// A kind of additive noise (``NoiseMixer`` makes each).
public enum NoiseKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Gaussian white noise: a flat spectrum.
    case white
    /// Pink noise: power falling as 1/f (white noise through Paul Kellet's three-pole filter).
    case pink
    /// Brown noise: power falling as 1/f² (white noise through a leaky integrator).
    case brown
    /// Speech babble: ``NoiseMixer/babbleTalkers`` other recordings, each scaled to unit power,
    /// looped or cropped to the recording's length and summed.
    case babble
}

/// Why a noise specification (``NoiseCondition/parseList(_:)``) was refused; every case names the
/// token at fault.
public enum NoiseSpecificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A token that is not `KIND:SNR`.
    case malformed(token: String)
    /// A kind other than ``NoiseKind``'s.
    case unknownKind(token: String, kind: String)
    /// An SNR that is not a number, or not finite, or outside ``NoiseCondition/snrRange``.
    case snrOutOfRange(token: String, snr: String)

    public var description: String {
        switch self {
        case .malformed(let token):
            return "noise \"\(token)\": expected KIND:SNR, e.g. white:10 (kinds: \(NoiseCondition.kindNames))"
        case .unknownKind(let token, let kind):
            return "noise \"\(token)\": unknown kind \"\(kind)\" (kinds: \(NoiseCondition.kindNames))"
        case .snrOutOfRange(let token, let snr):
            return "noise \"\(token)\": the SNR \"\(snr)\" must be a number of dB in "
                + "\(NoiseCondition.snrRange.lowerBound.formatted)…\(NoiseCondition.snrRange.upperBound.formatted)"
        }
    }
}

/// Additive noise of one ``NoiseKind`` at a signal-to-noise ratio, written `KIND:SNR` (`white:10`,
/// `babble:5`). The SNR is the ratio, in dB, of the power of the whole clean signal (its mean
/// square over every sample, silences included, as Kaldi's and ESPnet's augmentation scripts
/// measure it) to the power of the added noise over the same samples.
public struct NoiseCondition: Sendable, Hashable, CustomStringConvertible {
    /// The SNRs accepted, in dB.
    public static let snrRange: ClosedRange<Double> = -10...60

    public var kind: NoiseKind
    /// Signal-to-noise ratio in dB, within ``snrRange``.
    public var snr: Double

    /// `kind` noise at `snr` dB.
    /// - Precondition: `snr` lies in ``snrRange``.
    public init(_ kind: NoiseKind, snr: Double) {
        precondition(Self.snrRange.contains(snr), "NoiseCondition: SNR \(snr) dB outside \(Self.snrRange)")
        self.kind = kind
        self.snr = snr
    }

    /// `KIND:SNR`, the form ``parse(_:)`` reads (`white:10`, `pink:2.5`).
    public var description: String { "\(kind.rawValue):\(snr.formatted)" }

    static var kindNames: String { NoiseKind.allCases.map(\.rawValue).joined(separator: ", ") }

    /// The condition `token` names (`KIND:SNR`, surrounding spaces ignored, kind in any case).
    /// - Throws: ``NoiseSpecificationError`` naming `token`.
    public static func parse(_ token: String) throws(NoiseSpecificationError) -> NoiseCondition {
        let trimmed = token.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { throw .malformed(token: trimmed) }
        let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
        guard let kind = NoiseKind(rawValue: name) else { throw .unknownKind(token: trimmed, kind: String(parts[0])) }
        let text = parts[1].trimmingCharacters(in: .whitespaces)
        guard let snr = Double(text), snrRange.contains(snr) else { throw .snrOutOfRange(token: trimmed, snr: text) }
        return NoiseCondition(kind, snr: snr)
    }

    /// The conditions of a comma-separated list (`white:10,babble:5`); `none` or an empty text is
    /// no condition.
    /// - Throws: ``NoiseSpecificationError`` naming the first bad token.
    public static func parseList(_ text: String) throws(NoiseSpecificationError) -> [NoiseCondition] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.lowercased() == "none" { return [] }
        var conditions: [NoiseCondition] = []
        for token in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            conditions.append(try parse(String(token)))
        }
        return conditions
    }

    /// The list as ``parseList(_:)`` reads it (`none` when empty).
    public static func listDescription(_ conditions: [NoiseCondition]) -> String {
        conditions.isEmpty ? "none" : conditions.map(\.description).joined(separator: ",")
    }
}

// A condition is stored as its text, `"white:10"`, and checked when read.
extension NoiseCondition: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Self.parse(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Double {
    /// `10` for 10.0, `2.5` for 2.5: the shortest text that reads back as the same value.
    fileprivate var formatted: String {
        rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
