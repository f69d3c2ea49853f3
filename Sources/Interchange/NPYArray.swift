import Foundation

/// The element type of a numpy array as its `.npy` header names it (`descr`, e.g. `<f8`).
///
/// Format reference: numpy's "A simple file format for NumPy arrays" (`numpy.lib.format`,
/// NEP 1): the magic `\x93NUMPY`, a version byte pair, a little-endian header length (2 bytes in
/// version 1.0, 4 bytes in 2.0 and 3.0), and a Python dict literal with `descr`, `fortran_order`
/// and `shape`, padded with spaces to a multiple of 64 bytes and ended by `\n`.
public struct NPYDType: Sendable, Equatable, CustomStringConvertible {
    /// What the bytes of one element mean.
    public enum Kind: Sendable, Equatable {
        case float, signedInteger, unsignedInteger, bool
        /// numpy `U`: fixed-width UTF-32 text, `size / 4` characters, NUL-padded.
        case unicode
        /// numpy `S`: fixed-width bytes, NUL-padded (read as UTF-8).
        case bytes
    }

    /// The element kind.
    public var kind: Kind
    /// Bytes per element.
    public var size: Int
    /// True for big-endian (`>`) elements; numpy writes the machine's order, little on x86 and arm64.
    public var bigEndian: Bool

    /// A type from its parts.
    public init(kind: Kind, size: Int, bigEndian: Bool = false) {
        self.kind = kind
        self.size = size
        self.bigEndian = bigEndian
    }

    /// `<f4`.
    public static let float32 = NPYDType(kind: .float, size: 4)
    /// `<f8`.
    public static let float64 = NPYDType(kind: .float, size: 8)
    /// `|i1` (labels ±1).
    public static let int8 = NPYDType(kind: .signedInteger, size: 1)
    /// `|u1` (split 0/1).
    public static let uint8 = NPYDType(kind: .unsignedInteger, size: 1)
    /// `<U…` with room for `characters` characters.
    public static func unicode(characters: Int) -> NPYDType { NPYDType(kind: .unicode, size: 4 * max(characters, 1)) }

    /// The `descr` string of the header (`<f8`, `|i1`, `<U12`, …).
    public var descr: String {
        let order = size == 1 && kind != .unicode ? "|" : (bigEndian ? ">" : "<")
        switch kind {
        case .float: return "\(order)f\(size)"
        case .signedInteger: return "\(order)i\(size)"
        case .unsignedInteger: return "\(order)u\(size)"
        case .bool: return "|b1"
        case .unicode: return "\(bigEndian ? ">" : "<")U\(size / 4)"
        case .bytes: return "|S\(size)"
        }
    }

    public var description: String { descr }

    /// True for the kinds that read as numbers.
    public var isNumeric: Bool { kind != .unicode && kind != .bytes }

    /// Parses a `descr`; `file` names the array in errors. Complex, object, datetime, void,
    /// float16 and structured types are refused with what to save instead.
    public init(descr: String, file: String) throws {
        let hint = "save float32 or float64 features (X.astype(numpy.float64)), integer or bool labels and text names"
        var text = Substring(descr)
        var bigEndian = false
        if let first = text.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            text = text.dropFirst()
        }
        guard let code = text.first, let size = Int(text.dropFirst()), size > 0 else {
            throw InterchangeError.unsupportedDType(file: file, dtype: descr, hint: hint)
        }
        switch (code, size) {
        case ("f", 4), ("f", 8): self.init(kind: .float, size: size, bigEndian: bigEndian)
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): self.init(kind: .signedInteger, size: size, bigEndian: bigEndian)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): self.init(kind: .unsignedInteger, size: size, bigEndian: bigEndian)
        case ("b", 1): self.init(kind: .bool, size: 1)
        case ("U", _): self.init(kind: .unicode, size: 4 * size, bigEndian: bigEndian)
        case ("S", _), ("a", _): self.init(kind: .bytes, size: size)
        case ("f", 2): throw InterchangeError.unsupportedDType(file: file, dtype: descr, hint: "float16 is too coarse for features; " + hint)
        case ("c", _): throw InterchangeError.unsupportedDType(file: file, dtype: descr, hint: "complex numbers are not features; " + hint)
        case ("O", _): throw InterchangeError.unsupportedDType(file: file, dtype: descr, hint: "object arrays hold Python objects (pickles), which softness never loads; " + hint)
        default: throw InterchangeError.unsupportedDType(file: file, dtype: descr, hint: hint)
        }
    }
}

