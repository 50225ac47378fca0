import HMMKitNumerics

/// Cepstral mean and variance normalisation of a ``FrontEnd``'s features: the copies of one
/// group (a speaker) with the statistics of all the group's copies (Kaldi's
/// `compute-cmvn-stats --spk2utt` then `apply-cmvn --utt2spk`), the copies of no group alone, as
/// the front end's ``FeatureConfiguration/normalization`` says. Statistics are added in the
/// order copies are given, so a pass over a corpus in order gives the same bits as the corpus in
/// memory.
public struct CepstralGroupNormalization: Sendable, Codable, Equatable {
    /// The statistics of each group's copies so far.
    public var groups: [String: CepstralStatistics] = [:]
    /// The normalisation of copies of no group (or of a group without statistics).
    public var fallback: CepstralNormalization

    /// Normalisation without group statistics yet.
    public init(fallback: CepstralNormalization) {
        self.fallback = fallback
    }

    /// Adds every copy of `features` that `group(copy)` puts in a group to that group's statistics.
    public mutating func add<Scalar: MatrixScalar>(_ features: RecordingFeatures<Scalar>, group: (Int) -> String?) {
        for copy in features.copies {
            guard let name = group(copy.index) else { continue }
            groups[name, default: CepstralStatistics(dimension: copy.frames.columnCount)].add(copy.frames)
        }
    }

    /// Normalises `frames`, a copy of group `group` (nil: of none).
    public func apply<Scalar: MatrixScalar>(to frames: inout Matrix<Scalar>, group: String?) {
        if let group, let statistics = groups[group] {
            statistics.apply(to: &frames, dividingByDeviation: true)
        } else {
            CepstralNormalizer.normalize(&frames, fallback)
        }
    }

    /// Normalises every copy of `features`, copy `copy` being of group `group(copy)`.
    public func apply<Scalar: MatrixScalar>(to features: inout RecordingFeatures<Scalar>, group: (Int) -> String?) {
        for index in features.copies.indices {
            apply(to: &features.copies[index].frames, group: group(features.copies[index].index))
        }
    }

    /// Normalises recordings held in memory: each group with the statistics of all its copies in
    /// `recordings` (`group(recording, copy)` names it), the others alone.
    public static func normalize(_ recordings: inout [RecordingFeatures<Double>], fallback: CepstralNormalization,
                                 group: (Int, Int) -> String?) {
        var normalization = CepstralGroupNormalization(fallback: fallback)
        for (position, recording) in recordings.enumerated() { normalization.add(recording) { group(position, $0) } }
        for position in recordings.indices { normalization.apply(to: &recordings[position]) { group(position, $0) } }
    }
}
