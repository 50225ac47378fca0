import HMMKitNumerics

/// Expands Kaldi's compressed matrices (`CompressedMatrix`, kaldi/src/matrix/compressed-matrix.cc)
/// with the same float arithmetic as `CompressedMatrix::CopyToMat`, so the values are Kaldi's
/// bit for bit.
///
/// After the token (`CM `, `CM2 ` or `CM3 `) comes a global header of four raw little-endian
/// fields: `min_value` and `range` (float32), `num_rows` and `num_cols` (int32, no size bytes).
/// - `CM` (one byte with column headers): `num_cols` per-column headers of four uint16 quantiles
///   (0th, 25th, 75th, 100th percentile on the global range), then the bytes column after column;
///   byte 0…64 interpolates between the 0th and 25th percentile, 64…192 between the 25th and 75th,
///   192…255 between the 75th and 100th.
/// - `CM2`: uint16 per element, row after row: `min + v · range / 65535`.
/// - `CM3`: uint8 per element, row after row: `min + v · range / 255`.
enum KaldiCompressedMatrix {
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func read<Scalar: MatrixScalar>(_: Scalar.Type, encoding: KaldiMatrixEncoding,
                                           from reader: inout BinaryReader) throws(KaldiArchiveError) -> Matrix<Scalar> {
        let minimum = try reader.rawFloat()
        let range = try reader.rawFloat()
        let rows = Int(try reader.rawInt32())
        let columns = Int(try reader.rawInt32())
        // Kaldi writes an empty compressed matrix as a header with zero columns and nothing after.
        if columns == 0 && rows >= 0 { return Matrix(rowCount: 0, columnCount: 0) }
        switch encoding {
        case .compressedSpeechFeature:
            let count = try reader.checkedCount(rows: rows, columns: columns, elementSize: 1, extraBytes: 8 * columns)
            let quantiles = try reader.elements(UInt16.self, count: 4 * columns)
            let bytes = try reader.elements(UInt8.self, count: count)
            return expandWithColumnHeaders(rows: rows, columns: columns, minimum: minimum, range: range,
                                           quantiles: quantiles, bytes: bytes)
        case .compressedTwoByte:
            let count = try reader.checkedCount(rows: rows, columns: columns, elementSize: 2)
            let values = try reader.elements(UInt16.self, count: count)
            // Kaldi: `float increment = range * (1.0 / 65535.0)` (a double product rounded to float).
            let increment = Float(Double(range) * (1.0 / 65535.0))
            return Matrix(rowCount: rows, columnCount: columns,
                          elements: values.map { Scalar(minimum + Float($0) * increment) })
        default:
            let count = try reader.checkedCount(rows: rows, columns: columns, elementSize: 1)
            let values = try reader.elements(UInt8.self, count: count)
            let increment = Float(Double(range) * (1.0 / 255.0))
            return Matrix(rowCount: rows, columnCount: columns,
                          elements: values.map { Scalar(minimum + Float($0) * increment) })
        }
    }

    /// The `CM` layout: per-column quantiles, bytes stored column after column.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func expandWithColumnHeaders<Scalar: MatrixScalar>(rows: Int, columns: Int, minimum: Float, range: Float,
                                                                      quantiles: [UInt16], bytes: [UInt8]) -> Matrix<Scalar> {
        var result = [Scalar](repeating: 0, count: rows * columns)
        for column in 0..<columns {
            let p0 = uint16ToFloat(quantiles[4 * column], minimum: minimum, range: range)
            let p25 = uint16ToFloat(quantiles[4 * column + 1], minimum: minimum, range: range)
            let p75 = uint16ToFloat(quantiles[4 * column + 2], minimum: minimum, range: range)
            let p100 = uint16ToFloat(quantiles[4 * column + 3], minimum: minimum, range: range)
            // One table per column: 256 possible bytes, computed once.
            let table = (0...255).map { charToFloat(UInt8($0), p0: p0, p25: p25, p75: p75, p100: p100) }
            let start = column * rows
            for row in 0..<rows { result[row * columns + column] = Scalar(table[Int(bytes[start + row])]) }
        }
        return Matrix(rowCount: rows, columnCount: columns, elements: result)
    }

    /// The float literal `1.52590218966964e-05F` (1/65535) of `Uint16ToFloat`, by its bits.
    private static let oneOver65535 = Float(bitPattern: 0x3780_0080)

    /// Kaldi's `Uint16ToFloat`: `min_value + range * 1.52590218966964e-05F * value`, in float.
    static func uint16ToFloat(_ value: UInt16, minimum: Float, range: Float) -> Float {
        let scaled = range * oneOver65535 * Float(value)
        return minimum + scaled
    }

    /// Kaldi's `CharToFloat`: the quantile difference times the byte is a float product; the
    /// factors `1/64.0`, `1/128.0` and `1/63.0` are double literals, so the rest is computed in
    /// double and rounded to float on return.
    static func charToFloat(_ value: UInt8, p0: Float, p25: Float, p75: Float, p100: Float) -> Float {
        if value <= 64 {
            return Float(Double(p0) + Double((p25 - p0) * Float(value)) * (1 / 64.0))
        } else if value <= 192 {
            return Float(Double(p25) + Double((p75 - p25) * Float(Int(value) - 64)) * (1 / 128.0))
        } else {
            return Float(Double(p75) + Double((p100 - p75) * Float(Int(value) - 192)) * (1 / 63.0))
        }
    }
}