/// The header of a `.npy` file: element type, memory order, shape and where the data start.
public struct NPYHeader: Sendable, Equatable {
    /// Element type.
    public var dtype: NPYDType
    /// True when the array is stored column-major (Fortran order).
    public var fortranOrder: Bool
    /// Extent of each dimension (`[]` for a scalar).
    public var shape: [Int]
    /// Byte offset of the first element (a multiple of 64 when numpy wrote the file).
    public var dataOffset: Int

    /// A header for a C-order array; `dataOffset` is filled in by `encoded()`.
    public init(dtype: NPYDType, shape: [Int], fortranOrder: Bool = false) {
        self.dtype = dtype
        self.shape = shape
        self.fortranOrder = fortranOrder
        self.dataOffset = 0
    }

    /// Number of elements (product of the shape).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Bytes of data after the header.
    public var dataByteCount: Int { elementCount * dtype.size }

    /// The header bytes as `numpy.save` writes them: version 1.0 (2.0 when the dict exceeds
    /// 65535 bytes), the dict padded with spaces so the data start at a multiple of 64.
    public func encoded() -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(dtype.descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        let version2 = dict.utf8.count + 11 > 65_535
        let prefix = version2 ? 12 : 10
        let padding = (64 - (prefix + dict.utf8.count + 1) % 64) % 64
        dict += String(repeating: " ", count: padding) + "\n"
        let length = dict.utf8.count
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version2 ? 2 : 1, 0]
        if version2 {
            bytes += [UInt8(length & 0xff), UInt8((length >> 8) & 0xff), UInt8((length >> 16) & 0xff), UInt8(length >> 24)]
        } else {
            bytes += [UInt8(length & 0xff), UInt8(length >> 8)]
        }
        return bytes + Array(dict.utf8)
    }

    /// Parses the header of a `.npy` file; `read(offset, count)` returns up to `count` bytes of the
    /// file from `offset`. Sets `dataOffset`. `file` names the array in errors.
    public static func parse(file: String, read: (_ offset: Int, _ count: Int) throws -> [UInt8]) throws -> NPYHeader {
        let start = try read(0, 12)
        guard start.count >= 10, start[0] == 0x93, Array(start[1..<6]) == Array("NUMPY".utf8) else {
            throw InterchangeError.badArray(file: file, message: "not a .npy file (no \\x93NUMPY magic at its start); write one with numpy.save")
        }
        let major = start[6]
        let length: Int, prefix: Int
        switch major {
        case 1:
            length = Int(start[8]) | Int(start[9]) << 8
            prefix = 10
        case 2, 3:
            guard start.count >= 12 else { throw InterchangeError.badArray(file: file, message: "truncated .npy header") }
            length = Int(start[8]) | Int(start[9]) << 8 | Int(start[10]) << 16 | Int(start[11]) << 24
            prefix = 12
        default:
            throw InterchangeError.badArray(file: file, message: ".npy format version \(major).\(start[7]) is not known (1.0, 2.0 and 3.0 are)")
        }
        guard length <= 1 << 20 else { throw InterchangeError.badArray(file: file, message: ".npy header of \(length) bytes is implausibly long") }
        let headerBytes = try read(prefix, length)
        guard headerBytes.count == length else {
            throw InterchangeError.badArray(file: file, message: "truncated .npy header (\(headerBytes.count) of \(length) bytes)")
        }
        let text = major == 3 ? String(decoding: headerBytes, as: UTF8.self) : String(headerBytes.map { Character(Unicode.Scalar($0)) })
        var parser = PythonLiteral(text: text)
        guard case .dict(let entries)? = try? parser.value() else {
            throw InterchangeError.badArray(file: file, message: "the .npy header is not a Python dict literal: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var dict: [String: PythonLiteral.Value] = [:]
        for (key, value) in entries { dict[key] = value }
        guard case .string(let descr)? = dict["descr"] else {
            if case .list? = dict["descr"] {
                throw InterchangeError.unsupportedDType(file: file, dtype: "structured", hint: "structured (record) arrays are not supported; save each field as its own array")
            }
            throw InterchangeError.badArray(file: file, message: "the .npy header has no 'descr' string")
        }
        guard case .bool(let fortran)? = dict["fortran_order"] else {
            throw InterchangeError.badArray(file: file, message: "the .npy header has no 'fortran_order' True/False")
        }
        guard case .tuple(let items)? = dict["shape"] else {
            throw InterchangeError.badArray(file: file, message: "the .npy header has no 'shape' tuple")
        }
        var shape: [Int] = []
        for item in items {
            guard case .int(let extent) = item, extent >= 0 else {
                throw InterchangeError.badArray(file: file, message: "the .npy shape \(items) holds a value that is not a non-negative integer")
            }
            shape.append(extent)
        }
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw InterchangeError.badArray(file: file, message: "the .npy shape \(shape) overflows") }
            count = product
        }
        var header = NPYHeader(dtype: try NPYDType(descr: descr, file: file), shape: shape, fortranOrder: fortran)
        guard !count.multipliedReportingOverflow(by: header.dtype.size).overflow else {
            throw InterchangeError.badArray(file: file, message: "the .npy shape \(shape) overflows")
        }
        header.dataOffset = prefix + length
        return header
    }
}

