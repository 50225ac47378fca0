import Foundation

/// The two OpenBLAS settings that take effect when the library loads, before any Swift code
/// runs. An executable calls ``restartIfNeeded(oneBLASThread:)`` first thing. `hmmkit` and the
/// peer-comparison benchmark do.
///
/// - One BLAS thread: OpenBLAS starts its worker threads at load time, and they spin on
///   `sched_yield` for a while waiting for work. HMMKit runs its own workers on every core and
///   uses one BLAS thread per call, so those spinning threads only steal cores, which matters
///   most to short runs such as `hmmkit features`. When `OPENBLAS_NUM_THREADS` is unset, it is set
///   to 1 (for child processes) and the running library's workers are ended in place
///   (`BLASThreads.endIdleWorkers()`, through OpenBLAS's `blas_thread_shutdown_`); only a library that cannot end them takes a re-execution.
/// - `OPENBLAS_CORETYPE`, only where OpenBLAS fell back to its generic SSE3 kernels on a CPU it
///   does not know (``BLASThreads/recommendedCoreType``): the kernels are chosen at load, so this
///   takes a new process (one re-execution).
///
/// A variable the user set is left alone.
public enum OpenBLASEnvironment {
    /// Sets `OPENBLAS_NUM_THREADS=1` and ends OpenBLAS's idle workers (when `oneBLASThread` and the
    /// variable is unset), and sets the recommended `OPENBLAS_CORETYPE` (when OpenBLAS needs one);
    /// re-executes this process with the same arguments when a new core type must be loaded, or
    /// when the workers could not be ended in place. Returns only when no re-execution was needed
    /// or `execv` failed.
    public static func restartIfNeeded(oneBLASThread: Bool = true) {
        let setThreads = oneBLASThread && getenv("OPENBLAS_NUM_THREADS") == nil
        if setThreads { setenv("OPENBLAS_NUM_THREADS", "1", 1) }
        if let core = BLASThreads.recommendedCoreType {
            setenv("OPENBLAS_CORETYPE", core, 1)
        } else if !setThreads || BLASThreads.endIdleWorkers() {
            return
        }
        // argv as C strings, null-terminated; on failure execv returns and the process goes on.
        var arguments = CommandLine.arguments.map { strdup($0) }
        arguments.append(nil)
        execv("/proc/self/exe", &arguments)
    }
}
