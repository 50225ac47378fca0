import HMMKitAudio
@testable import HMMKitFeatures
import HMMKitNumerics
import HMMKitTestSupport
import Testing

/// The frame stage runs four frames side by side (``LaneSums``): every sum must still be the
/// sequential sum of its own frame, bit for bit, whichever lane and group a frame lands in.
@Suite struct FrameLaneTests {
    /// Each lane of ``LaneSums`` equals the plain left-to-right loop over its row, bitwise.
    @Test(arguments: [0, 1, 2, 3, 5, 10, 129, 200])
    func laneSumsAreSequentialSums(count: Int) {
        var generator = SeededGenerator(seed: UInt64(count) &+ 17)
        let stride = count + 3
        let rows = (0..<(4 * stride)).map { _ in Double.random(in: -1e3...1e3, using: &generator) }
        let weights = (0..<max(count, 1)).map { _ in Double.random(in: 0...1, using: &generator) }
        let floats = rows.map(Float.init), floatWeights = weights.map(Float.init)
        for lane in 0..<4 {
            let row = Array(rows[(lane * stride)..<(lane * stride + count)])
            var sum = 0.0, squares = 0.0, dot = 0.0
            for i in 0..<count { sum += row[i]; squares += row[i] * row[i]; dot += weights[i] * row[i] }
            rows.withUnsafeBufferPointer { r in
                weights.withUnsafeBufferPointer { w in
                    #expect(LaneSums.sums(r.baseAddress!, stride: stride, count: count)[lane].bitPattern == sum.bitPattern)
                    #expect(LaneSums.squares(r.baseAddress!, stride: stride, count: count)[lane].bitPattern == squares.bitPattern)
                    #expect(LaneSums.dots(w.baseAddress!, r.baseAddress!, stride: stride, count: count)[lane].bitPattern
                        == dot.bitPattern)
                }
            }
            let floatRow = row.map(Float.init)
            var floatSum: Float = 0, floatDot: Float = 0
            for i in 0..<count { floatSum += floatRow[i]; floatDot += floatWeights[i] * floatRow[i] }
            floats.withUnsafeBufferPointer { r in
                floatWeights.withUnsafeBufferPointer { w in
                    #expect(LaneSums.sums(r.baseAddress!, stride: stride, count: count)[lane].bitPattern == floatSum.bitPattern)
                    #expect(LaneSums.dots(w.baseAddress!, r.baseAddress!, stride: stride, count: count)[lane].bitPattern
                        == floatDot.bitPattern)
                }
            }
        }
    }

    /// A frame's features do not depend on its position in a group of four: the static features
    /// of every prefix of a signal (1 to 9 frames: every remainder of the last group) equal,
    /// bitwise, the rows of the whole signal's whose frames lie inside the prefix.
    @Test(arguments: [FeatureConfiguration.Preset.kaldi, .psf])
    func framesDoNotDependOnTheirLane(preset: FeatureConfiguration.Preset) throws {
        let configuration = preset.configuration(sampleRate: 8000)
        var generator = SeededGenerator(seed: 4)
        let samples = (0..<2400).map { _ in Double.random(in: -0.5...0.5, using: &generator) }
        try check(Float.self, configuration, samples)
        try check(Double.self, configuration, samples)
    }

    private func check<S: MatrixScalar>(_: S.Type, _ configuration: FeatureConfiguration, _ samples: [Double]) throws {
        let extractor = try MFCCExtractor<S>(configuration: configuration)
        let whole = try extractor.staticFeatures(of: samples)
        let (length, shift) = (extractor.frameLength, extractor.frameShift)
        for frames in 1...9 {
            let prefix = try extractor.staticFeatures(of: Array(samples.prefix(length + (frames - 1) * shift)))
            // Frames wholly inside the prefix (a padded last frame of psf's preset is not).
            for t in 0..<prefix.rowCount where t * shift + length <= length + (frames - 1) * shift {
                for j in 0..<prefix.columnCount {
                    let (a, b) = (prefix[t, j], whole[t, j])
                    #expect(a.sign == b.sign && a.exponentBitPattern == b.exponentBitPattern
                        && a.significandBitPattern == b.significandBitPattern,
                        "\(S.self), prefix of \(frames) frames, [\(t), \(j)]: \(a) vs \(b)")
                }
            }
        }
    }
}
