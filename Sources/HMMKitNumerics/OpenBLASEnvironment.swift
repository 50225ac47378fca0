import Foundation

/// The two OpenBLAS settings that only the environment can give, because OpenBLAS reads them once,
/// when the library loads, before any Swift code runs. An executable calls
/// ``restartIfNeeded(oneBLASThread:)`` first thing; it sets what is missing and re-executes the
/// process once. `hmmkit` and the peer-comparison benchmark do.
///
/// - `OPENBLAS_NUM_THREADS=1`: OpenBLAS starts its worker threads at load time, and they spin on
///   `sched_yield` for a while waiting for work. HMMKit runs its own workers on every core and
///   uses one BLAS thread per call, so those spinning threads only steal cores, which matters
///   most to short runs such as `hmmkit features`.
/// - `OPENBLAS_CORETYPE`, only where OpenBLAS fell back to its generic SSE3 kernels on a CPU it
///   does not know (``BLASThreads/recommendedCoreType``).
///
/// A variable the user set is left alone.
public enum OpenBLASEnvironment {
    /// Sets `OPENBLAS_NUM_THREADS=1` (when `oneBLASThread` and it is unset) and the recommended
    /// `OPENBLAS_CORETYPE` (when OpenBLAS needs one), then re-executes this process with the same
    /// arguments if either was set. Returns only when nothing needed setting or `execv` failed.
    public static func restartIfNeeded(oneBLASThread: Bool = true) {
        var changed = false
        if oneBLASThread && getenv("OPENBLAS_NUM_THREADS") == nil {
            setenv("OPENBLAS_NUM_THREADS", "1", 1)
            changed = true
        }
        if let core = BLASThreads.recommendedCoreType {
            setenv("OPENBLAS_CORETYPE", core, 1)
            changed = true
        }
        guard changed else { return }
        // argv as C strings, null-terminated; on failure execv returns and the process goes on.
        var arguments = CommandLine.arguments.map { strdup($0) }
        arguments.append(nil)
        execv("/proc/self/exe", &arguments)
    }
}
