import CHDF5

/// An HDF5 group: a folder of datasets and groups addressed by `/`-separated paths.
/// Paths may be absolute (`/results/run1`) or relative to this group.
public class Group: HDF5Object, @unchecked Sendable {

    /// The absolute path of `name` relative to this group.
    func absolute(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        return objectPath == "/" ? "/" + name : objectPath + "/" + name
    }

    /// Whether a link at `path` exists, checking each intermediate component (unlike a bare
    /// `H5Lexists`, which fails on a missing intermediate group).
    public func contains(_ path: String) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        guard !components.isEmpty else { return true }
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in components {
            prefix += "/" + component
            ErrorStack.silence()
            if H5Lexists(handle.id, prefix, chdf5_p_default()) <= 0 {
                _ = ErrorStack.collect()
                return false
            }
            ErrorStack.silence()
            if H5Oexists_by_name(handle.id, prefix, chdf5_p_default()) <= 0 {
                _ = ErrorStack.collect()
                return false
            }
        }
        return true
    }

    /// Whether a link named `path` exists, even if it leads nowhere (a dangling soft or external
    /// link); `contains` is false for those.
    public func hasLink(_ path: String) -> Bool {
        var components = path.split(separator: "/").map(String.init)
        guard let last = components.popLast() else { return true }
        let parent = (path.hasPrefix("/") ? "/" : "") + components.joined(separator: "/")
        guard parent.isEmpty || parent == "/" || contains(parent) else { return false }
        let full = parent.isEmpty ? last : (parent == "/" ? "/" + last : parent + "/" + last)
        ErrorStack.silence()
        let exists = H5Lexists(handle.id, full, chdf5_p_default()) > 0
        _ = ErrorStack.collect()
        return exists
    }

    /// Names of the direct members of this group, in name order.
    public func memberNames() throws -> [String] {
        final class Box { var names: [String] = [] }
        let box = Box()
        let unmanaged = Unmanaged.passRetained(box)
        defer { unmanaged.release() }
        var index: hsize_t = 0
        try checked(site(), "cannot list the group") {
            H5Literate(handle.id, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, context in
                guard let name, let context else { return 0 }
                Unmanaged<Box>.fromOpaque(context).takeUnretainedValue().names.append(String(cString: name))
                return 0
            }, unmanaged.toOpaque())
        }
        return box.names
    }

    /// Whether the object at `path` is a group (false when missing).
    public func isGroup(_ path: String) -> Bool { objectType(path) == H5O_TYPE_GROUP }
    /// Whether the object at `path` is a dataset (false when missing).
    public func isDataset(_ path: String) -> Bool { objectType(path) == H5O_TYPE_DATASET }

    private func objectType(_ path: String) -> H5O_type_t? {
        guard contains(path) else { return nil }
        var info = H5O_info_t()
        ErrorStack.silence()
        guard H5Oget_info_by_name1(handle.id, path, &info, chdf5_p_default()) >= 0 else {
            _ = ErrorStack.collect()
            return nil
        }
        return info.type
    }

    /// Opens an existing group.
    public func group(_ path: String) throws -> Group {
        let target = absolute(path)
        let id = try openExisting(path, isGroup: true) { H5Gopen2(handle.id, path, chdf5_p_default()) }
        return Group(handle: Handle(id, kind: .group, parent: fileHandle), fileHandle: fileHandle, filePath: filePath, path: target)
    }

    /// Opens the group or dataset at `path` with `open`, after checking that it exists and has
    /// the expected kind, so both failures get a clear message.
    func openExisting(_ path: String, isGroup wantGroup: Bool, _ open: () -> hid_t) throws -> hid_t {
        let target = absolute(path)
        let noun = wantGroup ? "group" : "dataset"
        guard contains(path) else {
            throw HDF5Error(.objectNotFound, file: filePath, object: target, message: "no such \(noun)")
        }
        guard wantGroup ? isGroup(path) : isDataset(path) else {
            throw HDF5Error(.typeMismatch, file: filePath, object: target, message: wantGroup ? "is not a group" : "is a group, not a dataset")
        }
        return try checked(site(target), "cannot open the \(noun)", open)
    }

    /// Creates a group, creating missing intermediate groups; fails if it exists.
    @discardableResult
    public func createGroup(_ path: String) throws -> Group {
        let target = absolute(path)
        if contains(path) {
            throw HDF5Error(.objectExists, file: filePath, object: target, message: "already exists")
        }
        try createParents(of: path)
        let creation = try ObjectCreation.group(site(target))
        let id = try checked(site(target), "cannot create the group") {
            H5Gcreate2(handle.id, path, chdf5_p_default(), creation.id, chdf5_p_default())
        }
        return Group(handle: Handle(id, kind: .group, parent: fileHandle), fileHandle: fileHandle, filePath: filePath, path: target)
    }

    /// Opens the group at `path`, creating it (and missing parents) if needed — h5py's `require_group`.
    public func requireGroup(_ path: String) throws -> Group {
        contains(path) ? try group(path) : try createGroup(path)
    }

    /// Removes the link at `path` (the space is reclaimed only by repacking, as in all HDF5 tools).
    public func remove(_ path: String) throws {
        try checked(site(absolute(path)), "cannot delete") { H5Ldelete(handle.id, path, chdf5_p_default()) }
    }

    /// Creates an external link at `path` pointing to `object` inside the file `targetFile`
    /// (a path relative to this file's folder or absolute). h5py and h5dump follow it.
    public func createExternalLink(_ path: String, targetFile: String, object: String) throws {
        try createParents(of: path)
        try checked(site(absolute(path)), "cannot create the external link to \(targetFile):\(object)") {
            H5Lcreate_external(targetFile, object, handle.id, path, chdf5_p_default(), chdf5_p_default())
        }
    }

    /// Creates the missing groups above `path` (as `mkdir -p`), with the same creation properties
    /// as `createGroup` (libhdf5's own intermediate groups would store modification times).
    func createParents(of path: String) throws {
        let components = path.split(separator: "/").map(String.init).dropLast()
        for end in components.indices {
            let prefix = (path.hasPrefix("/") ? "/" : "") + components[...end].joined(separator: "/")
            if contains(prefix) { continue }
            let creation = try ObjectCreation.group(site(absolute(prefix)))
            let id = try checked(site(absolute(prefix)), "cannot create the group") {
                H5Gcreate2(handle.id, prefix, chdf5_p_default(), creation.id, chdf5_p_default())
            }
            H5Gclose(id)
        }
    }
}

/// Creation properties shared by every object softness writes: no modification times in the
/// object headers (libhdf5 stores them by default), so that the same data written twice gives
/// the same bytes — a resumed or repeated batch reproduces its files exactly.
enum ObjectCreation {
    /// A group-creation property list without object times.
    static func group(_ site: CallSite) throws -> Handle {
        try untimed(H5Pcreate(chdf5_p_group_create()), site)
    }

    /// A file-creation property list whose root group stores no object times.
    static func file(_ site: CallSite) throws -> Handle {
        try untimed(H5Pcreate(chdf5_p_file_create()), site)
    }

    /// Turns object time tracking off on the new property list `id` (closed if that fails).
    static func untimed(_ id: hid_t, _ site: CallSite) throws -> Handle {
        let list = Handle(try checked(site, "cannot create a property list") { id }, kind: .propertyList)
        try checked(site, "cannot turn object times off") { H5Pset_obj_track_times(list.id, false) }
        return list
    }
}
