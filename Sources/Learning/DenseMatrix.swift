/// A dense matrix of `Double` stored row-major in one contiguous array:
/// element (i, j) is `values[i * columns + j]`.
///
/// Rows are samples (particles at a frame) and columns are features, the layout every solver
/// in this module reads in row blocks.
public struct DenseMatrix: Sendable, Equatable, Hashable {
    /// Number of rows (samples).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// The row-major values; `values.count == rows * columns`.
    public private(set) var values: [Double]

    /// Wraps row-major `values` as a `rows × columns` matrix.
    /// - Throws: `LearningError.sizeMismatch` if `values.count != rows * columns`,
    ///   `LearningError.negativeDimension` for negative sizes.
    public init(rows: Int, columns: Int, values: [Double]) throws(LearningError) {
        guard rows >= 0, columns >= 0 else { throw .negativeDimension(rows: rows, columns: columns) }
        let (product, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, product == values.count else {
            throw .sizeMismatch(rows: rows, columns: columns, valueCount: values.count)
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Wraps values whose count the caller has already made equal to `rows * columns`.
    init(validatedRows rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "DenseMatrix: \(values.count) values for \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A `rows × columns` matrix with every element equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) throws(LearningError) {
        guard rows >= 0, columns >= 0 else { throw .negativeDimension(rows: rows, columns: columns) }
        try self.init(rows: rows, columns: columns,
                      values: [Double](repeating: value, count: rows * columns))
    }

    /// Builds a matrix from an array of equally long rows.
    /// - Throws: `LearningError.sizeMismatch` if the rows differ in length.
    public init(rowArrays: [[Double]]) throws(LearningError) {
        let columns = rowArrays.first?.count ?? 0
        var values: [Double] = []
        values.reserveCapacity(rowArrays.count * columns)
        for row in rowArrays {
            guard row.count == columns else {
                throw .sizeMismatch(rows: rowArrays.count, columns: columns,
                                    valueCount: values.count + row.count)
            }
            values.append(contentsOf: row)
        }
        try self.init(rows: rowArrays.count, columns: columns, values: values)
    }

    /// Element at (`row`, `column`). Indices must be in range (a programming error otherwise,
    /// like `Array`'s subscript).
    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "DenseMatrix index (\(row), \(column)) out of range \(rows)×\(columns)")
            return values[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "DenseMatrix index (\(row), \(column)) out of range \(rows)×\(columns)")
            values[row * columns + column] = newValue
        }
    }

    /// A copy of row `index`.
    public func row(_ index: Int) -> [Double] {
        precondition(index >= 0 && index < rows, "row \(index) out of range 0..<\(rows)")
        return Array(values[(index * columns)..<((index + 1) * columns)])
    }

    /// A copy of column `index`.
    public func column(_ index: Int) -> [Double] {
        precondition(index >= 0 && index < columns, "column \(index) out of range 0..<\(columns)")
        return (0..<rows).map { values[$0 * columns + index] }
    }

    /// The matrix made of the given rows, in the given order (repeats allowed).
    /// - Throws: `LearningError.indexOutOfRange` for an index outside `0..<rows`.
    public func selectingRows(_ indices: [Int]) throws(LearningError) -> DenseMatrix {
        for index in indices where index < 0 || index >= rows {
            throw .indexOutOfRange(axis: "row", index: index, bound: rows)
        }
        var out = [Double]()
        out.reserveCapacity(indices.count * columns)
        values.withUnsafeBufferPointer { source in
            for index in indices {
                let start = index * columns
                out.append(contentsOf: source[start..<(start + columns)])
            }
        }
        return try DenseMatrix(rows: indices.count, columns: columns, values: out)
    }

    /// The matrix made of the given columns, in the given order (repeats allowed).
    /// - Throws: `LearningError.indexOutOfRange` for an index outside `0..<columns`.
    public func selectingColumns(_ indices: [Int]) throws(LearningError) -> DenseMatrix {
        for index in indices where index < 0 || index >= columns {
            throw .indexOutOfRange(axis: "column", index: index, bound: columns)
        }
        let newColumns = indices.count
        var out = [Double](repeating: 0, count: rows * newColumns)
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for i in 0..<rows {
                    let sourceRow = i * columns
                    let targetRow = i * newColumns
                    for (k, j) in indices.enumerated() {
                        target[targetRow + k] = source[sourceRow + j]
                    }
                }
            }
        }
        return try DenseMatrix(rows: rows, columns: newColumns, values: out)
    }

    /// Calls `body` with the contiguous row-major storage.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer(body)
    }

    /// The first (row, column) holding NaN or ±Inf, or nil if all values are finite.
    /// Scans in parallel row blocks.
    public func firstNonFiniteValue() -> (row: Int, column: Int)? {
        if rows == 0 || columns == 0 { return nil }
        let blocks = RowBlocks(rowCount: rows, minimumRowsPerBlock: 8192)
        var firstBad = [Int](repeating: Int.max, count: blocks.count)
        let columns = self.columns
        values.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            firstBad.withUnsafeMutableBufferPointer { bad in
                guard let badBase = bad.baseAddress else { return }
                blocks.forEachBlock(threads: nil) { block in
                    let range = blocks.range(block)
                    let start = range.lowerBound * columns
                    let count = range.count * columns
                    if !allFinite(base + start, count: count) {
                        for k in 0..<count where !(base + start)[k].isFinite {
                            badBase[block] = start + k
                            break
                        }
                    }
                }
            }
        }
        guard let flat = firstBad.first(where: { $0 != Int.max }) else { return nil }
        return (flat / columns, flat % columns)
    }
}

/// True when all `count` doubles at `pointer` are finite (x·0 is 0 for finite x, NaN otherwise).
@inline(__always)
func allFinite(_ pointer: UnsafePointer<Double>, count: Int) -> Bool {
    var a = SIMD4<Double>(repeating: 0)
    var b = SIMD4<Double>(repeating: 0)
    var k = 0
    let raw = UnsafeRawPointer(pointer)
    while k + 8 <= count {
        a += raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self) * 0
        b += raw.loadUnaligned(fromByteOffset: (k + 4) * 8, as: SIMD4<Double>.self) * 0
        k += 8
    }
    var s = (a + b).sum()
    while k < count {
        s += pointer[k] * 0
        k += 1
    }
    return s == 0
}
