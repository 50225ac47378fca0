import Foundation

/// OpenBLAS starts its worker threads when the library loads, before any Swift code runs, and
/// they spin on `sched_yield` for a while waiting for work. `hmmkit` runs its own workers on
/// every core and uses one BLAS thread per call, so those spinning threads only steal cores
/// (measured: about a third of a core over the first tenth of a second, a large share of a
/// short `hmmkit features` run). The only way to keep OpenBLAS from starting them is
/// `OPENBLAS_NUM_THREADS=1` in the environment at load time: when it is not set, `hmmkit`
/// sets it and re-executes itself once (about 15 ms). Set the variable yourself to choose
/// another count; it is then left alone.
enum BLASThreadPinning {
    static func reexecuteWithOneBLASThreadIfNeeded() {
        guard getenv("OPENBLAS_NUM_THREADS") == nil else { return }
        setenv("OPENBLAS_NUM_THREADS", "1", 1)
        // argv as C strings, null-terminated; on failure execv returns and we simply go on.
        var arguments = CommandLine.arguments.map { strdup($0) }
        arguments.append(nil)
        execv("/proc/self/exe", &arguments)
    }
}
