import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// `hmmkit features --format ark` and Kaldi inputs to `hmmkit gmm`.
@Suite("hmmkit with Kaldi archives", .serialized)
struct KaldiCommandLineTests {
    /// Features of the FSDD fixtures as .npy files (one per recording) in `folder/npy`.
    private func npyFeatures(_ folder: TemporaryFolder) throws -> URL {
        let npy = folder.file("npy")
        let run = try HMMKitBinary.run(["features", "--preset", "kaldi", "--sample-rate", "8000", "--quiet",
                                        HMMKitBinary.fsdd.path, "-o", npy.path])
        #expect(run.status == 0, "\(run.stderr)")
        return npy
    }

    @Test(arguments: ["ark", "ark-text"])
    func featuresArchiveHoldsTheNpyMatrices(format: String) throws {
        let folder = try TemporaryFolder()
        let npy = try npyFeatures(folder)
        let archive = folder.file("out/feats.ark")
        let run = try HMMKitBinary.run(["features", "--preset", "kaldi", "--sample-rate", "8000", "--quiet", "--json",
                                        "--format", format, HMMKitBinary.fsdd.path, "-o", archive.path])
        #expect(run.status == 0, "\(run.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.file("out").path).sorted()
        #expect(written.count == 3 && written.first == "feats.ark" && written.last == "feats.scp", "\(written)")
        let names = try FileManager.default.contentsOfDirectory(atPath: npy.path).sorted()
        let records = try KaldiArchive.read(Float.self, from: archive)
        // Keys are the file names without extension, in input (name) order; the matrices are the
        // .npy ones exactly (text numbers are shortest round-trip decimals).
        #expect(records.map(\.key) == names.map { String($0.dropLast(4)) })
        #expect(records.allSatisfy { $0.encoding == (format == "ark" ? .binaryFloat : .text) })
        for record in records {
            #expect(record.matrix == (try NumPyFile.read(Float.self, from: npy.appendingPathComponent(record.key + ".npy"))))
        }
        // The script names the archive's generation (-o's name and a hash: the same file), with
        // each matrix's offset.
        let script = try KaldiScript.read(from: folder.file("out/feats.scp"))
        #expect(script.entries.map(\.key) == records.map(\.key))
        #expect(script.entries.allSatisfy { $0.path == archive.path + "." + written[1].dropFirst("feats.ark.".count) })
        #expect(written[1].hasPrefix("feats.ark.") && written[1].count == "feats.ark.".count + 16)
        #expect(try Data(contentsOf: folder.file("out/" + written[1])) == Data(contentsOf: archive))
        #expect(script.entries.map(\.offset) == records.map(\.offset))
    }

    @Test func gmmReadsArchivesAndScriptsLikeNpy() throws {
        let folder = try TemporaryFolder()
        let npy = try npyFeatures(folder)
        let archive = folder.file("feats.ark")
        #expect(try HMMKitBinary.run(["features", "--preset", "kaldi", "--sample-rate", "8000", "--quiet", "--format", "ark",
                                      HMMKitBinary.fsdd.path, "-o", archive.path]).status == 0)
        let common = ["--components", "3", "--seed", "2", "--iterations", "8", "--quiet"]
        let fromNpy = try HMMKitBinary.run(["gmm", "fit", npy.path] + common + ["-o", folder.file("a.json").path])
        let fromArk = try HMMKitBinary.run(["gmm", "fit", archive.path] + common + ["-o", folder.file("b.json").path])
        let fromScp = try HMMKitBinary.run(["gmm", "fit", "scp:" + folder.file("feats.scp").path] + common
                                           + ["-o", folder.file("c.json").path])
        #expect(fromNpy.status == 0 && fromArk.status == 0 && fromScp.status == 0, "\(fromArk.stderr)\(fromScp.stderr)")
        // Same frames in the same order: the same model, byte for byte.
        let model = try Data(contentsOf: folder.file("a.json"))
        #expect(try Data(contentsOf: folder.file("b.json")) == model)
        #expect(try Data(contentsOf: folder.file("c.json")) == model)
        let scoreNpy = try HMMKitBinary.run(["gmm", "score", folder.file("a.json").path, npy.path])
        let scoreArk = try HMMKitBinary.run(["gmm", "score", folder.file("a.json").path, "ark,s,cs:" + archive.path])
        #expect(scoreNpy.status == 0 && scoreArk.stdout == scoreNpy.stdout)
    }

    @Test func kaldiInputErrorsNameTheKeyAndOffset() throws {
        let folder = try TemporaryFolder()
        let archive = folder.file("feats.ark")
        try KaldiArchive.write([("first", Matrix<Float>(rowCount: 20, columnCount: 2, repeating: 1)),
                                ("second", Matrix<Float>(rowCount: 20, columnCount: 2, repeating: 2))], to: archive)
        let bytes = try Data(contentsOf: archive)
        let cut = try folder.write(Array(bytes.dropLast(3)), to: "cut.ark")
        let fit = try HMMKitBinary.run(["gmm", "fit", cut.path, "--components", "1", "-o", folder.file("m.json").path])
        #expect(fit.status == 1 && !fit.stderr.contains("Usage:"))
        #expect(fit.stderr.contains("entry 'second' at byte 188 is cut short"), "\(fit.stderr)")
        let badSpecifier = try HMMKitBinary.run(["gmm", "fit", "ark,zz:" + archive.path, "--components", "1",
                                                 "-o", folder.file("m.json").path])
        #expect(badSpecifier.status == 64 && badSpecifier.stderr.contains("unknown option 'zz'"))
        let toFolder = try HMMKitBinary.run(["features", "--format", "ark", HMMKitBinary.fsdd.path, "-o", folder.url.path])
        #expect(toFolder.status == 64 && toFolder.stderr.contains("names the archive file"))
    }
}
