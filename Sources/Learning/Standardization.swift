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
        let d = columns.count, stride = x.columns
        var mean = [Double](repeating: 0, count: d)
        var sumSquares = [Double](repeating: 0, count: d)
        var bad: (Int, Int)? = nil
        x.withUnsafeBufferPointer { v in
            columns.withUnsafeBufferPointer { cols in
                for r in selected {
                    let base = r * stride
                    for k in 0..<d {
                        let value = v[base + cols[k]]
                        if !value.isFinite, bad == nil { bad = (r, cols[k]) }
                        mean[k] += value
                    }
                }
                let n = Double(selected.count)
                for k in 0..<d { mean[k] /= n }
                for r in selected {
                    let base = r * stride
                    for k in 0..<d {
                        let delta = v[base + cols[k]] - mean[k]
                        sumSquares[k] += delta * delta
                    }
                }
            }
        }
        if let (r, j) = bad { throw .nonFiniteValue(row: r, column: j) }
        let n = Double(selected.count)
        var sd = [Double](repeating: 0, count: d)
        for k in 0..<d {
            sd[k] = (sumSquares[k] / n).squareRoot()
            if sd[k] == 0 || sd[k] <= 1e-12 * abs(mean[k]) { throw .constantColumn(index: k) }
        }
        means = mean
        standardDeviations = sd
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
