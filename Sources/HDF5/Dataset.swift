import CHDF5
import Foundation

/// An HDF5 dataset: an N-dimensional array of numbers or strings, row-major like numpy.
/// Reads convert to the requested Swift type (a float32 dataset reads fine as `[Double]`).
public final class Dataset: HDF5Object, @unchecked Sendable {
    /// Releases the dataset's identifier now rather than when the last reference goes; a writer
    /// does this before `File.closeAfterWriting()`, which refuses to leave a file open under a
    /// dataset. Later use of the dataset is an HDF5 error, not a crash.
    public func close() { handle.close() }


    private func withSpace<R>(_ body: (hid_t) throws -> R) throws -> R {
        let space = Handle(try checked(site(), "cannot read the dataspace") { H5Dget_space(handle.id) }, kind: .dataspace)
        return try body(space.id)
    }

    /// Current extent of every dimension (`[]` for a scalar).
    public func shape() throws -> [Int] {
        try withSpace { try Dataspace.shape(of: $0, site: site()) }
    }

    /// Number of rows (first dimension; 1 for a scalar).
    public func rowCount() throws -> Int { try shape().first ?? 1 }

    /// Stored element type.
    public func elementType() throws -> ElementType {
        let type = Handle(try checked(site(), "cannot read the datatype") { H5Dget_type(handle.id) }, kind: .datatype)
        return ElementType.of(datatype: type.id)
    }

    /// Chunk shape, or nil for contiguous or compact storage.
    public func chunks() throws -> [Int]? {
        let plist = Handle(try checked(site(), "cannot read the creation properties") { H5Dget_create_plist(handle.id) }, kind: .propertyList)
        guard H5Pget_layout(plist.id) == H5D_CHUNKED else { return nil }
        let rank = try shape().count
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        try checked(site(), "cannot read the chunk shape") { H5Pget_chunk(plist.id, Int32(rank), &dims) }
        return dims.prefix(rank).map { Int($0) }
    }

    /// How many of the dataset's chunks were never written, of how many it has. Unwritten chunks
    /// read as the fill value, so a file that declares more rows than it holds (an interrupted
    /// writer, a damaged extent) would silently read zeros. Contiguous storage counts as one
    /// chunk, unwritten when its space was never allocated.
    public func unwrittenChunks() throws -> (unwritten: Int, total: Int) {
        let shape = try shape()
        guard !shape.contains(0) else { return (0, 0) }
        guard let chunks = try chunks() else {
            let stored = H5Dget_storage_size(handle.id)
            return (stored == 0 && !shape.isEmpty ? 1 : 0, 1)
        }
        var total = 1
        for (extent, chunk) in zip(shape, chunks) {
            let (product, overflow) = total.multipliedReportingOverflow(by: (extent + max(chunk, 1) - 1) / max(chunk, 1))
            total = overflow ? Int.max : product
        }
        var written: hsize_t = 0
        try withSpace { space in
            try checked(site(), "cannot count the written chunks") { H5Dget_num_chunks(handle.id, space, &written) }
        }
        return (max(0, total - Int(written)), total)
    }

