import CHDF5
import Parallel
import Foundation

/// Parallel (de)compression of row-chunked, deflated datasets.
///
/// libhdf5 runs its filters on the calling thread, one chunk after another, and its thread-safe
/// build serializes every call. For datasets chunked by whole rows with only shuffle and/or
/// deflate filters, this reads and writes the *raw* chunks (`H5Dread_chunk`, `H5Dwrite_chunk`)
/// and runs zlib and the byte shuffle on all cores. With the standard deflate strategy the bytes
/// on disk are exactly what libhdf5's own filters produce; with `fast` they are another
/// valid zlib stream of the same data. Either way any HDF5 reader (h5py, h5dump) reads the file
/// as usual.
struct ChunkPipeline {
    let rowsPerChunk: Int
    /// Elements per row (product of the trailing dimensions).
    let rowSize: Int
    let elementSize: Int
    let shuffle: Bool
    let deflateLevel: Int
    /// Rank of the dataset.
    let rank: Int
    /// zlib strategy of written chunks.
    var strategy: DatasetOptions.DeflateStrategy = .standard

    var chunkBytes: Int { rowsPerChunk * rowSize * elementSize }

    /// The pipeline of `dataset` when it qualifies: chunked as [rows, full trailing extents],
    /// filters exactly (shuffle?, deflate), stored type identical to `memoryType`.
    static func of(_ dataset: Dataset, memoryType: hid_t, shape: [Int]) -> ChunkPipeline? {
        guard !shape.isEmpty, Parallel.threadCount() > 1 else { return nil }
        ErrorStack.silence()
        let fileType = H5Dget_type(dataset.handle.id)
        guard fileType >= 0 else { _ = ErrorStack.collect(); return nil }
        defer { H5Tclose(fileType) }
        guard H5Tequal(fileType, memoryType) > 0 else { return nil }
        let plist = H5Dget_create_plist(dataset.handle.id)
        guard plist >= 0 else { _ = ErrorStack.collect(); return nil }
        defer { H5Pclose(plist) }
        guard H5Pget_layout(plist) == H5D_CHUNKED else { return nil }
        var chunk = [hsize_t](repeating: 0, count: shape.count)
        guard H5Pget_chunk(plist, Int32(shape.count), &chunk) == Int32(shape.count) else { return nil }
        for axis in 1..<shape.count where Int(chunk[axis]) != shape[axis] { return nil }
        let filters = Int(H5Pget_nfilters(plist))
        var shuffle = false
        var level: Int?
        for index in 0..<filters {
            var flags: UInt32 = 0
            var count = 8
            var values = [UInt32](repeating: 0, count: 8)
            var config: UInt32 = 0
            let id = H5Pget_filter2(plist, UInt32(index), &flags, &count, &values, 0, nil, &config)
            switch id {
            case H5Z_filter_t(H5Z_FILTER_SHUFFLE) where index == 0 && level == nil: shuffle = true
            case H5Z_filter_t(H5Z_FILTER_DEFLATE) where level == nil: level = count > 0 ? Int(values[0]) : 6
            default: return nil
            }
        }
        guard let level else { return nil }
        return ChunkPipeline(rowsPerChunk: Int(chunk[0]), rowSize: shape.dropFirst().reduce(1, *),
                             elementSize: H5Tget_size(memoryType), shuffle: shuffle, deflateLevel: level, rank: shape.count,
                             strategy: dataset.deflateStrategy)
    }

    /// Whether reading or writing `rows` rows is worth the parallel path (at least two chunks).
    func pays(forRows rows: Int) -> Bool { rows >= 2 * rowsPerChunk }

    /// Runs `body` for every index in `0..<count` on all cores.
    static func parallel(_ count: Int, _ body: @Sendable (Int) -> Void) {
        Parallel.forEach(count, body)
    }

