/// Result of an ordinary least-squares fit y ≈ x·β + β₀.
public struct LeastSquaresFit: Sendable, Equatable, Codable {
    /// β, one per column of x.
    public let coefficients: [Double]
    /// β₀.
    public let intercept: Double
    /// Coefficient of determination R² = 1 − SS_res / SS_tot (SS_tot about the mean of y).
    public let rSquared: Double
    /// SS_res = Σ (yᵢ − ŷᵢ)².
    public let residualSumOfSquares: Double
}

/// Result of a straight-line fit y ≈ slope·x + intercept.
public struct LineFit: Sendable, Equatable, Codable {
    /// Slope of the line.
    public let slope: Double
    /// Intercept of the line.
    public let intercept: Double
    /// Coefficient of determination R².
    public let rSquared: Double
}

/// Ordinary least squares with an intercept, by the normal equations of the *centered* data
/// (x − x̄)ᵀ(x − x̄)·β = (x − x̄)ᵀ(y − ȳ), β₀ = ȳ − x̄·β, solved by Cholesky. Centering removes
/// the intercept column and keeps the system well conditioned for the small numbers of
/// predictors used here (DESIGN.md §1 steps 6–7: Arrhenius lines and the ΔE_inf-vs-ΔE check).
public enum LeastSquares {
    /// Fits y ≈ x·β + β₀ and reports R².
    /// - Throws: `.noColumns`, `.labelCountMismatch` (y vs rows), `.tooFewRows` (needs
    ///   columns + 1 rows), `.nonFiniteValue`, `.singularSystem` for collinear or constant
    ///   columns, `.constantTarget` when y is constant (R² undefined).
    public static func fit(x: DenseMatrix, y: [Double]) throws(LearningError) -> LeastSquaresFit {
        let n = x.rows, d = x.columns
        guard d > 0 else { throw .noColumns }
        guard y.count == n else { throw .labelCountMismatch(labels: y.count, rows: n) }
        guard n >= d + 1 else { throw .tooFewRows(needed: d + 1, actual: n) }
        if let bad = x.firstNonFiniteValue() { throw .nonFiniteValue(row: bad.row, column: bad.column) }
        if let i = y.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: i, column: -1) }

        var xMean = [Double](repeating: 0, count: d)
        var yMean = 0.0
        var a = [Double](repeating: 0, count: d * d)
        var b = [Double](repeating: 0, count: d)
        var totalSquares = 0.0
        var centered = [Double](repeating: 0, count: d)
        x.withUnsafeBufferPointer { v in
            for i in 0..<n {
                for j in 0..<d { xMean[j] += v[i * d + j] }
                yMean += y[i]
            }
            for j in 0..<d { xMean[j] /= Double(n) }
            yMean /= Double(n)
            for i in 0..<n {
                for j in 0..<d { centered[j] = v[i * d + j] - xMean[j] }
                let dy = y[i] - yMean
                totalSquares += dy * dy
                for j in 0..<d {
                    b[j] += centered[j] * dy
                    for k in 0...j { a[j * d + k] += centered[j] * centered[k] }
                }
            }
        }
        guard totalSquares > 0 else { throw .constantTarget }
        var factor = a
        guard choleskyFactorize(&factor, size: d, relativePivotTolerance: 1e-12) else {
            throw .singularSystem(context: "least squares (centered normal equations)")
        }
        let beta = choleskySolve(factor, size: d, b)
        let intercept = yMean - dot(xMean, beta)
        var residualSquares = 0.0
        let fitted = linearScores(x, weights: beta, bias: intercept)
        for i in 0..<n {
            let r = y[i] - fitted[i]
            residualSquares += r * r
        }
        return LeastSquaresFit(coefficients: beta, intercept: intercept,
                               rSquared: 1 - residualSquares / totalSquares,
                               residualSumOfSquares: residualSquares)
    }

    /// Fits the line y ≈ slope·x + intercept (the one-predictor case of `fit(x:y:)`).
    /// - Throws: `.labelCountMismatch`, `.tooFewRows` (needs 2 points), `.nonFiniteValue`,
    ///   `.singularSystem` when all x are equal, `.constantTarget` when all y are equal.
    public static func line(x: [Double], y: [Double]) throws(LearningError) -> LineFit {
        let matrix = try DenseMatrix(rows: x.count, columns: 1, values: x)
        let result = try fit(x: matrix, y: y)
        return LineFit(slope: result.coefficients[0], intercept: result.intercept, rSquared: result.rSquared)
    }
}
