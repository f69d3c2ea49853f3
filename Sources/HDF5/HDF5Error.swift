import CHDF5
import Foundation

/// An error from the HDF5 layer. It names the file, the object path inside the file and the
/// operation that failed, and carries the messages of the libhdf5 error stack (innermost last),
/// so a user can tell which file and dataset is at fault without a debugger.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    /// What went wrong, for callers that want to react to a category of failure.
    public enum Kind: Sendable, Equatable {
        case fileNotFound, notHDF5, fileExists, objectNotFound, objectExists
        case typeMismatch, shapeMismatch, invalidArgument, library
        /// A write failed because the device, the quota or the file-size limit is full
        /// (ENOSPC, EDQUOT or EFBIG inside libhdf5).
        case noSpace
    }

    public let kind: Kind
    /// Path of the HDF5 file on disk.
    public let file: String
    /// Path of the object inside the file (for example `/features`), if any.
    public let object: String?
    /// Short human description of the failure.
    public let message: String
    /// Messages of the libhdf5 error stack, outermost first.
    public let libraryMessages: [String]

    public init(_ kind: Kind, file: String, object: String? = nil, message: String, libraryMessages: [String] = []) {
        self.kind = kind
        self.file = file
        self.object = object
        self.message = message
        self.libraryMessages = libraryMessages
    }

    public var description: String {
        var text = file
        if let object { text += ": \(object)" }
        text += ": \(message)"
        // A full disk is the whole story; libhdf5's twenty lines of call chain do not help.
        if let spaceProblem { return text + ": " + spaceProblem }
        if !libraryMessages.isEmpty {
            text += " (libhdf5: " + libraryMessages.joined(separator: "; ") + ")"
        }
        return text
    }
}

extension HDF5Error {
    /// Why a write failed for lack of space ("the disk is full (No space left on device)"), nil
    /// when this error is something else.
    public var spaceProblem: String? {
        kind == .noSpace ? Self.spaceProblem(in: libraryMessages) ?? message : nil
    }

    /// The user-facing reason when libhdf5's messages report a write that failed for lack of
    /// space: its sec2 driver writes "errno = N" into the stack (28 ENOSPC, 122 EDQUOT, 27 EFBIG).
    static func spaceProblem(in messages: [String]) -> String? {
        for message in messages {
            var rest = Substring(message)
            while let range = rest.range(of: "errno = ") {
                rest = rest[range.upperBound...]
                guard let code = Int32(rest.prefix(while: \.isNumber)) else { continue }
                if let reason = spaceProblem(errno: code) { return reason }
            }
        }
        return nil
    }

    /// "the disk is full (No space left on device)" and the like for ENOSPC, EDQUOT and EFBIG;
    /// nil for any other errno.
    public static func spaceProblem(errno code: Int32) -> String? {
        let text = String(cString: strerror(code))
        switch code {
        case ENOSPC: return "the disk is full (\(text))"
        case EDQUOT: return "the disk quota is exhausted (\(text))"
        case EFBIG: return "the file-size limit is reached (\(text); see `ulimit -f`)"
        default: return nil
        }
    }
}

/// Location information attached to every call so errors can name file and object.
struct CallSite {
    let file: String
    let object: String?
}

/// Set once before libhdf5's first call: no cleanup at process exit. libhdf5 keeps a file whose
/// final write failed (disk full) in its table, and closing it again from its exit handler
/// segfaults (1.10.8, H5F__close_cb); every file softness writes is closed and checked before it
/// is published, so nothing needs that handler.
private let libraryConfigured: Void = { _ = H5dont_atexit() }()

enum ErrorStack {
    /// libhdf5's error settings are per thread in the thread-safe build: silence automatic
    /// printing on the calling thread before every call that may fail.
    @inline(__always) static func silence() {
        _ = libraryConfigured
        H5Eset_auto2(chdf5_e_default(), nil, nil)
    }

    /// Collects and clears the current thread's error stack.
    static func collect() -> [String] {
        final class Box { var messages: [String] = [] }
        let box = Box()
        let unmanaged = Unmanaged.passRetained(box)
        defer { unmanaged.release() }
        H5Ewalk2(chdf5_e_default(), H5E_WALK_DOWNWARD, { _, description, context in
            guard let description, let context else { return 0 }
            let box = Unmanaged<Box>.fromOpaque(context).takeUnretainedValue()
            if let text = description.pointee.desc {
                let message = String(cString: text)
                if !message.isEmpty, box.messages.last != message { box.messages.append(message) }
            }
            return 0
        }, unmanaged.toOpaque())
        H5Eclear2(chdf5_e_default())
        return box.messages
    }
}

/// Runs a libhdf5 call that returns an id or status; a negative result becomes an `HDF5Error`.
@discardableResult
func checked<T: BinaryInteger>(
    _ site: CallSite, _ what: @autoclosure () -> String, kind: HDF5Error.Kind = .library, _ call: () -> T
) throws -> T {
    ErrorStack.silence()
    let result = call()
    if result < 0 {
        let messages = ErrorStack.collect()
        let kind = HDF5Error.spaceProblem(in: messages) == nil ? kind : .noSpace
        throw HDF5Error(kind, file: site.file, object: site.object, message: what(), libraryMessages: messages)
    }
    return result
}
