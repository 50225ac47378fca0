// Fuzz target: Kaldi archives (.ark): binary and text matrices, compressed matrices, every
// record read in both precisions, as `hmmkit gmm|hmm|acc` read `ark:` inputs.
import Foundation
import HMMKitMatrixFiles

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKaldiArchive(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let url = Scratch.write(UnsafeRawBufferPointer(start: data, count: size), named: "input.ark")
    _ = try? KaldiArchive.read(Float.self, from: url)
    if let reader = try? KaldiArchiveReader<Double>(url: url, bufferSize: 64) {
        // Record by record, with a small buffer, so refills happen inside tokens.
        while let record = try? reader.next() { _ = record.matrix.rowCount }
    }
    _ = try? KaldiTableReader<Float>(specifier: "ark:\(url.path)").next()
    return 0
}

enum FuzzTarget {
    static func prepare() {}
}
