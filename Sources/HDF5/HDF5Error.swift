import CHDF5

/// An error from the HDF5 layer. It names the file, the object path inside the file and the
/// operation that failed, and carries the messages of the libhdf5 error stack (innermost last),
/// so a user can tell which file and dataset is at fault without a debugger.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    /// What went wrong, for callers that want to react to a category of failure.
    public enum Kind: Sendable, Equatable {
        case fileNotFound, notHDF5, fileExists, objectNotFound, objectExists
        case typeMismatch, shapeMismatch, invalidArgument, library
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
        if !libraryMessages.isEmpty {
            text += " (libhdf5: " + libraryMessages.joined(separator: "; ") + ")"
        }
        return text
    }
}

/// Location information attached to every call so errors can name file and object.
struct CallSite {
    let file: String
    let object: String?
}

enum ErrorStack {
    /// libhdf5's error settings are per thread in the thread-safe build: silence automatic
    /// printing on the calling thread before every call that may fail.
    @inline(__always) static func silence() {
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
        throw HDF5Error(kind, file: site.file, object: site.object, message: what(), libraryMessages: ErrorStack.collect())
    }
    return result
}
