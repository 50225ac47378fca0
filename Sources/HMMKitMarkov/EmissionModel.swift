import HMMKitMixtures
import HMMKitNumerics

/// Sufficient statistics of an emission model: one flat Double buffer (so that threads, files
/// and MPI reduce them the same way), additive over disjoint data.
public protocol EmissionStatistics: Sendable, Equatable, Codable {
    /// Every number, in a fixed layout.
    var values: [Double] { get }
    /// Replaces the numbers (e.g. after an all-reduce); throws when the count differs.
    mutating func load(values: [Double]) throws(HMMError)
    /// Adds `other` (same layout), scaled by `scale`.
    mutating func merge(_ other: Self, scale: Double) throws(HMMError)
}

/// The emission densities of an HMM's S states: how a block of frames is scored, how state
/// posteriors become statistics, and how statistics become the next densities (Kaldi's split of
/// model, accumulator and update). ``MixtureEmissions`` (Gaussian mixtures, one per state) is the
/// implementation HMMKit ships; other densities plug into ``HiddenMarkovModel`` by conforming.
///
/// The batch driver calls these on worker threads, one ``Workspace`` per worker; blocks are
/// contiguous rows of the stacked frames and may span several sequences.
public protocol EmissionModel: Sendable {
    /// The precision of the frames and parameters (`Float` or `Double`).
    associatedtype Scalar: MatrixScalar
    /// Per-worker scratch memory (reused from block to block).
    associatedtype Workspace: AnyObject
    /// The statistics this emission model accumulates.
    associatedtype Statistics: EmissionStatistics

    /// States, S.
    var stateCount: Int { get }
    /// Dimension of the frames, D.
    var dimension: Int { get }
    /// Free parameters (for BIC-style comparisons).
    var parameterCount: Int { get }

    /// A fresh workspace for one worker.
    func makeWorkspace() -> Workspace
    /// A fresh workspace for a worker that only scores (``accumulate(_:statePosteriors:into:)``
    /// is never called with it), which may skip what only accumulation needs. Default:
    /// ``makeWorkspace()``.
    func makeScoringWorkspace() -> Workspace
    /// `log p(x_t | state s)` for rows `rows` of `frames`, into `output` (`[rows.count × S]`,
    /// row stride S). The workspace keeps what ``accumulate(_:statePosteriors:into:)`` needs.
    func score(_ frames: Matrix<Scalar>, rows: Range<Int>, workspace: Workspace, into output: UnsafeMutablePointer<Scalar>)
    /// Statistics with every sum zero, in this model's layout.
    func emptyStatistics() -> Statistics
    /// Adds the statistics of the block last scored in `workspace`, given the state posteriors
    /// γ (`[rows × S]`).
    func accumulate(_ workspace: Workspace, statePosteriors: UnsafePointer<Scalar>, into statistics: inout Statistics)
    /// The densities re-estimated from `statistics` (gathered with `self`).
    func updated(with statistics: Statistics, options: HMMUpdateOptions) throws(HMMError) -> (Self, EmissionUpdateReport)
    /// One frame drawn from each listed state's density, `[states.count × D]`.
    func sample<G: RandomNumberGenerator>(states: [Int], using generator: inout G) -> Matrix<Scalar>
}

extension EmissionModel {
    public func makeScoringWorkspace() -> Workspace { makeWorkspace() }
}

/// What an emission update did.
public struct EmissionUpdateReport: Sendable, Equatable, Codable {
    /// (state, component) pairs whose occupancy was at or below the threshold
    /// (``/HMMKitMixtures/GaussianMixtureUpdateOptions/minimumOccupancy``): they kept their previous
    /// parameters unless the policy is ``/HMMKitMixtures/StarvedComponentPolicy/keep``.
    public var starvedComponents: [StarvedComponent]
    /// Variances raised to the floor, over all states, components and dimensions.
    public var flooredVarianceCount: Int

    /// A report of the given starved components and floored variances (default: none).
    public init(starvedComponents: [StarvedComponent] = [], flooredVarianceCount: Int = 0) {
        self.starvedComponents = starvedComponents
        self.flooredVarianceCount = flooredVarianceCount
    }
}

/// A mixture component that received (almost) no frames.
public struct StarvedComponent: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The state, 0-based.
    public var state: Int
    /// The component within the state's mixture, 0-based.
    public var component: Int
    /// Its occupancy `Σₜ γₜ(state, component)`, in frames.
    public var occupancy: Double

    /// The component `component` of state `state`, with occupancy `occupancy` (frames).
    public init(state: Int, component: Int, occupancy: Double) {
        self.state = state
        self.component = component
        self.occupancy = occupancy
    }

    public var description: String { "state \(state) component \(component) (occupancy \(occupancy))" }
}

/// The sums of a mixture of S·M components, laid out state after state, are the statistics of
/// ``MixtureEmissions``.
extension GaussianMixtureStatistics: EmissionStatistics {
    public mutating func load(values: [Double]) throws(HMMError) {
        do { try replaceValues(with: values) } catch { throw .mixtures(error) }
    }

    public mutating func merge(_ other: GaussianMixtureStatistics, scale: Double) throws(HMMError) {
        do { try add(other, scale: scale) } catch { throw .mixtures(error) }
    }
}
