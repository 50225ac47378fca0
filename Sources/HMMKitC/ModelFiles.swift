import Foundation
import HMMKitFileSystem
import HMMKitMarkov
import HMMKitMixtures
import HMMKitNumerics

// The model-file functions of hmmkit.h: HMMKit's own JSON files (`HMMKit.HiddenMarkovModel`,
// `HMMKit.GaussianMixture`, as `hmmkit hmm fit` and `hmmkit gmm fit` write them), read with the
// Swift loaders' validation and written with the atomic writer.

/// `HMMKIT_FILE_HMM` / `HMMKIT_FILE_GMM`: what a model file holds.
private enum ModelFileKind: Int32 {
    case hiddenMarkovModel = 1
    case gaussianMixture = 2
}

/// The path argument of a file call (NUL-terminated UTF-8).
private func filePath(_ path: UnsafePointer<CChar>?) throws(CallError) -> String {
    guard let path else { throw CallError(.invalidArgument, "the path is NULL") }
    let text = String(cString: path)
    guard !text.isEmpty else { throw CallError(.invalidArgument, "the path is empty") }
    return text
}

/// A loader's or writer's error as the call's status: the file could not be read or written
/// (`HMMKIT_FILE_ACCESS`), or what it holds is not a usable model (`HMMKIT_INVALID_FILE`). The
/// message names the file.
private func fileError(_ error: any Error) -> CallError {
    switch error {
    case HMMError.file(_, .access(let access)), MixtureError.file(_, .access(let access)):
        return CallError(.fileAccess, access.description)
    case let error as HMMError: return CallError(.invalidFile, error.description)
    case let error as MixtureError: return CallError(.invalidFile, error.description)
    case let error as CallError: return error
    default: return CallError(.invalidFile, String(describing: error))
    }
}

private func fileCall(_ body: () throws -> Void) throws(CallError) {
    do { try body() } catch { throw fileError(error) }
}

/// Only the `"format"` field of a model file.
private struct FormatHeader: Decodable {
    var format: String?
}

@_cdecl("hmmkit_model_file_kind")
public func hmmkitModelFileKind(_ path: UnsafePointer<CChar>?, _ kind: UnsafeMutablePointer<Int32>?,
                                _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let path = try filePath(path)
        guard let kind else { throw CallError(.invalidArgument, "the kind pointer is NULL") }
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(URL(fileURLWithPath: path)) } catch { throw CallError(.fileAccess, String(describing: error)) }
        guard let header = try? JSONDecoder().decode(FormatHeader.self, from: Data(bytes)) else {
            throw CallError(.invalidFile, "\(path): not an HMMKit model file (not JSON, or truncated)")
        }
        switch header.format {
        case HiddenMarkovModelDocument.formatName: kind.pointee = ModelFileKind.hiddenMarkovModel.rawValue
        case GaussianMixtureDocument.formatName: kind.pointee = ModelFileKind.gaussianMixture.rawValue
        default:
            throw CallError(.invalidFile, "\(path): not an HMMKit model file (format \(header.format.map { "\"\($0)\"" } ?? "missing"); "
                + "expected \"\(HiddenMarkovModelDocument.formatName)\" or \"\(GaussianMixtureDocument.formatName)\")")
        }
    }
}

/// What `hmmkit_hmm_load` and `hmmkit_gmm_load` share: checks the result pointer, the path and
/// the dtype, reads the model file with `load` in the dtype's precision (its errors become the
/// call's, ``fileError(_:)``), and stores the new handle, retained for the caller, in `result`.
private func loadHandle<Handle: AnyObject>(_ path: UnsafePointer<CChar>?, _ dtype: Int32, _ result: UnsafeMutablePointer<OpaquePointer?>?,
                                           _ load: (URL, ElementType) throws -> Handle) throws(CallError) {
    guard let result else { throw CallError(.invalidArgument, "the result pointer is NULL") }
    let url = URL(fileURLWithPath: try filePath(path))
    let type = try ElementType(code: dtype)
    var handle: Handle?
    try fileCall { handle = try load(url, type) }
    result.pointee = OpaquePointer(Unmanaged.passRetained(handle!).toOpaque())
}

// MARK: - HMMs

@_cdecl("hmmkit_hmm_load")
public func hmmkitHMMLoad(_ path: UnsafePointer<CChar>?, _ dtype: Int32, _ result: UnsafeMutablePointer<OpaquePointer?>?,
                          _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        try loadHandle(path, dtype, result) { url, type in
            switch type {
            case .float64: HMMHandle(try GMMHMM<Double>.load(from: url))
            case .float32: HMMHandle(try GMMHMM<Float>.load(from: url))
            }
        }
    }
}

