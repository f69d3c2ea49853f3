import CHDF5
import Parallel
import Foundation

/// Parallel (de)compression of row-chunked, deflated datasets.
///
/// libhdf5 runs its filters on the calling thread, one chunk after another, and its thread-safe
/// build serializes every call. For datasets chunked by whole rows with only shuffle and/or
/// deflate filters, this reads and writes the *raw* chunks (`H5Dread_chunk`, `H5Dwrite_chunk`)
/// and runs the deflate codec (`DeflateCodec`, ISA-L, several times zlib's speed) and the byte
/// shuffle on all cores. The chunks are ordinary zlib streams: libhdf5's own filter, h5py and
/// h5dump read the file as usual.
struct ChunkPipeline {
    let rowsPerChunk: Int
    /// Elements per row (product of the trailing dimensions).
    let rowSize: Int
    let elementSize: Int
    let shuffle: Bool
    let deflateLevel: Int
    /// Rank of the dataset.
    let rank: Int

    var chunkBytes: Int { rowsPerChunk * rowSize * elementSize }

    /// The pipeline of `dataset` when it qualifies: chunked as [rows, full trailing extents],
    /// filters exactly (shuffle?, deflate), stored type identical to `memoryType`.
    static func of(_ dataset: Dataset, memoryType: hid_t, shape: [Int]) -> ChunkPipeline? {
        // Whatever the thread count: which path writes a chunk must not depend on it, or the
        // same data written with other --jobs would give other bytes.
        guard !shape.isEmpty else { return nil }
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
                             elementSize: H5Tget_size(memoryType), shuffle: shuffle, deflateLevel: level, rank: shape.count)
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
            let inflated = raw.withUnsafeBytes { DeflateCodec.inflate($0, room: chunkBytes) }
            guard case .bytes(var plain) = inflated, plain.count == chunkBytes else {
                let reason = if case .corrupt(let status) = inflated { "igzip status \(status)" } else { "not \(chunkBytes) bytes" }
                failure.record(HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath,
                                         message: "corrupt deflate data in chunk at row \(chunkFirstRow) (\(reason))"))
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
    /// of the dataset (a partial last chunk is stored zero-padded, as libhdf5 does). Even one
    /// chunk goes this way: igzip is many times faster than libhdf5's zlib filter.
    func canWrite(firstRow: Int, rowCount: Int, datasetRows: Int) -> Bool {
        firstRow % rowsPerChunk == 0 && (rowCount % rowsPerChunk == 0 || firstRow + rowCount == datasetRows) && rowCount > 0
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
                compressed.set(offset, plain.withUnsafeBytes { DeflateCodec.compress($0, level: deflateLevel) })
            }
            for offset in 0..<count {
                let chunkFirstRow = firstRow + (start + offset) * rowsPerChunk
                guard let bytes = compressed.get(offset) else {
                    throw HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath, message: "the deflate codec failed on the chunk at row \(chunkFirstRow)")
                }
                let origin = [hsize_t(chunkFirstRow)] + [hsize_t](repeating: 0, count: rank - 1)
                try checked(dataset.site(), "cannot write the chunk at row \(chunkFirstRow)") {
                    bytes.withUnsafeBytes { H5Dwrite_chunk(dataset.handle.id, chdf5_p_default(), 0, origin, bytes.count, $0.baseAddress) }
                }
            }
            start += count
        }
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
