import Foundation
import Testing
@testable import Learning

@Suite struct DenseMatrixTests {
    @Test func constructionAndSubscripts() throws {
        let m = try DenseMatrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        #expect(m[0, 2] == 3 && m[1, 0] == 4)
        #expect(m.row(1) == [4, 5, 6])
        #expect(m.column(1) == [2, 5])
        var n = m
        n[1, 1] = -5
        #expect(n.values == [1, 2, 3, 4, -5, 6])
        #expect(throws: LearningError.sizeMismatch(rows: 2, columns: 3, valueCount: 5)) {
            try DenseMatrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5])
        }
        #expect(throws: LearningError.self) { try DenseMatrix(rowArrays: [[1, 2], [3]]) }
        #expect(throws: LearningError.self) { try DenseMatrix(rows: -1, columns: 3, values: []) }
        #expect(try DenseMatrix(rowArrays: [[1, 2], [3, 4]]) == DenseMatrix(rows: 2, columns: 2, values: [1, 2, 3, 4]))
    }

    @Test func selectingRowsAndColumns() throws {
        let m = try DenseMatrix(rows: 3, columns: 3, values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(try m.selectingRows([2, 0, 2]).values == [7, 8, 9, 1, 2, 3, 7, 8, 9])
        #expect(try m.selectingColumns([2, 0]).values == [3, 1, 6, 4, 9, 7])
        #expect(try m.selectingColumns([]).columns == 0)
        #expect(throws: LearningError.indexOutOfRange(axis: "row", index: 3, bound: 3)) { try m.selectingRows([0, 3]) }
        #expect(throws: LearningError.indexOutOfRange(axis: "column", index: -1, bound: 3)) { try m.selectingColumns([-1]) }
    }
}

@Suite struct StandardizationTests {
    @Test func usesTrainingRowsAndPopulationStandardDeviation() throws {
        let m = try DenseMatrix(rowArrays: [[1, 10], [3, 10.5], [5, 12], [100, -50]])
        let s = try Standardization(fitting: m, rows: [0, 1, 2])
        #expect(s.means == [3, 32.5 / 3])
        #expect(abs(s.standardDeviations[0] - (8.0 / 3).squareRoot()) < 1e-15)
        let mean1 = 32.5 / 3
        let var1 = ((10 - mean1) * (10 - mean1) + (10.5 - mean1) * (10.5 - mean1) + (12 - mean1) * (12 - mean1)) / 3
        #expect(abs(s.standardDeviations[1] - var1.squareRoot()) < 1e-14)
        let z = try s.apply(to: m)
        #expect(z[0, 0] == (1 - 3) / s.standardDeviations[0])
        #expect(z[3, 1] == (-50 - mean1) / s.standardDeviations[1])
        // Training rows standardized: mean 0, population sd 1.
        let train = try z.selectingRows([0, 1, 2])
        for j in 0..<2 {
            let col = train.column(j)
            let mean = col.reduce(0, +) / 3
            let sd = (col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
            #expect(abs(mean) < 1e-15 && abs(sd - 1) < 1e-14)
        }
        #expect(throws: LearningError.columnCountMismatch(expected: 2, actual: 1)) {
            try s.apply(to: try m.selectingColumns([0]))
        }
    }

    @Test func constantColumnNamesItsIndex() throws {
        let m = try DenseMatrix(rowArrays: [[1, 0.1, 5], [2, 0.1, 6], [3, 0.1, 7]])
        #expect(throws: LearningError.constantColumn(index: 1)) { try Standardization(fitting: m) }
        // Constant only on the training rows.
        let n = try DenseMatrix(rowArrays: [[1, 2], [1, 3], [2, 4]])
        #expect(throws: LearningError.constantColumn(index: 0)) { try Standardization(fitting: n, rows: [0, 1]) }
        #expect(throws: LearningError.noRows) { try Standardization(fitting: n, rows: []) }
        #expect(throws: LearningError.constantColumn(index: 0)) {
            try Standardization(means: [0], standardDeviations: [0])
        }
        #expect(try Standardization(means: [1, 2], standardDeviations: [3, 4]).means == [1, 2])
    }
}

