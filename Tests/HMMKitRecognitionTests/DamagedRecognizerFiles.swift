import Foundation
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// One damage done to a recognizer file's JSON, and the field its error must name.
typealias RecognizerFileEdit = (field: String, edit: (inout [String: Any]) -> Void)

/// Writes `file` once per edit, damaged by it, into `folder`, and expects loading each to fail with
/// an error that names the edit's field and the damaged file.
func expectEachDamageRefused(_ file: URL, in folder: TemporaryFolder, _ edits: [RecognizerFileEdit]) throws {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
    for (index, (field, edit)) in edits.enumerated() {
        var damaged = object
        edit(&damaged)
        let bad = folder.file("bad-\(index)-\(field).json")
        try JSONSerialization.data(withJSONObject: damaged).write(to: bad)
        #expect {
            _ = try Recognizer.load(from: bad)
        } throws: { error in
            "\(error)".contains(field) && "\(error)".contains(bad.lastPathComponent)
        }
    }
}
