import Foundation
import HMMKitAdaptation
import HMMKitCorpus
@testable import HMMKitDecoding
import HMMKitNumerics
import HMMKitRecognition
import HMMKitTestSupport
import Testing

/// Connected-word decoding through a recognizer's speaker adaptation: fMLLR statistics from the
/// first pass's words, the speaker's utterances decoded again on transformed features.
@Suite("Speaker-adapted decoding")
struct SpeakerAdaptedDecodingTests {
    /// Utterances of a known speaker whose features went through a known affine distortion
    /// `y = A·x + b`: adaptation estimates the transform back to the models' space, which must
    /// be `A⁻¹·y − A⁻¹·b`, and the words the distortion broke are decoded right again.
    @Test func knownAffineDistortionIsUndone() throws {
        let synthetic = try SyntheticWords(count: 4)
        var generator = SeededGenerator(seed: 7)
        var clean: [Matrix<Double>] = [], truths: [[String]] = []
        for k in 0..<40 {
            let sequence = (0..<Int.random(in: 2...5, using: &generator)).map { _ in Int.random(in: 0..<4, using: &generator) }
            clean.append(synthetic.utterance(sequence, seed: UInt64(100 + k)).frames)
            truths.append(sequence.map { synthetic.words[$0] })
        }
        // A shear and stretch of the (4w, 4s) grid and a shift of a quarter of a state: it breaks
        // most utterances (33 of 40) but leaves most frames nearest their own state, as fMLLR's
        // first pass needs (a shift by a whole state would align every word to its neighbour).
        let a = [[1.1, 0.15], [-0.1, 0.9]], b = [1.0, -1.0]
        let distortion = try AffineFeatureTransform(dimension: 2, matrix: [a[0][0], a[0][1], b[0], a[1][0], a[1][1], b[1]])
        let distorted = try clean.map { try distortion.apply($0) }

        var configuration = RecognizerConfiguration()
        configuration.vtln = nil
        configuration.adaptation = SpeakerAdaptationOptions(passes: 4, minimumFrames: 100, iterations: 20)
        let recognizer = Recognizer(configuration: configuration, labels: synthetic.words, models: synthetic.models,
                                    trainingCounts: synthetic.words.map { _ in 1 }, trainingHistory: synthetic.words.map { _ in [] })
        let decoder = try Decoder(network: .loop(vocabulary: synthetic.words, minimumWords: 1, maximumWords: nil),
                                  words: synthetic.words, models: synthetic.models)
        let index = Dictionary(uniqueKeysWithValues: synthetic.words.enumerated().map { ($1, $0) })
        let answer: @Sendable (Matrix<Double>) -> Result<SegmentedDecoding, DecodingError> = { frames in
            Result { () throws(DecodingError) in SegmentedDecoding(try decoder.decode(frames), models: index) }
        }
        let first = distorted.map(answer)
        let (adapted, flags, transforms) = try recognizer.adaptedAnswers(
            first, sequences: distorted, groups: distorted.map { _ in "speaker" }, options: configuration.adaptation!,
            threadCount: 2, answer: answer)
        let transform = try #require(transforms["speaker"])
        #expect(flags.allSatisfy { $0 })

        func wrongWords(_ results: [Result<SegmentedDecoding, DecodingError>]) throws -> Int {
            try zip(results, truths).filter { try $0.0.get().decoding.transcript != $0.1 }.count
        }
        let before = try wrongWords(first), after = try wrongWords(adapted), undistorted = try wrongWords(clean.map(answer))
        #expect(before >= 10, "the distortion must break the first pass (\(before) of 40 wrong)")
        // The states overlap a little (unit variances, 4 apart), so even undistorted features
        // give the odd wrong utterance; adapted ones may miss one more.
        #expect(after <= undistorted + 1, "\(after) of 40 utterances wrong after adaptation, \(undistorted) undistorted")

        // The expected inverse: W = [A⁻¹ | −A⁻¹·b].
        let det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
        let inverse = [[a[1][1] / det, -a[0][1] / det], [-a[1][0] / det, a[0][0] / det]]
        let offset = (0..<2).map { i in -(inverse[i][0] * b[0] + inverse[i][1] * b[1]) }
        // About 1,300 frames of unit-variance states: each estimated element's standard error is
        // near 1/√1300 ≈ 0.03 for the linear part (more for the offset, whose frames sit up to
        // 12 units from the origin); 0.1 and 0.4 allow for that and for the few frames the
        // first passes align to the wrong state.
        for i in 0..<2 {
            for j in 0..<2 { #expect(abs(transform[i, j] - inverse[i][j]) < 0.1, "A⁻¹[\(i), \(j)]: \(transform[i, j]) vs \(inverse[i][j])") }
            #expect(abs(transform[i, 2] - offset[i]) < 0.4, "offset[\(i)]: \(transform[i, 2]) vs \(offset[i])")
        }
        // Scores are log-likelihoods of the distorted features: the Jacobian log|det W| per frame.
        let redecoded = try decoder.decode(try transform.apply(distorted[0]))
        let jacobian = Double(distorted[0].rowCount) * transform.logAbsDeterminant
        #expect(abs(try adapted[0].get().decoding.score - (redecoded.score + jacobian)) < 1e-9 * abs(redecoded.score))
    }

    /// Real speech (the bundled demo recordings): one speaker's connected decoding with
    /// adaptation. Within the first pass's word segments, the transform of one pass must not
    /// lower the speaker's total log-likelihood (EM: fMLLR maximises the auxiliary function of
    /// those very alignments); and the adapted best paths score at least as high in total as
    /// the unadapted ones (best paths are searched again, so they can only gain unless pruning or
    /// silence frames, which gather no statistics, cost more than the words gain).
    @Test func adaptedDecodingRaisesLikelihood() throws {
        var configuration = UnknownVoiceDecodingTests.configuration()
        configuration.adaptation = SpeakerAdaptationOptions(passes: 1, minimumFrames: 500, iterations: 20)
        configuration.unknownVoiceFrames = nil
        let words: Set<String> = ["0", "1", "6", "8"]
        let parts = try LabelledCorpus.load(path: UnknownVoiceDecodingTests.demo.path).split(DemoCorpus.split)
        let train = parts.train.entries.filter { words.contains($0.label) }
        let adapting = try Recognizer.train(train, configuration: configuration, threadCount: 2)
        var plainConfiguration = configuration
        plainConfiguration.adaptation = nil
        let plain = Recognizer(configuration: plainConfiguration, labels: adapting.labels, models: adapting.models,
                               trainingCounts: adapting.trainingCounts, trainingHistory: adapting.trainingHistory,
                               normalizationPrior: adapting.normalizationPrior)
        // Connected utterances: each of the speaker's test recordings is one to three words long
        // in the network's eyes; one speaker's files together pass the 500-frame minimum.
        let test = parts.test.entries.filter { words.contains($0.label) && $0.speaker == "jackson" }
        let urls = test.map(\.url), speakers: [String?] = test.map { _ in "jackson" }
        let network = WordNetwork.loop(vocabulary: adapting.labels, minimumWords: 1, maximumWords: 3).withOptionalSilence()
        let decoder = try adapting.decoder(for: network)
        let before = try plain.decode(urls, speakers: speakers, with: decoder, threadCount: 2).map { try $0.get() }
        let after = try adapting.decode(urls, speakers: speakers, with: decoder, threadCount: 2).map { try $0.get() }
        #expect(after.allSatisfy { $0.adapted == true } && before.allSatisfy { $0.adapted == nil })
        let total = { (decodings: [Decoding]) in decodings.reduce(0) { $0 + $1.score } }
        #expect(total(after) >= total(before), "adapted \(total(after)) vs unadapted \(total(before))")

        // The EM guarantee on the first pass's segments, through the one-pass transform.
        let features = try plain.normalizedFeatures(urls, speakers: speakers, threadCount: 2).map { try $0.get() }
        let index = Dictionary(uniqueKeysWithValues: adapting.labels.enumerated().map { ($1, $0) })
        let segmented = before.map { SegmentedDecoding($0, models: index) }
        let answer: @Sendable (Matrix<Double>) -> Result<SegmentedDecoding, DecodingError> = { frames in
            Result { () throws(DecodingError) in SegmentedDecoding(try decoder.decode(frames), models: index) }
        }
        let (_, _, transforms) = try adapting.adaptedAnswers(segmented.map { .success($0) }, sequences: features,
                                                             groups: features.map { _ in "jackson" }, options: configuration.adaptation!,
                                                             threadCount: 2, answer: answer)
        let transform = try #require(transforms["jackson"])
        func segmentLikelihood(_ map: (Matrix<Double>) throws -> Matrix<Double>, jacobian: Double) throws -> Double {
            var sum = 0.0
            for (frames, decoding) in zip(features, segmented) {
                let mapped = try map(frames)
                for segment in decoding.segments {
                    sum += try adapting.models[segment.model].logLikelihoods(of: [mapped.rows(segment.frames)])[0]
                        + Double(segment.frames.count) * jacobian
                }
            }
            return sum
        }
        let unadapted = try segmentLikelihood({ $0 }, jacobian: 0)
        let adapted = try segmentLikelihood({ try transform.apply($0) }, jacobian: transform.logAbsDeterminant)
        // EM cannot lower it; the tolerance is rounding in sums of ~10⁴ terms.
        #expect(adapted >= unadapted - 1e-9 * abs(unadapted), "adapted \(adapted) vs unadapted \(unadapted)")
    }
}