/// The subset of Python literals a `.npy` header uses: dicts, tuples, lists, strings, integers,
/// True/False/None.
struct PythonLiteral {
    indirect enum Value: Equatable, CustomStringConvertible {
        case string(String), int(Int), bool(Bool), none
        case tuple([Value]), list([Value]), dict([(String, Value)])

        static func == (a: Value, b: Value) -> Bool { a.description == b.description }

        var description: String {
            switch self {
            case .string(let s): return "'\(s)'"
            case .int(let i): return String(i)
            case .bool(let b): return b ? "True" : "False"
            case .none: return "None"
            case .tuple(let items): return "(" + items.map(\.description).joined(separator: ", ") + ")"
            case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
            case .dict(let items): return "{" + items.map { "'\($0.0)': \($0.1)" }.joined(separator: ", ") + "}"
            }
        }
    }

    struct Failure: Error {}

    private let characters: [Character]
    private var index = 0

    init(text: String) { characters = Array(text) }

    private mutating func skipSpace() { while index < characters.count, characters[index].isWhitespace { index += 1 } }

    private mutating func expect(_ c: Character) throws {
        skipSpace()
        guard index < characters.count, characters[index] == c else { throw Failure() }
        index += 1
    }

    private mutating func peek() -> Character? {
        skipSpace()
        return index < characters.count ? characters[index] : nil
    }

    /// Parses one value.
    mutating func value() throws -> Value {
        guard let c = peek() else { throw Failure() }
        switch c {
        case "'", "\"":
            index += 1
            var text = ""
            while index < characters.count, characters[index] != c {
                text.append(characters[index])
                index += 1
            }
            guard index < characters.count else { throw Failure() }
            index += 1
            return .string(text)
        case "(", "[":
            index += 1
            let close: Character = c == "(" ? ")" : "]"
            var items: [Value] = []
            while peek() != close {
                items.append(try value())
                if peek() == "," { index += 1 } else { break }
            }
            try expect(close)
            return c == "(" ? .tuple(items) : .list(items)
        case "{":
            index += 1
            var items: [(String, Value)] = []
            while peek() != "}" {
                guard case .string(let key) = try value() else { throw Failure() }
                try expect(":")
                items.append((key, try value()))
                if peek() == "," { index += 1 } else { break }
            }
            try expect("}")
            return .dict(items)
        default:
            var word = ""
            while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "-" {
                word.append(characters[index])
                index += 1
            }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default:
                // Python 2 wrote long integers with an L suffix.
                if let number = Int(word.hasSuffix("L") ? String(word.dropLast()) : word) { return .int(number) }
                throw Failure()
            }
        }
    }
}

