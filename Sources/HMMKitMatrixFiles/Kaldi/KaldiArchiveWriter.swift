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
import HMMKitNumerics

/// How ``KaldiArchiveWriter`` stores matrices.
public enum KaldiWriteEncoding: String, Sendable, CaseIterable {
    /// Kaldi's binary form: `FM` for `Matrix<Float>`, `DM` for `Matrix<Double>` (Kaldi's default, `ark:`).
    case binary
    /// Kaldi's text form (`ark,t:`), with numbers that read back exactly.
    case text
}

/// Writes a Kaldi archive one matrix at a time, and optionally its script (`.scp`) index, as
/// Kaldi's `ark,scp:feats.ark,feats.scp` write specifier does: each script line is
/// `key <archive name>:<offset>`, the offset being that of the matrix object (the `\0B` marker
/// of a binary matrix), so Kaldi, kaldiio and lhotse can read either file.
///
/// Atomic: the archive is written to a temporary file beside it and published only by
/// ``finish()``. A writer that fails, or is dropped without ``finish()``, removes its temporary
/// file and leaves the destinations as they were: no reader ever sees half an archive.
///
/// Archive and script are one unit. With a script, ``finish()`` publishes the archive under a
/// name of its own generation, `<archive name>.<16 hex digits>` (a hash of the archive's bytes,
/// so the same matrices give the same name), and the script's lines name that file
/// (`utt1 data/feats.ark.3f29c0a1d5e6b7c8:12`), so a script can only ever point into the very
/// archive it was written with: the archive at the plain name (`feats.ark`) is the same file,
/// a second hard link, for readers of `ark:feats.ark`. The steps: the generation file appears
/// (a hard link of the complete temporary file), the script is renamed over the old one, the
/// temporary file is renamed over the plain name, and older generations are removed. A crash
/// between any two leaves a script whose every line reads its own archive (the old pair, or the
/// new script beside the old plain archive). Generation files that the script in place does not
/// name (the previous run's, or one of a run killed before it published its script) are removed
/// by the next ``finish()``: to keep an older version, copy both files. Both files stay what
/// Kaldi, kaldiio and lhotse read: an archive, and a script of `key file:offset` lines. On a
/// file system without hard links the script names the plain archive and the two renames are
/// two steps (archive, then script).
///
/// Temporary files that a killed writer left behind are removed by the next write into the
/// folder (`FileSystem.removeStaleTemporaryFiles(in:)`).
///
/// Memory stays at one matrix and a 1 MiB buffer whatever the archive's size.
///
/// An empty matrix (no rows or no columns) is written as Kaldi writes one, `0 × 0`.
public final class KaldiArchiveWriter<Scalar: MatrixScalar> {
    /// The archive's path.
    public let archivePath: String
    /// The script file's path, if one is written.
    public let scriptPath: String?
    /// How matrices are stored.
    public let encoding: KaldiWriteEncoding

    private let nameInScript: String
    private let durable: Bool
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    /// Bytes of the archive so far (written and buffered): the offset of the next byte.
    private var byteCount = 0
    /// Each entry's key and object offset, for the script lines ``finish()`` writes.
    private var scriptEntries: [(key: String, offset: Int)] = []
    /// A hash of every byte written, which names the archive's generation.
    private var contentHash = ArchiveContentHash()
    /// The generation file ``finish()`` made, removed again if publishing fails.
    private var createdGeneration: String?
    private var keys: Set<String> = []
    private var failure: String?
    private var finished = false
    private var temporaryExists = true

    private static var bufferLimit: Int { 1 << 20 }

    /// Starts an archive at `archive`, with a script file at `script` if given.
    /// - Parameters:
    ///   - archive: the archive's file URL; it appears, complete, when ``finish()`` succeeds.
    ///   - script: the script file (`.scp`) to write beside the archive, or nil for none.
    ///   - encoding: binary (Kaldi's default) or text.
    ///   - archiveNameInScript: how script lines name the archive (default: the archive URL's
    ///     path). Kaldi writes the name exactly as given in the write specifier, so relative names
    ///     are read relative to the working directory of the reader.
    ///   - durable: also `fsync` the files and folder so that they survive a power cut (bulk
    ///     outputs that can be recomputed, such as `hmmkit features`, skip it).
    /// - Throws: ``KaldiArchiveError/cannotWrite(file:reason:)`` when the folder is missing or not writable.
    public init(archive: URL, script: URL? = nil, encoding: KaldiWriteEncoding = .binary,
                archiveNameInScript: String? = nil, durable: Bool = true) throws(KaldiArchiveError) {
        archivePath = archive.path(percentEncoded: false)
        scriptPath = script?.path(percentEncoded: false)
        self.encoding = encoding
        self.durable = durable
        nameInScript = archiveNameInScript ?? archivePath
        switch FileSystem.makeTemporaryFile(beside: archivePath) {
        case .success(let created):
            temporaryPath = created.path
            descriptor = created.descriptor
        case .failure(let failure):
            throw .cannotWrite(file: archivePath, reason: failure.message)
        }
        buffer.reserveCapacity(Self.bufferLimit + 64)
    }

