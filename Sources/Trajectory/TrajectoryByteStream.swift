import Foundation
import CISAL
import CZstd
import HDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a trajectory or log file is stored, from its first bytes.
enum TrajectoryCompression: Sendable {
    case none, gzip, zstd

    /// `1f 8b` gzip, `28 b5 2f fd` Zstandard, anything else plain text.
    init(magic: [UInt8]) {
        if magic.starts(with: [0x1f, 0x8b]) { self = .gzip } else if magic.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { self = .zstd } else { self = .none }
    }

    /// Bytes one compressed byte can expand to at most (deflate ~1032:1; a Zstandard frame can
    /// describe any size, so its bound is the decompression-bomb limit of `TrajectoryZstdSource`).
    var maximumRatio: Int {
        switch self {
        case .none: return 1
        case .gzip: return 1032
        case .zstd: return DecompressionBound.maximumRatio
        }
    }

    /// Opens the file as a plain, gzip or Zstandard byte source, as its first bytes say.
    static func open(_ path: String) throws -> (source: TrajectoryByteSource, compression: TrajectoryCompression) {
        let compression = TrajectoryCompression(magic: try trajectoryFilePrefix(path, count: 4))
        switch compression {
        case .none: return (try TrajectoryFileSource(path: path), compression)
        case .gzip: return (try TrajectoryGzipSource(path: path), compression)
        case .zstd: return (try TrajectoryZstdSource(path: path), compression)
        }
    }
}

/// A forward-only source of bytes: a plain file, or a gzip or Zstandard file decompressed on the fly.
protocol TrajectoryByteSource: AnyObject {
    /// Reads up to `count` bytes into `buffer`; returns 0 at the end of the data.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int
    /// Releases the file descriptor (and stops a decompressor that is still running).
    func close()
}

/// Reads a file with POSIX `read(2)`.
final class TrajectoryFileSource: TrajectoryByteSource {
    private var descriptor: Int32
    private let path: String

    init(path: String) throws {
        self.path = path
        // A FIFO or device would block or never end: only regular files are read.
        // (A missing file is left to open(2), whose message the tests and users know.)
        if let problem = InputLimits.regularFileProblem(path), problem.hasPrefix("is ") {
            throw TrajectoryError(.unreadable, file: path, message: "\(problem); give a trajectory file")
        }
        descriptor = open(path, O_RDONLY)
        if descriptor < 0 {
            let reason = String(cString: strerror(errno))
            throw TrajectoryError(.unreadable, file: path, message: "cannot open the file (\(reason))")
        }
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(descriptor, buffer, count)
            #else
            let n = Darwin.read(descriptor, buffer, count)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            throw TrajectoryError(.unreadable, file: path, message: "read failed (\(reason))")
        }
    }

    func close() {
        if descriptor >= 0 {
            #if canImport(Glibc)
            _ = Glibc.close(descriptor)
            #else
            _ = Darwin.close(descriptor)
            #endif
            descriptor = -1
        }
    }

    deinit { close() }
}

/// The decompressed bytes of a gzip file, inflated in this process by ISA-L's igzip (about twice
/// zlib's speed; no `gzip -dc` child). Concatenated members (`cat a.gz b.gz`) are read one after
/// the other as gzip does; every member's CRC-32 and length are checked. Decompression stops with
/// an error past `maximumRatio` times the file's size (a decompression bomb).
final class TrajectoryGzipSource: TrajectoryByteSource {
    private let input: CompressedInput
    private var path: String { input.path }
    private let state = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
    private var finished = false

