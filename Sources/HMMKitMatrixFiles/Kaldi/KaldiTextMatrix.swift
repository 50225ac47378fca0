#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HMMKitNumerics

/// The text form of a Kaldi matrix (`Matrix<Real>::Write` / `Read` with `binary = false`):
///
///     [
///       1.5 2 3
///       4 5 6 ]
///
/// A newline (or `;`) ends a row, rows must have equal lengths, `[ ]` is the empty matrix.
/// Reading parses each number directly in the requested precision (`strtof` / `strtod`, so a
/// decimal is rounded once) and accepts `inf`, `-inf` and `nan` as Kaldi does. Writing uses the
/// shortest decimal that reads back to the same value (Kaldi itself writes only 7 significant
/// digits, which loses float32 precision) and always puts a `.` in finite numbers, because
/// kaldiio reads a text matrix whose first number has no `.` as integers.
enum KaldiTextMatrix {
    /// Reads the matrix whose text starts at `handle.position` (leading whitespace skipped)
    /// through its `]` and the newline after it.
    static func read<Scalar: MatrixScalar>(_: Scalar.Type, from handle: KaldiFileHandle,
                                           key: String) throws(KaldiArchiveError) -> Matrix<Scalar> {
        let offset = handle.position
        let truncated = KaldiArchiveError.truncated(file: handle.path, key: key, offset: offset, endOffset: handle.size)
        while let byte = try handle.peekByte(), isSpace(byte) { _ = try handle.readByte() }
        guard let open = try handle.readByte() else { throw truncated }
        guard open == UInt8(ascii: "[") else {
            var found = [open]
            while found.count < 16, let byte = try handle.peekByte(), !isSpace(byte) { found.append(try handle.readByte()!) }
            let shown = found.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? "'\(String(decoding: found, as: UTF8.self))'"
                                                                     : "binary bytes"
            throw .malformedText(file: handle.path, key: key, offset: offset, problem: "expected '[', found \(shown)")
        }
        var text: [UInt8] = []
        while true {
            guard let byte = try handle.readByte() else { throw truncated }
            if byte == UInt8(ascii: "]") { break }
            text.append(byte)
        }
        // Kaldi writes "]\n"; eat it (or "\r\n") so the next key starts cleanly.
        if try handle.peekByte() == UInt8(ascii: "\r") { _ = try handle.readByte() }
        if try handle.peekByte() == UInt8(ascii: "\n") { _ = try handle.readByte() }
        do {
            return try parse(Scalar.self, text)
        } catch {
            throw .malformedText(file: handle.path, key: key, offset: offset, problem: error.problem)
        }
    }

    struct Failure: Error { let problem: String }

    /// The numbers between `[` and `]`, rows ended by newlines or `;`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func parse<Scalar: MatrixScalar>(_: Scalar.Type, _ text: [UInt8]) throws(Failure) -> Matrix<Scalar> {
        var elements: [Scalar] = []
        var columns: Int?
        var rowCount = 0
        var inRow = 0
        let terminated = text + [0]
        let outcome: Failure? = terminated.withUnsafeBufferPointer { buffer -> Failure? in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var index = 0
            func endRow() -> Failure? {
                guard inRow > 0 else { return nil }
                if let columns, columns != inRow {
                    return Failure(problem: "row \(rowCount) has \(inRow) numbers, row 0 has \(columns)")
                }
                columns = inRow
                rowCount += 1
                inRow = 0
                return nil
            }
            while index < text.count {
                let byte = text[index]
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: ";") {
                    if let failure = endRow() { return failure }
                    index += 1
                } else if isSpace(byte) {
                    index += 1
                } else {
                    let start = base + index
                    var end: UnsafeMutablePointer<CChar>?
                    let value: Scalar = Scalar.precision == .single ? Scalar(strtof(start, &end)) : Scalar(strtod(start, &end))
                    let consumed = end.map { UnsafePointer($0) - start } ?? 0
                    let next = index + consumed
                    guard consumed > 0, next >= text.count || isSpace(text[next]) || text[next] == UInt8(ascii: ";") else {
                        var stop = index
                        while stop < text.count, !isSpace(text[stop]), stop - index < 24 { stop += 1 }
                        let word = String(decoding: text[index..<stop], as: UTF8.self)
                        return Failure(problem: "expected a number, found '\(word)'")
                    }
                    elements.append(value)
                    inRow += 1
                    index = next
                }
            }
            return endRow()
        }
        if let outcome { throw outcome }
        return Matrix(rowCount: rowCount, columnCount: columns ?? 0, elements: elements)
    }

    /// ` [\n  1.0 2.0 \n  3.0 4.0 ]\n` (Kaldi's layout; ` [ ]\n` for an empty matrix).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func encode<Scalar: MatrixScalar>(_ matrix: Matrix<Scalar>) -> [UInt8] {
        guard matrix.columnCount > 0, matrix.rowCount > 0 else { return Array(" [ ]\n".utf8) }
        var text = " ["
        text.reserveCapacity(matrix.rowCount * (3 + matrix.columnCount * 12) + 4)
        for row in 0..<matrix.rowCount {
            text += "\n  "
            for value in matrix[row: row] {
                text += format(value)
                text += " "
            }
        }
        text += "]\n"
        return Array(text.utf8)
    }

    /// The shortest round-tripping decimal, with a `.` in every finite number (`1e-05` → `1.0e-05`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func format<Scalar: MatrixScalar>(_ value: Scalar) -> String {
        let text = String(describing: value)
        guard value.isFinite, !text.contains(".") else { return text }
        if let exponent = text.firstIndex(of: "e") { return text[..<exponent] + ".0" + text[exponent...] }
        return text + ".0"
    }

    /// Kaldi's `isspace` (C locale): space, tab, newline, vertical tab, form feed, carriage return.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
}
