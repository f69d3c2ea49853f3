import CHDF5

/// What groups (and files) and datasets share: an open libhdf5 object of a file, the path of
/// the file and of the object for error messages, and its attributes (`AttributeHolder`).
public class HDF5Object: @unchecked Sendable, AttributeHolder {
    let handle: Handle
    let fileHandle: Handle
    /// Path of the file on disk, as given by the caller (used in error messages).
    public let filePath: String
    /// Absolute path of this object inside the file.
    public let objectPath: String

    init(handle: Handle, fileHandle: Handle, filePath: String, path: String) {
        self.handle = handle
        self.fileHandle = fileHandle
        self.filePath = filePath
        self.objectPath = path
    }

    /// The place of an operation (this object, or `path` inside the file), for error messages.
    func site(_ path: String? = nil) -> CallSite { CallSite(file: filePath, object: path ?? objectPath) }

    public var attributeLocation: (id: hid_t, file: String, object: String) { (handle.id, filePath, objectPath) }
}
