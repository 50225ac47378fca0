import Foundation
import HMMKitCorpus
import HMMKitFeatures
@testable import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// Vocal-tract-length perturbation of the training audio (``VTLPOptions``,
/// ``/HMMKitFeatures/WarpPerturbation``), on the bundled demo recordings.
@Suite("VTLP", .serialized)
struct VTLPTests {
    /// The noise-augmentation tests' recordings and small word models (without VTLN), with two
    /// warped copies of each recording beside its speed copies in place of the noisy ones.
    static func setting() throws -> (entries: [CorpusEntry], configuration: RecognizerConfiguration) {
        let (entries, noisy) = try NoiseAugmentationTests.setting()
        var configuration = noisy
        configuration.noiseAugmentation = []
        configuration.vtlp = VTLPOptions(copies: 2, lowestFactor: 0.9, highestFactor: 1.1)
        return (entries, configuration)
    }

    /// Each warped copy is the front end with that warp (an extractor of its own, built from the
    /// configuration with ``/HMMKitFeatures/VTLNWarp``), bit for bit; the other copies are
    /// unwarped and equal the same list's copies without VTLP.
    @Test func warpedCopiesAreTheFrontEndAtTheirFactor() throws {
        let (entries, configuration) = try Self.setting()
        let recordings = try RecordingList(entries, configuration: configuration, perturbed: true, threadCount: 2)
        #expect(recordings.frontEnd.speedFactors == [0.9, 1.0, 1, 1])
        #expect(recordings.copyName(1) == nil && recordings.copyName(2) == "warped copy 1" && recordings.copyName(3) == "warped copy 2")
        let features = recordings.rawFeatures()
        var plain = configuration
        plain.vtlp = nil
        let unwarped = try RecordingList(entries, configuration: plain, perturbed: true, threadCount: 2).rawFeatures()
        let perturbation = try #require(recordings.frontEnd.warpPerturbation)
        var unnormalised = configuration.features
        unnormalised.normalization = .none
        for position in [0, 7] {
            let decoded = recordings.decode(position)
            #expect(features[position].copies.map(\.index) == [0, 1, 2, 3])
            for copy in features[position].copies {
                let utterance = recordings.frontEnd.copyIndex(position: position, copy: copy.index)
                guard copy.index >= 2 else {
                    #expect(copy.warpFactor == nil)
                    #expect(copy.frames == unwarped[position].copies[copy.index].frames)
                    continue
                }
                let factor = perturbation.factor(utterance: utterance)
                #expect(copy.warpFactor == factor && (0.9...1.1).contains(factor))
                var warped = unnormalised
                warped.vtlnWarp = VTLNWarp(factor: factor)
                let samples = try #require(decoded.copies.first { $0.index == copy.index }).samples
                let expected = try MFCCExtractor<Double>(configuration: warped)
                    .features(of: samples, source: decoded.source, utteranceIndex: utterance)
                #expect(copy.frames == expected)
            }
        }
        // Evaluation makes no copies.
        let evaluation = try RecordingList(entries, configuration: configuration, perturbed: false, threadCount: 2)
        #expect(evaluation.frontEnd.speedFactors == [1] && evaluation.frontEnd.warpPerturbation == nil)
    }

    /// The draws depend on the seed and the copy only: the same in every list with the same
    /// seed, spread over the range in steps of 0.01, and different with another seed.
    @Test func drawsAreSeeded() throws {
        let factors = VTLPOptions().factors
        #expect(factors.count == 21 && factors.first == 0.9 && factors.last == 1.1 && factors.contains(1))
        let one = WarpPerturbation(copies: [2], factors: factors, seed: 7), same = WarpPerturbation(copies: [3], factors: factors, seed: 7)
        let other = WarpPerturbation(copies: [2], factors: factors, seed: 8)
        let draws = (0..<400).map(one.factor(utterance:))
        #expect(draws == (0..<400).map(same.factor(utterance:)))
        #expect(draws != (0..<400).map(other.factor(utterance:)))
        #expect(draws.allSatisfy(factors.contains))
        // 400 uniform draws over 21 factors: each expected about 19 times; missing one has
        // probability below 21 · (20/21)^400 ≈ 1e-7.
        #expect(Set(draws).count == factors.count)
    }

