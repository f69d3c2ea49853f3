import Foundation

/// A buffered byte writer on a new file (POSIX `open`/`write`), flushed every MiB, whose errors
/// keep the system's `errno` so a full disk can be reported as such.
public final class ByteSink {
    /// The file being written.
    public let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let flushSize = 1 << 20
    /// Bytes handed to the sink so far (written or buffered).
    public private(set) var byteCount: Int64 = 0

    /// Creates (or truncates) `path` for writing.
    public init(creating path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw InterchangeError.cannotWrite(file: path, reason: String(cString: strerror(errno)), errno: errno)
        }
        buffer.reserveCapacity(flushSize + 4096)
    }

    /// Appends raw bytes.
    @inline(__always) public func write<S: Sequence>(_ bytes: S) throws where S.Element == UInt8 {
        let before = buffer.count
        buffer.append(contentsOf: bytes)
        byteCount += Int64(buffer.count - before)
        if buffer.count >= flushSize { try flush() }
    }

    /// Appends a string as UTF-8.
    @inline(__always) public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write($0) }
    }

    /// Appends one byte.
    @inline(__always) public func write(byte: UInt8) throws {
        buffer.append(byte)
        byteCount += 1
        if buffer.count >= flushSize { try flush() }
    }

    /// Writes the buffer to the file.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        guard descriptor >= 0 else { throw InterchangeError.cannotWrite(file: path, reason: "the file is closed", errno: 0) }
        var offset = 0
        try buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw InterchangeError.cannotWrite(file: path, reason: String(cString: strerror(errno)), errno: errno)
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes, checking both (a full disk may only show here).
    public func close() throws {
        guard descriptor >= 0 else { return }
        defer { descriptor = -1 }
        do { try flush() } catch {
            _ = Foundation.close(descriptor)
            throw error
        }
        if Foundation.close(descriptor) != 0 {
            throw InterchangeError.cannotWrite(file: path, reason: String(cString: strerror(errno)), errno: errno)
        }
    }

    deinit { if descriptor >= 0 { _ = Foundation.close(descriptor) } }
}

/// Reads a text file line by line in 1 MiB blocks (bounded memory), counting lines from 1.
/// Lines end at `\n`; a trailing `\r` (Windows line ends) and a leading UTF-8 byte-order mark
/// are dropped.
public final class TextLines {
    /// The file being read.
    public let path: String
    /// Number of the line last returned (1-based).
    public private(set) var lineNumber = 0
    /// Longest line accepted (a file without line ends would otherwise be read whole).
    public static let maximumLineLength = 64 << 20

    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// Mean line length of the last `nextLines` block.
    private var bytesPerLine = 0

    /// Opens `path` for reading; a missing file or a directory is a `cannotRead` error.
    public init(path: String) throws {
        self.path = path
        try InterchangeError.requireRegularFile(path)
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InterchangeError.cannotRead(file: path, reason: String(cString: strerror(errno))) }
    }

    deinit { if descriptor >= 0 { _ = close(descriptor) } }

    /// Consecutive lines of the file in one buffer (the unit of parallel parsing).
    public struct LineBlock: Sendable {
        /// The lines' bytes, back to back, without their line ends.
        public var bytes: [UInt8] = []
        /// Byte range of each line in `bytes`.
        public var lines: [Range<Int>] = []
        /// Line number (1-based) of `lines[0]`; `lines[i]` is line `firstLineNumber + i`.
        public var firstLineNumber: Int
    }

    /// The next (up to) `maximum` lines, as `next()` returns them (blank lines included, so
    /// line numbers follow from the position), nil at the end of the file.
    public func nextLines(maximum: Int) throws -> LineBlock? {
        var block = LineBlock(firstLineNumber: lineNumber + 1)
        block.lines.reserveCapacity(maximum)
        // Room for as many bytes per line as the last block had, so the buffer rarely grows.
        block.bytes.reserveCapacity(maximum * (bytesPerLine + bytesPerLine / 8 + 1))
        while block.lines.count < maximum {
            // Every whole line in the buffer (up to `maximum`), then one copy of their bytes.
            let offset = block.bytes.count - start
            let end = buffer.withUnsafeBufferPointer { bytes -> Int in
                guard let base = bytes.baseAddress else { return start }
                var position = start
                while block.lines.count < maximum, position < bytes.count,
                      let hit = memchr(base + position, 10, bytes.count - position) {
                    let newline = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                    let line = lineRange(base, position, newline)
                    block.lines.append((line.lowerBound + offset)..<(line.upperBound + offset))
                    position = newline + 1
                }
                return position
            }
            if end > start {
                block.bytes.append(contentsOf: buffer[start..<end])
                start = end
                continue
            }
            if atEnd {
                // The last line, without a line end.
                guard start < buffer.count else { break }
                let line = buffer.withUnsafeBufferPointer { bytes in bytes.baseAddress.map { lineRange($0, start, bytes.count) } }
                if let line { block.lines.append((line.lowerBound + offset)..<(line.upperBound + offset)) }
                block.bytes.append(contentsOf: buffer[start...])
                start = buffer.count
                break
            }
            try refill()
        }
        if !block.lines.isEmpty { bytesPerLine = block.bytes.count / block.lines.count }
        return block.lines.isEmpty ? nil : block
    }

    /// Offset of the next `\n` at or after `start` in the buffer.
    @inline(__always) private func newline() -> Int? {
        buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard start < bytes.count, let base = bytes.baseAddress,
                  let hit = memchr(base + start, 10, bytes.count - start) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
    }

    /// The next line without its line end, or nil at the end of the file.
    public func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = newline() {
                let line = buffer.withUnsafeBufferPointer { bytes in bytes.baseAddress.map { lineRange($0, start, newline) } }
                start = newline + 1
                return line.map { buffer[$0] }
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer.withUnsafeBufferPointer { bytes in bytes.baseAddress.map { lineRange($0, start, bytes.count) } }
                start = buffer.count
                return line.map { buffer[$0] }
            }
            try refill()
        }
    }

    /// Reads more of the file, unless the unfinished line is already too long.
    private func refill() throws {
        guard buffer.count - start <= Self.maximumLineLength else {
            throw InterchangeError.malformed(file: path, line: lineNumber + 1, message: "the line is longer than \(Self.maximumLineLength >> 20) MiB (not a text table?)")
        }
        try fill()
    }

    /// Counts the line `from..<to` of the buffer at `base` (its line end excluded) and returns
    /// it without a trailing `\r` and, on line 1, without a UTF-8 byte-order mark.
    @inline(__always) private func lineRange(_ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Range<Int> {
        lineNumber += 1
        var low = from, high = to
        if high > low && base[high - 1] == 13 { high -= 1 }
        if lineNumber == 1 && high - low >= 3 && base[low] == 0xEF && base[low + 1] == 0xBB && base[low + 2] == 0xBF { low += 3 }
        return low..<high
    }

    private func fill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let chunk = 1 << 20
        let old = buffer.count
        buffer.reserveCapacity(old + chunk)
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        var got = 0
        while true {
            got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + old, chunk) }
            if got < 0 && errno == EINTR { continue }
            break
        }
        if got < 0 {
            let reason = String(cString: strerror(errno))
            buffer.removeSubrange(old...)
            throw InterchangeError.cannotRead(file: path, reason: reason)
        }
        buffer.removeSubrange((old + got)...)
        if got == 0 { atEnd = true }
    }
}

