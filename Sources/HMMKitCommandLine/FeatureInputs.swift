import ArgumentParser
import Foundation
import HMMKit

/// Every sequence of `inputs` stacked (``FeatureFiles/stacked(_:as:)``).
func loadStackedFeatures<S: MatrixScalar>(_ inputs: [String], as _: S.Type) throws -> Matrix<S> {
    try FeatureFiles.stacked(inputs, as: S.self)
}
