import ArgumentParser
import Foundation
import HMMKit

/// The sequences named on the command line (``FeatureInputs``: .npy files, folders, Kaldi
/// archives and script files) as a ``SequenceSource`` for streaming training: read again on
/// every pass, one sequence at a time. A shard's `.npy` files are the only ones opened; in an
/// archive, the other shards' matrices are read past.
struct FeatureSequenceSource<Scalar: MatrixScalar>: SequenceSource {
    let sources: [FeatureInputs.Source]

    /// - Throws: ``CommandProblem`` for a folder without `.npy` files, `ValidationError` for a malformed specifier.
    init(_ inputs: [String]) throws {
        sources = try FeatureInputs.sources(inputs)
    }

    func forEachSequence(in shard: SequenceShard, _ body: (SequenceRecord<Scalar>) throws -> Void) throws {
        var index = 0
        for source in sources {
            switch source {
            case .numPy(let path):
                defer { index += 1 }
                guard shard.contains(index) else { continue }
                let matrix: Matrix<Scalar>
                do {
                    matrix = try NumPyFile.read(Scalar.self, from: URL(fileURLWithPath: path), convertingPrecision: true)
                } catch {
                    throw TrainingError.input("\(error)")
                }
                try body(SequenceRecord(index: index, name: path, frames: matrix))
            case .kaldi(let specifier):
                let reader: KaldiTableReader<Scalar>
                do { reader = try KaldiTableReader<Scalar>(specifier) } catch { throw TrainingError.input("\(error)") }
                while true {
                    let record: KaldiArchiveRecord<Scalar>?
                    do { record = try reader.next() } catch { throw TrainingError.input("\(error)") }
                    guard let record else { break }
                    defer { index += 1 }
                    if shard.contains(index) {
                        let name = SequenceOrigin(reader, specifier: specifier, key: record.key).description
                        try body(SequenceRecord(index: index, name: name, frames: record.matrix))
                    }
                }
            }
        }
    }
}