@Suite struct LeastSquaresTests {
    @Test func lineFit() throws {
        let x = [0.0, 1, 2, 3, 4]
        let exact = try #require(LeastSquares.line(x: x, y: x.map { 2 * $0 + 1 }))
        #expect(abs(exact.slope - 2) < 1e-14 && abs(exact.intercept - 1) < 1e-14 && abs(exact.rSquared - 1) < 1e-15)
        // Noisy: y = [1, 3, 2, 5, 4]: slope 0.8, intercept 1.4, R² = 0.64 (hand computed).
        let noisy = try #require(LeastSquares.line(x: x, y: [1, 3, 2, 5, 4]))
        #expect(abs(noisy.slope - 0.8) < 1e-14)
        #expect(abs(noisy.intercept - 1.4) < 1e-14)
        #expect(abs(noisy.rSquared - 0.64) < 1e-14)
        // Residuals 0.4, −0.4, 0.2, −0.2... sum of squares 3.6 (= 10 · (1 − 0.64)); slope error 1/√Σ(x−x̄)² = 1/√10.
        #expect(abs(noisy.residualSumOfSquares - 3.6) < 1e-13)
        #expect(abs(noisy.slopeError - 1 / 10.0.squareRoot()) < 1e-15)
        // Weights: zero weight removes a point; doubling all weights changes nothing but the errors.
        let dropped = try #require(LeastSquares.line(x: x + [10], y: [1, 3, 2, 5, 4, 100], weights: [1, 1, 1, 1, 1, 0]))
        #expect(abs(dropped.slope - 0.8) < 1e-14)
        let doubled = try #require(LeastSquares.line(x: x, y: [1, 3, 2, 5, 4], weights: [2, 2, 2, 2, 2]))
        #expect(abs(doubled.slope - 0.8) < 1e-14 && abs(doubled.slopeError - 1 / 20.0.squareRoot()) < 1e-15)
    }

    @Test func degenerateInputs() {
        #expect(LeastSquares.line(x: [2, 2, 2], y: [1, 2, 3]) == nil, "all x equal")
        #expect(LeastSquares.line(x: [1], y: [1]) == nil, "one point")
        #expect(LeastSquares.line(x: [1, 2], y: [1]) == nil, "length mismatch")
        #expect(LeastSquares.line(x: [1, 2, 3], y: [5, 5, 5])?.rSquared == 1, "a constant y is fitted exactly")
    }
}

@Suite struct Logistic1DTests {
    @Test func separableAndSingleClassDataHaveNoFit() {
        #expect(Logistic1D.fit(s: [-3, -2, -1, 1, 2, 3], y: [-1, -1, -1, 1, 1, 1]) == .failure(.separable))
        #expect(Logistic1D.fit(s: [-3, -2, -1], y: [1, 1, 1]) == .failure(.singleClass(label: 1)))
        #expect(Logistic1D.fit(s: [1, 1, 1, 1], y: [1, -1, 1, -1]) == .failure(.singular))
    }

    @Test func recoversToyModelSlope() throws {
        // logit P(+1 | ΔE) = −ΔE / T for the toy model: fit on ΔE itself.
        var rng = TestRandom(seed: 9)
        let n = 20_000, t = 0.5
        var barrier: [Double] = [], labels: [Double] = []
        for _ in 0..<n {
            let e = 2 * rng.normal()
            barrier.append(e)
            labels.append(rng.uniform() < 1 / (1 + exp(e / t)) ? 1 : -1)
        }
        let fit = try Logistic1D.fit(s: barrier, y: labels).get()
        #expect(fit.converged)
        #expect(abs(fit.slope + 1 / t) < 0.1, "slope \(fit.slope)")
        #expect(abs(fit.intercept) < 0.1)
        // The subsample-started fit of large groups finds the same maximum.
        let large = try Logistic1D.fitLarge(s: barrier, y: labels).get()
        #expect(abs(large.slope - fit.slope) < 1e-9 && abs(large.intercept - fit.intercept) < 1e-9)
        // Integer weights act as repeated rows.
        let weighted = try Logistic1D.fit(s: barrier + barrier, y: labels + labels).get()
        let counted = try Logistic1D.fit(s: barrier, y: labels, weights: [Double](repeating: 2, count: n)).get()
        #expect(abs(weighted.slope - counted.slope) < 1e-9)
    }
}
