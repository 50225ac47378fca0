import Foundation
import HMMKit

/// The `--plot` picture of `hmmkit features`: the feature matrix as a heat map, time along x.
enum FeaturePlot {
    static func write<S: MatrixScalar>(_ features: Matrix<S>, configuration: FeatureConfiguration, title: String,
                                       to url: URL) throws {
        let rows = (0..<features.rowCount).map { features[row: $0].map(Double.init) }
        let shift = Double(configuration.frameShift.samples(atRate: configuration.sampleRate)) / configuration.sampleRate
        let map = HeatMap(features: rows, frameShiftSeconds: shift, colorScale: .diverging(),
                          title: "MFCC features — \(title)", yLabel: "Coefficient (statics, Δ, ΔΔ)",
                          colorBarLabel: "value")
        try map.write(to: url)
    }
}