    init(path: String) throws {
        input = try CompressedInput(path: path, tool: "gzip -dc")
        UnsafeMutableRawPointer(state).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<inflate_state>.size)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
        state.pointee.avail_in = 0
    }

    /// Refills the input buffer when it is empty; false at the end of the file.
    private func refill() throws -> Bool {
        if state.pointee.avail_in > 0 { return true }
        let n = try input.refill()
        if n == 0 { return false }
        state.pointee.next_in = input.buffer
        state.pointee.avail_in = UInt32(n)
        return true
    }

    private func damaged(_ what: String) -> TrajectoryError {
        TrajectoryError(.decompression, file: path, message: "damaged gzip data: \(what); check the file with `gzip -t`")
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while !finished {
            let more = try refill()
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                // One member done: the file ends here, or another member starts.
                guard more else { finished = true; break }
                guard state.pointee.avail_in < 2 || (state.pointee.next_in[0] == 0x1f && state.pointee.next_in[1] == 0x8b) else {
                    throw damaged("\(state.pointee.avail_in) bytes after the end of the compressed data are not another gzip member")
                }
                let next = state.pointee.next_in, available = state.pointee.avail_in
                isal_inflate_reset(state)
                state.pointee.crc_flag = UInt32(ISAL_GZIP)
                state.pointee.next_in = next
                state.pointee.avail_in = available
            }
            if !more && state.pointee.avail_in == 0 {
                throw damaged(input.bound.produced == 0 && state.pointee.total_out == 0 ? "the file is empty or holds no complete gzip header"
                                                                               : "the file ends in the middle of the compressed data (truncated?)")
            }
            state.pointee.next_out = buffer
            state.pointee.avail_out = UInt32(clamping: count)
            let status = isal_inflate(state)
            cisal_clear_upper_vector_state()
            let n = Int(UInt32(clamping: count) - state.pointee.avail_out)
            switch status {
            case ISAL_DECOMP_OK, ISAL_END_INPUT, ISAL_OUT_OVERFLOW: break
            case ISAL_INCORRECT_CHECKSUM: throw damaged("the CRC-32 or length in a member's trailer does not match its data")
            case ISAL_INVALID_WRAPPER, ISAL_UNSUPPORTED_METHOD: throw damaged("not a gzip header (or not deflate-compressed)")
            default: throw damaged("invalid deflate data (igzip status \(status))")
            }
            if n > 0 {
                do { try input.bound.add(n) } catch { close(); throw error }
                return n
            }
        }
        return 0
    }

    func close() {
        finished = true
        input.close()
    }

    deinit { state.deallocate() }
}

/// The compressed bytes of a trajectory file, read 1 MiB at a time into one buffer (the decoders
/// keep pointers into it between calls), with the decompression-bomb bound of what they produce.
final class CompressedInput {
    let path: String
    /// The bytes read last (`capacity` at most).
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    static let capacity = 1 << 20
    var bound: DecompressionBound
    private let file: TrajectoryFileSource
    private var endOfFile = false

    /// Opens `path`; `tool` is the command that decompresses it by hand (for the bomb message).
    init(path: String, tool: String) throws {
        self.path = path
        do { file = try TrajectoryFileSource(path: path) } catch { buffer.deallocate(); throw error }
        bound = DecompressionBound(path: path, tool: tool)
    }

    /// Reads the next bytes of the file into `buffer`; 0 at the end of the file (and after).
    func refill() throws -> Int {
        if endOfFile { return 0 }
        let n = try file.read(into: buffer, count: Self.capacity)
        if n == 0 { endOfFile = true }
        return n
    }

    func close() { file.close() }

    deinit {
        file.close()
        buffer.deallocate()
    }
}

/// The decompression-bomb bound of a compressed trajectory: at most `maximumRatio` decompressed
/// bytes per byte of the file (text dumps of coordinates compress 2–10 times, a bomb ~1000 times),
/// not checked below `ratioFloor` (small, repetitive test files).
struct DecompressionBound {
    /// Decompressed bytes allowed per byte of the file.
    static let maximumRatio = 200
    /// Below this many decompressed bytes the ratio is not checked.
    static let ratioFloor = 64 << 20
    let path: String
    /// The command that decompresses such a file by hand, for the message.
    let tool: String
    let limit: Int
    /// Decompressed bytes so far.
    private(set) var produced = 0