    /// The number of elements of `shape`, refused (before anything is allocated) when it
    /// overflows or would take more than `InputLimits.memoryBudget` as `T`: a damaged or
    /// hostile extent must give an error, not an abort in the allocator.
    func allocatableCount<T>(_ shape: [Int], of _: T.Type) throws -> Int {
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { count = Int.max; break }
            count = product
        }
        guard InputLimits.fitsInMemory(count, stride: MemoryLayout<T>.stride) else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath,
                            message: "has shape \(shape): reading it would need more than \(InputLimits.memoryBudgetDescription) — a damaged extent, or a dataset too large to read at once")
        }
        return count
    }

    private func checkNumericRead<T: HDF5Scalar>(_: T.Type) throws {
        let stored = try elementType()
        let requested = T.elementType
        if stored.isString || !(stored.isFloatingPoint || stored.isInteger) {
            throw HDF5Error(.typeMismatch, file: filePath, object: objectPath,
                            message: "holds \(stored), cannot be read as numbers (\(T.self))")
        }
        if stored.isFloatingPoint && requested.isInteger {
            throw HDF5Error(.typeMismatch, file: filePath, object: objectPath,
                            message: "holds \(stored); reading it as \(T.self) would truncate values (read it as Float or Double)")
        }
    }

    /// Reads the whole dataset, converted to `T`, in row-major order.
    public func read<T: HDF5Scalar>(as type: T.Type = T.self) throws -> [T] {
        try checkNumericRead(T.self)
        let shape = try shape()
        let count = try allocatableCount(shape, of: T.self)
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            LargeBuffer.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            if let pipeline = ChunkPipeline.of(self, memoryType: T.nativeType, shape: shape), pipeline.pays(forRows: shape[0]),
               let base = buffer.baseAddress {
                try pipeline.read(self, rows: 0..<shape[0], into: base)
            } else if count > 0 {
                try checked(site(), "cannot read the data") {
                    H5Dread(handle.id, T.nativeType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer.baseAddress)
                }
            }
            initialized = count
        }
    }

    /// Reads rows `rows` (a hyperslab over the first dimension, all of the others).
    public func readRows<T: HDF5Scalar>(_ rows: Range<Int>, as type: T.Type = T.self) throws -> [T] {
        try checkNumericRead(T.self)
        let shape = try shape(checkingRows: rows)
        let count = try allocatableCount([rows.count] + shape.dropFirst(), of: T.self)
        if count == 0 { return [] }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            LargeBuffer.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            try readRows(rows, shape: shape, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
    }

    /// Reads rows `rows` into `buffer`, which must hold exactly their elements (row-major): the
    /// same values as `readRows(_:)` without a new array, for filling one large array block by block.
    public func readRows<T: HDF5Scalar>(_ rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<T>) throws {
        try checkNumericRead(T.self)
        let shape = try shape(checkingRows: rows)
        var count = rows.count, overflow = false
        for extent in shape.dropFirst() where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: extent) }
        guard !overflow, buffer.count == count else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath,
                            message: "rows \(rows.lowerBound)..<\(rows.upperBound) hold \(overflow ? "more than \(Int.max)" : "\(count)") values, the buffer \(buffer.count)")
        }
        if count > 0 { try readRows(rows, shape: shape, into: buffer) }
    }

    /// `readRows(_:into:)` after the checks: the parallel raw-chunk path when the dataset allows
    /// it, libhdf5's hyperslab read otherwise.
    private func readRows<T: HDF5Scalar>(_ rows: Range<Int>, shape: [Int], into buffer: UnsafeMutableBufferPointer<T>) throws {
        guard let base = buffer.baseAddress else { return }
        if let pipeline = ChunkPipeline.of(self, memoryType: T.nativeType, shape: shape), pipeline.pays(forRows: rows.count) {
            return try pipeline.read(self, rows: rows, into: base)
        }
        if T.self == Double.self, let pipeline = ChunkPipeline.of(self, memoryType: Float.nativeType, shape: shape),
           pipeline.pays(forRows: rows.count) {
            // float32 on disk read as float64: inflate on every core into floats and widen them
            // (exact, as libhdf5's conversion, which would run on one core behind its zlib filter).
            let narrow = try [Float](unsafeUninitializedCapacity: buffer.count) { floats, initialized in
                initialized = 0
                if let start = floats.baseAddress { try pipeline.read(self, rows: rows, into: start) }
                initialized = floats.count
            }
            let wide = UnsafeMutableRawBufferPointer(buffer).bindMemory(to: Double.self)
            narrow.withUnsafeBufferPointer { source in
                for i in 0..<source.count { wide[i] = Double(source[i]) }
            }
            return
        }
        var memoryShape = shape
        memoryShape[0] = rows.count
        let memorySpace = try Dataspace.simple(memoryShape, site: site())
        try withSpace { fileSpace in
            try Dataspace.selectRows(fileSpace, rows: rows, shape: shape, site: site())
            try checked(site(), "cannot read rows \(rows)") {
                H5Dread(handle.id, T.nativeType, memorySpace.id, fileSpace, chdf5_p_default(), base)
            }
        }
    }

    /// Reads one scalar value (rank 0, or a single element).
    public func readScalar<T: HDF5Scalar>(as type: T.Type = T.self) throws -> T {
        let values: [T] = try read()
        guard values.count == 1, let value = values.first else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath, message: "holds \(values.count) values, expected one")
        }
        return value
    }

    /// Overwrites the whole dataset with `values` (row-major, converted to the stored type).
    public func write<T: HDF5Scalar>(_ values: [T]) throws {
        let shape = try shape()
        let count = shape.reduce(1, *)
        guard values.count == count else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath,
                            message: "has \(count) elements, got \(values.count) values to write")
        }
        if count == 0 { return }
        if !shape.isEmpty, try writeChunksInParallel(values, firstRow: 0, shape: shape) { return }
        _ = try values.withUnsafeBufferPointer { buffer in
            try checked(site(), "cannot write the data") {
                H5Dwrite(handle.id, T.nativeType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer.baseAddress)
            }
        }
    }

    /// Writes `values` (whole rows, row-major) starting at row `firstRow`; the rows must exist.
    public func writeRows<T: HDF5Scalar>(_ values: [T], at firstRow: Int) throws {
        let shape = try shape()
        let rows = firstRow..<(firstRow + (try wholeRows(values.count, shape: shape)))
        guard firstRow >= 0, rows.upperBound <= shape[0] else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath,
                            message: "rows \(rows.lowerBound)..<\(rows.upperBound) are outside 0..<\(shape[0])")
        }
        if rows.isEmpty { return }
        if try writeChunksInParallel(values, firstRow: firstRow, shape: shape) { return }
        var memoryShape = shape
        memoryShape[0] = rows.count
        let memorySpace = try Dataspace.simple(memoryShape, site: site())
        try withSpace { fileSpace in
            try Dataspace.selectRows(fileSpace, rows: rows, shape: shape, site: site())
            _ = try values.withUnsafeBufferPointer { buffer in
                try checked(site(), "cannot write rows \(rows)") {
                    H5Dwrite(handle.id, T.nativeType, memorySpace.id, fileSpace, chdf5_p_default(), buffer.baseAddress)
                }
            }
        }
    }

    /// The number of whole rows `count` values make in a dataset of `shape`; throws for a scalar
    /// or a count that is not a multiple of the row size.
    private func wholeRows(_ count: Int, shape: [Int]) throws -> Int {
        guard !shape.isEmpty else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath, message: "is a scalar; it has no rows")
        }
        let rowSize = shape.dropFirst().reduce(1, *)
        guard rowSize > 0, count % rowSize == 0 else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath,
                            message: "rows hold \(rowSize) values each; \(count) values are not whole rows")
        }
        return count / rowSize
    }

    /// Writes whole chunks through `ChunkPipeline` when the layout and the row block allow it;
    /// returns false (nothing written) otherwise.
    private func writeChunksInParallel<T: HDF5Scalar>(_ values: [T], firstRow: Int, shape: [Int]) throws -> Bool {
        let rowSize = shape.dropFirst().reduce(1, *)
        guard rowSize > 0, let pipeline = ChunkPipeline.of(self, memoryType: T.nativeType, shape: shape),
              pipeline.canWrite(firstRow: firstRow, rowCount: values.count / rowSize, datasetRows: shape[0]) else { return false }
        try values.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress { try pipeline.write(self, firstRow: firstRow, rowCount: values.count / rowSize, from: base) }
        }
        return true
    }

    /// Appends whole rows to a dataset created with `extendable: true` (unlimited first dimension).
    public func append<T: HDF5Scalar>(_ values: [T]) throws {
        var shape = try shape()
        let added = try wholeRows(values.count, shape: shape)
        let firstRow = shape[0]
        shape[0] += added
        let dims = shape.map { hsize_t($0) }
        try checked(site(), "cannot extend the dataset (was it created extendable, with an unlimited first dimension?)",
                    kind: .invalidArgument) { H5Dset_extent(handle.id, dims) }
        try writeRows(values, at: firstRow)
    }

    /// Reads a dataset of strings (variable- or fixed-length, ASCII or UTF-8), rank 0 or 1.
    public func readStrings() throws -> [String] {
        let fileType = Handle(try checked(site(), "cannot read the datatype") { H5Dget_type(handle.id) }, kind: .datatype)
        guard H5Tget_class(fileType.id) == H5T_STRING else {
            throw HDF5Error(.typeMismatch, file: filePath, object: objectPath,
                            message: "holds \(ElementType.of(datatype: fileType.id)), not strings")
        }
        let count = try shape().reduce(1, *)
        if count == 0 { return [] }
        return try StringCoding.read(count: count, fileType: fileType.id, site: site()) { memoryType, buffer in
            H5Dread(handle.id, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer)
        }
    }
}

