/// How `TrainingView` applies a `Standardization` to a raw value x of column j.
public enum StandardizationArithmetic: String, Sendable, Codable, CaseIterable {
    /// z = (x − mean[j]) / sd[j], exactly the operations of `Standardization.apply(to:)`.
    case division
    /// z = (x − mean[j]) · r[j] with r[j] = 1 / sd[j] rounded once per column (one multiply per
    /// value instead of a divide; may differ from `.division` in the last bit).
    case reciprocalMultiplication
}

/// The training rows of a model fit as a *view* of a raw matrix: a subset of its rows (any order,
/// repeats allowed), a subset of its columns, and an optional per-column standardization applied
/// on the fly — without materializing the selected, standardized matrix.
///
/// Element (i, k) of the view is `z(x[rows[i], columns[k]])`, where z is the standardization of
/// column k (identity without one). `materialize()` builds that matrix explicitly; fitting a view
/// with `LinearSVM.fit(_:labels:options:warmStart:)` gives bitwise the same model as fitting the
/// materialized matrix, because the squared-hinge primal solver standardizes each row, with the
/// same floating-point operations, as it loads it into its row tile.
///
/// The view keeps a reference to the raw matrix's storage (copy-on-write, no copy is made), plus
/// its row indices (4 bytes per row with the `[UInt32]` initializer, 8 with `[Int]`).
public struct TrainingView: Sendable {
    /// The raw matrix the view reads.
    public let matrix: DenseMatrix
    /// Selected columns of `matrix`, in view order; nil = all columns in order.
    public let columns: [Int]?
    /// Standardization of the view's columns (one entry per view column); nil = raw values.
    public let standardization: Standardization?
    /// How `standardization` is applied.
    public let arithmetic: StandardizationArithmetic

    let rowStorage: RowStorage
    /// Per view column: offsets (means, or 0) and factors (sd or 1/sd, or 1), see `divides`.
    let offsets: [Double]
    let factors: [Double]
    /// True: z = (x − offset)/factor; false: z = (x − offset)·factor.
    let divides: Bool
    /// `columns ?? 0..<matrix.columns` as an array.
    let columnIndices: [Int]

    enum RowStorage: Sendable {
        case all
        case narrow([UInt32])
        case wide([Int])
    }

    /// Number of rows of the view.
    public var rowCount: Int {
        switch rowStorage {
        case .all: return matrix.rows
        case let .narrow(r): return r.count
        case let .wide(r): return r.count
        }
    }

    /// Number of columns of the view.
    public var columnCount: Int { columnIndices.count }

    /// True when the view is `matrix` itself (all rows and columns in order, no standardization).
    var isIdentity: Bool {
        if case .all = rowStorage, columns == nil, standardization == nil { return true }
        return false
    }

    /// A view of `rows` × `columns` of `matrix`, standardized by `standardization`.
    /// - Parameters:
    ///   - rows: row indices into `matrix` (any order, repeats allowed); nil = all rows in order.
    ///   - columns: column indices into `matrix` (any order); nil = all columns in order.
    ///   - standardization: per *view* column means and sds (so its length is `columns.count`);
    ///     nil = raw values.
    ///   - arithmetic: how the standardization is applied (default: as `Standardization.apply`).
    /// - Throws: `.indexOutOfRange` for a bad row or column index, `.columnCountMismatch` when the
    ///   standardization's length differs from the number of view columns.
    public init(matrix: DenseMatrix, rows: [Int]? = nil, columns: [Int]? = nil,
                standardization: Standardization? = nil,
                arithmetic: StandardizationArithmetic = .division) throws(LearningError) {
        if let rows {
            for r in rows where r < 0 || r >= matrix.rows {
                throw .indexOutOfRange(axis: "row", index: r, bound: matrix.rows)
            }
        }
        try self.init(matrix: matrix, storage: rows.map { .wide($0) } ?? .all, columns: columns,
                      standardization: standardization, arithmetic: arithmetic)
    }

    /// As `init(matrix:rows:columns:standardization:arithmetic:)` with 32-bit row indices
    /// (half the memory of `[Int]` for large row subsets).
    public init(matrix: DenseMatrix, rows: [UInt32], columns: [Int]? = nil,
                standardization: Standardization? = nil,
                arithmetic: StandardizationArithmetic = .division) throws(LearningError) {
        for r in rows where Int(r) >= matrix.rows {
            throw .indexOutOfRange(axis: "row", index: Int(r), bound: matrix.rows)
        }
        try self.init(matrix: matrix, storage: .narrow(rows), columns: columns,
                      standardization: standardization, arithmetic: arithmetic)
    }

    private init(matrix: DenseMatrix, storage: RowStorage, columns: [Int]?, standardization: Standardization?,
                 arithmetic: StandardizationArithmetic) throws(LearningError) {
        if let columns {
            for j in columns where j < 0 || j >= matrix.columns {
                throw .indexOutOfRange(axis: "column", index: j, bound: matrix.columns)
            }
        }
        let indices = columns ?? Array(0..<matrix.columns)
        if let st = standardization, st.means.count != indices.count {
            throw .columnCountMismatch(expected: indices.count, actual: st.means.count)
        }
        self.matrix = matrix
        self.columns = columns
        self.standardization = standardization
        self.arithmetic = arithmetic
        rowStorage = storage
        columnIndices = indices
        if let st = standardization {
            offsets = st.means
            switch arithmetic {
            case .division:
                factors = st.standardDeviations
                divides = true
            case .reciprocalMultiplication:
                factors = st.standardDeviations.map { 1 / $0 }
                divides = false
            }
        } else {
            // (x − 0)·1 == x for every x, including −0, ±Inf and NaN.
            offsets = [Double](repeating: 0, count: indices.count)
            factors = [Double](repeating: 1, count: indices.count)
            divides = false
        }
    }

