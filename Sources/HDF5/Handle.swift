import CHDF5

/// Owns one libhdf5 identifier and closes it exactly once, when `close()` is called or when the
/// last Swift reference goes away. Handles of objects inside a file keep the file's handle alive,
/// so a file is never closed under an open dataset.
final class Handle: @unchecked Sendable {
    enum Kind { case file, group, dataset, dataspace, datatype, propertyList, attribute }

    private(set) var id: hid_t
    let kind: Kind
    /// The file handle this object lives in (nil for the file itself and for transient ids).
    let parent: Handle?

    init(_ id: hid_t, kind: Kind, parent: Handle? = nil) {
        self.id = id
        self.kind = kind
        self.parent = parent
    }

    var isOpen: Bool { id >= 0 }

    /// Closes the identifier; returns libhdf5's status (negative when closing failed, for
    /// example when a file's last write did not fit on the disk).
    @discardableResult
    func close() -> herr_t {
        guard id >= 0 else { return 0 }
        ErrorStack.silence()
        let status: herr_t
        switch kind {
        case .file: status = H5Fclose(id)
        case .group: status = H5Gclose(id)
        case .dataset: status = H5Dclose(id)
        case .dataspace: status = H5Sclose(id)
        case .datatype: status = H5Tclose(id)
        case .propertyList: status = H5Pclose(id)
        case .attribute: status = H5Aclose(id)
        }
        id = -1
        return status
    }

    deinit { close() }
}
