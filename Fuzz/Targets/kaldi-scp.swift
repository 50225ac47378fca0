// Fuzz target: Kaldi script files (.scp): the parser, then every entry's matrix read through
// the offsets and row/column ranges it names (relative paths resolved from the script's folder,
// which holds Fuzz/data/feats.ark, the archive the seeds index), and an `scp:` table read.
import Foundation
import HMMKitMatrixFiles

private let archivePrepared: Bool = {
    _ = Scratch.write(FuzzData.bytes("feats.ark"), named: "feats.ark")
    return true
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKaldiScript(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    precondition(archivePrepared)
    let bytes = inputBytes(data, size)
    let url = Scratch.write(bytes, named: "input.scp")
    if let text = String(validating: bytes, as: UTF8.self) {
        _ = try? KaldiScript(parsing: text, file: url.path, resolution: .scriptFolder)
    }
    if let reader = try? KaldiScriptReader<Float>(url: url, resolution: .scriptFolder) {
        for index in 0..<min(reader.count, 64) { _ = try? reader.matrix(at: index) }
    }
    if let table = try? KaldiTableReader<Double>(specifier: "scp:\(url.path)", resolution: .scriptFolder) {
        var records = 0
        while records < 64, (try? table.next()) != nil { records += 1 }
    }
    return 0
}

enum FuzzTarget {
    static func prepare() { precondition(archivePrepared) }
}
