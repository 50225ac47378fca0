#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HMMKitFileSystem

/// Where a corpus's labelled recordings are listed, in one of three forms.
///
/// ``parse(path:)`` tells the form from what the path is: a file is a manifest; a folder that
/// holds audio files is a file-name corpus; a folder whose sub-folders hold audio is a
/// label-folder corpus. Hidden files and folders (`.name`) are ignored everywhere, and so are
/// files that are not audio (``AudioFileExtensions``), such as a README or LICENSE beside the
/// recordings.
public enum CorpusSource: Sendable, Equatable, CustomStringConvertible {
    /// A folder of recordings whose names carry the label before the first `_`, FSDD style
    /// (`7_jackson_32.wav`: label `7`, speaker `jackson`, take 32; see ``CorpusEntry``). Only the
    /// files directly in the folder are read.
    case fileNames(folder: URL)
    /// A folder with one sub-folder per label (`yes/…`, `no/…`). Audio files anywhere below a
    /// label folder belong to it; in a deeper folder (`yes/alice/01.wav`) the first folder below
    /// the label names the speaker. Otherwise the speaker and take come from FSDD-style names
    /// (`yes/x_alice_3.wav`) or Speech Commands names (`yes/0a7c2a8d_nohash_1.wav`), else are unknown.
    case labelFolders(folder: URL)
    /// A list of recordings, one a line: `path, label[, speaker]` (CSV) or the same separated by
    /// tabs (TSV). Relative paths are taken from the manifest's folder. An optional first line
    /// naming the columns (`path`/`file`, `label`/`word`, `speaker`, `take`, in any order, extra
    /// columns ignored) is recognised; without one the columns are path, label, speaker. Blank
    /// lines and lines starting with `#` are skipped. The speaker column is authoritative: an
    /// empty speaker field, or no speaker column, means an unknown speaker heard in that one
    /// recording (``SpeakerMode/fromNames`` reads speakers from FSDD-style file names instead).
    /// When no take column is given, an FSDD-style file name supplies the take. `delimiter`
    /// `nil` guesses from the file (see ``ManifestDelimiter``).
    case manifest(file: URL, delimiter: ManifestDelimiter?)

    /// Folders below a label folder that are searched, at most (so a symbolic-link loop ends).
    static let maximumFolderDepth = 8

    /// The source at `path`, its form told from what the path is (see ``CorpusSource``).
    ///
    /// - Throws: ``CorpusError`` when nothing is at `path`, it cannot be read, it is a single
    ///   audio file, or it is a folder with no audio in it or below it, or with audio both in it
    ///   and in sub-folders (then the labels' origin is ambiguous).
    public static func parse(path: String) throws(CorpusError) -> CorpusSource {
        let url = URL(fileURLWithPath: path)
        func fail(_ kind: CorpusProblem.Kind) -> CorpusError {
            CorpusError(corpus: path, problems: [CorpusProblem(path: path, kind: kind)])
        }
        switch FileSystem.status(of: url.path(percentEncoded: false)) {
        case .missing:
            throw fail(.notFound)
        case let .inaccessible(reason):
            throw fail(.unreadable(reason: reason))
        case .regularFile:
            if AudioFileExtensions.isAudio(fileName: url.lastPathComponent) { throw fail(.audioFileGivenAsCorpus) }
            return .manifest(file: url, delimiter: nil)
        case .notRegularFile:
            var information = stat()
            if stat(path, &information) == 0, (information.st_mode & S_IFMT) != S_IFDIR {
                throw fail(.unreadable(reason: "\(FileSystem.kind(ofMode: information.st_mode)), not a manifest file or a folder"))
            }
            let folder: FolderContents
            do {
                folder = try FolderContents(url)
            } catch {
                throw fail(.unreadable(reason: error.reason))
            }
            let labelFolders = folder.folders.filter { containsAudio(below: $0) }
            switch (folder.audioFiles.isEmpty, labelFolders.isEmpty) {
            case (false, true): return .fileNames(folder: url)
            case (true, false): return .labelFolders(folder: url)
            case (false, false):
                throw fail(.ambiguousFolder(audioFileCount: folder.audioFiles.count, labelFolderCount: labelFolders.count))
            case (true, true): throw fail(.noAudio)
            }
        }
    }

    /// The folder or manifest file.
    public var url: URL {
        switch self {
        case let .fileNames(folder), let .labelFolders(folder): folder
        case let .manifest(file, _): file
        }
    }

    /// `"file names in <folder>"`, `"label folders in <folder>"` or `"manifest <file>"`.
    public var description: String {
        switch self {
        case let .fileNames(folder): "file names in \(folder.plainPath)"
        case let .labelFolders(folder): "label folders in \(folder.plainPath)"
        case let .manifest(file, _): "manifest \(file.path(percentEncoded: false))"
        }
    }

    /// Every entry the source lists, in a fixed order (natural order of paths for folders, line
    /// order for manifests), and every problem of its listing; no audio file is opened.
    func list() -> CorpusListing {
        switch self {
        case let .fileNames(folder): Self.listFileNames(folder)
        case let .labelFolders(folder): Self.listLabelFolders(folder)
        case let .manifest(file, delimiter): ManifestReader.list(file, delimiter: delimiter)
        }
    }

