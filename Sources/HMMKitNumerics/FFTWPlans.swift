// Every call into FFTW lives in this file. FFTW's planner is not thread-safe (only the
// `fftw_execute*` functions are), so plan creation and destruction run under one lock; plans are
// made once per (kind, length, precision) and cached for the life of the process. Each user
// holds its own input/output buffers from `fftw_malloc`, which have the alignment the cached plan
// was made with, and runs the plan on them with the new-array execute functions.
import CFFTW
import Synchronization

/// The transforms HMMKit plans with FFTW.
enum FFTWTransformKind: Hashable, Sendable {
    /// Real input of length n to n/2 + 1 complex outputs (`fftw_plan_dft_r2c_1d`).
    case realToComplex
    /// DCT-II, `FFTW_REDFT10`: yₖ = 2 Σₙ xₙ cos(πk(2n+1)/2N) (`fftw_plan_r2r_1d`).
    case dctII
}

/// A cached FFTW plan (`fftw_plan` / `fftwf_plan`); shared read-only between threads.
final class FFTWPlan: @unchecked Sendable {
    let handle: OpaquePointer
    let precision: Precision

    fileprivate init(handle: OpaquePointer, precision: Precision) {
        self.handle = handle
        self.precision = precision
    }

    deinit {
        FFTWPlanner.lock.withLock { _ in
            switch precision {
            case .double: fftw_destroy_plan(handle)
            case .single: fftwf_destroy_plan(handle)
            }
        }
    }
}

enum FFTWPlanner {
    struct Key: Hashable { let kind: FFTWTransformKind; let length: Int; let precision: Precision }

    /// Guards the FFTW planner and the plan cache.
    static let lock = Mutex<[Key: FFTWPlan]>([:])

    /// The plan for `kind` at `length`, made on first use with `FFTW_ESTIMATE` (deterministic:
    /// the same algorithm, hence the same rounding, in every run).
    static func plan(_ kind: FFTWTransformKind, length: Int, precision: Precision) -> FFTWPlan {
        precondition(length >= 1, "FFT length must be at least 1 (got \(length))")
        let key = Key(kind: kind, length: length, precision: precision)
        return lock.withLock { cache in
            if let plan = cache[key] { return plan }
            let input = FFTWBuffer(scalars: length, precision: precision)
            let output = FFTWBuffer(scalars: kind == .realToComplex ? 2 * (length / 2 + 1) : length,
                                    precision: precision)
            let flags = UInt32(FFTW_ESTIMATE)
            let handle: OpaquePointer?
            switch (precision, kind) {
            case (.double, .realToComplex):
                handle = fftw_plan_dft_r2c_1d(Int32(length), input.doubles, output.doubleComplexes, flags)
            case (.single, .realToComplex):
                handle = fftwf_plan_dft_r2c_1d(Int32(length), input.floats, output.floatComplexes, flags)
            case (.double, .dctII):
                handle = fftw_plan_r2r_1d(Int32(length), input.doubles, output.doubles, FFTW_REDFT10, flags)
            case (.single, .dctII):
                handle = fftwf_plan_r2r_1d(Int32(length), input.floats, output.floats, FFTW_REDFT10, flags)
            }
            guard let handle else { fatalError("FFTW could not plan a \(kind) transform of length \(length)") }
            let plan = FFTWPlan(handle: handle, precision: precision)
            cache[key] = plan
            return plan
        }
    }
}

/// An aligned scratch buffer from `fftw_malloc`, freed with `fftw_free`; one per user, never shared.
final class FFTWBuffer {
    let raw: UnsafeMutableRawPointer
    let scalarCount: Int

    init(scalars count: Int, precision: Precision) {
        let bytes = max(count, 1) * (precision == .double ? 8 : 4)
        guard let raw = fftw_malloc(bytes) else { fatalError("fftw_malloc(\(bytes)) failed: out of memory") }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        self.raw = raw
        self.scalarCount = count
    }

    deinit { fftw_free(raw) }

    var doubles: UnsafeMutablePointer<Double> { raw.assumingMemoryBound(to: Double.self) }
    var floats: UnsafeMutablePointer<Float> { raw.assumingMemoryBound(to: Float.self) }
    var doubleComplexes: UnsafeMutablePointer<fftw_complex> { raw.assumingMemoryBound(to: fftw_complex.self) }
    var floatComplexes: UnsafeMutablePointer<fftwf_complex> { raw.assumingMemoryBound(to: fftwf_complex.self) }

    /// The buffer as `Scalar`s (its precision must be `Scalar`'s).
    func scalars<Scalar: MatrixScalar>(_: Scalar.Type) -> UnsafeMutablePointer<Scalar> {
        raw.assumingMemoryBound(to: Scalar.self)
    }
}

extension FFTWPlan {
    /// Runs the plan from `input` to `output` (`fftw_execute_dft_r2c` / `fftw_execute_r2r` and the
    /// `fftwf_` twins). Thread-safe for distinct buffers.
    func execute(_ kind: FFTWTransformKind, input: FFTWBuffer, output: FFTWBuffer) {
        switch (precision, kind) {
        case (.double, .realToComplex): fftw_execute_dft_r2c(handle, input.doubles, output.doubleComplexes)
        case (.single, .realToComplex): fftwf_execute_dft_r2c(handle, input.floats, output.floatComplexes)
        case (.double, .dctII): fftw_execute_r2r(handle, input.doubles, output.doubles)
        case (.single, .dctII): fftwf_execute_r2r(handle, input.floats, output.floats)
        }
    }
}

/// The FFTW library's version string (`fftw_version`).
public var fftwVersion: String { String(cString: hmmkit_fftw_version()) }
