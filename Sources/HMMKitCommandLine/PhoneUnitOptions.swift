import ArgumentParser
import HMMKit

/// What `hmmkit train` builds the recognizer from.
enum ModelUnits: String, ExpressibleByArgument, CaseIterable {
    /// One whole-word GMM-HMM per label.
    case word
    /// Phone HMMs shared by every word, spelt by a lexicon.
    case phone
}

/// `--units phone` and the lexicon it needs.
struct PhoneUnitOptions: ParsableArguments {
    @Option(help: "Acoustic units: word (one GMM-HMM per label) or phone (phone HMMs shared by every word, spelt by --lexicon).")
    var units: ModelUnits = .word
    @Option(help: "Phone units: the pronunciation lexicon (CMUdict or Kaldi lexicon.txt, by --lexicon-format).")
    var lexicon: String?
    @Option(help: "Phone units: the lexicon's format, cmudict or kaldi.")
    var lexiconFormat: LexiconFormat = .cmudict
    @Flag(help: "Phone units: keep CMUdict stress digits (AH0 and AH1 become different phones).")
    var keepStress = false
    @Option(help: ArgumentHelp("Phone units: transcripts of labels that are not words, one 'label word…' per line (e.g. '7 seven').",
                               valueName: "file"))
    var labelWords: String?
    @Option(help: "Phone units: the labels to recognise, comma-separated (default: the training labels and every label of --label-words, or every lexicon word without it); a label needs no recording, only trained phones.")
    var vocabulary: String?
    @Option(help: "Phone units: emitting states of each speech phone (default 3, left to right).")
    var phoneStates: Int?
    @Option(help: "Phone units: a speech phone's largest forward jump beyond the next state (default 0: self-loop and next only).")
    var phoneMaxJump: Int?
    @Option(help: "Phone units: emitting states of silence (default 5).")
    var silenceStates: Int?
    @Option(help: "Phone units: silence's largest forward jump beyond the next state (default 1: one state may be skipped).")
    var silenceMaxJump: Int?

    func validate() throws {
        if units == .phone {
            guard lexicon != nil else { throw ValidationError("--units phone needs --lexicon FILE") }
        } else if lexicon != nil || labelWords != nil || vocabulary != nil || keepStress || hasTopologyOptions {
            throw ValidationError("--lexicon, --label-words, --vocabulary, --keep-stress and the phone and silence topology options are for --units phone")
        }
        for (value, flag) in [(phoneStates, "--phone-states"), (silenceStates, "--silence-states")] {
            if let value { try OptionRange.check(value, in: 1...InputLimits.maximumStateCount, flag) }
        }
        for (value, flag) in [(phoneMaxJump, "--phone-max-jump"), (silenceMaxJump, "--silence-max-jump")] {
            if let value { try OptionRange.check(value, in: 0...InputLimits.maximumJump, flag) }
        }
    }

    /// Whether any of the phone or silence topology options is given.
    var hasTopologyOptions: Bool { phoneStates != nil || phoneMaxJump != nil || silenceStates != nil || silenceMaxJump != nil }

    /// The phone units, read from the files; nil for word units.
    /// - Throws: ``/HMMKitPhones/LexiconError`` naming the file, line and token.
    func phoneUnits() throws(LexiconError) -> PhoneUnits? {
        guard units == .phone, let lexicon else { return nil }
        let read = try Lexicon.load(from: lexicon, options: LexiconOptions(format: lexiconFormat, keepsStress: keepStress))
        let words = try labelWords.map { path throws(LexiconError) in try Lexicon.loadLabelWords(from: path) } ?? [:]
        let list = vocabulary?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var units = PhoneUnits(lexicon: read, labelWords: words, vocabulary: list)
        units.phoneTopology = PhoneTopology(stateCount: phoneStates ?? units.phoneTopology.stateCount,
                                            maximumJump: phoneMaxJump ?? units.phoneTopology.maximumJump)
        units.silenceTopology = PhoneTopology(stateCount: silenceStates ?? units.silenceTopology.stateCount,
                                              maximumJump: silenceMaxJump ?? units.silenceTopology.maximumJump)
        return units
    }
}

extension LexiconFormat: ExpressibleByArgument {}