/// Encoding of array elements as `.npy` data bytes (little-endian, C order).
public enum NPYEncoding {
    /// Appends `values` as `dtype` (float32, float64, int8 or uint8; other kinds convert too).
    public static func append(_ values: [Double], as dtype: NPYDType, to bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + values.count * dtype.size)
        switch (dtype.kind, dtype.size) {
        case (.float, 4): for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        case (.float, 8): for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        case (.signedInteger, 1): for v in values { bytes.append(UInt8(bitPattern: Int8(v))) }
        case (.unsignedInteger, 1), (.bool, 1): for v in values { bytes.append(UInt8(v)) }
        case (.signedInteger, _):
            for v in values { withUnsafeBytes(of: Int64(v).littleEndian) { bytes.append(contentsOf: $0.prefix(dtype.size)) } }
        default:
            for v in values { withUnsafeBytes(of: UInt64(v).littleEndian) { bytes.append(contentsOf: $0.prefix(dtype.size)) } }
        }
    }

    /// Appends `strings` as fixed-width UTF-32LE (`<U…` of `dtype.size / 4` characters, NUL-padded).
    public static func append(unicode strings: [String], as dtype: NPYDType, to bytes: inout [UInt8]) {
        let width = dtype.size / 4
        for string in strings {
            let scalars = Array(string.unicodeScalars.prefix(width))
            for scalar in scalars { withUnsafeBytes(of: scalar.value.littleEndian) { bytes.append(contentsOf: $0) } }
            bytes.append(contentsOf: repeatElement(0, count: 4 * (width - scalars.count)))
        }
    }
}

/// Writes one `.npy` file: the header, then the elements in C order, checked against the shape.
public final class NPYWriter {
    /// The header written.
    public let header: NPYHeader
    private let sink: ByteSink
    private var written = 0

    /// Creates `path` and writes the header of a C-order array of `dtype` and `shape`.
    public init(path: String, dtype: NPYDType, shape: [Int]) throws {
        header = NPYHeader(dtype: dtype, shape: shape)
        sink = try ByteSink(creating: path)
        try sink.write(header.encoded())
    }

    /// Appends elements (converted to the file's dtype).
    public func append(_ values: [Double]) throws {
        var bytes: [UInt8] = []
        NPYEncoding.append(values, as: header.dtype, to: &bytes)
        try sink.write(bytes)
        written += values.count
    }

    /// Appends text elements (for `<U…` arrays).
    public func append(unicode strings: [String]) throws {
        var bytes: [UInt8] = []
        NPYEncoding.append(unicode: strings, as: header.dtype, to: &bytes)
        try sink.write(bytes)
        written += strings.count
    }

    /// Closes the file; throws if fewer or more elements than the shape holds were written.
    public func close() throws {
        guard written == header.elementCount else {
            throw InterchangeError.badArray(file: sink.path, message: "wrote \(written) elements for shape \(header.shape)")
        }
        try sink.close()
    }
}

/// Reads a `.npy` file in row blocks (bounded memory), converting numbers to Double.
/// C-order arrays are read with one seek per block; Fortran-order arrays of rank ≤ 2 are
/// transposed on the fly (one seek per column and block). Files shorter than their header
/// declares are refused on opening.
public final class NPYReader {
    /// The file (or `archive:array` name) used in messages.
    public let name: String
    /// The parsed header.
    public let header: NPYHeader
    private let handle: FileHandle

