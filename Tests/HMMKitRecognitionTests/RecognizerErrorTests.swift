import Foundation
import HMMKitAudio
import HMMKitFeatures
import HMMKitFileSystem
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// A recognizer's errors keep the type of the layer that found them (file access, decoding), so
/// that a caller can `switch` on the cause; their messages still name the file.
@Suite("Recognizer errors keep their type")
struct RecognizerErrorTests {
    /// A missing recognizer file is a file-access error, not a damaged recognizer.
    @Test func aMissingRecognizerFileIsAFileAccessError() throws {
        let folder = try TemporaryFolder()
        let missing = folder.file("absent.json")
        let error = #expect(throws: RecognizerError.self) { try Recognizer.load(from: missing) }
        guard case .file(_, .access(.fileNotFound(let file))) = error else {
            Issue.record("expected RecognizerError.file(_, .access(.fileNotFound)), got \(String(describing: error))")
            return
        }
        #expect(file == missing.path)
        #expect(error?.description == "\(missing.path): no such file; check the path")
    }

    /// A recognizer file of another kind is a content problem of the file.
    @Test func aForeignRecognizerFileIsAContentProblem() throws {
        let folder = try TemporaryFolder()
        let foreign = folder.file("foreign.json")
        try Data(#"{"format": "something else", "version": 1}"#.utf8).write(to: foreign)
        let error = #expect(throws: RecognizerError.self) { try Recognizer.load(from: foreign) }
        guard case .file(let path, .content(let reason)) = error else {
            Issue.record("expected RecognizerError.file(_, .content), got \(String(describing: error))")
            return
        }
        #expect(path == foreign.path && reason.hasPrefix("not an HMMKit recognizer"))
    }

    /// Recognizing a missing audio file gives, for that file, the decoder's own error inside the
    /// front end's, and recognizes the others.
    @Test func aMissingAudioFileGivesTheDecodersError() throws {
        let recognizer = try Recognizer.load(from: VTLNRecognitionTests.fixtures.appendingPathComponent("recognizer-v1.json"))
        let folder = try TemporaryFolder()
        let missing = folder.file("7_nobody_0.wav")
        let (_, test) = try VTLNRecognitionTests.corpus()
        let results = try recognizer.recognize([missing, test[0].url], threadCount: 1)
        guard case .failure(.audio(.audio(.fileNotFound(let file)))) = results[0] else {
            Issue.record("expected RecognizerError.audio(.audio(.fileNotFound)), got \(results[0])")
            return
        }
        #expect(file == missing.path)
        if case .failure(let error) = results[1] { Issue.record("the readable file failed: \(error)") }
    }
}