    init(path: String, tool: String) {
        self.path = path
        self.tool = tool
        let compressed = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
        let (allowed, overflow) = compressed.multipliedReportingOverflow(by: Self.maximumRatio)
        limit = overflow ? Int.max : max(allowed, Self.ratioFloor)
    }

    /// Counts `bytes` more decompressed bytes.
    /// - Throws: `.decompression` once they exceed the limit.
    mutating func add(_ bytes: Int) throws {
        produced += bytes
        guard produced > limit else { return }
        throw TrajectoryError(.decompression, file: path, message: "decompresses to more than \(limit >> 20) MiB, over \(Self.maximumRatio) times its size: a decompression bomb or not a trajectory; if it is a real dump, decompress it first (\(tool)) and give the plain file")
    }
}

/// The decompressed bytes of a Zstandard file (`.zst`, libzstd's streaming decoder, in this
/// process). Concatenated frames are read one after the other as `zstd -d` does; every frame's
/// checksum is checked when it has one. Decompression stops with an error past `maximumRatio`
/// times the file's size (a decompression bomb), as for gzip.
final class TrajectoryZstdSource: TrajectoryByteSource {
    private let input: CompressedInput
    private var path: String { input.path }
    private let stream: OpaquePointer
    private var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var finished = false
    /// True inside a frame (the decoder expects more of it), false between frames.
    private var frameOpen = false

    init(path: String) throws {
        input = try CompressedInput(path: path, tool: "zstd -d")
        guard let stream = ZSTD_createDStream() else {
            input.close()
            throw TrajectoryError(.decompression, file: path, message: "cannot start the Zstandard decoder (out of memory)")
        }
        self.stream = stream
        ZSTD_initDStream(stream)
    }

    private func damaged(_ what: String) -> TrajectoryError {
        TrajectoryError(.decompression, file: path, message: "damaged Zstandard data: \(what); check the file with `zstd -t`")
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while !finished {
            if inBuffer.pos == inBuffer.size {
                let n = try input.refill()
                if n == 0 {
                    finished = true
                    let produced = input.bound.produced
                    if frameOpen || produced == 0 {
                        throw damaged(produced == 0 && !frameOpen ? "the file holds no complete Zstandard frame" : "the file ends in the middle of a frame (truncated?)")
                    }
                    break
                }
                inBuffer = ZSTD_inBuffer(src: UnsafeRawPointer(input.buffer), size: n, pos: 0)
            }
            var outBuffer = ZSTD_outBuffer(dst: UnsafeMutableRawPointer(buffer), size: count, pos: 0)
            let hint = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
            if ZSTD_isError(hint) != 0 {
                throw damaged(String(cString: ZSTD_getErrorName(hint)))
            }
            // 0: a frame ended (another may follow); otherwise more input or output is due.
            frameOpen = hint != 0
            if outBuffer.pos > 0 {
                do { try input.bound.add(outBuffer.pos) } catch { close(); throw error }
                return outBuffer.pos
            }
        }
        return 0
    }

    func close() {
        finished = true
        input.close()
    }

    deinit { ZSTD_freeDStream(stream) }
}

/// Line-by-line access to a byte source through one reusable buffer (1 MiB, grown only for a
/// longer line, up to `maximumLineLength`). Lines are returned as byte ranges that stay valid
/// until the next call.
final class TrajectoryLineReader {
    /// A longer line is an error: dump lines are short, and a binary or damaged file must not
    /// grow the buffer without bound.
    static let maximumLineLength = 16 << 20
    private let source: TrajectoryByteSource
    private let path: String
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEnd = false
    /// A read error met while reading ahead (`nextLineBlock`), raised by the next real refill.
    private var pendingError: Error?
    /// Number of the line last returned (1-based); 0 before the first.
    private(set) var lineNumber = 0

