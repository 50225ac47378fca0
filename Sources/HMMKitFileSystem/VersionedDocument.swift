#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reading HMMKit's versioned JSON files (GMMs, HMMs, recognizers): they all start with
/// `"format"` and `"version"`, checked before the rest is decoded, so a file of another kind, of a
/// newer HMMKit, or a damaged one each get their own message.
package enum VersionedDocument {
    private struct Header: Decodable {
        var format: String?
        var version: Int?
    }

    /// Writes `document` to `url` atomically as JSON with sorted keys (the same document always
    /// gives the same bytes); `kind` names it in the message of an encoding failure.
    /// - Throws: ``FileProblem/access(_:)`` when the file cannot be written (it is then left as it
    ///   was); ``FileProblem/content(_:)`` when the document cannot be encoded (a non-finite number).
    package static func write<D: Encodable>(_ document: D, to url: URL, kind: String) throws(FileProblem) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes: [UInt8]
        do { bytes = Array(try encoder.encode(document)) } catch { throw .content("cannot encode the \(kind): \(error)") }
        do { try AtomicFile.write(bytes, to: url) } catch { throw .access(error) }
    }

    /// The document of type `D` in a file's bytes.
    /// - Parameters:
    ///   - format: the expected `"format"` value; `kind` names it in messages ("Gaussian mixture").
    ///   - currentVersion: the newest version this build reads.
    package static func decode<D: Decodable>(_: D.Type, from bytes: [UInt8], format: String, currentVersion: Int,
                                             kind: String) throws(FileProblem) -> D {
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes)) else {
            throw .content("not an HMMKit \(kind) (not JSON, or truncated)")
        }
        guard header.format == format else {
            throw .content("not an HMMKit \(kind) (format \(header.format.map { "\"\($0)\"" } ?? "missing"))")
        }
        guard let version = header.version, version >= 1 else {
            throw .content("damaged \(kind) file: version is \(header.version.map(String.init) ?? "missing"); "
                + "versions start at 1")
        }
        guard version <= currentVersion else {
            throw .content("written by a newer HMMKit (\(kind) format version \(version)); "
                + "this build reads version \(currentVersion)")
        }
        do { return try JSONDecoder().decode(D.self, from: Data(bytes)) } catch let error as DecodingError {
            throw .content("damaged \(kind) file: \(describe(error))")
        } catch {
            throw .content("damaged \(kind) file: \(error)")
        }
    }

    /// A decoding failure as the field it concerns (`states[2].weights`) and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text.isEmpty ? "the document" : text
        }
        func expected(_ type: Any.Type) -> String {
            let name = "\(type)"
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            switch name {
            case "Double", "Float": return "a number"
            case "Int", "Int32", "Int64", "UInt64", "UInt32": return "an integer"
            case "String": return "a string"
            case "Bool": return "true or false"
            default: return "a value of type \(name)"
            }
        }
        switch error {
        case let .typeMismatch(type, context): return "\(field(context.codingPath)) must be \(expected(type))"
        case let .valueNotFound(type, context): return "\(field(context.codingPath)) is null; it must be \(expected(type))"
        case let .keyNotFound(key, context): return "\(field(context.codingPath + [key])) is missing"
        case let .dataCorrupted(context): return "\(field(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
