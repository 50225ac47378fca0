import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

// The machinery every exported function shares: status codes, the caller's message buffer,
// reading caller-owned arrays into HMMKit's types and writing results back. Unsafe pointers
// live only in this module; everything below it takes and returns HMMKit values.

/// The status codes of `hmmkit.h` (`HMMKIT_OK` …).
enum Status: Int32 {
    case ok = 0
    case invalidArgument = 1
    case shapeMismatch = 2
    case numericalFailure = 3
    case bufferTooSmall = 4
    case fileAccess = 5
    case invalidFile = 6
}

/// A failure of an exported call: its status and the message copied to the caller.
struct CallError: Error {
    var status: Status
    var message: String

    init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// The two element types of data buffers (`HMMKIT_FLOAT64`, `HMMKIT_FLOAT32`).
enum ElementType: Int32 {
    case float64 = 0
    case float32 = 1

    init(code: Int32) throws(CallError) {
        guard let type = ElementType(rawValue: code) else { throw CallError(.invalidArgument, "unknown dtype code \(code)") }
        self = type
    }
}

/// Runs `body`, turning any thrown error into a status code and a NUL-terminated message in
/// `message` (truncated to `capacity` bytes; nothing written when `message` is NULL).
func guarded(_ message: UnsafeMutablePointer<CChar>?, _ capacity: Int, _ body: () throws -> Void) -> Int32 {
    do {
        try body()
        if let message, capacity > 0 { message[0] = 0 }
        return Status.ok.rawValue
    } catch let error as CallError {
        write(error.message, to: message, capacity: capacity)
        return error.status.rawValue
    } catch let error as HMMError {
        write(error.description, to: message, capacity: capacity)
        return status(of: error).rawValue
    } catch let error as MixtureError {
        write(error.description, to: message, capacity: capacity)
        return Status.invalidArgument.rawValue
    } catch {
        write(String(describing: error), to: message, capacity: capacity)
        return Status.invalidArgument.rawValue
    }
}

/// Impossible sequences and non-finite values are numerical failures; everything else is a bad argument.
private func status(of error: HMMError) -> Status {
    let text = error.description
    if text.contains("probability zero") || text.contains("impossible") || text.contains("non-finite") || text.contains("NaN") {
        return .numericalFailure
    }
    return .invalidArgument
}

private func write(_ text: String, to buffer: UnsafeMutablePointer<CChar>?, capacity: Int) {
    guard let buffer, capacity > 0 else { return }
    let bytes = Array(text.utf8.prefix(capacity - 1))
    for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
    buffer[bytes.count] = 0
}

/// `count` Doubles from a caller's array (an error naming `name` when it is NULL).
func doubles(_ pointer: UnsafePointer<Double>?, count: Int, _ name: String) throws(CallError) -> [Double] {
    guard count >= 0 else { throw CallError(.invalidArgument, "\(name): negative size \(count)") }
    if count == 0 { return [] }
    guard let pointer else { throw CallError(.invalidArgument, "\(name) is NULL") }
    return Array(UnsafeBufferPointer(start: pointer, count: count))
}

/// Caller-owned data `[rows × columns]` in its element type, as a matrix of `S` (one copy: a
/// memcpy when the types agree, a converting loop otherwise).
@_specialize(where S == Double)
@_specialize(where S == Float)
func matrix<S: MatrixScalar>(_ data: UnsafeRawPointer?, type: ElementType, rows: Int, columns: Int,
                             as _: S.Type = S.self) throws(CallError) -> Matrix<S> {
    guard rows >= 0, columns >= 1 else { throw CallError(.shapeMismatch, "data of \(rows) × \(columns)") }
    if rows == 0 { return Matrix(rowCount: 0, columnCount: columns) }
    guard let data else { throw CallError(.invalidArgument, "the data pointer is NULL") }
    let count = rows * columns
    let elements = [S](unsafeUninitializedCapacity: count) { buffer, initialized in
        let target = buffer.baseAddress!
        switch type {
        case .float64 where S.self == Double.self, .float32 where S.self == Float.self:
            UnsafeMutableRawPointer(target).copyMemory(from: data, byteCount: count * MemoryLayout<S>.stride)
        case .float64:
            let source = data.assumingMemoryBound(to: Double.self)
            for i in 0..<count { target[i] = S(source[i]) }
        case .float32:
            let source = data.assumingMemoryBound(to: Float.self)
            for i in 0..<count { target[i] = S(Double(source[i])) }
        }
        initialized = count
    }
    return Matrix(rowCount: rows, columnCount: columns, elements: elements)
}

/// Sequence lengths from the caller: non-negative and summing to `rows` (hmmlearn's message otherwise).
func lengths(_ pointer: UnsafePointer<Int64>?, count: Int, rows: Int) throws(CallError) -> [Int] {
    guard count >= 1, let pointer else { throw CallError(.invalidArgument, "lengths must hold at least one sequence") }
    let values = (0..<count).map { Int(pointer[$0]) }
    guard values.allSatisfy({ $0 >= 0 }) else { throw CallError(.invalidArgument, "lengths must be non-negative") }
    var total = 0
    for value in values {
        let (sum, overflow) = total.addingReportingOverflow(value)
        guard !overflow else { throw CallError(.shapeMismatch, "lengths array \(values.prefix(8)) doesn't sum to \(rows) samples") }
        total = sum
    }
    guard total == rows else {
        throw CallError(.shapeMismatch, "lengths array \(values.prefix(8)) doesn't sum to \(rows) samples")
    }
    return values
}

/// Writes `values` into a caller's buffer of the element type (skipped when it is NULL).
func store<S: MatrixScalar>(_ values: [S], into buffer: UnsafeMutableRawPointer?, type: ElementType) {
    guard let buffer else { return }
    switch type {
    case .float64:
        let out = buffer.assumingMemoryBound(to: Double.self)
        for (i, v) in values.enumerated() { out[i] = Double(v) }
    case .float32:
        let out = buffer.assumingMemoryBound(to: Float.self)
        for (i, v) in values.enumerated() { out[i] = Float(v) }
    }
}

/// Writes Doubles into a caller's `double *` (skipped when it is NULL).
func store(_ values: [Double], into buffer: UnsafeMutablePointer<Double>?) {
    guard let buffer else { return }
    for (i, v) in values.enumerated() { buffer[i] = v }
}

/// The covariance layouts of `hmmkit.h` (`HMMKIT_COVARIANCE_DIAG` …), scikit-learn's and hmmlearn's shapes.
func covarianceType(_ code: Int32) throws(CallError) -> CovarianceType {
    switch code {
    case 0: return .diagonal
    case 1: return .spherical
    case 2: return .full
    case 3: return .tied
    default: throw CallError(.invalidArgument, "unknown covariance type code \(code)")
    }
}

/// The `HMMKIT_COVARIANCE_*` code of a covariance type (the inverse of ``covarianceType(_:)``).
func covarianceCode(_ type: CovarianceType) -> Int32 {
    switch type {
    case .diagonal: return 0
    case .spherical: return 1
    case .full: return 2
    case .tied: return 3
    }
}

/// The number of doubles of one mixture's covariances: diag `K·D`, spherical `K`, full `K·D·D`, tied `D·D`.
func covarianceCount(_ type: CovarianceType, components k: Int, dimension d: Int) -> Int {
    switch type {
    case .diagonal: return k * d
    case .spherical: return k
    case .full: return k * d * d
    case .tied: return d * d
    }
}

/// One mixture's covariances from `values` in the layout of ``covarianceCount(_:components:dimension:)``.
func covariances<S: MatrixScalar>(_ values: ArraySlice<Double>, type: CovarianceType, components k: Int,
                                  dimension d: Int) -> Covariances<S> {
    let scalars = values.map { S($0) }
    switch type {
    case .diagonal: return .diagonal(Matrix(rowCount: k, columnCount: d, elements: scalars))
    case .spherical: return .spherical(scalars)
    case .full:
        return .full((0..<k).map { Matrix(rowCount: d, columnCount: d, elements: Array(scalars[($0 * d * d)..<(($0 + 1) * d * d)])) })
    case .tied: return .tied(Matrix(rowCount: d, columnCount: d, elements: scalars))
    }
}

/// A mixture's covariances flattened in the same layout.
func flattened<S: MatrixScalar>(_ covariances: Covariances<S>) -> [Double] {
    switch covariances {
    case .diagonal(let m), .tied(let m): return m.elements.map(Double.init)
    case .spherical(let v): return v.map(Double.init)
    case .full(let matrices): return matrices.flatMap { $0.elements.map(Double.init) }
    }
}

/// hmmlearn's `implementation`: 0 `"scaling"` (HMMKit's scaled pass), 1 `"log"` (log space's
/// results, by the checked scaled pass where it provably gives them, else the log-space pass).
func implementation(_ code: Int32) throws(CallError) -> ForwardBackwardImplementation {
    switch code {
    case 0: return .scaled
    case 1: return .checkedScaled
    default: throw CallError(.invalidArgument, "unknown implementation code \(code)")
    }
}

/// A caller's array of `count` elements of `T` (NULL only when `count` is 0).
func buffer<T>(_ pointer: UnsafeMutablePointer<T>?, count: Int, _ name: String) throws(CallError) -> UnsafeMutablePointer<T>? {
    guard count == 0 || pointer != nil else { throw CallError(.invalidArgument, "\(name) is NULL") }
    return pointer
}
