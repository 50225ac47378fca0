import Foundation
import HMMKitMatrixFiles
import HMMKitNumerics
import Testing

/// The committed Kaldi fixtures (`Fixtures/kaldi`, made by Tools/references/make_kaldi_references.py).
enum KaldiFixtures {
    static let root = Bundle.module.url(forResource: "Fixtures/kaldi", withExtension: nil)!

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// `expected/<name>.npy` in `Scalar` (converting when stored in the other precision: exact
    /// from float32 to float64).
    static func expected<Scalar: MatrixScalar>(_ name: String, as _: Scalar.Type) throws -> Matrix<Scalar> {
        try NumPyFile.read(Scalar.self, from: url("expected/\(name).npy"), convertingPrecision: true)
    }

    /// The precision a known matrix was stored in by the script: keys starting `d_` are float64.
    static func isDouble(_ key: String) -> Bool { key.hasPrefix("d_") || key == "m_double" || key == "range_columns" }
}

/// Same shape and same values, NaN matching NaN and -0.0 not matching 0.0.
func identical<Scalar: MatrixScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) -> Bool {
    a.rowCount == b.rowCount && a.columnCount == b.columnCount
        && zip(a.elements, b.elements).allSatisfy { ($0 == $1 && $0.sign == $1.sign) || ($0.isNaN && $1.isNaN) }
}

/// A `[rows × columns]` matrix of seeded values spread over many magnitudes, with special values
/// (±inf, NaN, -0.0, the largest finite, a subnormal) in the first elements when `special`.
func awkwardMatrix<Scalar: MatrixScalar>(_: Scalar.Type, rows: Int, columns: Int, seed: UInt64, special: Bool = true) -> Matrix<Scalar> {
    var generator = SplitMix64(seed: seed)
    var elements = (0..<(rows * columns)).map { _ -> Scalar in
        let mantissa = Scalar(Double(generator.next() % 2_000_001) / 1_000_000 - 1)
        let exponent = Int(generator.next() % 13) - 6
        return mantissa * Scalar.pow(10, Scalar(exponent))
    }
    if special {
        let specials: [Scalar] = [.infinity, -.infinity, .nan, -0.0, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 0.1]
        for (index, value) in specials.prefix(elements.count).enumerated() { elements[index] = value }
    }
    return Matrix(rowCount: rows, columnCount: columns, elements: elements)
}

/// The error `body` throws, checked to be a ``KaldiArchiveError`` whose description starts with its file.
func kaldiError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> KaldiArchiveError? {
    let error = #expect(throws: KaldiArchiveError.self, sourceLocation: sourceLocation) { try body() }
    if let error {
        #expect(error.description.hasPrefix(error.file + ":") || error.description.hasPrefix("\"" + error.file),
                "\(error.description)", sourceLocation: sourceLocation)
    }
    return error
}

/// The generation file (`<archive name>.<16 hex digits>`) that the first line of the script file
/// `script` names, checked to be in `archive`'s folder and to be the very file `archive` is (a
/// second hard link of it).
func generationFile(of archive: URL, script: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let text = try String(contentsOf: script, encoding: .utf8)
    let location = text.prefix { $0 != "\n" }.split(separator: " ").last ?? ""
    let name = String((location.split(separator: "/").last ?? "").split(separator: ":").first ?? "")
    let prefix = archive.lastPathComponent + "."
    #expect(name.hasPrefix(prefix) && name.count == prefix.count + 16
            && name.dropFirst(prefix.count).allSatisfy { $0.isHexDigit && !$0.isUppercase },
            "\(name)", sourceLocation: sourceLocation)
    let generation = archive.deletingLastPathComponent().appendingPathComponent(name)
    let inode = { (url: URL) in try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? Int }
    #expect(try inode(archive) != nil && inode(archive) == inode(generation), "\(name) is not \(archive.lastPathComponent)",
            sourceLocation: sourceLocation)
    return name
}
