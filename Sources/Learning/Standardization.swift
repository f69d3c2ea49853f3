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
    /// columns of `x`, using only `rows` (all rows when nil).
    /// - Throws: `LearningError.noRows`, `.indexOutOfRange` (bad row index),
    ///   `.nonFiniteValue`, or `.constantColumn(index:)` when a column's standard deviation is 0
    ///   (or below 1e-12 of its mean's magnitude, i.e. constant up to rounding).
    public init(fitting x: DenseMatrix, rows: [Int]? = nil) throws(LearningError) {
        let selected = rows ?? Array(0..<x.rows)
        guard !selected.isEmpty else { throw .noRows }
        guard x.columns > 0 else { throw .noColumns }
        for r in selected where r < 0 || r >= x.rows {
            throw .indexOutOfRange(axis: "row", index: r, bound: x.rows)
        }
        let d = x.columns
        var mean = [Double](repeating: 0, count: d)
        var sumSquares = [Double](repeating: 0, count: d)
        var bad: (Int, Int)? = nil
        x.withUnsafeBufferPointer { v in
            for r in selected {
                for j in 0..<d {
                    let value = v[r * d + j]
                    if !value.isFinite, bad == nil { bad = (r, j) }
                    mean[j] += value
                }
            }
            let n = Double(selected.count)
            for j in 0..<d { mean[j] /= n }
            for r in selected {
                for j in 0..<d {
                    let delta = v[r * d + j] - mean[j]
                    sumSquares[j] += delta * delta
                }
            }
        }
        if let (r, j) = bad { throw .nonFiniteValue(row: r, column: j) }
        let n = Double(selected.count)
        var sd = [Double](repeating: 0, count: d)
        for j in 0..<d {
            sd[j] = (sumSquares[j] / n).squareRoot()
            if sd[j] == 0 || sd[j] <= 1e-12 * abs(mean[j]) { throw .constantColumn(index: j) }
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
