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

    /// Whether reading `rows` rows is worth this path: at least an eighth of a chunk. Either way
    /// every chunk touched is inflated whole, here by ISA-L and, for float32 read as float64,
    /// without libhdf5's one-core conversion; below that, libhdf5's chunk cache may hold the
    /// chunk from the previous read. (An out-of-core SVM row block may be shorter than two chunks:
    /// at 10^6 × 20 float32 in 16384-row chunks a pass took 0.54 s through libhdf5, 0.18 s here.)
    func pays(forRows rows: Int) -> Bool { rows * 8 >= rowsPerChunk }

    /// Runs `body` for every index in `0..<count` on all cores.
    static func parallel(_ count: Int, _ body: @Sendable (Int) -> Void) {
        Parallel.forEach(count, body)
    }

    /// Reads rows `rows` into `destination` (row-major, rows.count × rowSize elements). Each
    /// worker reuses one buffer for the stored chunk and one for the inflated chunk.
    func read(_ dataset: Dataset, rows: Range<Int>, into destination: UnsafeMutableRawPointer) throws {
        let firstChunk = rows.lowerBound / rowsPerChunk
        let lastChunk = (rows.upperBound - 1) / rowsPerChunk
        let chunkCount = lastChunk - firstChunk + 1
        let rowBytes = rowSize * elementSize
        let failure = FirstFailure()
        let workers = min(Parallel.threadCount(), chunkCount)
        let buffers = UncheckedSendable((0..<workers).map { _ in ReadBuffers(inflated: chunkBytes) })
        nonisolated(unsafe) let destination = destination
        Parallel.interleaved(chunkCount, threads: workers) { worker, offset in
            let chunkIndex = firstChunk + offset
            let chunkFirstRow = chunkIndex * rowsPerChunk
            let scratch = buffers.value[worker]
            let origin = [hsize_t(chunkFirstRow)] + [hsize_t](repeating: 0, count: rank - 1)
            let read: Result<Int, HDF5Error> = HDF5Library.serialized {
                ErrorStack.silence()
                var stored: hsize_t = 0
                guard H5Dget_chunk_storage_size(dataset.handle.id, origin, &stored) >= 0, stored > 0, stored < Int.max else {
                    return .failure(HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath,
                                              message: "cannot locate chunk at row \(chunkFirstRow)", libraryMessages: ErrorStack.collect()))
                }
                // A deflate stream is at most a few bytes per 16 KiB longer than its data: a larger
                // stored size is damage, not a size to allocate.
                guard Int(stored) <= chunkBytes + chunkBytes / 8 + 4096 else {
                    return .failure(HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath,
                                              message: "chunk at row \(chunkFirstRow) is stored in \(stored) bytes, more than any deflate stream of its \(chunkBytes) bytes (damaged chunk index)"))
                }
                if scratch.stored.count < Int(stored) { scratch.stored = ReadBuffers.uninitialized(Int(stored)) }
                var mask: UInt32 = 0
                let status = scratch.stored.withUnsafeMutableBytes { H5Dread_chunk(dataset.handle.id, chdf5_p_default(), origin, &mask, $0.baseAddress) }
                guard status >= 0, mask == 0 else {
                    return .failure(HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath,
                                              message: "cannot read chunk at row \(chunkFirstRow)", libraryMessages: ErrorStack.collect()))
                }
                return .success(Int(stored))
            }
            let storedBytes: Int
            switch read {
            case let .success(count): storedBytes = count
            case let .failure(error): failure.record(error); return
            }
            let inflated = scratch.stored.withUnsafeBytes { stored in
                scratch.inflated.withUnsafeMutableBytes { DeflateCodec.inflate(UnsafeRawBufferPointer(rebasing: stored[0..<storedBytes]), into: $0) }
            }
            guard case .success(chunkBytes) = inflated else {
                let reason = if case .failure(.corrupt(let status)) = inflated { "igzip status \(status)" } else { "not \(chunkBytes) bytes" }
                failure.record(HDF5Error(.library, file: dataset.filePath, object: dataset.objectPath,
                                         message: "corrupt deflate data in chunk at row \(chunkFirstRow) (\(reason))"))
                return
            }
            let from = max(rows.lowerBound, chunkFirstRow), to = min(rows.upperBound, chunkFirstRow + rowsPerChunk)
            scratch.inflated.withUnsafeBytes { source in
                guard let plain = source.baseAddress else { return }
                let target = destination + (from - rows.lowerBound) * rowBytes
                if shuffle {
                    // Straight from the byte planes into the rows asked for (no unshuffled copy).
                    let first = (from - chunkFirstRow) * rowSize
                    Self.unshuffle(plain.assumingMemoryBound(to: UInt8.self), elements: rowsPerChunk * rowSize,
                                   elementSize: elementSize, range: first..<(first + (to - from) * rowSize), into: target)
                } else {
                    target.copyMemory(from: plain + (from - chunkFirstRow) * rowBytes, byteCount: (to - from) * rowBytes)
                }
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

    /// HDF5's shuffle filter undone for the elements `range` of a chunk of `n` elements whose
    /// byte planes start at `planes` (plane k: byte k of every element), written contiguously to
    /// `destination`. Elements of 8 and 4 bytes go 8 at a time: one 8-byte load per plane, a byte
    /// transpose in registers (three, or two, rounds of masked swaps), one store per element (the
    /// plane-by-plane loop stored every byte on its own and cost as much as inflating the chunk).
    static func unshuffle(_ planes: UnsafePointer<UInt8>, elements n: Int, elementSize: Int, range: Range<Int>,
                          into destination: UnsafeMutableRawPointer) {
        let raw = UnsafeRawPointer(planes)
        var e = range.lowerBound, j = 0
        @inline(__always) func load(_ k: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k * n + e, as: UInt64.self)) }
        @inline(__always) func store64(_ word: UInt64, _ m: Int) { destination.storeBytes(of: word.littleEndian, toByteOffset: 8 * (j + m), as: UInt64.self) }
        @inline(__always) func store32(_ word: UInt64, _ m: Int) {
            destination.storeBytes(of: UInt32(truncatingIfNeeded: word).littleEndian, toByteOffset: 4 * (j + m), as: UInt32.self)
        }
        /// Swaps the blocks of `a` above `shift` bits with the blocks of `b` below it.
        @inline(__always) func swap(_ a: inout UInt64, _ b: inout UInt64, _ shift: UInt64, _ mask: UInt64) {
            let t = ((a >> shift) ^ b) & mask
            a ^= t << shift
            b ^= t
        }
        let m32: UInt64 = 0x0000_0000_FFFF_FFFF, m16: UInt64 = 0x0000_FFFF_0000_FFFF, m8: UInt64 = 0x00FF_00FF_00FF_00FF
        switch elementSize {
        case 8:
            while e + 8 <= range.upperBound {
                var r0 = load(0), r1 = load(1), r2 = load(2), r3 = load(3), r4 = load(4), r5 = load(5), r6 = load(6), r7 = load(7)
                swap(&r0, &r4, 32, m32); swap(&r1, &r5, 32, m32); swap(&r2, &r6, 32, m32); swap(&r3, &r7, 32, m32)
                swap(&r0, &r2, 16, m16); swap(&r1, &r3, 16, m16); swap(&r4, &r6, 16, m16); swap(&r5, &r7, 16, m16)
                swap(&r0, &r1, 8, m8); swap(&r2, &r3, 8, m8); swap(&r4, &r5, 8, m8); swap(&r6, &r7, 8, m8)
                store64(r0, 0); store64(r1, 1); store64(r2, 2); store64(r3, 3); store64(r4, 4); store64(r5, 5); store64(r6, 6); store64(r7, 7)
                e += 8
                j += 8
            }
        case 4:
            while e + 8 <= range.upperBound {
                var r0 = load(0), r1 = load(1), r2 = load(2), r3 = load(3)
                swap(&r0, &r2, 16, m16); swap(&r1, &r3, 16, m16)
                swap(&r0, &r1, 8, m8); swap(&r2, &r3, 8, m8)
                // Row m now holds element m (low half) and element 4 + m (high half).
                store32(r0, 0); store32(r1, 1); store32(r2, 2); store32(r3, 3)
                store32(r0 >> 32, 4); store32(r1 >> 32, 5); store32(r2 >> 32, 6); store32(r3 >> 32, 7)
                e += 8
                j += 8
            }
        default:
            break
        }
        // The rest (and other element sizes) byte by byte.
        let bytes = destination.assumingMemoryBound(to: UInt8.self)
        while e < range.upperBound {
            for k in 0..<elementSize { bytes[j * elementSize + k] = planes[k * n + e] }
            e += 1
            j += 1
        }
    }
}

