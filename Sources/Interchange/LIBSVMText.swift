import Foundation

/// LIBSVM / SVMlight sparse text: one line per row, `label index:value index:value …`.
///
/// Format reference: the LIBSVM and LIBLINEAR READMEs ("The format of training and testing data
/// files is: <label> <index1>:<value1> <index2>:<value2> …", indices ascending from 1) and
/// `sklearn.datasets.load_svmlight_file` / `dump_svmlight_file` (which also read `#` comments and
/// `qid:` tokens, and by default write 0-based indices: read those with `zeroBased`).
/// Writing: labels `+1`/`-1`, 1-based ascending indices, zero values (+0.0) omitted, values in
/// shortest round-trip form. Only features and labels fit in this format.
public enum LIBSVMText {
    /// One parsed line: its label and the non-zero features, indices 0-based in the table.
    public struct Row: Sendable, Equatable {
        /// The label as written (a number; `+1` reads as 1).
        public var label: Double
        /// Column of each value, 0-based, strictly ascending.
        public var columns: [Int]
        /// The values (float32 values widened when read with `float32`).
        public var values: [Double]
    }

    /// Writes rows.
    public final class Writer {
        private let sink: ByteSink

        /// Creates `path`.
        public init(path: String) throws { sink = try ByteSink(creating: path) }

        /// Writes one row: `label` (±1 written `+1`/`-1`, others as integers) and the non-zero
        /// `features` with 1-based indices; float32 values in their shortest float32 form.
        public func write<C: Collection>(label: Int, features: C, float32: Bool) throws where C.Element == Double {
            try sink.write(label > 0 ? "+" + String(label) : String(label))
            var index = 1
            for value in features {
                // -0.0 is written (it is not +0.0 bit for bit); only +0.0 is left out.
                if value.bitPattern != 0 {
                    try sink.write(byte: 32)
                    try sink.write(String(index))
                    try sink.write(byte: 58)
                    try sink.write(float32 ? NumberText.shortest(Float(value)) : NumberText.shortest(value))
                }
                index += 1
            }
            try sink.write(byte: 10)
        }

        /// Flushes and closes the file.
        public func close() throws { try sink.close() }
    }

    /// Reads rows, checking every index and value.
    public final class Reader {
        /// The file being read.
        public var path: String { lines.path }
        /// Line number of the row last returned.
        public var lineNumber: Int { lines.lineNumber }
        private let lines: TextLines
        private let zeroBased: Bool
        private let float32: Bool

        /// Opens `path`. With `zeroBased` the first feature is index 0 (scikit-learn's default
        /// for `dump_svmlight_file`); otherwise index 0 is an error. With `float32` values are
        /// parsed as float32 directly.
        public init(path: String, zeroBased: Bool = false, float32: Bool = false) throws {
            lines = try TextLines(path: path)
            self.zeroBased = zeroBased
            self.float32 = float32
        }

        /// The next row, nil at the end. Blank and comment-only lines are skipped; `qid:` tokens
        /// are ignored.
        public func next() throws -> Row? {
            while let line = try lines.next() {
                var columns: [Int] = [], values: [Double] = []
                let label = try Self.parse(line, number: lines.lineNumber, file: path, zeroBased: zeroBased, float32: float32) { column, value in
                    columns.append(column)
                    values.append(value)
                }
                if let label { return Row(label: label, columns: columns, values: values) }
            }
            return nil
        }

        /// The next (up to) `maximum` raw lines (blank and comment lines included), nil at the
        /// end: for parsing rows in parallel with `parse(_:number:file:zeroBased:float32:feature:)`,
        /// which gives the rows and errors of `next()`.
        public func nextLines(maximum: Int) throws -> TextLines.LineBlock? {
            try lines.nextLines(maximum: maximum)
        }