    deinit {
        abandon()
    }

    /// Appends `matrix` under `key`.
    /// - Throws: ``KaldiArchiveError/invalidKey(file:key:)`` or ``KaldiArchiveError/duplicateKey(file:key:)``
    ///   (nothing is written, the writer stays usable), or ``KaldiArchiveError/cannotWrite(file:reason:)``
    ///   (the temporary file is removed and the writer is spent).
    public func write(key: String, matrix: Matrix<Scalar>) throws(KaldiArchiveError) {
        precondition(!finished, "KaldiArchiveWriter.write called after finish()")
        if let failure { throw .cannotWrite(file: archivePath, reason: "an earlier write failed: \(failure)") }
        guard Self.isValidKey(key) else { throw .invalidKey(file: archivePath, key: key) }
        guard keys.insert(key).inserted else { throw .duplicateKey(file: archivePath, key: key) }
        append(Array(key.utf8) + [0x20])
        let offset = byteCount
        switch encoding {
        case .text:
            append(KaldiTextMatrix.encode(matrix))
        case .binary:
            precondition(matrix.rowCount <= Int(Int32.max) && matrix.columnCount <= Int(Int32.max),
                         "a Kaldi archive stores dimensions as int32 (got \(matrix.rowCount) × \(matrix.columnCount))")
            let empty = matrix.rowCount == 0 || matrix.columnCount == 0
            let rows = empty ? 0 : matrix.rowCount, columns = empty ? 0 : matrix.columnCount
            var header: [UInt8] = [0, UInt8(ascii: "B")] + Array((Scalar.precision == .single ? "FM " : "DM ").utf8)
            for value in [rows, columns] {
                header.append(4)
                withUnsafeBytes(of: Int32(value).littleEndian) { header += $0 }
            }
            append(header)
            if !empty { appendElements(of: matrix) }
        }
        if scriptPath != nil { scriptEntries.append((key, offset)) }
        if buffer.count >= Self.bufferLimit { flush() }
        if let failure {
            abandon()
            throw .cannotWrite(file: archivePath, reason: failure)
        }
    }

    /// Writes what is buffered and publishes the archive and its script (see the type's
    /// documentation for the order of the steps).
    /// - Throws: ``KaldiArchiveError/cannotWrite(file:reason:)``; the destinations are then
    ///   unchanged, except when only the last rename of the plain archive name failed (the error
    ///   names the archive; the new script and its generation file are in place and agree).
    public func finish() throws(KaldiArchiveError) {
        precondition(!finished, "KaldiArchiveWriter.finish called twice")
        if let failure { throw .cannotWrite(file: archivePath, reason: "an earlier write failed: \(failure)") }
        flush()
        finished = true
        if let failure {
            abandon()
            throw .cannotWrite(file: archivePath, reason: failure)
        }
        guard let scriptPath else { return try publishArchive() }
        if durable, fsync(descriptor) != 0 {
            let reason = FileSystem.describe(errno: errno)
            abandon()
            throw .cannotWrite(file: archivePath, reason: "fsync: \(reason)")
        }
        let folder = FileSystem.directory(of: archivePath)
        let archiveFileName = String(archivePath.split(separator: "/").last ?? "archive")
        let generationName = "\(archiveFileName).\(contentHash.hexadecimal)"
        var archiveName = nameInScript
        if linkGeneration(at: "\(folder)/\(generationName)") {
            let slash = nameInScript.lastIndex(of: "/")
            archiveName = (slash.map { String(nameInScript[...$0]) } ?? "") + generationName
        } else {
            // No hard links here: the plain archive first, then its script (two steps).
            try publishArchive()
        }
        var script: [UInt8] = []
        for entry in scriptEntries { script += Array("\(entry.key) \(archiveName):\(entry.offset)\n".utf8) }
        let reason = script.withUnsafeBytes { FileSystem.writeAtomically([$0], to: scriptPath, durable: durable) }
        if let reason {
            abandon()
            throw .cannotWrite(file: scriptPath, reason: reason)
        }
        createdGeneration = nil
        guard descriptor >= 0 else { return }
        try publishArchive()
        removeOlderGenerations(in: folder, archiveFileName: archiveFileName, keeping: generationName, script: scriptPath)
    }

    /// Removes the generation files of this archive other than `current` that the script in
    /// place does not name (read again now) and that no live writer holds locked (a writer locks
    /// its temporary file, of which its generation file is a second name, until it is done): the
    /// previous run's, and one a killed run linked but never published.
    private func removeOlderGenerations(in folder: String, archiveFileName: String, keeping current: String, script: String) {
        let older = FileSystem.names(in: folder) { $0 != current && Self.isGenerationName($0, of: archiveFileName) }
        guard !older.isEmpty else { return }
        let named = Self.generation(namedBy: script, archiveFileName: archiveFileName)
        for name in older where name != named { FileSystem.removeIfUnlocked("\(folder)/\(name)") }
    }

