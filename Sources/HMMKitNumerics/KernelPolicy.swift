import CVectorMath
import Foundation

/// Which of HMMKit's own vector kernels (CVectorMath) the accelerated backend runs, chosen once
/// per process from the CPU and two environment variables. The reference backend never runs them.
///
/// - The **skinny products** (`skinny_gemm.c`): matrix products with a small side (at most
///   ``skinnyLimit`` columns of `A · B` or rows of `Aᵀ · B`) multiplied in place instead of by
///   OpenBLAS, which spends as long packing such operands as multiplying them; also the fused
///   diagonal-covariance scoring and statistics built on them. They run at the widest vector the
///   CPU has: 512 bits with AVX-512F, 256 bits with AVX2 + FMA, none otherwise.
/// - The **fused full-covariance kernels** (`quadratic_fused.c`): full-covariance scoring and
///   statistics straight from the frames, without storing the quadratic features, in Double, at
///   8 lanes (AVX-512F) or 4 (AVX2 + FMA). They need the skinny products on.
///
/// The environment variables exist to measure the other paths on the same machine; they change
/// the last bits of results (the kernels sum in another order), never their meaning:
///
/// | Variable | `0` | `avx2` | unset or anything else |
/// |---|---|---|---|
/// | `HMMKIT_SKINNY_PRODUCTS` | OpenBLAS for every product; no fused kernels | 256-bit kernels | the widest this CPU runs |
/// | `HMMKIT_FUSED_KERNELS` | full-covariance blocks build their features | 4 lanes | the widest this CPU runs |
///
/// A CPU without a width runs without it, whatever the environment says.
public struct KernelPolicy: Sendable, Hashable, CustomStringConvertible {
    /// The width the skinny products run at, in bits: 512, 256, or 0 (off: OpenBLAS).
    public let skinnyProductBits: Int
    /// The width the fused full-covariance kernels run at, in doubles: 8, 4, or 0 (off: the
    /// features are built and multiplied).
    public let fusedKernelLanes: Int

    /// The environment variable that sets ``skinnyProductBits``.
    public static let skinnyProductsVariable = "HMMKIT_SKINNY_PRODUCTS"
    /// The environment variable that sets ``fusedKernelLanes``.
    public static let fusedKernelsVariable = "HMMKIT_FUSED_KERNELS"

    /// The largest small side of a skinny product, and the most components the fused kernels
    /// take: `HMMKIT_SKINNY_LIMIT` in `vector_math.h`, a compile-time constant of the C kernels
    /// (their accumulators are sized by it), not a setting.
    public static let skinnyLimit = Int(HMMKIT_SKINNY_LIMIT)

    /// The skinny-product widths this CPU runs, in bits: `[256, 512]` with AVX-512F, `[256]`
    /// with AVX2 + FMA, else none (whatever the environment says; tests sweep them).
    public static let availableSkinnyProductBits: [Int] = {
        let widest = Int(hmmkit_skinny_vector_bits())
        return [256, 512].filter { $0 <= widest }
    }()

    /// The fused-kernel widths this CPU runs, in doubles: `[4, 8]` with AVX-512F, `[4]` with
    /// AVX2 + FMA, else none (whatever the environment says; tests sweep them).
    public static let availableFusedKernelLanes: [Int] = {
        let widest = Int(hmmkit_quadratic_vector_width())
        return [4, 8].filter { $0 <= widest }
    }()

    /// The policy of this process, read from its environment at first use.
    public static let current = KernelPolicy(environment: ProcessInfo.processInfo.environment)

    /// The policy `environment` selects on this CPU (see the table in ``KernelPolicy``).
    public init(environment: [String: String]) {
        var bits = Self.availableSkinnyProductBits.last ?? 0
        switch environment[Self.skinnyProductsVariable] {
        case "0": bits = 0
        case "avx2": bits = min(bits, 256)
        default: break
        }
        var lanes = bits > 0 ? Self.availableFusedKernelLanes.last ?? 0 : 0
        switch environment[Self.fusedKernelsVariable] {
        case "0": lanes = 0
        case "avx2": lanes = min(lanes, 4)
        default: break
        }
        skinnyProductBits = bits
        fusedKernelLanes = lanes
    }

    /// Whether the skinny products (and the fused diagonal-covariance kernels) run.
    public var runsSkinnyProducts: Bool { skinnyProductBits > 0 }

    /// `"skinny products 512-bit, fused kernels 8 lanes"`, `"… off"`.
    public var description: String {
        let skinny = skinnyProductBits > 0 ? "\(skinnyProductBits)-bit" : "off"
        let fused = fusedKernelLanes > 0 ? "\(fusedKernelLanes) lanes" : "off"
        return "skinny products \(skinny), fused kernels \(fused)"
    }
}
