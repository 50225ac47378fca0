import ArgumentParser
import Foundation
import HMMKit
import HMMKitFileSystem

/// How every `hmmkit` command ends on an error: one message on stderr and the documented exit
/// code. Commands let their errors propagate, typed, to ``HMMKitCommand/main()``, which hands
/// them here:
///
/// | error | exit code | message |
/// |---|---|---|
/// | `ValidationError`, a parsing error | 64 (`EX_USAGE`) | ArgumentParser's, with the usage |
/// | `ExitCode`, `CleanExit` | their own | none (the command has printed its report) |
/// | anything else: bad data, missing or unwritable files, failed training | 1 | `error: <message>` |
///
/// Messages are each error's own description (HMMKit's errors name the file, the field and the
/// value); Foundation's file-system errors (`NSCocoaErrorDomain`, `NSPOSIXErrorDomain`) are
/// reworded for people ("out: permission denied") instead of printed raw.
enum CommandFailure {
    /// Whether `error` is a usage error, which ArgumentParser reports with the usage and exit 64.
    static func isUsage(_ error: any Error) -> Bool {
        error is ValidationError || (error as? FeatureFileError)?.isUsage == true
    }

    /// Whether `error` is one ArgumentParser ends the process with on its own terms: a request
    /// for help or the version (`--help` parses into a help command whose `run()` throws it, with
    /// exit code 0), an exit, or a clean exit.
    static func isArgumentParserExit(_ error: any Error) -> Bool {
        error is ExitCode || error is CleanExit || HMMKitCommand.exitCode(for: error) == .success
    }

    /// A usage error as ArgumentParser reports it (message, usage line, exit code 64).
    static func asUsage(_ error: any Error) -> any Error {
        if let error = error as? FeatureFileError { return ValidationError(error.description) }
        return error
    }

    /// Ends the process for `error` (never returns): usage errors and ArgumentParser's own through
    /// `exit(withError:)`, everything else with its message and exit code 1.
    static func exit(with error: any Error) -> Never {
        if isUsage(error) || isArgumentParserExit(error) {
            HMMKitCommand.exit(withError: asUsage(error))
        }
        Terminal.error(message(for: error))
        HMMKitCommand.exit(withError: ExitCode(1))
    }

    /// Prints `error`'s message and returns the exit that follows it: `ExitCode(1)`, or the error
    /// itself when it is a usage error or already an exit. For commands that report a failure
    /// and stop (`throw CommandFailure.reported(error)`).
    static func reported(_ error: any Error) -> any Error {
        if isUsage(error) || isArgumentParserExit(error) { return asUsage(error) }
        Terminal.error(message(for: error))
        return ExitCode(1)
    }

    /// The text that says what went wrong, for people.
    static func message(for error: any Error) -> String {
        let bridged = error as NSError
        if bridged.domain == NSCocoaErrorDomain || bridged.domain == NSPOSIXErrorDomain {
            return describe(fileSystemError: bridged)
        }
        return "\(error)"
    }

    /// A Foundation file-system error as `"<path>: <what happened>"`.
    static func describe(fileSystemError error: NSError) -> String {
        let path = error.userInfo[NSFilePathErrorKey] as? String ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
        var problem: String
        if error.domain == NSPOSIXErrorDomain {
            problem = FileSystem.describe(errno: Int32(error.code))
        } else if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            problem = FileSystem.describe(errno: Int32(underlying.code))
        } else {
            switch CocoaError.Code(rawValue: error.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: problem = "no such file or folder"
            case .fileReadNoPermission, .fileWriteNoPermission: problem = "permission denied"
            case .fileWriteOutOfSpace: problem = "no space left on the device"
            case .fileWriteVolumeReadOnly: problem = "read-only: this folder or file system does not allow writing"
            case .fileWriteFileExists: problem = "something else already exists there"
            case .fileReadInvalidFileName, .fileWriteInvalidFileName: problem = "not a valid file name"
            case .fileReadTooLarge: problem = "too large to read"
            case .fileReadCorruptFile: problem = "damaged or not in the expected format"
            default: problem = "the file operation failed (code \(error.code))"
            }
        }
        problem = problem.prefix(1).lowercased() + problem.dropFirst()
        return path.map { "\($0): \(problem)" } ?? problem
    }
}

/// Files a command writes, checked before the work that produces them starts, so that a long
/// fit does not end on an output it could never write. (The writes themselves are still atomic and
/// report their own failures, such as a full disk.)
enum OutputPaths {
    /// A file or folder `hmmkit` cannot write, found before the work began.
    struct Problem: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): cannot write (\(reason)); nothing was written" }
    }

    /// Checks that each of `files` can be created or replaced: it is not a folder, and its folder
    /// exists and is writable.
    /// - Throws: ``Problem`` naming the first that cannot.
    static func checkFiles(_ files: String?...) throws(Problem) {
        for case let file? in files {
            if let reason = FileSystem.whyNotWritable(file: file) { throw Problem(path: file, reason: reason) }
        }
    }

    /// Checks that none of `files` is something a file must not replace (a folder, a device, a
    /// named pipe), for outputs whose folder the command creates itself.
    /// - Throws: ``Problem`` naming the first that is.
    static func checkDestinations(_ files: String?...) throws(Problem) {
        for case let file? in files {
            if let reason = FileSystem.refusalOfDestination(file) { throw Problem(path: file, reason: reason) }
        }
    }

    /// Creates `folder` and the folders above it when missing.
    /// - Throws: ``Problem`` with the system's reason (not Foundation's text).
    static func makeFolder(_ folder: String) throws(Problem) {
        if let reason = FileSystem.createFolders(folder) { throw Problem(path: folder, reason: reason) }
    }
}

/// A problem with the data or files that the command line itself finds (an empty folder,
/// sequences of different widths, a plot that could not be written after the model was): exit 1,
/// as for the errors of HMMKit's readers and writers.
struct CommandProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
