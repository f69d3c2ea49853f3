import Foundation
import HDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward-only source of bytes: a plain file or the output of `gzip -dc`.
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

/// Streams the decompressed content of a gzip file from a `gzip -dc FILE` child process, so
/// memory stays bounded by the pipe and the line buffer whatever the file size.
///
/// A decompression-bomb guard stops the stream once it has produced more than
/// `maximumRatio` bytes per compressed byte (and more than `ratioFloor` bytes): text dumps of
/// particle coordinates compress 2–10 times, a bomb ~1000 times.
final class TrajectoryGzipSource: TrajectoryByteSource {
    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let path: String
    private var finished = false
    private var produced = 0
    private let limit: Int
    /// Decompressed bytes allowed per byte of the gzip file.
    static let maximumRatio = 200
    /// Below this many decompressed bytes the ratio is not checked (small, repetitive test files).
    static let ratioFloor = 64 << 20

    /// Candidate locations of the gzip executable.
    static let gzipPaths = ["/bin/gzip", "/usr/bin/gzip", "/usr/local/bin/gzip", "/opt/homebrew/bin/gzip"]

    init(path: String) throws {
        self.path = path
        let compressed = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
        let (allowed, overflow) = compressed.multipliedReportingOverflow(by: Self.maximumRatio)
        limit = overflow ? Int.max : max(allowed, Self.ratioFloor)
        guard let gzip = Self.gzipPaths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TrajectoryError(.decompression, file: path, message: "cannot decompress: no gzip executable found in \(Self.gzipPaths.joined(separator: ", "))")
        }
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-dc", "--", path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        #if os(Linux)
        // A 1 MiB pipe (F_SETPIPE_SZ) instead of 64 KiB: fewer context switches between gzip and
        // the parser; failure (a lower system limit) is harmless.
        _ = fcntl(output.fileHandleForWriting.fileDescriptor, 1031 /* F_SETPIPE_SZ */, Int32(1 << 20))
        #endif
        do {
            try process.run()
        } catch {
            throw TrajectoryError(.decompression, file: path, message: "cannot start \(gzip): \(error)")
        }
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        if finished { return 0 }
        let descriptor = output.fileHandleForReading.fileDescriptor
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(descriptor, buffer, count)
            #else
            let n = Darwin.read(descriptor, buffer, count)
            #endif
            if n > 0 {
                produced += n
                if produced > limit {
                    close()
                    throw TrajectoryError(.decompression, file: path, message: "decompresses to more than \(limit >> 20) MiB, over \(Self.maximumRatio) times its size: a decompression bomb or not a trajectory; if it is a real dump, decompress it first (gzip -dc) and give the plain file")
                }
                return n
            }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw TrajectoryError(.decompression, file: path, message: "reading gzip output failed (\(reason))")
            }
            // End of the stream: gzip has closed its output; check that it succeeded, so a
            // damaged archive is reported as such and not as a truncated dump.
            finished = true
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                let data = errors.fileHandleForReading.availableData
                let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw TrajectoryError(.decompression, file: path,
                                      message: "gzip failed (exit status \(process.terminationStatus))" + (text.isEmpty ? "" : ": \(text)"))
            }
            return 0
        }
    }

    func close() {
        guard !finished else { return }
        finished = true
        // Closing our end makes gzip stop with SIGPIPE if it is still writing.
        try? output.fileHandleForReading.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { close() }
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
