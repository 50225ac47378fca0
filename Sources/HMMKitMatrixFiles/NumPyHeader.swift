import HMMKitNumerics

/// The header of a NumPy `.npy` file, as HMMKit accepts it: little-endian float32 or float64,
/// C order, one or two dimensions.
///
/// The NPY format (numpy.lib.format): the magic `\x93NUMPY`, a major and a minor version byte,
/// the header length (2 bytes little-endian in version 1.0; 4 bytes in 2.0 and 3.0), then the
/// header, a Python dictionary literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`, padded with spaces and ended by
/// `\n` so that the data starts at a multiple of 64 bytes; then the elements, row after row.
public struct NumPyHeader: Sendable, Equatable {
    /// The format's major version (1, 2 or 3).
    public let majorVersion: Int
    /// The format's minor version (0).
    public let minorVersion: Int
    /// The element type: float32 (`'<f4'`) or float64 (`'<f8'`).
    public let precision: Precision
    /// The shape as stored: `[rows, columns]`, or `[count]` for a 1-D array.
    public let shape: [Int]
    /// The offset of the first element from the start of the file, in bytes.
    public let dataOffset: Int

    /// Rows of the matrix the file reads as: `shape[0]`.
    public var rowCount: Int { shape[0] }
    /// Columns of the matrix the file reads as: `shape[1]`, or 1 for a 1-D array (read as a column).
    public var columnCount: Int { shape.count == 2 ? shape[1] : 1 }
    /// NumPy's type string: `"<f4"` or `"<f8"`.
    public var descr: String { precision == .single ? "<f4" : "<f8" }
    /// Bytes per element: 4 or 8.
    public var elementByteCount: Int { precision == .single ? 4 : 8 }
    /// Bytes of element data the shape needs.
    public var dataByteCount: Int { rowCount * columnCount * elementByteCount }

    /// The magic string every NPY file starts with.
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// Data starts at a multiple of this (numpy's `ARRAY_ALIGN`).
    static let alignment = 64
    /// numpy ≥ 1.24 leaves room after the dictionary for the first axis to grow to this many
    /// digits (`GROWTH_AXIS_MAX_DIGITS`), so that appending rows can rewrite the header in place.
    static let growthAxisMaxDigits = 21