    /// Whether `name` is `<archiveFileName>.<16 lowercase hexadecimal digits>`.
    static func isGenerationName(_ name: String, of archiveFileName: String) -> Bool {
        let prefix = archiveFileName + "."
        guard name.hasPrefix(prefix) else { return false }
        let suffix = name.dropFirst(prefix.count)
        return suffix.count == 16 && suffix.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// Renames the temporary file over the plain archive name (closing it).
    private func publishArchive() throws(KaldiArchiveError) {
        let temporary = (path: temporaryPath, descriptor: descriptor)
        descriptor = -1
        temporaryExists = false
        if let reason = FileSystem.commitTemporaryFile(temporary, to: archivePath, durable: durable) {
            throw .cannotWrite(file: archivePath, reason: reason)
        }
    }

    /// Makes `path` a hard link of the complete temporary file: linked under a temporary name,
    /// then renamed over `path`, so that a generation file of the same name (same hash, same
    /// bytes, named by the script now in place) is replaced in one step. False when this file
    /// system has no hard links (or the link fails otherwise).
    private func linkGeneration(at path: String) -> Bool {
        let existed = FileSystem.status(of: path) != .missing
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        for _ in 0..<16 {
            let suffix = String(decoding: (0..<6).map { _ in alphabet.randomElement()! }, as: UTF8.self)
            let name = path.split(separator: "/").last.map(String.init) ?? "archive"
            let staging = "\(FileSystem.directory(of: path))/.\(name).tmp-\(suffix)"
            if link(temporaryPath, staging) != 0 {
                if errno == EEXIST { continue }
                return false
            }
            guard FileSystem.moveAtomically(staging, to: path) == nil else {
                FileSystem.remove(staging)
                return false
            }
            if !existed { createdGeneration = path }
            return true
        }
        return false
    }

    /// The generation file (`<archive name>.<16 hex digits>`, in the archive's folder) that the
    /// script now at `scriptPath` names on its first line, if it names one.
    static func generation(namedBy scriptPath: String, archiveFileName: String) -> String? {
        guard case .success(let read) = FileSystem.readFile(scriptPath, limit: 1 << 16) else { return nil }
        let line = read.bytes.prefix { $0 != 0x0A }
        let fields = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
        guard fields.count == 2 else { return nil }
        var location = Substring(String(decoding: fields[1], as: UTF8.self))
        if let colon = location.lastIndex(of: ":") { location = location[..<colon] }
        let name = location.split(separator: "/").last.map(String.init) ?? ""
        return isGenerationName(name, of: archiveFileName) ? name : nil
    }

    /// Kaldi's `IsToken`: non-empty, no ASCII whitespace or control characters.
    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    private func append(_ bytes: [UInt8]) {
        buffer += bytes
        byteCount += bytes.count
    }

    /// The elements little-endian, through the buffer when small, straight from storage when large.
    private func appendElements(of matrix: Matrix<Scalar>) {
        let size = matrix.rowCount * matrix.columnCount * MemoryLayout<Scalar>.size
        #if _endian(little)
        matrix.withUnsafeElements { elements in
            let raw = UnsafeRawBufferPointer(elements)
            if size < Self.bufferLimit / 4 {
                buffer.append(contentsOf: raw)
            } else {
                flush()
                writeAll(raw)
            }
        }
        #else
        for value in matrix.elements { withUnsafeBytes(of: value) { buffer += $0.reversed() } }
        #endif
        byteCount += size
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `bytes` to the temporary file (and into the content hash); records the first failure.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        if scriptPath != nil { contentHash.update(bytes) }
        failure = FileSystem.writeAll(bytes, to: descriptor)
    }

    /// Closes and removes the temporary file (once).
    private func abandon() {
        if descriptor >= 0 { FileSystem.closeIgnoringErrors(descriptor) }
        descriptor = -1
        if temporaryExists { FileSystem.remove(temporaryPath) }
        temporaryExists = false
        if let createdGeneration { FileSystem.remove(createdGeneration) }
        createdGeneration = nil
    }
}

/// A 64-bit hash of an archive's bytes, fed in the chunks they are written in (the same writes
/// give the same chunks): eight bytes at a time, so that it costs far less than the write.
/// Not cryptographic: it tells generations of one archive apart.
struct ArchiveContentHash {
    private var state: UInt64 = 0x243F_6A88_85A3_08D3

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var hash = state
        let wordCount = bytes.count / 8
        for index in 0..<wordCount {
            let word = bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
            hash = ((hash ^ (word &* 0x9E37_79B9_7F4A_7C15)) << 29 | (hash ^ (word &* 0x9E37_79B9_7F4A_7C15)) >> 35)
                &* 0xBF58_476D_1CE4_E5B9
        }
        var tail: UInt64 = 0
        for index in (wordCount * 8)..<bytes.count { tail = tail << 8 | UInt64(bytes[index]) }
        state = (hash ^ tail ^ UInt64(bytes.count)) &* 0x94D0_49BB_1331_11EB
    }

    /// The hash as 16 lowercase hexadecimal digits (after a final mix of the bits).
    var hexadecimal: String {
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