/// Numbers as text: shortest round-trip output and strict parsing.
public enum NumberText {
    /// The shortest decimal that reads back as exactly `value` (Swift's `description`, e.g.
    /// `0.1`, `1e-05`, `-0.0`), which numpy, pandas and strtod parse to the same double.
    @inline(__always) public static func shortest(_ value: Double) -> String { value.description }

    /// The shortest decimal that reads back as exactly `value` when parsed as float32 (and the
    /// same double when parsed as float64 and rounded to float32).
    @inline(__always) public static func shortest(_ value: Float) -> String { value.description }

    /// Parses `text` (surrounding spaces and tabs ignored) as a float64, nil if it is not a
    /// number: `double(bytes:)` on its UTF-8.
    @inline(__always) public static func double<S: StringProtocol>(_ text: S) -> Double? {
        var utf8 = String(text)
        return utf8.withUTF8 { double(buffer: $0) }
    }

    /// Parses the bytes of one field (surrounding spaces and tabs ignored) as a float64, without
    /// making a String (the hot path of CSV and LIBSVM import); nil if the field is not entirely
    /// a number. The result is bit for bit what C's `strtod` gives in the C locale (`DecimalParser`:
    /// a fast correctly rounded path for ordinary decimals, `strtod` itself for the rest, which
    /// keeps `inf`, `nan` and hexadecimal floats as they were).
    @inline(__always) public static func double(bytes: ArraySlice<UInt8>) -> Double? {
        bytes.withUnsafeBufferPointer { double(buffer: $0) }
    }

    /// `double(bytes:)` on a buffer.
    @inline(__always) public static func double(buffer: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let (base, count) = trimmed(buffer) else { return nil }
        return DecimalParser.double(base, count)
    }

    /// The float64 of the number at the start of `buffer` and its length in bytes, when it is
    /// an ordinary decimal that the fast paths read (nil otherwise: read the field with
    /// `double(buffer:)`). A field that ends where the number ends gets the value `double(buffer:)`
    /// gives it, so a line can be parsed in one pass without finding its delimiters first.
    @inline(__always) public static func doublePrefix(buffer: UnsafeBufferPointer<UInt8>) -> (Double, Int)? {
        guard let base = buffer.baseAddress else { return nil }
        return DecimalParser.doublePrefix(base, buffer.count)
    }

    /// `double(bytes:)` for float32: bit for bit `strtof` (one rounding, as `float(_:)`).
    @inline(__always) public static func float(bytes: ArraySlice<UInt8>) -> Float? {
        bytes.withUnsafeBufferPointer { float(buffer: $0) }
    }

    /// `float(bytes:)` on a buffer.
    @inline(__always) public static func float(buffer: UnsafeBufferPointer<UInt8>) -> Float? {
        guard let (base, count) = trimmed(buffer) else { return nil }
        return DecimalParser.float(base, count)
    }

    /// Parses `text` (surrounding spaces and tabs ignored) as a float32 directly (one
    /// rounding), nil if it is not a number: `float(bytes:)` on its UTF-8.
    @inline(__always) public static func float<S: StringProtocol>(_ text: S) -> Float? {
        var utf8 = String(text)
        return utf8.withUTF8 { float(buffer: $0) }
    }

    /// The buffer without leading and trailing spaces and tabs; nil when nothing is left.
    @inline(__always)
    private static func trimmed(_ buffer: UnsafeBufferPointer<UInt8>) -> (UnsafePointer<UInt8>, Int)? {
        guard let base = buffer.baseAddress else { return nil }
        var low = 0, high = buffer.count
        while low < high, base[low] == 32 || base[low] == 9 { low += 1 }
        while high > low, base[high - 1] == 32 || base[high - 1] == 9 { high -= 1 }
        return high > low ? (base + low, high - low) : nil
    }
}