    init(source: TrajectoryByteSource, path: String, capacity: Int = 1 << 20) {
        self.source = source
        self.path = path
        self.capacity = max(capacity, 64)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit {
        buffer.deallocate()
        source.close()
    }

    /// The next line without its `\n` (and a trailing `\r`), or nil at the end of the input.
    @inline(__always)
    func nextLine() throws -> UnsafeBufferPointer<UInt8>? {
        while true {
            if start < end, let found = memchr(buffer + start, 10, end - start) {
                let newline = found.assumingMemoryBound(to: UInt8.self)
                let lineStart = buffer + start
                var length = newline - lineStart
                start += length + 1
                lineNumber += 1
                if length > 0 && lineStart[length - 1] == 13 { length -= 1 }
                return UnsafeBufferPointer(start: lineStart, count: length)
            }
            if atEnd {
                guard start < end else { return nil }
                let lineStart = buffer + start
                var length = end - start
                start = end
                lineNumber += 1
                if length > 0 && lineStart[length - 1] == 13 { length -= 1 }
                return UnsafeBufferPointer(start: lineStart, count: length)
            }
            try refill()
        }
    }

    /// Up to `maximum` complete lines at once, for parsing a block of lines in parallel: the
    /// buffer base and the number of lines `n`, with `starts[0...n]` set so that line `k` is
    /// `base[starts[k] ..< starts[k + 1] - 1]` (before the `\r` check: a line's last byte may be
    /// a `\r` the caller drops, as `nextLine` does). The lines stay valid until the next call;
    /// `lineNumber` is advanced past them. Nil at the end of the input.
    ///
    /// When less than half the buffer is filled it reads more first, so blocks are large; a read
    /// error met there is kept and raised only when the data before it has been used up (where
    /// `nextLine` would have met it).
    func nextLineBlock(maximum: Int, starts: inout [Int]) throws -> (base: UnsafePointer<UInt8>, count: Int)? {
        guard maximum > 0 else { return nil }
        if !atEnd && pendingError == nil && end - start < capacity / 2 {
            do { try refill() } catch { pendingError = error }
        }
        starts.removeAll(keepingCapacity: true)
        while true {
            var position = start
            var found = 0
            while found < maximum && position < end, let newline = memchr(buffer + position, 10, end - position) {
                starts.append(position)
                position = newline.assumingMemoryBound(to: UInt8.self) - buffer + 1
                found += 1
            }
            if found == 0 && atEnd && start < end {
                // The last line, without a final newline.
                starts.append(start)
                position = end + 1
                found = 1
            }
            if found > 0 {
                starts.append(position)
                start = min(position, end)
                lineNumber += found
                return (UnsafePointer(buffer), found)
            }
            if atEnd { return nil }
            try refill()
        }
    }

    private func refill() throws {
        if let error = pendingError {
            pendingError = nil
            throw error
        }
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { memmove(buffer, buffer + start, remaining) }
            start = 0
            end = remaining
        }
        if end == capacity {
            guard capacity < Self.maximumLineLength else {
                throw TrajectoryError(.malformed, file: path, line: lineNumber + 1,
                                      message: "the line is longer than \(Self.maximumLineLength >> 20) MiB: not a text dump (a binary or damaged file?)")
            }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
        }
        let n = try source.read(into: buffer + end, count: capacity - end)
        if n == 0 { atEnd = true } else { end += n }
    }
}

/// Reads the first `count` bytes of a file (fewer if it is shorter), for format detection.
func trajectoryFilePrefix(_ path: String, count: Int) throws -> [UInt8] {
    let source = try TrajectoryFileSource(path: path)
    defer { source.close() }
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    try bytes.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        while filled < count {
            let n = try source.read(into: base + filled, count: count - filled)
            if n == 0 { break }
            filled += n
        }
    }
    return Array(bytes.prefix(filled))
}
