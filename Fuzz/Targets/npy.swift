// Fuzz target: NumPy .npy files, decoded from bytes in both precisions (as `gmm`/`hmm` read
// them), and read from a file (the path `hmmkit` takes, with its file checks).
import Foundation
import HMMKitMatrixFiles

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumPy(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    if let matrix = try? NumPyFile.decode(Double.self, from: bytes, convertingPrecision: true) {
        _ = matrix.rowCount * matrix.columnCount
    }
    _ = try? NumPyFile.decode(Float.self, from: bytes, convertingPrecision: false)
    let url = Scratch.write(bytes, named: "input.npy")
    _ = try? NumPyFile.header(of: url)
    _ = try? NumPyFile.read(Float.self, from: url, convertingPrecision: true)
    return 0
}

enum FuzzTarget {
    static func prepare() {}
}