    /// Opens `path`; `name` (default: the path) is what messages call it.
    public init(path: String, name: String? = nil) throws {
        let name = name ?? path
        self.name = name
        let size = try InterchangeError.requireRegularFile(path, name: name)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InterchangeError.cannotRead(file: name, reason: "cannot open") }
        self.handle = handle
        func read(_ offset: Int, _ count: Int) throws -> [UInt8] {
            try handle.seek(toOffset: UInt64(offset))
            return [UInt8](try handle.read(upToCount: count) ?? Data())
        }
        header = try NPYHeader.parse(file: name, read: read)
        let available = size - header.dataOffset
        guard available >= header.dataByteCount else {
            throw InterchangeError.badArray(file: name, message: "truncated: shape \(header.shape) of \(header.dtype) needs \(header.dataByteCount) bytes of data, the file holds \(max(available, 0))")
        }
        if header.fortranOrder && header.shape.count > 2 {
            throw InterchangeError.badArray(file: name, message: "Fortran-order arrays of rank \(header.shape.count) are not supported; save numpy.ascontiguousarray(a)")
        }
    }

    deinit { try? handle.close() }

    /// Number of rows (first extent; 1 for a scalar).
    public var rows: Int { header.shape.first ?? 1 }

    /// Elements per row (product of the other extents).
    public var rowLength: Int { header.shape.dropFirst().reduce(1, *) }

    private func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        try handle.seek(toOffset: UInt64(header.dataOffset + offset))
        let data = try handle.read(upToCount: count) ?? Data()
        guard data.count == count else {
            throw InterchangeError.badArray(file: name, message: "truncated while reading (\(data.count) of \(count) bytes at data offset \(offset))")
        }
        return [UInt8](data)
    }

    /// Rows `range` as Double, row-major (`range.count × rowLength` values). Throws for text dtypes.
    public func readDoubles(rows range: Range<Int>) throws -> [Double] {
        guard header.dtype.isNumeric else {
            throw InterchangeError.badArray(file: name, message: "holds text (\(header.dtype)), not numbers")
        }
        let size = header.dtype.size, width = rowLength
        if !header.fortranOrder || header.shape.count < 2 {
            return convert(try bytes(at: range.lowerBound * width * size, count: range.count * width * size))
        }
        // Fortran order [N, d]: column j's rows are contiguous at j·N.
        var values = [Double](repeating: 0, count: range.count * width)
        for column in 0..<width {
            let part = convert(try bytes(at: (column * rows + range.lowerBound) * size, count: range.count * size))
            for (row, value) in part.enumerated() { values[row * width + column] = value }
        }
        return values
    }

    /// Every element as text (for `<U…` and `|S…` arrays, NULs at the end removed).
    public func readStrings() throws -> [String] {
        let size = header.dtype.size, count = header.elementCount
        let raw = try bytes(at: 0, count: count * size)
        var strings: [String] = []
        strings.reserveCapacity(count)
        for index in 0..<count {
            let element = raw[(index * size)..<((index + 1) * size)]
            switch header.dtype.kind {
            case .unicode:
                var scalars = String.UnicodeScalarView()
                var offset = element.startIndex
                while offset < element.endIndex {
                    let b = element[offset..<(offset + 4)].map(UInt32.init)
                    let code = header.dtype.bigEndian ? (b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) : (b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0])
                    if code == 0 { break }
                    guard let scalar = Unicode.Scalar(code) else {
                        throw InterchangeError.badArray(file: name, message: "element \(index) holds an invalid code point \(code)")
                    }
                    scalars.append(scalar)
                    offset += 4
                }
                strings.append(String(scalars))
            case .bytes:
                strings.append(String(decoding: element.prefix { $0 != 0 }, as: UTF8.self))
            default:
                throw InterchangeError.badArray(file: name, message: "holds numbers (\(header.dtype)), not text")
            }
        }
        return strings
    }

    private func convert(_ raw: [UInt8]) -> [Double] {
        let dtype = header.dtype
        let count = raw.count / dtype.size
        var values = [Double](repeating: 0, count: count)
        raw.withUnsafeBytes { buffer in
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
                let v = buffer.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                return dtype.bigEndian ? T(bigEndian: v) : T(littleEndian: v)
            }
            switch (dtype.kind, dtype.size) {
            case (.float, 4): for i in 0..<count { values[i] = Double(Float(bitPattern: load(UInt32.self, i))) }
            case (.float, 8): for i in 0..<count { values[i] = Double(bitPattern: load(UInt64.self, i)) }
            case (.signedInteger, 1): for i in 0..<count { values[i] = Double(load(Int8.self, i)) }
            case (.signedInteger, 2): for i in 0..<count { values[i] = Double(load(Int16.self, i)) }
            case (.signedInteger, 4): for i in 0..<count { values[i] = Double(load(Int32.self, i)) }
            case (.signedInteger, 8): for i in 0..<count { values[i] = Double(load(Int64.self, i)) }
            case (.unsignedInteger, 1), (.bool, 1): for i in 0..<count { values[i] = Double(load(UInt8.self, i)) }
            case (.unsignedInteger, 2): for i in 0..<count { values[i] = Double(load(UInt16.self, i)) }
            case (.unsignedInteger, 4): for i in 0..<count { values[i] = Double(load(UInt32.self, i)) }
            case (.unsignedInteger, 8): for i in 0..<count { values[i] = Double(load(UInt64.self, i)) }
            default: break
            }
        }
        return values
    }
}
