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

    func close() {
        guard id >= 0 else { return }
        ErrorStack.silence()
        switch kind {
        case .file: H5Fclose(id)
        case .group: H5Gclose(id)
        case .dataset: H5Dclose(id)
        case .dataspace: H5Sclose(id)
        case .datatype: H5Tclose(id)
        case .propertyList: H5Pclose(id)
        case .attribute: H5Aclose(id)
        }
        id = -1
    }

    deinit { close() }
}
