import Foundation
@testable import HMMKitCommandLine
import Testing

/// The `--json` outputs are `Encodable` structs; they print as the same fields in a
/// `[String: Any]` literal print through `JSONSerialization`, byte for byte.
@Suite("--json outputs")
struct JSONOutputTests {
    private struct Sample: Encodable {
        var values: [Double], single: Float, count: Int, flag: Bool, path: String
        var label: String?, missing: Int?, nested: [String: Double], rows: [Row]

        struct Row: Encodable { var name: String, score: Double }

        private enum CodingKeys: String, CodingKey { case values, single, count, flag, path, label, missing, nested, rows }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(values, forKey: .values)
            try container.encode(single, forKey: .single)
            try container.encode(count, forKey: .count)
            try container.encode(flag, forKey: .flag)
            try container.encode(path, forKey: .path)
            try container.encode(label, forKey: .label)  // nil: null
            try container.encodeIfPresent(missing, forKey: .missing)  // nil: left out
            try container.encode(nested, forKey: .nested)
            try container.encode(rows, forKey: .rows)
        }
    }

    private static func serialized(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: JSONValues.sanitized(object), options: [.sortedKeys]), as: UTF8.self)
    }

    /// −0.0, integral and very large doubles, a Float, `null`, a slash and mixed-case keys: the cases
    /// where a `JSONEncoder` text parsed back by `JSONSerialization` would print differently.
    @Test func structsPrintAsDictionaryLiterals() throws {
        let values = [-0.0, 0, 3, 0.1, 1e17, 1.2345678901234567e19, 1.5e-7, -2.5]
        let sample = Sample(values: values, single: 0.1, count: 7, flag: true, path: "a/b.wav", label: nil, missing: nil,
                            nested: ["B": 1, "a10": 2, "a2": -0.0], rows: [Sample.Row(name: "x", score: -12)])
        let literal: [String: Any] = [
            "values": values, "single": Float(0.1), "count": 7, "flag": true, "path": "a/b.wav", "label": NSNull(),
            "nested": ["B": 1.0, "a10": 2.0, "a2": -0.0], "rows": [["name": "x", "score": -12.0]],
        ]
        let line = try Terminal.jsonLine(sample)
        #expect(line == (try Self.serialized(literal)))
        #expect(line.contains("[-0,0,3,0.1,1e+17,1.2345678901234567e+19,1.5e-07,-2.5]"), "\(line)")
    }

    /// Non-finite numbers become `null`, named in the object's `"nonFinite"`, nested objects included.
    @Test func nonFiniteNumbersAreNullAndNamed() throws {
        let sample = Sample(values: [1, -.infinity, .nan], single: .infinity, count: 0, flag: false, path: "", label: "l",
                            missing: 1, nested: [:], rows: [Sample.Row(name: "y", score: -.infinity)])
        let line = try Terminal.jsonLine(sample)
        #expect(line.contains("\"values\":[1,null,null]"), "\(line)")
        #expect(line.contains("\"nonFinite\":{\"single\":\"inf\",\"values\":\"2 of 3 values not finite (null)\"}"), "\(line)")
        #expect(line.contains("{\"name\":\"y\",\"nonFinite\":{\"score\":\"-inf\"},\"score\":null}"), "\(line)")
    }
}