    /// `(2, 3)`, `(5,)` or `()`, as Python writes a tuple.
    static func pythonTuple(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// The bytes before the data for a C-order `[rows × columns]` array of `precision`, version
    /// 1.0, byte for byte as `numpy.save` (numpy 2.x) writes them.
    static func encode(rows: Int, columns: Int, precision: Precision) -> [UInt8] {
        let descr = precision == .single ? "<f4" : "<f8"
        var text = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        text += String(repeating: " ", count: max(0, growthAxisMaxDigits - String(rows).count))
        let textLength = text.utf8.count + 1  // With the final newline.
        let padding = alignment - ((magic.count + 2 + 2 + textLength) % alignment)
        let headerLength = textLength + padding
        precondition(headerLength <= Int(UInt16.max), "NPY 1.0 header of \(headerLength) bytes is too long")
        var bytes = magic + [1, 0, UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
        bytes += Array(text.utf8)
        bytes += [UInt8](repeating: 0x20, count: padding)
        bytes.append(0x0A)
        return bytes
    }

    /// Parses and checks the header at the start of `bytes`, the first part of a file of
    /// `fileSize` bytes named `file` (used in errors). Checks, in order: magic, version, header
    /// length, dictionary syntax, element type, order, shape, and that the data is exactly as long
    /// as the shape needs.
    static func decode(_ bytes: [UInt8], fileSize: Int, file: String) throws(MatrixFileError) -> NumPyHeader {
        let prefixLength = min(bytes.count, magic.count)
        guard Array(bytes[0..<prefixLength]) == Array(magic[0..<prefixLength]) else {
            throw .notNumPy(file: file, leadingBytes: Array(bytes.prefix(8)))
        }
        guard bytes.count >= 10 else { throw .truncatedHeader(file: file, byteCount: bytes.count) }
        let major = Int(bytes[6]), minor = Int(bytes[7])
        let lengthFieldSize: Int
        switch (major, minor) {
        case (1, 0): lengthFieldSize = 2
        case (2, 0), (3, 0): lengthFieldSize = 4
        default: throw .unsupportedVersion(file: file, major: major, minor: minor)
        }
        let textStart = 8 + lengthFieldSize
        guard bytes.count >= textStart else { throw .truncatedHeader(file: file, byteCount: bytes.count) }
        var headerLength = 0
        for index in (8..<textStart).reversed() { headerLength = headerLength << 8 | Int(bytes[index]) }
        let dataOffset = textStart + headerLength
        guard bytes.count >= dataOffset else { throw .truncatedHeader(file: file, byteCount: bytes.count) }
        let textBytes = bytes[textStart..<dataOffset]
        // Versions 1.0 and 2.0 are Latin-1, 3.0 is UTF-8; the keys and values HMMKit accepts are ASCII.
        let text = major == 3 ? String(decoding: textBytes, as: UTF8.self)
                              : String(String.UnicodeScalarView(textBytes.map { Unicode.Scalar($0) }))

        let dictionary: [String: PythonLiteral]
        do {
            var parser = PythonLiteralParser(text)
            dictionary = try parser.parseHeaderDictionary()
        } catch {
            throw .malformedHeader(file: file, header: text, problem: error.problem)
        }
        for key in ["descr", "fortran_order", "shape"] where dictionary[key] == nil {
            throw .malformedHeader(file: file, header: text, problem: "no '\(key)' key")
        }
        if let extra = dictionary.keys.sorted().first(where: { !["descr", "fortran_order", "shape"].contains($0) }) {
            throw .malformedHeader(file: file, header: text, problem: "unexpected key '\(extra)'")
        }

        let precision: Precision
        switch dictionary["descr"]! {
        case .string("<f4"): precision = .single
        case .string("<f8"): precision = .double
        case let .string(descr) where descr.hasPrefix(">"): throw .bigEndian(file: file, descr: descr)
        case let .string(descr): throw .unsupportedDType(file: file, descr: descr)
        case let .other(raw): throw .unsupportedDType(file: file, descr: raw)
        default: throw .malformedHeader(file: file, header: text, problem: "'descr' is not a string")
        }
        switch dictionary["fortran_order"]! {
        case .boolean(false): break
        case .boolean(true): throw .fortranOrder(file: file)
        default: throw .malformedHeader(file: file, header: text, problem: "'fortran_order' is not True or False")
        }
        guard case let .tuple(shape) = dictionary["shape"]! else {
            throw .malformedHeader(file: file, header: text, problem: "'shape' is not a tuple of integers")
        }
        guard shape.count == 1 || shape.count == 2 else { throw .unsupportedShape(file: file, shape: shape) }

        let header = NumPyHeader(majorVersion: major, minorVersion: minor, precision: precision, shape: shape,
                                 dataOffset: dataOffset)
        let (elements, overflow) = header.rowCount.multipliedReportingOverflow(by: header.columnCount)
        let (expected, overflow2) = elements.multipliedReportingOverflow(by: header.elementByteCount)
        guard !overflow, !overflow2 else {
            throw .malformedHeader(file: file, header: text, problem: "shape \(pythonTuple(shape)) is too large")
        }
        let actual = fileSize - dataOffset
        if actual < expected {
            throw .truncatedData(file: file, shape: shape, expectedBytes: expected, actualBytes: actual)
        }
        if actual > expected {
            throw .trailingData(file: file, shape: shape, expectedBytes: expected, actualBytes: actual)
        }
        return header
    }
}

/// The values an NPY header dictionary holds.
enum PythonLiteral: Equatable {
    case string(String)
    case boolean(Bool)
    case tuple([Int])
    case integer(Int)
    /// A list or anything else in brackets (a structured dtype), kept as its source text.
    case other(String)
}

/// A parser for the subset of Python literals NPY headers use: a dictionary of quoted keys to
/// strings, `True`/`False`, integers and tuples of integers (with Python 2's `L` suffix accepted).
struct PythonLiteralParser {
    struct Failure: Error { let problem: String }

    private let characters: [Character]
    private var position = 0

    init(_ text: String) { characters = Array(text) }

    /// The whole header: one dictionary, then only spaces and the final newline.
    mutating func parseHeaderDictionary() throws(Failure) -> [String: PythonLiteral] {
        skipWhitespace()
        try expect("{")
        var result: [String: PythonLiteral] = [:]
        skipWhitespace()
        while peek() != "}" {
            guard case let .string(key) = try parseValue() else { throw Failure(problem: "a key is not a string") }
            skipWhitespace()
            try expect(":")
            let value = try parseValue()
            if result.updateValue(value, forKey: key) != nil { throw Failure(problem: "key '\(key)' appears twice") }
            skipWhitespace()
            if peek() == "," { position += 1; skipWhitespace() } else if peek() != "}" {
                throw Failure(problem: "expected ',' or '}' at character \(position)")
            }
        }
        position += 1
        skipWhitespace()
        guard position == characters.count else {
            throw Failure(problem: "unexpected text after the dictionary at character \(position)")
        }
        return result
    }

    private mutating func parseValue() throws(Failure) -> PythonLiteral {
        skipWhitespace()
        guard let first = peek() else { throw Failure(problem: "the header ends early") }
        switch first {
        case "'", "\"":
            position += 1
            var text = ""
            while let character = peek(), character != first {
                if character == "\\" { position += 1 }
                guard let next = peek() else { break }
                text.append(next)
                position += 1
            }
            try expect(first)
            return .string(text)
        case "(":
            position += 1
            var values: [Int] = []
            skipWhitespace()
            while peek() != ")" {
                values.append(try parseInteger())
                skipWhitespace()
                if peek() == "," { position += 1; skipWhitespace() } else if peek() != ")" {
                    throw Failure(problem: "expected ',' or ')' in a tuple at character \(position)")
                }
            }
            position += 1
            return .tuple(values)
        case "[":
            let start = position
            var depth = 0
            repeat {
                guard let character = peek() else { throw Failure(problem: "unclosed '['") }
                if character == "[" || character == "(" { depth += 1 }
                if character == "]" || character == ")" { depth -= 1 }
                position += 1
            } while depth > 0
            return .other(String(characters[start..<position]))
        default:
            if first.isNumber { return .integer(try parseInteger()) }
            let start = position
            while let character = peek(), character.isLetter { position += 1 }
            switch String(characters[start..<position]) {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case let word: throw Failure(problem: "unexpected '\(word.isEmpty ? String(first) : word)' at character \(start)")
            }
        }
    }

    private mutating func parseInteger() throws(Failure) -> Int {
        let start = position
        while let character = peek(), character.isASCII, character.isNumber { position += 1 }
        guard position > start, let value = Int(String(characters[start..<position])) else {
            throw Failure(problem: "expected a non-negative integer at character \(start)")
        }
        if peek() == "L" { position += 1 }  // Python 2 long.
        return value
    }

    private func peek() -> Character? { position < characters.count ? characters[position] : nil }

    private mutating func skipWhitespace() {
        while let character = peek(), character.isWhitespace { position += 1 }
    }

    private mutating func expect(_ character: Character) throws(Failure) {
        guard peek() == character else {
            throw Failure(problem: "expected '\(character)' at character \(position)")
        }
        position += 1
    }
}
