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

    /// Opens `path` for reading; a missing file or a directory is a `cannotRead` error.
    public init(path: String) throws {
        self.path = path
        try InterchangeError.requireRegularFile(path)
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InterchangeError.cannotRead(file: path, reason: String(cString: strerror(errno))) }
    }

    deinit { if descriptor >= 0 { _ = close(descriptor) } }

    /// The next line without its line end, or nil at the end of the file.
    public func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                var line = buffer[start..<newline]
                start = newline + 1
                return finish(&line)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                var line = buffer[start...]
                start = buffer.count
                return finish(&line)
            }
            guard buffer.count - start <= Self.maximumLineLength else {
                throw InterchangeError.malformed(file: path, line: lineNumber + 1, message: "the line is longer than \(Self.maximumLineLength >> 20) MiB (not a text table?)")
            }
            try fill()
        }
    }

    private func finish(_ line: inout ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        lineNumber += 1
        if line.last == 13 { line = line.dropLast() }
        if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        return line
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

    /// Parses `text` (surrounding spaces ignored) as a float64, nil if it is not a number.
    @inline(__always) public static func double<S: StringProtocol>(_ text: S) -> Double? {
        if let value = Double(text) { return value }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.count == text.count ? nil : Double(trimmed)
    }

    /// Parses the bytes of one field (surrounding spaces and tabs ignored) as a float64 with
    /// strtod in the C locale, without making a String (the hot path of CSV import); nil if the
    /// field is not entirely a number. Same results as `double(_:)` on the field's text.
    public static func double(bytes: ArraySlice<UInt8>) -> Double? {
        parse(bytes) { strtod($0, $1) }
    }

    /// `double(bytes:)` for float32 (strtof: one rounding, as `float(_:)`).
    public static func float(bytes: ArraySlice<UInt8>) -> Float? {
        parse(bytes) { strtof($0, $1) }
    }

    @inline(__always)
    private static func parse<T>(_ bytes: ArraySlice<UInt8>,
                                 _ convert: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T? {
        var low = bytes.startIndex, high = bytes.endIndex
        while low < high, bytes[low] == 32 || bytes[low] == 9 { low += 1 }
        while high > low, bytes[high - 1] == 32 || bytes[high - 1] == 9 { high -= 1 }
        let count = high - low
        guard count > 0, count < 128 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer -> T? in
            guard let base = buffer.baseAddress else { return nil }
            for i in 0..<count {
                let byte = bytes[low + i]
                guard byte != 0 else { return nil }
                base[i] = CChar(bitPattern: byte)
            }
            base[count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = convert(base, &end)
            guard let end, end == base + count else { return nil }
            return value
        }
    }

    /// Parses `text` as a float32 directly (one rounding), nil if it is not a number.
    @inline(__always) public static func float<S: StringProtocol>(_ text: S) -> Float? {
        if let value = Float(text) { return value }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.count == text.count ? nil : Float(trimmed)
    }
}