extension Group {
    /// Opens an existing dataset.
    public func dataset(_ path: String) throws -> Dataset {
        let id = try openExisting(path, isGroup: false) { H5Dopen2(handle.id, path, chdf5_p_default()) }
        return Dataset(handle: Handle(id, kind: .dataset, parent: fileHandle), fileHandle: fileHandle, filePath: filePath, path: absolute(path))
    }

    /// Creates an empty numeric dataset whose elements are stored as `Storage`
    /// (e.g. `Float.self` for float32 storage of values written as Double).
    @discardableResult
    public func createDataset<Storage: HDF5Scalar>(
        _ path: String, of storage: Storage.Type, shape: [Int], options: DatasetOptions = .contiguous
    ) throws -> Dataset {
        try createDataset(path, fileType: Storage.nativeType, shape: shape, options: options)
    }

    /// Creates a dataset holding `values` with the given shape (default: one dimension),
    /// stored as `T` — h5py's `create_dataset(name, data=...)`.
    @discardableResult
    public func createDataset<T: HDF5Scalar>(
        _ path: String, values: [T], shape: [Int]? = nil, options: DatasetOptions = .contiguous
    ) throws -> Dataset {
        let shape = shape ?? [values.count]
        guard shape.reduce(1, *) == values.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: absolute(path),
                            message: "shape \(shape) does not hold \(values.count) values")
        }
        let dataset = try createDataset(path, of: T.self, shape: shape, options: options)
        try dataset.write(values)
        return dataset
    }

    func createDataset(_ path: String, fileType: hid_t, shape: [Int], options: DatasetOptions) throws -> Dataset {
        let target = absolute(path)
        let place = site(target)
        if contains(path) {
            throw HDF5Error(.objectExists, file: filePath, object: target, message: "already exists")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw HDF5Error(.invalidArgument, file: filePath, object: target, message: "negative extent in shape \(shape)")
        }
        let maxShape: [Int?]? = options.extendable && !shape.isEmpty ? [nil] + shape.dropFirst().map { $0 } : nil
        let space = try Dataspace.simple(shape, maxShape: maxShape, site: place)
        let creation = try options.creationPropertyList(shape: shape, site: place)
        try createParents(of: path)
        let id = try checked(place, "cannot create the dataset") {
            H5Dcreate2(handle.id, path, fileType, space.id, chdf5_p_default(), creation.id, chdf5_p_default())
        }
        let dataset = Dataset(handle: Handle(id, kind: .dataset, parent: fileHandle), fileHandle: fileHandle, filePath: filePath, path: target)
        return dataset
    }

    /// Creates a one-dimensional dataset of variable-length UTF-8 strings (h5py reads it as `str`).
    @discardableResult
    public func createStringDataset(_ path: String, values: [String]) throws -> Dataset {
        let target = absolute(path)
        let type = try StringCoding.variableUTF8(site(target))
        let dataset = try createDataset(path, fileType: type.id, shape: [values.count], options: .contiguous)
        if !values.isEmpty {
            _ = try StringCoding.withCStrings(values) { pointers in
                try checked(site(target), "cannot write the strings") {
                    H5Dwrite(dataset.handle.id, type.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), pointers)
                }
            }
        }
        return dataset
    }
}

extension Dataset {
    /// The shape, after checking that the dataset has rows and that `rows` lies within them.
    func shape(checkingRows rows: Range<Int>) throws -> [Int] {
        let shape = try shape()
        guard !shape.isEmpty else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath, message: "is a scalar; it has no rows")
        }
        guard rows.lowerBound >= 0, rows.upperBound <= shape[0] else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath,
                            message: "rows \(rows.lowerBound)..<\(rows.upperBound) are outside 0..<\(shape[0])")
        }
        return shape
    }
}
