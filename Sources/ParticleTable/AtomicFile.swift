import Foundation
import HDF5

/// A file written under a hidden temporary name beside its destination and published by one
/// atomic `rename(2)`: readers see the old file or the complete new one, never a half-written one.
///
/// `publish()` fsyncs the temporary file, renames it onto the destination and fsyncs the folder,
/// so the new file survives a power cut once `publish()` returns. A process killed before that
/// leaves the destination as it was and a stray `.NAME.partial-HOST-PID-XXXX` beside it, which
/// the next writer of the same destination on the same host removes once that PID is gone (the
/// host name keeps writers on other nodes of a shared file system out of it).
/// Every writer of softness (particle tables, labels files, results) goes through this type.
public final class AtomicFile {
    /// Where the finished file goes.
    public let destination: String
    /// Where it is written until `publish()`.
    public let temporaryPath: String
    private var finished = false

    /// Reserves a temporary path beside `destination` (unique per process and call) and removes
    /// the partial files of this destination left by dead processes of this host.
    public init(destination: String) {
        let url = URL(fileURLWithPath: destination)
        self.destination = destination
        let folder = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent).partial-\(Self.hostName)-"
        let unique = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        self.temporaryPath = folder.appendingPathComponent("\(prefix)\(getpid())-\(unique)").path
        Self.removeStale(in: folder.path, prefix: prefix)
    }

    /// This host's name as `gethostname(2)` gives it ('/' replaced), "host" if it has none.
    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "host" : name.replacingOccurrences(of: "/", with: "_")
    }()

    /// A fresh hidden scratch folder beside `destination` (`.NAME.SUFFIX-HOST-PID-XXXX`, made
    /// empty), after removing the ones of this destination left by dead processes of this host:
    /// working space that a killed writer must not leave behind for good.
    public static func scratchFolder(beside destination: String, suffix: String) throws -> URL {
        let url = URL(fileURLWithPath: destination)
        let prefix = ".\(url.lastPathComponent).\(suffix)-\(hostName)-"
        removeStale(in: url.deletingLastPathComponent().path, prefix: prefix)
        let folder = url.deletingLastPathComponent().appendingPathComponent("\(prefix)\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        return folder
    }

    /// Removes `prefix`PID-XXXX files (or folders) whose process no longer exists.
    static func removeStale(in folder: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            // Exactly PID-HEX after the prefix (a host "node" must not match files of "node-12").
            let rest = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, pid != getpid(),
                  !rest[1].isEmpty, rest[1].allSatisfy(\.isHexDigit) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
        }
    }

    /// Makes the temporary file durable and renames it onto the destination.
    public func publish() throws {
        guard !finished else { return }
        do {
            try Self.synchronize(temporaryPath)
        } catch {
            throw abandon(after: error)
        }
        guard rename(temporaryPath, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw AtomicFileError.cannotPublish(file: destination, reason: reason)
        }
        finished = true
        // The file is in place; making the folder entry durable is best effort (a failure here
        // must not report a write that happened as failed).
        try? Self.synchronize(URL(fileURLWithPath: destination).deletingLastPathComponent().path)
    }

    /// Removes the temporary file and returns the error to report for `error`, a failure while
    /// writing it: a full disk, quota or file-size limit becomes `AtomicFileError.noSpace`, and an
    /// HDF5 error naming the temporary file names the destination instead. The destination is
    /// untouched.
    public func abandon(after error: Error) -> Error {
        discard()
        if let reason = Self.spaceProblem(in: error) { return AtomicFileError.noSpace(file: destination, reason: reason) }
        if case .cannotPublish(temporaryPath, let reason) = error as? AtomicFileError {
            return AtomicFileError.cannotPublish(file: destination, reason: reason)
        }
        if let error = error as? HDF5Error, error.file == temporaryPath {
            return HDF5Error(error.kind, file: destination, object: error.object, message: error.message,
                             libraryMessages: error.libraryMessages)
        }
        return error
    }

    /// The user-facing reason when `error` is a write that failed for lack of space (HDF5,
    /// Foundation or POSIX), nil otherwise.
    public static func spaceProblem(in error: Error) -> String? {
        switch error {
        case let error as AtomicFileError:
            if case .noSpace(_, let reason) = error { return reason }
            return nil
        case let error as HDF5Error:
            return error.spaceProblem
        default:
            let error = error as NSError
            if error.domain == NSPOSIXErrorDomain, let reason = HDF5Error.spaceProblem(errno: Int32(error.code)) { return reason }
            if error.domain == NSCocoaErrorDomain && error.code == NSFileWriteOutOfSpaceError {
                return HDF5Error.spaceProblem(errno: ENOSPC)
            }
            if let underlying = error.userInfo[NSUnderlyingErrorKey] as? Error { return spaceProblem(in: underlying) }
            return nil
        }
    }

    /// Removes the temporary file (the destination is untouched).
    public func discard() {
        guard !finished else { return }
        finished = true
        unlink(temporaryPath)
    }

    deinit { discard() }

    /// fsync a file or a folder.
    public static func synchronize(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw AtomicFileError.cannotPublish(file: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            // Network file systems report a full disk at fsync.
            if let reason = HDF5Error.spaceProblem(errno: errno) { throw AtomicFileError.noSpace(file: path, reason: reason) }
            throw AtomicFileError.cannotPublish(file: path, reason: "fsync failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// An exclusive advisory lock (`flock(2)`) on a hidden lock file beside `path`
/// (`.NAME.lock`), held while a writer publishes a new version of `path`. Every process that
/// publishes the same file takes the same lock, so their read-modify-publish steps never interleave.
///
/// On a cluster file system the lock works across nodes where `flock` does (NFS, Lustre mounted
/// with `-o flock`). Where `flock` is refused, `acquire` fails with a message; on Lustre mounted
/// with `-o localflock` it locks within one node only, so writers on different nodes can race.
public final class FileLock {
    /// The lock file.
    public let path: String
    private var descriptor: Int32 = -1

    /// The lock for publishing `path`.
    public init(for path: String) {
        let url = URL(fileURLWithPath: path)
        self.path = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock").path
    }

    /// Waits for the lock and runs `body` while holding it.
    public func withLock<R>(_ body: () throws -> R) throws -> R {
        try acquire()
        defer { release() }
        return try body()
    }

    private func acquire() throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicFileError.cannotLock(file: path, reason: String(cString: strerror(errno))) }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            close(fd)
            throw AtomicFileError.cannotLock(file: path, reason: reason)
        }
        descriptor = fd
    }

    private func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// Errors of publishing a file.
public enum AtomicFileError: Error, CustomStringConvertible, Sendable, Equatable {
    case cannotPublish(file: String, reason: String)
    case cannotLock(file: String, reason: String)
    /// The file could not be written for lack of space; nothing was changed.
    case noSpace(file: String, reason: String)

    public var description: String {
        switch self {
        case .noSpace(let file, let reason):
            return "\(file): not written: \(reason); nothing was changed (the partial file was removed). Free space, or write somewhere else"
        case .cannotPublish(let file, let reason): return "\(file): cannot write the file: \(reason)"
        case .cannotLock(let file, let reason):
            return "\(file): cannot lock (needed so that concurrent writers do not lose each other's results): \(reason)"
        }
    }
}
