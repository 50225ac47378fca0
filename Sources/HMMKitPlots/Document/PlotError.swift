/// Failures writing a plot: each names the file and says what to do.
///
/// Error policy (as in swift-system): failures from the outside world (a folder that does not
/// exist or is not writable, a full disk) throw one of these; a programmer's misuse (a matrix with
/// rows of different lengths, a negative figure size) traps with a precondition message. Data
/// values that are not finite are neither: each plot documents how it skips or shows them.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Writing the SVG file failed; `reason` is the system's (`strerror`) or says what was wrong.
    case cannotWrite(file: String, reason: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case let .cannotWrite(file, _): return file
        }
    }

    /// The message for a person: the file, what went wrong, and what to check.
    public var description: String {
        switch self {
        case let .cannotWrite(file, reason):
            return "\(file): cannot write the SVG file (\(reason)); check that the folder exists, "
                + "that you may write in it and that the disk is not full"
        }
    }
}
