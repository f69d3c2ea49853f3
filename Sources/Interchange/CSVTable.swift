import Foundation

/// Delimited text tables with one header line (CSV, RFC 4180, and TSV), streamed row by row.
///
/// Writing: fields containing the delimiter, a quote or a line end are quoted (`"a,b"`, quotes
/// doubled), numbers are written in their shortest round-trip form (`NumberText`). Reading:
/// quoted fields within one line, `\r\n` line ends, a UTF-8 byte-order mark and blank lines are
/// accepted; a line with another number of fields than the header is an error naming the line.
/// This is what `pandas.read_csv` / `DataFrame.to_csv(index=False)` read and write.
public enum CSVTable {
    /// The field separator.
    public enum Delimiter: UInt8, Sendable {
        case comma = 44
        case tab = 9
    }

    /// Writes a table: the header on creation, then fields row by row (`field…`, `endRow()`).
    public final class Writer {
        private let sink: ByteSink
        private let delimiter: UInt8
        private var fieldsInRow = 0
        /// Number of columns (from the header).
        public let columnCount: Int

        /// Creates `path` and writes the header line.
        public init(path: String, delimiter: Delimiter, header: [String]) throws {
            sink = try ByteSink(creating: path)
            self.delimiter = delimiter.rawValue
            columnCount = header.count
            for name in header { try field(text: name) }
            try endRow()
        }

        @inline(__always) private func separate() throws {
            if fieldsInRow > 0 { try sink.write(byte: delimiter) }
            fieldsInRow += 1
        }

        /// A text field, quoted when it holds the delimiter, a quote or a line end.
        public func field(text: String) throws {
            try separate()
            if text.utf8.contains(where: { $0 == delimiter || $0 == 34 || $0 == 10 || $0 == 13 }) {
                try sink.write("\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
            } else {
                try sink.write(text)
            }
        }

        /// A float64 field in shortest round-trip form.
        @inline(__always) public func field(_ value: Double) throws {
            try separate()
            try sink.write(NumberText.shortest(value))
        }

        /// A float32 field in shortest float32 round-trip form.
        @inline(__always) public func field(_ value: Float) throws {
            try separate()
            try sink.write(NumberText.shortest(value))
        }

        /// An integer field.
        @inline(__always) public func field(_ value: Int) throws {
            try separate()
            try sink.write(String(value))
        }

        /// Ends the row (`\n`).
        public func endRow() throws {
            try sink.write(byte: 10)
            fieldsInRow = 0
        }

        /// Flushes and closes the file.
        public func close() throws { try sink.close() }
    }

    /// Reads a table: the header on opening, then rows of fields.
    public final class Reader {
        /// The file being read.
        public var path: String { lines.path }
        /// Column names from the first line.
        public let header: [String]
        /// Line number of the row last returned (1-based; the header is line 1).
        public var lineNumber: Int { lines.lineNumber }
        private let lines: TextLines
        private let delimiter: UInt8

        /// Opens `path` and reads its header line; an empty file is an error.
        public init(path: String, delimiter: Delimiter) throws {
            lines = try TextLines(path: path)
            self.delimiter = delimiter.rawValue
            var first: ArraySlice<UInt8>?
            while let line = try lines.next() {
                if !line.allSatisfy({ $0 == 32 || $0 == 9 }) { first = line; break }
            }
            guard let first else {
                throw InterchangeError.malformed(file: path, line: nil, message: "is empty; expected a header line naming the columns")
            }
            header = try Self.split(first, delimiter: delimiter.rawValue, file: path, line: lines.lineNumber)
        }

        /// The fields of the next non-blank line, nil at the end of the file. A line with
        /// another number of fields than the header throws `ragged`.
        public func next() throws -> [String]? {
            while let line = try lines.next() {
                if line.isEmpty || line.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
                let fields = try Self.split(line, delimiter: delimiter, file: path, line: lines.lineNumber)
                guard fields.count == header.count else {
                    throw InterchangeError.ragged(file: path, line: lines.lineNumber, fields: fields.count, expected: header.count)
                }
                return fields
            }
            return nil
        }

        /// The next (up to) `maximum` raw lines after the header (blank ones included), nil at
        /// the end of the file, for parsing rows in parallel (quoted lines with
        /// `fields(of:delimiter:file:line:)`, which gives the same fields and errors as `next()`).
        public func nextLines(maximum: Int) throws -> TextLines.LineBlock? {
            try lines.nextLines(maximum: maximum)
        }

        /// The fields of one quoted line (RFC 4180 unquoting, as `next()` does), `number` naming it
        /// in errors.
        public static func fields(of line: ArraySlice<UInt8>, delimiter: Delimiter, file: String, line number: Int) throws -> [String] {
            try split(line, delimiter: delimiter.rawValue, file: file, line: number)
        }

        /// Splits one line into fields, undoing RFC 4180 quoting.
        static func split(_ line: ArraySlice<UInt8>, delimiter: UInt8, file: String, line number: Int) throws -> [String] {
            var fields: [String] = []
            var index = line.startIndex
            while true {
                if index < line.endIndex && line[index] == 34 {
                    var value: [UInt8] = []
                    index += 1
                    var closed = false
                    while index < line.endIndex {
                        if line[index] == 34 {
                            if index + 1 < line.endIndex && line[index + 1] == 34 {
                                value.append(34)
                                index += 2
                                continue
                            }
                            closed = true
                            index += 1
                            break
                        }
                        value.append(line[index])
                        index += 1
                    }
                    guard closed else {
                        throw InterchangeError.malformed(file: file, line: number, message: "unclosed quote in field \(fields.count + 1) (fields spanning lines are not supported)")
                    }
                    guard index == line.endIndex || line[index] == delimiter else {
                        throw InterchangeError.malformed(file: file, line: number, message: "text after the closing quote of field \(fields.count + 1)")
                    }
                    fields.append(String(decoding: value, as: UTF8.self))
                } else {
                    let end = line[index...].firstIndex(of: delimiter) ?? line.endIndex
                    fields.append(String(decoding: line[index..<end], as: UTF8.self))
                    index = end
                }
                if index == line.endIndex { return fields }
                index += 1  // the delimiter
            }
        }
    }
}
