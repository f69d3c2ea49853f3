import CHDF5
import Foundation

/// An open HDF5 file; also its root group `/`. Like h5py's `h5py.File`.
///
/// The file is closed when `close()` is called or the last reference to it (including the
/// groups and datasets opened from it) goes away.
public final class File: Group, @unchecked Sendable {
    /// How to open an existing file.
    public enum OpenMode: Sendable { case readOnly, readWrite }
    /// What to do when creating a file whose path exists.
    public enum CreateMode: Sendable {
        /// Replace an existing file.
        case truncate
        /// Fail if the file exists.
        case exclusive
    }

    /// Path on disk, as given by the caller.
    public let path: String

    private init(handle: Handle, path: String) {
        self.path = path
        super.init(handle: handle, fileHandle: handle, filePath: path, path: "/")
    }

    /// Opens an existing HDF5 file. Throws `.fileNotFound` or `.notHDF5` with a clear message.
    public static func open(_ path: String, mode: OpenMode = .readOnly) throws -> File {
        let site = CallSite(file: path, object: nil)
        try requireRegularFile(path)
        guard access(path, mode == .readOnly ? R_OK : R_OK | W_OK) == 0 else {
            throw HDF5Error(.notHDF5, file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        ErrorStack.silence()
        if H5Fis_hdf5(path) <= 0 {
            _ = ErrorStack.collect()
            throw HDF5Error(.notHDF5, file: path, message: "not an HDF5 file (no HDF5 signature found)")
        }
        let flags = mode == .readOnly ? chdf5_f_acc_rdonly() : chdf5_f_acc_rdwr()
        let id: hid_t
        do {
            id = try checked(site, "cannot open the file (truncated or damaged HDF5?)", kind: .notHDF5) {
                H5Fopen(path, flags, chdf5_p_default())
            }
        } catch let error as HDF5Error where error.libraryMessages.contains(where: { $0.contains("truncated file") }) {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            throw HDF5Error(.notHDF5, file: path, message: "truncated HDF5 file: \(size.map { "\($0) bytes on disk, " } ?? "")shorter than its superblock records (an incomplete copy, download or write?)")
        } catch let error as HDF5Error where error.libraryMessages.contains(where: { $0.contains("unable to lock") }) {
            throw HDF5Error(.library, file: path, message: "cannot open the file: another process holds its HDF5 file lock (a writer still running?); wait for it, or set HDF5_USE_FILE_LOCKING=FALSE on file systems without working locks", libraryMessages: error.libraryMessages)
        }
        closeOnExec(id)
        return File(handle: Handle(id, kind: .file), path: path)
    }

    /// libhdf5 opens files without O_CLOEXEC, so a child process started meanwhile (the
    /// damaged-file probe, `gzip -dc`, a test's `softness`) could inherit the descriptor and with
    /// it the file's lock, which would then outlive our close and make the next open fail with
    /// "unable to lock the file". Marks the descriptor of a sec2-driver file close-on-exec.
    static func closeOnExec(_ id: hid_t) {
        var pointer: UnsafeMutableRawPointer? = nil
        guard H5Fget_vfd_handle(id, chdf5_p_default(), &pointer) >= 0, let pointer else { return }
        let descriptor = pointer.assumingMemoryBound(to: Int32.self).pointee
        let flags = fcntl(descriptor, F_GETFD)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
    }

    /// Whether `path` is a regular file that libhdf5 recognises as HDF5 (signature at byte 0 or
    /// after a user block). Never blocks on FIFOs or devices.
    public static func isHDF5(_ path: String) -> Bool {
        guard (try? requireRegularFile(path)) != nil else { return false }
        ErrorStack.silence()
        defer { _ = ErrorStack.collect() }
        return H5Fis_hdf5(path) > 0
    }

    /// Throws unless `path` is an existing regular file, naming what it is otherwise (a FIFO
    /// would block libhdf5 forever).
    static func requireRegularFile(_ path: String) throws {
        guard let problem = InputLimits.regularFileProblem(path) else { return }
        if problem.hasPrefix("is ") {
            throw HDF5Error(.notHDF5, file: path, message: problem + (problem == "is a directory" ? ", not an HDF5 file" : "; give an HDF5 file"))
        }
        throw HDF5Error(.fileNotFound, file: path, message: problem)
    }

    /// Creates a new HDF5 file (latest-compatible defaults, readable by h5py and h5dump).
    public static func create(_ path: String, mode: CreateMode = .exclusive) throws -> File {
        let site = CallSite(file: path, object: nil)
        if mode == .exclusive, FileManager.default.fileExists(atPath: path) {
            throw HDF5Error(.fileExists, file: path, message: "file exists (refusing to overwrite it)")
        }
        // The usual causes, named before libhdf5 reports them as a chain of "unable to".
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HDF5Error(.fileNotFound, file: path, message: "cannot create the file: the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw HDF5Error(.invalidArgument, file: path, message: "cannot create the file: no permission to write in \(folder)")
        }
        let flags = mode == .truncate ? chdf5_f_acc_trunc() : chdf5_f_acc_excl()
        let creation = try ObjectCreation.file(site)
        let id = try checked(site, "cannot create the file") {
            H5Fcreate(path, flags, creation.id, chdf5_p_default())
        }
        closeOnExec(id)
        return File(handle: Handle(id, kind: .file), path: path)
    }

    /// Opens `path`, runs `body` and closes the file, also when `body` throws (as HDF5.jl's `h5open do`).
    public static func withFile<R>(_ path: String, mode: OpenMode = .readOnly, _ body: (File) throws -> R) throws -> R {
        let file = try open(path, mode: mode)
        defer { file.close() }
        return try body(file)
    }

    /// Writes buffered data to disk.
    public func flush() throws {
        try checked(CallSite(file: path, object: nil), "cannot flush the file") {
            H5Fflush(handle.id, H5F_SCOPE_GLOBAL)
        }
    }

    /// Releases this file's identifier. Objects still open from it keep the file open until they go.
    public func close() { handle.close() }

    /// Flushes and closes a file that was written, throwing when either fails (a full disk shows
    /// up here as `.noSpace`). Writers call this, not `close()`, before they publish a file.
    ///
    /// Objects still open from the file would keep libhdf5 from really closing it (and would keep
    /// its lock) until they go, after the caller has moved the file into place: that is refused.
    public func closeAfterWriting() throws {
        let site = CallSite(file: path, object: nil)
        do {
            try flush()
        } catch {
            handle.close()
            throw error
        }
        let stillOpen = openObjectCount - 1
        guard stillOpen == 0 else {
            handle.close()
            throw HDF5Error(.library, file: path, message: "cannot close the file: \(stillOpen) object(s) of it are still open, so it would stay open and locked (a bug in softness: close datasets before the file)")
        }
        try checked(site, "cannot close the file") { handle.close() }
    }

    /// Number of identifiers open in this file, the file itself included (1 when nothing else is open).
    public var openObjectCount: Int {
        guard handle.isOpen else { return 0 }
        return Int(H5Fget_obj_count(handle.id, chdf5_f_obj_all()))
    }
}
