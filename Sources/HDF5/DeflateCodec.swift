import CISAL
import Foundation

/// zlib-format deflate streams (RFC 1950/1951) through Intel ISA-L's igzip, the codec of the
/// deflated HDF5 chunks softness reads and writes in bulk.
///
/// Measured on this project's tables (1 MiB shuffled chunks, one core): igzip level 1 compresses
/// at 0.9–1.3 GB/s, against 51–62 MB/s for zlib level 4 (libhdf5's codec, the previous default) and
/// 100 MB/s for libdeflate, at the same ratio (0.885 vs 0.884 on float64 features, 0.814 vs 0.800
/// on float32); it inflates at 1.0–1.9 GB/s against 0.8–0.9 GB/s for zlib (BENCHMARKS.md,
/// "Deflate codecs"). The streams are ordinary zlib streams: h5py, h5dump and zlib's own
/// `uncompress` read them (tested). libhdf5 1.10 refuses to replace its predefined deflate filter
/// (`H5Zregister`: "unable to modify predefined filters"), so the codec runs where softness
/// handles raw chunks (`ChunkPipeline`: every chunk-aligned write and every read of two chunks
/// or more, whatever the thread count); other pieces go through libhdf5's zlib filter, which
/// reads and writes the same format.
enum DeflateCodec {
    /// The igzip level for an HDF5 deflate level 0–9 (igzip has 0–3; 1 and 2 differ little).
    static func isalLevel(_ level: Int) -> UInt32 {
        switch level {
        case ..<1: 0
        case 1...3: 1
        case 4...6: 2
        default: 3
        }
    }

    /// One zlib stream of `source` at HDF5 deflate `level`; nil only if igzip fails.
    static func compress(_ source: UnsafeRawBufferPointer, level: Int) -> [UInt8]? {
        guard source.count < Int(UInt32.max) / 2 else { return nil }
        // igzip stops with STATELESS_OVERFLOW when the output does not fit; random bytes grow a
        // little, so a second try gets room for stored blocks.
        for room in [source.count + source.count / 16 + 1024, 2 * source.count + 65_536] {
            if let stream = compress(source, level: isalLevel(level), capacity: room) { return stream }
        }
        return nil
    }

    private static func compress(_ source: UnsafeRawBufferPointer, level: UInt32, capacity: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: capacity)
        let bufferSize = Int(cisal_level_buffer_size(level))
        // Both zeroed: igzip leaves fields and its hash table (the level buffer) as it finds them,
        // and whatever the allocator handed out changed the matches found, so the same chunk
        // compressed to other bytes from run to run.
        let levelBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bufferSize, 1))
        levelBuffer.initialize(repeating: 0, count: max(bufferSize, 1))
        defer { levelBuffer.deallocate() }
        let stream = UnsafeMutablePointer<isal_zstream>.allocate(capacity: 1)
        UnsafeMutableRawPointer(stream).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<isal_zstream>.size)
        defer { stream.deallocate() }
        isal_deflate_stateless_init(stream)
        stream.pointee.level = level
        stream.pointee.level_buf = levelBuffer
        stream.pointee.level_buf_size = UInt32(bufferSize)
        stream.pointee.gzip_flag = UInt16(IGZIP_ZLIB)
        stream.pointee.end_of_stream = 1
        stream.pointee.flush = UInt16(NO_FLUSH)
        let written: Int? = out.withUnsafeMutableBytes { target in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = UInt32(source.count)
            stream.pointee.next_out = target.baseAddress?.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(target.count)
            let status = isal_deflate_stateless(stream)
            cisal_clear_upper_vector_state()
            return status == COMP_OK ? Int(stream.pointee.total_out) : nil
        }
        guard let written else { return nil }
        out.removeSubrange(written...)
        return out
    }

    /// The outcome of inflating one stream.
    enum Inflated {
        case bytes([UInt8])
        /// The stream inflates to more than the room given.
        case tooLarge
        /// Not a valid zlib stream (igzip's status).
        case corrupt(Int32)
    }

    /// Inflates the zlib stream `stream` into at most `room` bytes (the header and the Adler-32
    /// trailer are checked).
    static func inflate(_ stream: UnsafeRawBufferPointer, room: Int) -> Inflated {
        guard room < Int(UInt32.max) else { return .tooLarge }
        var written: Result<Int, InflateFailure> = .failure(.tooLarge)
        let out = [UInt8](unsafeUninitializedCapacity: room) { buffer, initialized in
            written = inflate(stream, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = (try? written.get()) ?? 0
        }
        switch written {
        case .success: return .bytes(out)
        case .failure(.tooLarge): return .tooLarge
        case .failure(.corrupt(let status)): return .corrupt(status)
        }
    }

    /// Why a stream could not be inflated into the room given.
    enum InflateFailure: Error {
        case tooLarge
        case corrupt(Int32)
    }

    /// Inflates the zlib stream `stream` into `target` (header and Adler-32 trailer checked) and
    /// returns the number of bytes written: for reusing one buffer across many chunks.
    static func inflate(_ stream: UnsafeRawBufferPointer, into target: UnsafeMutableRawBufferPointer) -> Result<Int, InflateFailure> {
        guard stream.count < Int(UInt32.max), target.count < Int(UInt32.max) else { return .failure(.tooLarge) }
        let state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
        UnsafeMutableRawPointer(state).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<inflate_state>.size)
        defer { state.deallocate() }
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_ZLIB)
        state.pointee.next_in = UnsafeMutablePointer(mutating: stream.baseAddress?.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(stream.count)
        state.pointee.next_out = target.baseAddress?.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(target.count)
        let status = isal_inflate_stateless(state)
        cisal_clear_upper_vector_state()
        switch status {
        case ISAL_DECOMP_OK: return .success(Int(state.pointee.total_out))
        case ISAL_OUT_OVERFLOW: return .failure(.tooLarge)
        default: return .failure(.corrupt(status))
        }
    }

    /// Inflates a stream of unknown inflated size: room grows ×4 up to `limit` bytes.
    static func inflate(_ stream: UnsafeRawBufferPointer, limit: Int) -> Inflated {
        var room = min(limit, max(65_536, 4 * stream.count))
        while true {
            let result = inflate(stream, room: room)
            guard case .tooLarge = result, room < limit else { return result }
            room = min(limit, 4 * room)
        }
    }
}