@_cdecl("hmmkit_hmm_save")
public func hmmkitHMMSave(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?,
                          _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let handle = try hmmHandle(model)
        let url = URL(fileURLWithPath: try filePath(path))
        try fileCall { try handle.with { model in (try model.save(to: url), nil) } }
    }
}

@_cdecl("hmmkit_hmm_shape")
public func hmmkitHMMShape(_ model: OpaquePointer?, _ states: UnsafeMutablePointer<Int64>?, _ components: UnsafeMutablePointer<Int64>?,
                           _ dimension: UnsafeMutablePointer<Int64>?, _ covariance: UnsafeMutablePointer<Int32>?,
                           _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let shape = try hmmHandle(model).shape
        states?.pointee = Int64(shape.states)
        components?.pointee = Int64(shape.components)
        dimension?.pointee = Int64(shape.dimension)
        covariance?.pointee = covarianceCode(shape.type)
    }
}

/// `HMMKIT_TOPOLOGY_*`.
private let ergodicCode: Int32 = 0, leftToRightCode: Int32 = 1, customCode: Int32 = 2

@_cdecl("hmmkit_hmm_get_chain")
public func hmmkitHMMGetChain(_ model: OpaquePointer?, _ topology: UnsafeMutablePointer<Int32>?,
                              _ maximumJump: UnsafeMutablePointer<Int64>?, _ endStates: UnsafeMutablePointer<UInt8>?,
                              _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let structure = try hmmHandle(model).with { model in (model.chainStructure(), nil) }
        switch structure.topology {
        case .ergodic: topology?.pointee = ergodicCode; maximumJump?.pointee = 0
        case .leftToRight(let jump): topology?.pointee = leftToRightCode; maximumJump?.pointee = Int64(jump)
        case .custom: topology?.pointee = customCode; maximumJump?.pointee = 0
        }
        if let endStates {
            for (state, allowed) in structure.endStates.enumerated() { endStates[state] = allowed ? 1 : 0 }
        }
    }
}

@_cdecl("hmmkit_hmm_set_chain")
public func hmmkitHMMSetChain(_ model: OpaquePointer?, _ topologyCode: Int32, _ maximumJump: Int64,
                              _ endStates: UnsafePointer<UInt8>?,
                              _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let handle = try hmmHandle(model)
        let topology: MarkovTopology
        switch topologyCode {
        case ergodicCode: topology = .ergodic
        case leftToRightCode:
            guard (0...Int64(InputLimits.maximumJump)).contains(maximumJump) else {
                throw CallError(.invalidArgument, "the maximum jump is \(maximumJump); it must lie in 0…\(InputLimits.maximumJump)")
            }
            topology = .leftToRight(maximumJump: Int(maximumJump))
        default: throw CallError(.invalidArgument, "unknown topology code \(topologyCode) (custom topologies come from files only)")
        }
        let stateCount = handle.shape.states
        let end: EndCondition? = endStates.map { mask in .states((0..<stateCount).filter { mask[$0] != 0 }) }
        try handle.with { model in ((), try model.rechained(topology: topology, end: end ?? topology.defaultEndCondition)) }
    }
}

// MARK: - Gaussian mixtures

@_cdecl("hmmkit_gmm_load")
public func hmmkitGMMLoad(_ path: UnsafePointer<CChar>?, _ dtype: Int32, _ result: UnsafeMutablePointer<OpaquePointer?>?,
                          _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        try loadHandle(path, dtype, result) { url, type in
            switch type {
            case .float64: MixtureHandle(.float64(try GaussianMixture<Double>.load(from: url)))
            case .float32: MixtureHandle(.float32(try GaussianMixture<Float>.load(from: url)))
            }
        }
    }
}

@_cdecl("hmmkit_gmm_save")
public func hmmkitGMMSave(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?,
                          _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let handle = try mixtureHandle(model)
        let url = URL(fileURLWithPath: try filePath(path))
        try fileCall {
            try handle.with { model in
                switch model {
                case .float64(let g): try g.save(to: url)
                case .float32(let g): try g.save(to: url)
                }
            }
        }
    }
}

@_cdecl("hmmkit_gmm_shape")
public func hmmkitGMMShape(_ model: OpaquePointer?, _ components: UnsafeMutablePointer<Int64>?, _ dimension: UnsafeMutablePointer<Int64>?,
                           _ covariance: UnsafeMutablePointer<Int32>?,
                           _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int32 {
    guarded(message, capacity) {
        let shape = try mixtureHandle(model).with { model in
            switch model {
            case .float64(let g): return (g.componentCount, g.dimension, g.covarianceType)
            case .float32(let g): return (g.componentCount, g.dimension, g.covarianceType)
            }
        }
        components?.pointee = Int64(shape.0)
        dimension?.pointee = Int64(shape.1)
        covariance?.pointee = covarianceCode(shape.2)
    }
}
