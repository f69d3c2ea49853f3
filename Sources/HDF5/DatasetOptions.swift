import CHDF5

/// Storage layout of a new dataset, the options of h5py's `create_dataset`
/// (`chunks`, `compression="gzip"`, `compression_opts`, `shuffle`, `maxshape=(None, ...)`).
public struct DatasetOptions: Sendable, Equatable {
    /// Chunk shape; nil means contiguous storage unless a filter or `extendable` needs chunks.
    public var chunks: [Int]?
    /// gzip (deflate) level 1...9, or nil for no compression.
    public var deflateLevel: Int?
    /// Byte-shuffle filter before deflate (helps floating-point data compress).
    public var shuffle: Bool
    /// Unlimited first dimension, so rows can be appended later.
    public var extendable: Bool

    public init(chunks: [Int]? = nil, deflateLevel: Int? = nil, shuffle: Bool = false, extendable: Bool = false) {
        self.chunks = chunks
        self.deflateLevel = deflateLevel
        self.shuffle = shuffle
        self.extendable = extendable
    }

    /// Contiguous, uncompressed storage.
    public static let contiguous = DatasetOptions()

    /// Row-chunked, shuffled and deflated storage with an unlimited first dimension: the layout
    /// used for particle tables (`rowsPerChunk` rows per chunk).
    public static func rowChunked(_ rowsPerChunk: Int = 16_384, deflateLevel: Int? = 4) -> DatasetOptions {
        DatasetOptions(chunks: [rowsPerChunk], deflateLevel: deflateLevel, shuffle: deflateLevel != nil, extendable: true)
    }

    /// The chunk shape for a dataset of `shape`: given chunks are completed with the full
    /// extent of trailing dimensions; fixed-size dimensions are clipped to their extent.
    /// Nil (contiguous storage) when no chunking is asked for or a fixed dimension is empty.
    func chunkShape(for shape: [Int]) -> [Int]? {
        let needsChunks = chunks != nil || deflateLevel != nil || shuffle || extendable
        guard needsChunks, !shape.isEmpty else { return nil }
        var result = chunks ?? [min(max(shape[0], 1), 16_384)]
        if result.count < shape.count {
            result += shape[result.count...]
        }
        result = Array(result.prefix(shape.count))
        for dimension in shape.indices where !(extendable && dimension == 0) {
            result[dimension] = min(result[dimension], shape[dimension])
        }
        if extendable { result[0] = max(result[0], 1) }
        return result.allSatisfy { $0 > 0 } ? result : nil
    }

    func creationPropertyList(shape: [Int], site: CallSite) throws -> Handle {
        let list = try ObjectCreation.untimed(H5Pcreate(chdf5_p_dataset_create()), site)
        let id = list.id
        if let chunk = chunkShape(for: shape) {
            let dims = chunk.map { hsize_t($0) }
            try checked(site, "invalid chunk shape \(chunk)", kind: .invalidArgument) { H5Pset_chunk(id, Int32(dims.count), dims) }
            // Fill new chunks (zeros): libhdf5 otherwise leaves the unwritten part of a partial
            // chunk as whatever its buffer held, so the same data gave different bytes on disk.
            try checked(site, "cannot set the fill time") { H5Pset_fill_time(id, H5D_FILL_TIME_ALLOC) }
            if shuffle { try checked(site, "cannot enable the shuffle filter") { H5Pset_shuffle(id) } }
            if let level = deflateLevel {
                guard (0...9).contains(level) else {
                    throw HDF5Error(.invalidArgument, file: site.file, object: site.object, message: "deflate level must be 0...9, got \(level)")
                }
                try checked(site, "cannot enable deflate") { H5Pset_deflate(id, UInt32(level)) }
            }
        }
        return list
    }
}
