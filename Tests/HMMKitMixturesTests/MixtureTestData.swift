import HMMKitMixtures
import HMMKitNumerics
import HMMKitTestSupport

/// Seeded synthetic mixtures for the tests: well-separated clusters with known parameters.
enum MixtureTestData {
    /// `count` frames from `k` clusters in `d` dimensions: means on a grid 6 units apart,
    /// standard deviations from 0.5 to 1.5, equal weights; labels returned too.
    static func clusters<S: MatrixScalar>(_: S.Type, count: Int, k: Int, d: Int, seed: UInt64) -> (Matrix<S>, [Int]) {
        var generator = SeededGenerator(seed: seed)
        var data = Matrix<S>(rowCount: count, columnCount: d)
        var labels = [Int](repeating: 0, count: count)
        for row in 0..<count {
            let c = row % k
            labels[row] = c
            for j in 0..<d {
                let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
                let v = Double.random(in: 0..<1, using: &generator)
                let z = (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
                let sd = 0.5 + Double((c + j) % 3) * 0.5
                data[row, j] = S(Double(6 * c) * (j % 2 == 0 ? 1 : -0.5) + sd * z)
            }
        }
        return (data, labels)
    }
}

import Foundation
