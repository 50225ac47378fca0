import Foundation
import HMMKitTestSupport
import Testing

/// Every numeric option outside its declared range (``OptionRange``) is bad usage: exit 64 and a
/// message naming the option, before any file is read or written — never a trap, a hang or a
/// giant allocation later.
@Suite("hmmkit option ranges")
struct OptionRangeCommandLineTests {
    static let huge = String(Int.max)

    /// (command line before `-o OUTPUT`, the option the message must name).
    static let cases: [([String], String)] = [
        (["gmm", "fit", "x.npy", "--components", "0"], "--components"),
        (["gmm", "fit", "x.npy", "--components", huge], "--components"),
        (["gmm", "fit", "x.npy", "--components", "2", "--iterations", huge], "--iterations"),
        (["gmm", "fit", "x.npy", "--components", "2", "--restarts", "1000000000"], "--restarts"),
        (["gmm", "fit", "x.npy", "--components", "2", "--tolerance", "nan"], "--tolerance"),
        (["gmm", "fit", "x.npy", "--components", "2", "--reg-covar", "inf"], "--reg-covar"),
        (["gmm", "fit", "x.npy", "--components", "2", "--variance-floor", "-1"], "--variance-floor"),
        (["gmm", "fit", "x.npy", "--components", "2", "--threads", "0"], "--threads"),
        (["gmm", "fit", "x.npy", "--components", "2", "--threads", huge], "--threads"),
        (["gmm", "fit", "x.npy", "--components", "2", "--stream", "--chunk-frames", huge], "--chunk-frames"),
        (["gmm", "fit", "x.npy", "--components", "2", "--stream", "--init-frames", "0"], "--init-frames"),
        (["hmm", "fit", "x.npy", "--states", huge], "--states"),
        (["hmm", "fit", "x.npy", "--states", "3", "--mixtures", huge], "--mixtures"),
        (["hmm", "fit", "x.npy", "--states", "3", "--max-jump", huge], "--max-jump"),
        (["hmm", "fit", "x.npy", "--states", "3", "--split-every", "-1"], "--split-every"),
        (["hmm", "fit", "x.npy", "--states", "3", "--tolerance=-inf"], "--tolerance"),
        (["train", "corpus", "--states", huge], "--states"),
        (["train", "corpus", "--iterations", "0"], "--iterations"),
        (["train", "corpus", "--delta-window", "0"], "--delta-window"),
        (["train", "corpus", "--delta-window", huge], "--delta-window"),
        (["train", "corpus", "--variance-floor", "nan"], "--variance-floor"),
        (["train", "corpus", "--vtln-passes", huge], "--vtln-passes"),
        (["train", "corpus", "--adaptation-passes", "0"], "--adaptation-passes"),
        (["train", "corpus", "--vtln-warps", "0.8:1.2:1e-12"], "--vtln-warps"),
        (["train", "corpus", "--vtln-warps", "0.8:inf:0.1"], "--vtln-warps"),
        (["train", "corpus", "--speed-perturbation", "nan"], "speed perturbation"),
        (["train", "corpus", "--mmi-iterations", huge], "--mmi-iterations"),
        (["train", "corpus", "--mmi-iterations", "2", "--mmi-acoustic-scale", "0"], "--mmi-acoustic-scale"),
        (["train", "corpus", "--mmi-iterations", "2", "--mmi-boost", "nan"], "--mmi-boost"),
        (["train", "corpus", "--mmi-iterations", "2", "--mmi-e", "0.5"], "--mmi-e"),
        (["train", "corpus", "--mmi-iterations", "2", "--mmi-tau=-1"], "--mmi-tau"),
        (["train", "corpus", "--mmi-iterations", "2", "--stream"], "--mmi-iterations"),
        (["train", "corpus", "--noise-subtraction", "2"], "--noise-subtraction"),
        (["train", "corpus", "--noise-subtraction", "some"], "--noise-subtraction"),
        (["train", "corpus", "--noise-subtraction", "0.1", "--noise-oversubtraction", "nan"], "--noise-subtraction"),
        (["train", "corpus", "--noise-subtraction", "0.1", "--noise-dynamic-range", "wide"], "--noise-dynamic-range"),
        (["train", "corpus", "--noisy-voice-noise-subtraction", "0.1", "--noise-spectral-floor=-1"], "--noisy-voice-noise-subtraction"),
        (["train", "corpus", "--noisy-voice-snr", "100"], "--noisy-voice-snr"),
        (["train", "corpus", "--noisy-voice-noise-augmentation", "white:500"], "--noisy-voice-noise-augmentation"),
        (["train", "corpus", "--vtlp", "2:0.9"], "--vtlp"),
        (["train", "corpus", "--vtlp", "two:0.9:1.1"], "--vtlp"),
        (["train", "corpus", "--vtlp", "\(huge):0.9:1.1"], "--vtlp"),
        (["train", "corpus", "--vtlp", "2:1.1:0.9"], "--vtlp"),
        (["train", "corpus", "--vtlp", "2:0.9:nan"], "--vtlp"),
        (["train", "corpus", "--vtlp", "0:0.9:1.1"], "--vtlp"),
        (["compare", "corpus", "--states-list", "3,\(huge)"], "--states-list"),
        (["compare", "corpus", "--mixtures-list", "0"], "--mixtures-list"),
        (["compare", "corpus", "--covariance", "diag,banana"], "--covariance"),
    ]

    @Test(arguments: cases)
    func outOfRangeIsBadUsage(arguments: [String], option: String) throws {
        let folder = try TemporaryFolder()
        let output = folder.file("out.json")
        let run = try HMMKitBinary.run(arguments + ["-o", output.path])
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(option), "\(arguments): \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func recognitionOptions() throws {
        for (arguments, option) in [(["--n-best", "0"], "--n-best"), (["--reject", "nan"], "--reject")] {
            let run = try HMMKitBinary.run(["recognize", "r.json", "a.wav"] + arguments)
            #expect(run.status == 64 && run.stderr.contains(option), "\(arguments): \(run.stderr)")
        }
    }
}