    private static func listFileNames(_ folder: URL) -> CorpusListing {
        var listing = CorpusListing()
        let contents: FolderContents
        do {
            contents = try FolderContents(folder)
        } catch {
            listing.problems.append(CorpusProblem(path: folder.plainPath, kind: .unreadable(reason: error.reason)))
            return listing
        }
        if contents.audioFiles.isEmpty {
            listing.problems.append(CorpusProblem(path: folder.plainPath, kind: .noAudio))
        }
        for file in contents.audioFiles {
            let fields = FileNameFields.labelled(stem: file.deletingPathExtension().lastPathComponent[...])
            let path = file.path(percentEncoded: false)
            guard let label = fields.label else {
                listing.problems.append(CorpusProblem(path: path, kind: .noLabelInFileName(fileName: file.lastPathComponent)))
                continue
            }
            guard !label.isEmpty else {
                listing.problems.append(CorpusProblem(path: path, kind: .emptyLabel))
                continue
            }
            listing.entries.append(CorpusEntry(url: file, label: label, speaker: fields.speaker, take: fields.take))
        }
        return listing
    }

    private static func listLabelFolders(_ folder: URL) -> CorpusListing {
        var listing = CorpusListing()
        let contents: FolderContents
        do {
            contents = try FolderContents(folder)
        } catch {
            listing.problems.append(CorpusProblem(path: folder.plainPath, kind: .unreadable(reason: error.reason)))
            return listing
        }
        if contents.folders.isEmpty {
            listing.problems.append(CorpusProblem(path: folder.plainPath, kind: .noAudio))
        }
        for labelFolder in contents.folders {
            let label = labelFolder.lastPathComponent
            let files = audioFiles(below: labelFolder)
            if files.isEmpty {
                listing.problems.append(CorpusProblem(path: labelFolder.plainPath, kind: .noAudio))
            }
            for (file, folders) in files {
                var fields = FileNameFields.inLabelFolder(stem: file.deletingPathExtension().lastPathComponent[...])
                if let speaker = folders.first { fields.speaker = speaker }
                listing.entries.append(CorpusEntry(url: file, label: label, speaker: fields.speaker, take: fields.take))
            }
        }
        return listing
    }

    /// True when `folder` or a folder below it (up to ``maximumFolderDepth``) holds an audio file;
    /// stops at the first one found.
    static func containsAudio(below folder: URL, depth: Int = 0) -> Bool {
        guard depth <= maximumFolderDepth, let contents = try? FolderContents(folder) else { return false }
        return !contents.audioFiles.isEmpty || contents.folders.contains { containsAudio(below: $0, depth: depth + 1) }
    }

    /// The audio files in `folder` and below it (up to ``maximumFolderDepth``), in natural order,
    /// each with the names of the folders between `folder` and the file. Unreadable sub-folders are skipped.
    static func audioFiles(below folder: URL, depth: Int = 0) -> [(file: URL, folders: [String])] {
        guard depth <= maximumFolderDepth, let contents = try? FolderContents(folder) else { return [] }
        var result = contents.audioFiles.map { (file: $0, folders: [String]()) }
        for sub in contents.folders {
            result += audioFiles(below: sub, depth: depth + 1).map { ($0.file, [sub.lastPathComponent] + $0.folders) }
        }
        return result
    }
}

/// What a source lists: its entries, and the problems found while listing them.
struct CorpusListing {
    var entries: [CorpusEntry] = []
    var problems: [CorpusProblem] = []
}

/// The visible audio files and sub-folders directly in a folder, each in natural order of names.
struct FolderContents {
    var audioFiles: [URL] = []
    var folders: [URL] = []

    struct Failure: Error { var reason: String }

    init(_ folder: URL) throws(Failure) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.plainPath)
        } catch {
            throw Failure(reason: "\(error.localizedDescription)")
        }
        for name in names.sorted(by: NaturalOrder.precedes) where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            switch FileSystem.status(of: url.path(percentEncoded: false)) {
            case .regularFile:
                if AudioFileExtensions.isAudio(fileName: name) { audioFiles.append(url) }
            case .notRegularFile:
                if Self.isFolder(url.path(percentEncoded: false)) { folders.append(url) }
            case .missing, .inaccessible:
                // A dangling link, or a file that vanished since the listing: listed as a file
                // when it has an audio name, so its problem is reported with the others.
                if AudioFileExtensions.isAudio(fileName: name) { audioFiles.append(url) }
            }
        }
    }
}

extension URL {
    /// The file path without percent encoding and without a trailing `/` (folder URLs have one).
    var plainPath: String {
        let path = path(percentEncoded: false)
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}

extension FolderContents {
    /// True when `path` is a folder (`stat(2)`, following links).
    static func isFolder(_ path: String) -> Bool {
        var information = stat()
        return stat(path, &information) == 0 && (information.st_mode & S_IFMT) == S_IFDIR
    }
}