/// Whether the linked libhdf5 is its thread-safe build, and the lock that stands in for it when
/// not: the raw-chunk calls of `ChunkPipeline` come from several threads, and so do reads of one
/// file by several threads (out-of-core passes).
public enum HDF5Library {
    /// True for a thread-safe build (`H5is_library_threadsafe`; Debian's and conda-forge's are).
    public static let isThreadSafe: Bool = {
        var flag: hbool_t = false
        return H5is_library_threadsafe(&flag) >= 0 && flag
    }()
    private static let lock = NSLock()

    /// Runs `body`, under a process-wide lock unless the library serializes its calls itself.
    public static func serialized<R>(_ body: () throws -> R) rethrows -> R {
        if isThreadSafe { return try body() }
        lock.lock()
        defer { lock.unlock() }
        return try body()
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

/// One worker's buffers of `ChunkPipeline.read`: the stored (compressed) chunk, grown as needed,
/// and the inflated chunk.
final class ReadBuffers {
    var stored: [UInt8] = []
    var inflated: [UInt8]

    init(inflated bytes: Int) { inflated = Self.uninitialized(bytes) }

    /// `bytes` bytes that are read into before they are used: not zero-filled (a pass over them
    /// per read call showed as 6 % of an out-of-core SVM pass).
    static func uninitialized(_ bytes: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes) { _, initialized in initialized = bytes }
    }
}
