/// Reading the metadata of a whole file once, to find out whether libhdf5 can read it at all.
///
/// libhdf5 1.10.8 can crash (SIGSEGV in `H5HG_read`, for example) on a damaged file instead of
/// returning an error; h5dump crashes on the same files. `softness` therefore runs `probe` in a
/// child process before it opens an input (see the CLI's `DamagedFileProbe`), so that such a file
/// gets a clear message instead of taking the program down.
extension File {
    /// Opens `path` and reads, for every object reachable from the root: its attributes (values
    /// included, after `GlobalHeapReferences` checked their variable-length strings), the shape and element type of datasets, and the values of string datasets of
    /// up to `maximumStrings` entries; it walks every chunked dataset's chunk index and reads
    /// numeric datasets of up to `maximumSmallValues` values whole. Visits at most `maximumObjects` objects, `maximumDepth`
    /// groups deep (damaged files may contain cycles). Throws what libhdf5 reports.
    public static func probe(_ path: String, maximumObjects: Int = 100_000, maximumDepth: Int = 32,
                             maximumStrings: Int = 1_000_000, maximumSmallValues: Int = 1 << 20) throws {
        // Heap references of string attributes are checked from the bytes before libhdf5
        // follows them (it reads past a collection's object table: GlobalHeapReferences).
        let references = GlobalHeapReferences(path: path)
        defer { references?.close() }
        func readAttributes(of object: HDF5Object, header: UInt64?) throws {
            if let references, let header { try references.check(objectHeader: header, object: object.objectPath) }
            for name in try object.attributeNames() { _ = try object.attribute(name) }
        }
        try withFile(path) { file in
            var visited = 0
            func visit(_ group: Group, header: UInt64?, depth: Int) throws {
                try readAttributes(of: group, header: header)
                // A lookup by name walks the group's name index, which listing its members does
                // not: a damaged index crashes the lookups of the commands otherwise.
                _ = group.contains(".softness-probe-lookup")
                guard depth < maximumDepth else { return }
                for name in try group.memberNames() {
                    visited += 1
                    guard visited <= maximumObjects else { return }
                    // A member that reads as neither group nor dataset may be a damaged group:
                    // look inside it the way a command's path lookup would.
                    if !group.isGroup(name) && !group.isDataset(name) { _ = group.contains(name + "/.softness-probe-lookup") }
                    let header = references == nil ? nil : group.linkedHeaderAddress(name)
                    if group.isGroup(name) {
                        try visit(try group.group(name), header: header, depth: depth + 1)
                    } else if group.isDataset(name) {
                        let dataset = try group.dataset(name)
                        try readAttributes(of: dataset, header: header)
                        let shape = try dataset.shape()
                        let type = try dataset.elementType()
                        if case .string = type, shape.count == 1, shape[0] <= maximumStrings {
                            _ = try dataset.readStrings()
                        }
                        // The chunk index is metadata too (a damaged one crashes the first read).
                        _ = try dataset.unwrittenChunks()
                        // Small numeric datasets (results, selections, names) are read whole.
                        if type.isFloatingPoint || type.isInteger, shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }) <= maximumSmallValues {
                            _ = try dataset.read(as: Double.self)
                        }
                    }
                }
            }
            try visit(file, header: references?.rootHeader, depth: 0)
        }
    }

}