    /// Reads rows `rows` into `destination` (row-major, rows.count × rowSize elements).
    func read(_ dataset: Dataset, rows: Range<Int>, into destination: UnsafeMutableRawPointer) throws {
        let firstChunk = rows.lowerBound / rowsPerChunk
        let lastChunk = (rows.upperBound - 1) / rowsPerChunk
        let rowBytes = rowSize * elementSize
        let failure = FirstFailure()
        nonisolated(unsafe) let destination = destination
        Self.parallel(lastChunk - firstChunk + 1) { offset in
            let chunkIndex = firstChunk + offset
            let chunkFirstRow = chunkIndex * rowsPerChunk
            let origin = [hsize_t(chunkFirstRow)] + [hsize_t](repeating: 0, count: rank - 1)
            ErrorStack.silence()
            var stored: hsize_t = 0
            guard H5Dget_chunk_storage_size(dataset.handle.id, origin, &stored) >= 0, stored > 0 else {
                failure.record(HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath,
                                         message: "cannot locate chunk at row \(chunkFirstRow)", libraryMessages: ErrorStack.collect()))
                return
            }
            var raw = [UInt8](repeating: 0, count: Int(stored))
            var mask: UInt32 = 0
            let status = raw.withUnsafeMutableBytes { H5Dread_chunk(dataset.handle.id, chdf5_p_default(), origin, &mask, $0.baseAddress) }
            guard status >= 0, mask == 0 else {
                failure.record(HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath,
                                         message: "cannot read chunk at row \(chunkFirstRow)", libraryMessages: ErrorStack.collect()))
                return
            }
            let (inflated, zlibStatus) = Self.inflate(raw, count: chunkBytes)
            guard var plain = inflated else {
                failure.record(HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath,
                                         message: "corrupt deflate data in chunk at row \(chunkFirstRow) (zlib status \(zlibStatus))"))
                return
            }
            if shuffle { plain = Self.unshuffle(plain, elementSize: elementSize) }
            let from = max(rows.lowerBound, chunkFirstRow), to = min(rows.upperBound, chunkFirstRow + rowsPerChunk)
            plain.withUnsafeBytes { source in
                (destination + (from - rows.lowerBound) * rowBytes)
                    .copyMemory(from: source.baseAddress! + (from - chunkFirstRow) * rowBytes, byteCount: (to - from) * rowBytes)
            }
        }
        if let error = failure.error { throw error }
    }

    /// Whether rows `firstRow ..< firstRow + rowCount` of a dataset with `datasetRows` rows can be
    /// written as whole chunks: the block starts on a chunk boundary and ends on one or at the end
    /// of the dataset (a partial last chunk is stored zero-padded, as libhdf5 does). With the
    /// `fast` strategy a single chunk goes this way too (libhdf5's filter would use zlib's
    /// default strategy, several times slower).
    func canWrite(firstRow: Int, rowCount: Int, datasetRows: Int) -> Bool {
        firstRow % rowsPerChunk == 0 && (rowCount % rowsPerChunk == 0 || firstRow + rowCount == datasetRows)
            && rowCount > 0 && (pays(forRows: rowCount) || strategy == .fast)
    }

    /// Writes `rowCount` rows from `source` (row-major) starting at `firstRow`, compressing on all
    /// cores. Only call when `canWrite` holds.
    func write(_ dataset: Dataset, firstRow: Int, rowCount: Int, from source: UnsafeRawPointer) throws {
        let chunkCount = (rowCount + rowsPerChunk - 1) / rowsPerChunk
        let rowBytes = rowSize * elementSize
        let batch = max(2, 2 * Parallel.threadCount())
        nonisolated(unsafe) let source = source
        var start = 0
        while start < chunkCount {
            let count = min(batch, chunkCount - start)
            let batchStart = start
            let compressed = ChunkBuffers(count)
            Self.parallel(count) { offset in
                let blockRow = (batchStart + offset) * rowsPerChunk
                let rows = min(rowsPerChunk, rowCount - blockRow)
                var plain = [UInt8](repeating: 0, count: chunkBytes)   // edge chunks are stored full size, zero-padded
                plain.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: source + blockRow * rowBytes, byteCount: rows * rowBytes) }
                if shuffle { plain = Self.shuffled(plain, elementSize: elementSize) }
                compressed.set(offset, Self.deflate(plain, level: deflateLevel, strategy: strategy, planes: shuffle ? elementSize : 1))
            }
            for offset in 0..<count {
                let chunkFirstRow = firstRow + (start + offset) * rowsPerChunk
                guard let bytes = compressed.get(offset) else {
                    throw HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath, message: "zlib failed on the chunk at row \(chunkFirstRow)")
                }
                let origin = [hsize_t(chunkFirstRow)] + [hsize_t](repeating: 0, count: rank - 1)
                try checked(dataset.site(), "cannot write the chunk at row \(chunkFirstRow)") {
                    bytes.withUnsafeBytes { H5Dwrite_chunk(dataset.handle.id, chdf5_p_default(), 0, origin, bytes.count, $0.baseAddress) }
                }
            }
            start += count
        }
    }

    /// The `count` bytes of the zlib stream `stream`, nil (and zlib's status) if it does not
    /// inflate to exactly `count` bytes.
    static func inflate(_ stream: [UInt8], count: Int) -> ([UInt8]?, Int32) {
        var plain = [UInt8](repeating: 0, count: count)
        var length = uLongf(count)
        let status = plain.withUnsafeMutableBytes { out in
            stream.withUnsafeBytes { uncompress(out.baseAddress?.assumingMemoryBound(to: Bytef.self), &length,
                                                $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(stream.count)) }
        }
        return status == Z_OK && Int(length) == count ? (plain, status) : (nil, status)
    }

    /// One zlib stream of `plain` (what HDF5's deflate filter stores), nil if zlib fails. `planes`:
    /// the byte planes of a shuffled chunk (the element size; 1 without shuffle).
    static func deflate(_ plain: [UInt8], level: Int, strategy: DatasetOptions.DeflateStrategy, planes: Int) -> [UInt8]? {
        switch strategy {
        case .standard:
            var length = compressBound(uLong(plain.count))
            var out = [UInt8](repeating: 0, count: Int(length))
            let status = out.withUnsafeMutableBytes { o in
                plain.withUnsafeBytes { compress2(o.baseAddress?.assumingMemoryBound(to: Bytef.self), &length,
                                                  $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(plain.count), Int32(level)) }
            }
            return status == Z_OK ? Array(out.prefix(Int(length))) : nil
        case .fast:
            if let stream = fastDeflate(plain, level: level, planes: planes) { return stream }
            return deflate(plain, level: level, strategy: .standard, planes: planes)
        }
    }

    /// The `fast` strategy: one zlib stream, the random-looking byte planes of `plain` in stored
    /// blocks, the others through `Z_RLE`; nil if zlib fails.
    static func fastDeflate(_ plain: [UInt8], level: Int, planes: Int) -> [UInt8]? {
        var stream = z_stream()
        guard deflateInit2_(&stream, Int32(level), Z_DEFLATED, 15, 8, Z_RLE, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let planeBytes = plain.count / max(planes, 1)
        // Stored blocks cost 5 bytes per 64 KiB, each change of parameters ends a block.
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(plain.count))) + 64 * planes + 1024)
        let status = out.withUnsafeMutableBytes { o -> Int32 in
            plain.withUnsafeBytes { input -> Int32 in
                guard let source = input.baseAddress?.assumingMemoryBound(to: UInt8.self),
                      let target = o.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return Z_STREAM_ERROR }
                stream.next_out = target
                stream.avail_out = uInt(o.count)
                var stored = false
                for plane in 0..<planes {
                    let start = plane * planeBytes
                    let count = plane == planes - 1 ? input.count - start : planeBytes
                    let random = looksRandom(source + start, count)
                    if random != stored {
                        guard deflateParams(&stream, random ? 0 : Int32(level), random ? Z_DEFAULT_STRATEGY : Z_RLE) == Z_OK else { return Z_STREAM_ERROR }
                        stored = random
                    }
                    stream.next_in = UnsafeMutablePointer(mutating: source + start)
                    stream.avail_in = uInt(count)
                    let last = plane == planes - 1
                    let result = CHDF5.deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
                    if last { return result }
                    guard result == Z_OK, stream.avail_in == 0 else { return Z_STREAM_ERROR }
                }
                return Z_STREAM_ERROR
            }
        }
        return status == Z_STREAM_END ? Array(out.prefix(Int(stream.total_out))) : nil
    }

    /// Whether `count` bytes look random: byte entropy of at least 7.9 bits (Huffman codes
    /// would save under 1.3 %).
    static func looksRandom(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard count >= 4096 else { return false }
        var histogram = [Int](repeating: 0, count: 256)
        histogram.withUnsafeMutableBufferPointer { bins in
            for i in 0..<count { bins[Int(bytes[i])] += 1 }
        }
        let total = Double(count)
        var entropy = 0.0
        for n in histogram where n > 0 {
            let p = Double(n) / total
            entropy -= p * log2(p)
        }
        return entropy >= 7.9
    }

    /// HDF5's shuffle filter: byte k of every element goes to block k.
    static func shuffled(_ bytes: [UInt8], elementSize: Int) -> [UInt8] {
        guard elementSize > 1 else { return bytes }
        let n = bytes.count / elementSize
        var out = [UInt8](repeating: 0, count: bytes.count)
        bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                if elementSize == 8, let source = input.baseAddress, let target = output.baseAddress {
                    // float64 and int64: one load per element, eight sequential streams of stores.
                    let raw = UnsafeRawPointer(source)
                    for i in 0..<n {
                        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                        for k in 0..<8 { target[k * n + i] = UInt8(truncatingIfNeeded: word >> UInt64(8 * k)) }
                    }
                    return
                }
                for k in 0..<elementSize { for i in 0..<n { output[k * n + i] = input[i * elementSize + k] } }
            }
        }
        return out
    }

    static func unshuffle(_ bytes: [UInt8], elementSize: Int) -> [UInt8] {
        guard elementSize > 1 else { return bytes }
        let n = bytes.count / elementSize
        var out = [UInt8](repeating: 0, count: bytes.count)
        bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                for k in 0..<elementSize { for i in 0..<n { output[i * elementSize + k] = input[k * n + i] } }
            }
        }
        return out
    }
}

/// The first error raised by any worker of a parallel loop.
private final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: HDF5Error?
    func record(_ error: HDF5Error) { lock.withLock { if self.error == nil { self.error = error } } }
}

/// Per-chunk outputs of a parallel loop.
private final class ChunkBuffers: @unchecked Sendable {
    private let lock = NSLock()
    private var buffers: [[UInt8]?]
    init(_ count: Int) { buffers = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: [UInt8]?) { lock.withLock { buffers[index] = value } }
    func get(_ index: Int) -> [UInt8]? { lock.withLock { buffers[index] } }
}