    /// Training is the same on any thread count and stores its VTLP; a file without VTLP writes
    /// no field (files from before it load unchanged); a damaged field is refused on load.
    @Test func trainingIsReproducibleAndTheFieldValidated() throws {
        let (entries, configuration) = try Self.setting()
        let folder = try TemporaryFolder()
        let one = folder.file("one.json"), three = folder.file("three.json"), plain = folder.file("plain.json")
        try Recognizer.train(entries, configuration: configuration, threadCount: 1).save(to: one)
        try Recognizer.train(entries, configuration: configuration, threadCount: 3).save(to: three)
        #expect(try Data(contentsOf: one) == Data(contentsOf: three))
        #expect(try Recognizer.load(from: one).configuration == configuration)
        var without = configuration
        without.vtlp = nil
        try Recognizer.train(entries, configuration: without, threadCount: 3).save(to: plain)
        #expect(try Data(contentsOf: plain) != Data(contentsOf: one))
        #expect(try !String(contentsOf: plain, encoding: .utf8).contains("vtlp"))
        #expect(try Recognizer.load(from: plain).configuration.vtlp == nil)
        let stored = try String(contentsOf: one, encoding: .utf8)
        #expect(stored.contains(#""copies":2"#))
        for (field, damage) in [(#""copies":2"#, #""copies":-1"#), (#""lowestFactor":0.9"#, #""lowestFactor":1.5"#),
                                (#""highestFactor":1.1"#, #""highestFactor":9"#)] {
            let bad = folder.file("bad.json")
            try stored.replacingOccurrences(of: field, with: damage).write(to: bad, atomically: true, encoding: .utf8)
            #expect {
                try Recognizer.load(from: bad)
            } throws: { error in
                "\(error)".contains("vtlp")
            }
        }
    }

    /// With ``VTLPOptions/warpsPerturbedCopies`` every copy but the audio as it is gets a warp;
    /// with VTLN (the speakers' own warps) there are no VTLP copies.
    @Test func perturbedCopiesAndVTLN() throws {
        var (entries, configuration) = try Self.setting()
        configuration.vtlp = VTLPOptions(copies: 1, warpsPerturbedCopies: true)
        let recordings = try RecordingList(entries, configuration: configuration, perturbed: true, threadCount: 2)
        #expect(recordings.frontEnd.warpPerturbation?.copies == [0, 2])
        #expect(recordings.rawFeatures()[0].copies.map { $0.warpFactor != nil } == [true, false, true])
        configuration.vtln = VTLNOptions()
        let withVTLN = try RecordingList(entries, configuration: configuration, perturbed: true, threadCount: 2)
        #expect(withVTLN.frontEnd.speedFactors == [0.9, 1.0] && withVTLN.frontEnd.warpPerturbation == nil)
    }

    @Test func optionsAreChecked() {
        let features = RecognizerConfiguration().features
        #expect(VTLPOptions().problems(features: features).isEmpty)
        #expect(VTLPOptions(copies: 0, warpsPerturbedCopies: true).problems(features: features).isEmpty)
        let bad = [VTLPOptions(copies: -1), VTLPOptions(copies: VTLPOptions.maximumCopies + 1), VTLPOptions(copies: 0),
                   VTLPOptions(lowestFactor: 1.1, highestFactor: 0.9), VTLPOptions(lowestFactor: .nan),
                   VTLPOptions(lowestFactor: 0.4, highestFactor: 1)]
        for options in bad { #expect(!options.problems(features: features).isEmpty, "\(options)") }
    }
}
