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

    func validate() throws {
        if units == .phone {
            guard lexicon != nil else { throw ValidationError("--units phone needs --lexicon FILE") }
        } else if lexicon != nil || labelWords != nil || vocabulary != nil || keepStress {
            throw ValidationError("--lexicon, --label-words, --vocabulary and --keep-stress are for --units phone")
        }
    }

    /// The phone units, read from the files; nil for word units.
    /// - Throws: ``/HMMKitPhones/LexiconError`` naming the file, line and token.
    func phoneUnits() throws(LexiconError) -> PhoneUnits? {
        guard units == .phone, let lexicon else { return nil }
        let read = try Lexicon.load(from: lexicon, options: LexiconOptions(format: lexiconFormat, keepsStress: keepStress))
        let words = try labelWords.map { path throws(LexiconError) in try Lexicon.loadLabelWords(from: path) } ?? [:]
        let list = vocabulary?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return PhoneUnits(lexicon: read, labelWords: words, vocabulary: list)
    }
}

extension LexiconFormat: ExpressibleByArgument {}
