#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The corpus shipped with HMMKit for `hmmkit demo`: 400 FSDD recordings (speakers george,
/// jackson, lucas and nicolas; digits 0–9; takes 0–9; 8 kHz; CC BY-SA 4.0, see the
/// `LICENSE.md` beside them) in `Data/fsdd-demo` of the source tree.
public enum DemoCorpus {
    /// The folder's path inside the source tree.
    public static let relativePath = "Data/fsdd-demo"

    /// The demo's split: takes 5–9 train (200 recordings), takes 0–4 test (200), as FSDD's
    /// convention (5–49 / 0–4) applied to the ten takes shipped.
    public static let split = CorpusSplitSpecification.takes(train: [5...9], test: [0...4])

    /// Environment variable that, when set, names the demo folder (for an installed binary).
    public static let environmentVariable = "HMMKIT_DEMO_DATA"

    /// Where the demo corpus is: `$HMMKIT_DEMO_DATA` when set; else `Data/fsdd-demo` in the
    /// current directory or one of its parents; else in a parent of the folder holding the
    /// executable (`.build/release/hmmkit` sits three levels below the source tree). `nil` when
    /// none of these is a folder.
    ///
    /// - Parameters:
    ///   - executablePath: the running program's path (`CommandLine.arguments[0]`).
    ///   - currentDirectory: the working directory.
    ///   - environment: the process environment.
    public static func locate(executablePath: String, currentDirectory: String,
                              environment: [String: String]) -> String? {
        if let given = environment[environmentVariable], !given.isEmpty {
            return FolderContents.isFolder(given) ? given : nil
        }
        let executableFolder = URL(fileURLWithPath: executablePath, relativeTo: URL(fileURLWithPath: currentDirectory,
                                                                                    isDirectory: true))
            .standardizedFileURL.deletingLastPathComponent().plainPath
        for start in [currentDirectory, executableFolder] {
            var folder = start
            for _ in 0..<6 {
                let candidate = (folder == "/" ? "" : folder) + "/" + relativePath
                if FolderContents.isFolder(candidate) { return candidate }
                guard folder != "/", let slash = folder.lastIndex(of: "/") else { break }
                folder = slash == folder.startIndex ? "/" : String(folder[..<slash])
            }
        }
        return nil
    }
}
