import HMMKitNumerics

/// Statistics from hard (0/1) assignments, for the k-means and splitting initialisations.
package enum HardAssignment {
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    package static func accumulate<S: MatrixScalar>(_ data: Matrix<S>, assignments: [Int],
                                            into statistics: inout GaussianMixtureStatistics) throws(MixtureError) {
        let d = data.columnCount, k = statistics.componentCount, type = statistics.covarianceType
        let occupancyOffset = statistics.occupancyOffset, firstOffset = statistics.firstOrderOffset
        let secondOffset = statistics.secondOrderOffset
        statistics.withUnsafeMutableValues { values in
            values[GaussianMixtureStatistics.framesIndex] += Double(data.rowCount)
            let sums = values.baseAddress!
            data.withUnsafeElements { elements in
                for row in 0..<data.rowCount {
                    let c = assignments[row]
                    precondition(c >= 0 && c < k, "assignment \(c) out of range")
                    let x = elements.baseAddress! + row * d
                    sums[occupancyOffset + c] += 1
                    let first = sums + firstOffset + c * d
                    for i in 0..<d { first[i] += Double(x[i]) }
                    switch type {
                    case .diagonal, .spherical:
                        let second = sums + secondOffset + c * d
                        for i in 0..<d { second[i] += Double(x[i]) * Double(x[i]) }
                    case .full, .tied:
                        // The upper triangle only; mirrored below (the same products, so the same bits).
                        let second = sums + secondOffset + (type == .full ? c * d * d : 0)
                        for i in 0..<d {
                            let xi = Double(x[i]), line = second + i * d
                            for j in i..<d { line[j] += xi * Double(x[j]) }
                        }
                    }
                }
            }
            guard type == .full || type == .tied else { return }
            for c in 0..<(type == .full ? k : 1) {
                let second = sums + secondOffset + c * d * d
                for i in 0..<d { for j in 0..<i { second[i * d + j] = second[j * d + i] } }
            }
        }
    }
}

