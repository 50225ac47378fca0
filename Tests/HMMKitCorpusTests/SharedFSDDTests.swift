import Foundation
import HMMKitCorpus
import Testing

/// The full 4-speaker FSDD of the shared data folder, when this machine has it (skipped elsewhere).
@Suite("The shared FSDD folder (when present)")
struct SharedFSDDTests {
    static let folder = "/work/shared/data/fsdd/recordings"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: folder)))
    func conventionalSplitAndFolds() throws {
        for check in [CorpusLoadOptions.AudioCheck.existence, .header, .decode] {
            let corpus = try LabelledCorpus.load(path: Self.folder, options: CorpusLoadOptions(audioCheck: check))
            #expect(corpus.entries.count == 2000)
        }
        let corpus = try LabelledCorpus.load(path: Self.folder)
        let split = try corpus.split(.fsdd)
        #expect(split.train.entries.count == 1800 && split.test.entries.count == 200)
        let folds = try corpus.leaveOneSpeakerOut()
        #expect(folds.map { $0.test.entries.count } == [500, 500, 500, 500])
        #expect(corpus.summary.takeRange == 0...49 && corpus.summary.speakers.allSatisfy { $0.recordings == 500 })
    }
}
