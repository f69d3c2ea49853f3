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
            while let raw = try lines.next() {
                var line = raw
                if let hash = line.firstIndex(of: 35) { line = line[..<hash] }
                let tokens = line.split(whereSeparator: { $0 == 32 || $0 == 9 })
                guard let first = tokens.first else { continue }
                let number = lines.lineNumber
                let labelText = String(decoding: first, as: UTF8.self)
                guard let label = NumberText.double(labelText), label.isFinite else {
                    throw InterchangeError.malformed(file: path, line: number, message: "label '\(labelText)' is not a number")
                }
                var columns: [Int] = [], values: [Double] = []
                columns.reserveCapacity(tokens.count - 1)
                values.reserveCapacity(tokens.count - 1)
                for token in tokens.dropFirst() {
                    let text = String(decoding: token, as: UTF8.self)
                    guard let colon = text.firstIndex(of: ":") else {
                        throw InterchangeError.malformed(file: path, line: number, message: "'\(text)' is not index:value")
                    }
                    let indexText = text[..<colon], valueText = text[text.index(after: colon)...]
                    if indexText == "qid" { continue }
                    guard let index = Int(indexText) else {
                        throw InterchangeError.malformed(file: path, line: number, message: "index '\(indexText)' in '\(text)' is not an integer")
                    }
                    let column = zeroBased ? index : index - 1
                    guard column >= 0 else {
                        let hint = index == 0 && !zeroBased
                            ? "; LIBSVM indices start at 1 (scikit-learn's dump_svmlight_file writes 0-based ones by default: pass --zero-based)" : ""
                        throw InterchangeError.malformed(file: path, line: number, message: "index \(index) in '\(text)' is below \(zeroBased ? 0 : 1)\(hint)")
                    }
                    if let previous = columns.last, column <= previous {
                        throw InterchangeError.malformed(file: path, line: number, message: "index \(index) in '\(text)' is not above the previous index \(zeroBased ? previous : previous + 1); indices must be strictly ascending")
                    }
                    let value: Double?
                    if float32 { value = NumberText.float(valueText).map(Double.init) } else { value = NumberText.double(valueText) }
                    guard let value, value.isFinite else {
                        throw InterchangeError.malformed(file: path, line: number, message: "value '\(valueText)' of index \(index) is \(value == nil ? "not a number" : "not finite")")
                    }
                    columns.append(column)
                    values.append(value)
                }
                return Row(label: label, columns: columns, values: values)
            }
            return nil
        }
    }
}
