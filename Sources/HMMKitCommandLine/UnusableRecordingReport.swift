import Foundation
import HMMKit
import Synchronization

/// What `train` tells about recordings it cannot use: each one on stderr as training finds it
/// (before any model trains; even with `--quiet` and `--json`, since a recording left out changes
/// the model), and the list for the `--json` summary.
final class UnusableRecordingReport: Sendable {
    private let found = Mutex<[UnusableRecording]>([])

    /// Every recording reported so far, in corpus order.
    var recordings: [UnusableRecording] { found.withLock { $0 } }

    /// Keeps `unusable` for the summary and, when training goes on without them, prints each on
    /// stderr (under ``UnusableRecordingPolicy/fail`` the error lists them); `context` names a
    /// cross-validation fold.
    func record(_ unusable: [UnusableRecording], policy: UnusableRecordingPolicy, context: String? = nil) {
        guard !unusable.isEmpty else { return }
        found.withLock { $0 += unusable }
        guard policy == .skip else { return }
        let prefix = context.map { "\($0): " } ?? ""
        for recording in unusable {
            let what = recording.usableCopies == 0 ? "left out" : "some copies left out"
            Terminal.warn("\(prefix)\(what): \(recording.description)")
        }
        Terminal.warn("\(prefix)\(unusable.count) recording(s) left out of training in whole or in part (--strict makes this an error)")
    }

    /// `progress` that first records ``Recognizer/Progress/unusable(_:)`` events here.
    func wrapping(_ progress: (@Sendable (Recognizer.Progress) -> Void)?, policy: UnusableRecordingPolicy,
                  context: String? = nil) -> @Sendable (Recognizer.Progress) -> Void {
        { [self] event in
            if case .unusable(let unusable) = event { record(unusable, policy: policy, context: context) }
            progress?(event)
        }
    }
}