        /// Parses one line (line `number` of `file`): returns its label after calling
        /// `feature(column, value)` for each feature in order (columns 0-based, strictly
        /// ascending, values finite), or nil for a blank or comment-only line. Works on the bytes;
        /// text is made only for error messages.
        public static func parse(_ line: ArraySlice<UInt8>, number: Int, file: String, zeroBased: Bool, float32: Bool,
                                 feature: (Int, Double) -> Void) throws -> Double? {
            try line.withUnsafeBufferPointer { bytes -> Double? in
                var end = bytes.count
                if let hash = bytes.firstIndex(of: 35) { end = hash }
                func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
                func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
                var i = 0
                /// The next token (between spaces or tabs), nil at the end.
                func token() -> Range<Int>? {
                    while i < end, isSpace(bytes[i]) { i += 1 }
                    guard i < end else { return nil }
                    let from = i
                    while i < end, !isSpace(bytes[i]) { i += 1 }
                    return from..<i
                }
                guard let first = token() else { return nil }
                guard let label = NumberText.double(buffer: UnsafeBufferPointer(rebasing: bytes[first])), label.isFinite else {
                    throw InterchangeError.malformed(file: file, line: number, message: "label '\(text(first))' is not a number")
                }
                var previous: Int?
                while let item = token() {
                    guard let colon = bytes[item].firstIndex(of: 58) else {
                        throw InterchangeError.malformed(file: file, line: number, message: "'\(text(item))' is not index:value")
                    }
                    let indexRange = item.lowerBound..<colon, valueRange = (colon + 1)..<item.upperBound
                    if indexRange.count == 3 && bytes[indexRange.lowerBound] == 113 && bytes[indexRange.lowerBound + 1] == 105
                        && bytes[indexRange.lowerBound + 2] == 100 { continue }   // qid
                    guard let index = integer(UnsafeBufferPointer(rebasing: bytes[indexRange])) else {
                        throw InterchangeError.malformed(file: file, line: number, message: "index '\(text(indexRange))' in '\(text(item))' is not an integer")
                    }
                    let column = zeroBased ? index : (index > Int.min ? index - 1 : -1)
                    guard column >= 0 else {
                        let hint = index == 0 && !zeroBased
                            ? "; LIBSVM indices start at 1 (scikit-learn's dump_svmlight_file writes 0-based ones by default: pass --zero-based)" : ""
                        throw InterchangeError.malformed(file: file, line: number, message: "index \(index) in '\(text(item))' is below \(zeroBased ? 0 : 1)\(hint)")
                    }
                    if let previous, column <= previous {
                        throw InterchangeError.malformed(file: file, line: number, message: "index \(index) in '\(text(item))' is not above the previous index \(zeroBased ? previous : previous + 1); indices must be strictly ascending")
                    }
                    let cell = UnsafeBufferPointer(rebasing: bytes[valueRange])
                    let value = float32 ? NumberText.float(buffer: cell).map(Double.init) : NumberText.double(buffer: cell)
                    guard let value, value.isFinite else {
                        throw InterchangeError.malformed(file: file, line: number, message: "value '\(text(valueRange))' of index \(index) is \(value == nil ? "not a number" : "not finite")")
                    }
                    feature(column, value)
                    previous = column
                }
                return label
            }
        }

        /// A decimal integer as Swift's `Int(_:)` reads it (optional sign, digits only), nil on
        /// anything else or overflow.
        private static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            var i = 0, negative = false
            if i < bytes.count && (bytes[i] == 43 || bytes[i] == 45) { negative = bytes[i] == 45; i += 1 }
            guard i < bytes.count else { return nil }
            var value = 0
            while i < bytes.count {
                let digit = bytes[i] &- 48
                guard digit < 10 else { return nil }
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = negative ? times.subtractingReportingOverflow(Int(digit)) : times.addingReportingOverflow(Int(digit))
                guard !o1 && !o2 else { return nil }
                value = sum
                i += 1
            }
            return value
        }
    }
}
