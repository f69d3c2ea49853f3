/// Per-column standardization z = (x − mean) / sd (DESIGN.md §1 step 2).
///
/// The mean and the *population* standard deviation sd = sqrt(Σ (x − mean)² / n) (numpy's
/// default, scikit-learn `StandardScaler`) are computed from the training rows only and stored,
/// so exactly the same transformation can be applied to test rows and recorded with results.
public struct Standardization: Sendable, Equatable, Hashable, Codable {
    /// Per-column means of the training rows.
    public let means: [Double]
    /// Per-column population standard deviations of the training rows (all > 0).
    public let standardDeviations: [Double]

    /// Computes means and population standard deviations (two-pass, for accuracy) of the
    /// columns `columns` of `x` (all when nil), using only `rows` (all rows when nil).
    /// - Throws: `LearningError.noRows`, `.noColumns`, `.indexOutOfRange` (bad row or column
    ///   index), `.nonFiniteValue`, or `.constantColumn(index:)` (position in `columns`) when a
    ///   column's standard deviation is 0 (or below 1e-12 of its mean's magnitude, i.e. constant
    ///   up to rounding).
    public init(fitting x: DenseMatrix, rows: (some Collection<Int>)? = [Int]?.none, columns: [Int]? = nil) throws(LearningError) {
        let columns = columns ?? Array(0..<x.columns)
        guard !columns.isEmpty else { throw .noColumns }
        for c in columns where c < 0 || c >= x.columns {
            throw .indexOutOfRange(axis: "column", index: c, bound: x.columns)
        }
        if let rows {
            try self.init(fitting: x, selected: rows, columns: columns)
        } else {
            try self.init(fitting: x, selected: 0..<x.rows, columns: columns)
        }
    }

    private init(fitting x: DenseMatrix, selected: some Collection<Int>, columns: [Int]) throws(LearningError) {
        guard !selected.isEmpty else { throw .noRows }
        for r in selected where r < 0 || r >= x.rows {
            throw .indexOutOfRange(axis: "row", index: r, bound: x.rows)
        }
        var moments = ColumnMoments(columns: columns.count)
        var bad: (Int, Int)? = nil
        x.withUnsafeBufferPointer { v in
            columns.withUnsafeBufferPointer { cols in
                guard let base = v.baseAddress, let c = cols.baseAddress else { return }
                let stride = x.columns
                for r in selected {
                    if bad == nil, let k = moments.addToMean(base + r * stride, columns: c) { bad = (r, cols[k]) }
                }
                moments.finishMean(rows: selected.count)
                for r in selected { moments.addSquares(base + r * stride, columns: c) }
            }
        }
        if let (r, j) = bad { throw .nonFiniteValue(row: r, column: j) }
        self = try moments.standardization()
    }

    init(validatedMeans means: [Double], standardDeviations: [Double]) {
        self.means = means
        self.standardDeviations = standardDeviations
    }

    /// A standardization with given means and standard deviations (e.g. read back from results).
    /// - Throws: `.columnCountMismatch` if the arrays differ in length, `.noColumns` if empty,
    ///   `.constantColumn` for a non-positive or non-finite standard deviation,
    ///   `.nonFiniteValue(row: -1, column:)` for a non-finite mean.
    public init(means: [Double], standardDeviations: [Double]) throws(LearningError) {
        guard means.count == standardDeviations.count else {
            throw .columnCountMismatch(expected: means.count, actual: standardDeviations.count)
        }
        guard !means.isEmpty else { throw .noColumns }
        for j in 0..<means.count {
            guard means[j].isFinite else { throw .nonFiniteValue(row: -1, column: j) }
            guard standardDeviations[j] > 0, standardDeviations[j].isFinite else {
                throw .constantColumn(index: j)
            }
        }
        self.means = means
        self.standardDeviations = standardDeviations
    }

    /// Returns z = (x − mean) / sd column by column for every row of `x`.
    /// - Throws: `.columnCountMismatch` if `x` has a different number of columns.
    public func apply(to x: DenseMatrix) throws(LearningError) -> DenseMatrix {
        let d = means.count
        guard x.columns == d else { throw .columnCountMismatch(expected: d, actual: x.columns) }
        var out = [Double](repeating: 0, count: x.rows * d)
        let sd = standardDeviations
        x.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<x.rows {
                    for j in 0..<d { o[i * d + j] = (v[i * d + j] - means[j]) / sd[j] }
                }
            }
        }
        return try DenseMatrix(rows: x.rows, columns: d, values: out)
    }
}

/// The two passes behind `Standardization(fitting:rows:columns:)`, row by row, for data that
/// arrive in pieces (a table streamed from disk): pass 1 adds every row to the column sums
/// (`addToMean`), `finishMean` divides, pass 2 adds the squared deviations (`addSquares`), and
/// `standardization()` takes the square roots. Fed the same rows in the same order, it gives
/// bitwise the in-memory standardization.
public struct ColumnMoments: Sendable {
    private var mean: [Double]
    private var sumSquares: [Double]
    private var rows = 0

    /// Moments of `columns` columns.
    public init(columns: Int) {
        mean = [Double](repeating: 0, count: columns)
        sumSquares = [Double](repeating: 0, count: columns)
    }

    /// Pass 1: adds `row[columns[k]]` to the sum of column k; returns the first k whose value is
    /// not finite, nil when all are.
    @inline(__always)
    public mutating func addToMean(_ row: UnsafePointer<Double>, columns: UnsafePointer<Int>) -> Int? {
        var bad: Int? = nil
        mean.withUnsafeMutableBufferPointer { m in
            for k in 0..<m.count {
                let value = row[columns[k]]
                if !value.isFinite, bad == nil { bad = k }
                m[k] += value
            }
        }
        return bad
    }

    /// Ends pass 1 over `rows` rows: the sums become means.
    public mutating func finishMean(rows: Int) {
        self.rows = rows
        let n = Double(rows)
        for k in 0..<mean.count { mean[k] /= n }
    }

    /// Pass 2: adds (row[columns[k]] − mean[k])² to column k.
    @inline(__always)
    public mutating func addSquares(_ row: UnsafePointer<Double>, columns: UnsafePointer<Int>) {
        mean.withUnsafeBufferPointer { m in
            sumSquares.withUnsafeMutableBufferPointer { q in
                for k in 0..<m.count {
                    let delta = row[columns[k]] - m[k]
                    q[k] += delta * delta
                }
            }
        }
    }

    /// Means and population sds (√(Σ(x − mean)²/n)).
    /// - Throws: `.noRows` when pass 1 saw no rows; `.constantColumn(index:)` when a column's sd
    ///   is 0 or below 1e-12 of its mean's magnitude.
    public func standardization() throws(LearningError) -> Standardization {
        try standardization(columns: Array(mean.indices))
    }

    /// Means and population sds of `columns` only (indices into the columns of these moments),
    /// in that order; a constant column elsewhere does not matter.
    /// - Throws: as `standardization()`, the index of `.constantColumn` counted in `columns`.
    public func standardization(columns: [Int]) throws(LearningError) -> Standardization {
        guard rows > 0 else { throw .noRows }
        let n = Double(rows)
        var means = [Double](repeating: 0, count: columns.count), sd = means
        for (k, j) in columns.enumerated() {
            means[k] = mean[j]
            sd[k] = (sumSquares[j] / n).squareRoot()
            if sd[k] == 0 || sd[k] <= 1e-12 * abs(mean[j]) { throw .constantColumn(index: k) }
        }
        return Standardization(validatedMeans: means, standardDeviations: sd)
    }
}