    /// The view as an explicit `rowCount × columnCount` matrix (element (i, k) computed exactly as
    /// the solvers compute it on the fly).
    public func materialize() -> DenseMatrix {
        let n = rowCount, d = columnCount
        let values = [Double](unsafeUninitializedCapacity: n * d) { out, initialized in
            withRowSource { source in
                guard let base = out.baseAddress else { return }
                for i in 0..<n { source.load(i, into: base + i * d) }
            }
            initialized = n * d
        }
        return DenseMatrix(validatedRows: n, columns: d, values: values)
    }

    /// Calls `body` with raw pointers to the view's data, valid only during the call.
    func withRowSource<R>(_ body: (RowSource) -> R) -> R {
        let placeholder: UnsafePointer<Double> = UnsafePointer(bitPattern: 64)!
        let noColumns: UnsafePointer<Int> = UnsafePointer(bitPattern: 64)!
        let stride = matrix.columns, d = columnIndices.count, divides = self.divides, direct = isIdentity
        return matrix.withUnsafeBufferPointer { (x: UnsafeBufferPointer<Double>) -> R in
            columnIndices.withUnsafeBufferPointer { (cols: UnsafeBufferPointer<Int>) -> R in
                offsets.withUnsafeBufferPointer { (off: UnsafeBufferPointer<Double>) -> R in
                    factors.withUnsafeBufferPointer { (fac: UnsafeBufferPointer<Double>) -> R in
                        let base: UnsafePointer<Double> = x.baseAddress ?? placeholder
                        let columnBase: UnsafePointer<Int> = cols.baseAddress ?? noColumns
                        let offsetBase: UnsafePointer<Double> = off.baseAddress ?? placeholder
                        let factorBase: UnsafePointer<Double> = fac.baseAddress ?? placeholder
                        func make(_ narrow: UnsafePointer<UInt32>?, _ wide: UnsafePointer<Int>?) -> R {
                            let source = RowSource(base: base, stride: stride, d: d, narrowRows: narrow,
                                                   wideRows: wide, columns: columnBase, offsets: offsetBase,
                                                   factors: factorBase, divides: divides, direct: direct)
                            return body(source)
                        }
                        switch rowStorage {
                        case .all:
                            return make(nil, nil)
                        case let .narrow(rows):
                            return rows.withUnsafeBufferPointer { (r: UnsafeBufferPointer<UInt32>) -> R in
                                make(r.baseAddress, nil)
                            }
                        case let .wide(rows):
                            return rows.withUnsafeBufferPointer { (r: UnsafeBufferPointer<Int>) -> R in
                                make(nil, r.baseAddress)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Unsafe access to the rows of a `TrainingView` (valid inside `withRowSource` only).
struct RowSource {
    let base: UnsafePointer<Double>
    /// Columns of the raw matrix.
    let stride: Int
    /// Columns of the view.
    let d: Int
    let narrowRows: UnsafePointer<UInt32>?
    let wideRows: UnsafePointer<Int>?
    let columns: UnsafePointer<Int>
    let offsets: UnsafePointer<Double>
    let factors: UnsafePointer<Double>
    let divides: Bool
    /// The view is the raw matrix itself: rows can be read in place.
    let direct: Bool

    /// Raw row index of view row `i`.
    @inline(__always) func rawRow(_ i: Int) -> Int {
        if let narrowRows { return Int(narrowRows[i]) }
        if let wideRows { return wideRows[i] }
        return i
    }

    /// Writes the d values of view row `i` to `target`.
    @inline(__always) func load(_ i: Int, into target: UnsafeMutablePointer<Double>) {
        let row = base + rawRow(i) * stride
        if divides {
            for k in 0..<d { target[k] = (row[columns[k]] - offsets[k]) / factors[k] }
        } else {
            for k in 0..<d { target[k] = (row[columns[k]] - offsets[k]) * factors[k] }
        }
    }

    /// Pointer to the d values of view row `i`: in place for a direct view, else loaded into `stage`.
    @inline(__always) func row(_ i: Int, stage: UnsafeMutablePointer<Double>) -> UnsafePointer<Double> {
        if direct { return base + i * d }
        load(i, into: stage)
        return UnsafePointer(stage)
    }
}

extension TrainingView {
    /// The first (view row, view column) whose (standardized) value is NaN or ±Inf, or nil.
    /// Scans in parallel row blocks.
    func firstNonFiniteValue(threads: Int?) -> (row: Int, column: Int)? {
        if isIdentity { return matrix.firstNonFiniteValue() }
        let n = rowCount, d = columnCount
        if n == 0 || d == 0 { return nil }
        let blocks = RowBlocks(rowCount: n, minimumRowsPerBlock: 8192)
        var firstBad = [Int](repeating: Int.max, count: blocks.count)
        withRowSource { source in
            firstBad.withUnsafeMutableBufferPointer { bad in
                guard let badBase = bad.baseAddress else { return }
                blocks.forEachBlock(threads: threads) { block in
                    let stage = UnsafeMutablePointer<Double>.allocate(capacity: d)
                    defer { stage.deallocate() }
                    for i in blocks.range(block) {
                        source.load(i, into: stage)
                        if !allFinite(stage, count: d) {
                            for k in 0..<d where !stage[k].isFinite {
                                badBase[block] = i * d + k
                                break
                            }
                            return
                        }
                    }
                }
            }
        }
        guard let flat = firstBad.first(where: { $0 != Int.max }) else { return nil }
        return (flat / d, flat % d)
    }
}
