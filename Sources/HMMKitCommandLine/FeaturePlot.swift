import Foundation
import HMMKit

/// The `--plot` picture of `hmmkit features`: the feature matrix as a heat map, time along x,
/// coefficient 0 at the bottom. Statics, Δ and ΔΔ differ in scale and offset by an order of
/// magnitude, so each coefficient is shown standardised over the utterance (minus its mean,
/// divided by its standard deviation: its time course), on a diverging scale centred at 0.
enum FeaturePlot {
    static func write<S: MatrixScalar>(_ features: Matrix<S>, configuration: FeatureConfiguration, title: String,
                                       to url: URL) throws {
        var standardised = features
        CepstralNormalizer.normalize(&standardised, .utteranceMeanAndVariance)
        let rows = (0..<standardised.rowCount).map { standardised[row: $0].map(Double.init) }
        let shift = Double(configuration.frameShift.samples(atRate: configuration.sampleRate)) / configuration.sampleRate
        let map = HeatMap(features: rows, frameShiftSeconds: shift, colorScale: .diverging(),
                          title: "MFCC features — \(title)", yLabel: "Coefficient (statics, Δ, ΔΔ)",
                          colorBarLabel: "standardised value (per coefficient)")
        try map.write(to: url)
    }
}
