import Foundation
import Testing
@testable import Learning

/// `LinearSVM.fit` on a `TrainingView` (row/column subset of a raw matrix, standardized on the
/// fly) must give bitwise the model of fitting the materialized standardized matrix.
@Suite struct TrainingViewTests {
    /// Raw features with non-trivial means and scales per column, labels of all rows.
    static func rawData(rows: Int, seed: UInt64) throws -> (x: DenseMatrix, labels: [Double]) {
        let (z, labels) = try toyData(rows: rows, seed: seed)
        var values = z.withUnsafeBufferPointer { Array($0) }
        let d = z.columns
        for i in 0..<rows {
            for j in 0..<d { values[i * d + j] = values[i * d + j] * (0.3 + 0.7 * Double(j)) + 3.1 * Double(j) - 5 }
        }
        return (try DenseMatrix(rows: rows, columns: d, values: values), labels)
    }

    /// Every third row dropped, the rest in a scrambled (deterministic) order.
    static func rowSubset(_ n: Int) -> [Int] {
        var rows = (0..<n).filter { $0 % 3 != 1 }
        var state: UInt64 = 12345
        for k in stride(from: rows.count - 1, to: 0, by: -1) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            rows.swapAt(k, Int((state >> 33) % UInt64(k + 1)))
        }
        return rows
    }

    static let columnSubset = [13, 0, 2, 3, 5, 7, 8, 9, 11]

    static func expectSameModel(_ a: LinearSVMModel, _ b: LinearSVMModel, _ context: String) {
        #expect(a.weights == b.weights, "\(context): weights \(maxRelativeDifference(a.weights, b.weights))")
        #expect(a.bias == b.bias, "\(context): bias \(a.bias) vs \(b.bias)")
        #expect(a.report == b.report, "\(context): \(a.report.summary) vs \(b.report.summary)")
        #expect(a.dualVariables == b.dualVariables, "\(context): dual variables")
    }

    @Test func materializeMatchesStandardizationApply() throws {
        let (x, _) = try Self.rawData(rows: 500, seed: 3)
        let rows = Self.rowSubset(500)
        for columns in [nil, Self.columnSubset] {
            let selected = try x.selectingRows(rows).selectingColumns(columns ?? Array(0..<x.columns))
            let st = try Standardization(fitting: selected)
            let view = try TrainingView(matrix: x, rows: rows, columns: columns, standardization: st)
            #expect(view.rowCount == rows.count && view.columnCount == selected.columns)
            #expect(view.materialize() == (try st.apply(to: selected)))
            let narrow = try TrainingView(matrix: x, rows: rows.map { UInt32($0) }, columns: columns, standardization: st)
            #expect(narrow.materialize() == view.materialize())
            // Reciprocal arithmetic: (x − mean)·(1/sd).
            let reciprocal = try TrainingView(matrix: x, rows: rows, columns: columns, standardization: st,
                                              arithmetic: .reciprocalMultiplication)
            let inverse = st.standardDeviations.map { 1 / $0 }
            var expected = selected
            for i in 0..<selected.rows {
                for k in 0..<selected.columns { expected[i, k] = (selected[i, k] - st.means[k]) * inverse[k] }
            }
            #expect(reciprocal.materialize() == expected)
            // No standardization: the raw selection.
            #expect(try TrainingView(matrix: x, rows: rows, columns: columns).materialize() == selected)
        }
        #expect(try TrainingView(matrix: x).materialize() == x)
    }

    @Test(arguments: [StandardizationArithmetic.division, .reciprocalMultiplication])
    func primalFitOnViewIsBitwiseTheMaterializedFit(arithmetic: StandardizationArithmetic) throws {
        let n = 12_000
        let (x, allLabels) = try Self.rawData(rows: n, seed: 21)
        let rows = Self.rowSubset(n)
        let labels = rows.map { allLabels[$0] }
        for columns in [nil, Self.columnSubset] {
            let st = try Standardization(fitting: x.selectingColumns(columns ?? Array(0..<x.columns)), rows: rows)
            let options = LinearSVMOptions(c: 0.7, solver: .primalNewton, tolerance: 1e-6)
            for view in [try TrainingView(matrix: x, rows: rows, columns: columns, standardization: st, arithmetic: arithmetic),
                         try TrainingView(matrix: x, rows: rows.map { UInt32($0) }, columns: columns,
                                          standardization: st, arithmetic: arithmetic)] {
                let z = view.materialize()
                let reference = try LinearSVM.fit(x: z, labels: labels, options: options)
                let fitted = try LinearSVM.fit(view, labels: labels, options: options)
                #expect(reference.report.solver == .primalNewton && reference.report.iterations > 1)
                Self.expectSameModel(fitted, reference, "columns \(String(describing: columns)), \(arithmetic)")
                // Objective recomputed on the materialized matrix agrees too.
                let objective = try LinearSVM.primalObjective(weights: fitted.weights, bias: fitted.bias, x: z,
                                                              labels: labels, c: 0.7, loss: .squaredHinge)
                #expect(abs(objective - fitted.report.primalObjective) <= 1e-12 * objective)
            }
        }
    }

    @Test func convenienceEntryPointEqualsApplyThenFit() throws {
        let n = 6_000
        let (x, allLabels) = try Self.rawData(rows: n, seed: 5)
        let rows = Self.rowSubset(n)
        let labels = rows.map { allLabels[$0] }
        let selected = try x.selectingRows(rows).selectingColumns(Self.columnSubset)
        let st = try Standardization(fitting: selected)
        let reference = try LinearSVM.fit(x: try st.apply(to: selected), labels: labels)
        let fitted = try LinearSVM.fit(x: x, rows: rows, columns: Self.columnSubset, standardization: st,
                                       labels: labels)
        Self.expectSameModel(fitted, reference, "fit(x:rows:columns:standardization:)")
        // All rows, no columns, no standardization: the plain fit.
        let plain = try LinearSVM.fit(x: x, labels: allLabels)
        Self.expectSameModel(try LinearSVM.fit(x: x, rows: nil, labels: allLabels), plain, "identity view")
        Self.expectSameModel(try LinearSVM.fit(x: x, rows: Array(0..<n), labels: allLabels), plain, "all rows")
    }

    @Test func warmStartOnViewIsBitwiseTheMaterializedWarmStart() throws {
        let n = 10_000
        let (x, allLabels) = try Self.rawData(rows: n, seed: 8)
        let rows = Self.rowSubset(n)
        let labels = rows.map { allLabels[$0] }
        let st = try Standardization(fitting: x.selectingColumns(Self.columnSubset), rows: rows)
        let view = try TrainingView(matrix: x, rows: rows, columns: Self.columnSubset, standardization: st)
        let z = view.materialize()
        let previous = try LinearSVM.fit(view, labels: labels, options: LinearSVMOptions(c: 1.5, tolerance: 1e-8))
        let options = LinearSVMOptions(c: 1, solver: .primalNewton, tolerance: 1e-8)
        let reference = try LinearSVM.fit(x: z, labels: labels, options: options, warmStart: previous)
        let fitted = try LinearSVM.fit(view, labels: labels, options: options, warmStart: previous)
        Self.expectSameModel(fitted, reference, "warm start")
        // Warm start from a model with one column fewer (as RFE does): drop a column of the view.
        var kept = Self.columnSubset
        let drop = 3
        kept.remove(at: drop)
        var warmWeights = previous.weights
        warmWeights.remove(at: drop)
        let warm = LinearSVMModel(weights: warmWeights, bias: previous.bias, report: previous.report)
        let st2 = try Standardization(fitting: x.selectingColumns(kept), rows: rows)
        let view2 = try TrainingView(matrix: x, rows: rows, columns: kept, standardization: st2,
                                     arithmetic: .reciprocalMultiplication)
        Self.expectSameModel(try LinearSVM.fit(view2, labels: labels, options: options, warmStart: warm),
                             try LinearSVM.fit(x: view2.materialize(), labels: labels, options: options, warmStart: warm),
                             "warm start, column dropped")
    }

    /// 90 000 view rows → 44 row blocks: bitwise the same for every thread count.
    @Test func viewFitDoesNotDependOnThreadCount() throws {
        let n = 135_000
        let (x, allLabels) = try Self.rawData(rows: n, seed: 13)
        let rows = Self.rowSubset(n)
        let labels = rows.map { allLabels[$0] }
        let st = try Standardization(fitting: x, rows: rows)
        let view = try TrainingView(matrix: x, rows: rows.map { UInt32($0) }, standardization: st)
        let reference = try LinearSVM.fit(x: view.materialize(), labels: labels,
                                          options: LinearSVMOptions(solver: .primalNewton, threadCount: 1))
        for threads in [1, 2, 3, 8, nil] {
            let fitted = try LinearSVM.fit(view, labels: labels,
                                           options: LinearSVMOptions(solver: .primalNewton, threadCount: threads))
            Self.expectSameModel(fitted, reference, "threads \(String(describing: threads))")
        }
        #expect(reference.report.converged)
    }

    @Test func dualSolverOnViewMaterializes() throws {
        let (x, allLabels) = try Self.rawData(rows: 600, seed: 17)
        let rows = Self.rowSubset(600)
        let labels = rows.map { allLabels[$0] }
        let st = try Standardization(fitting: x.selectingColumns(Self.columnSubset), rows: rows)
        let view = try TrainingView(matrix: x, rows: rows, columns: Self.columnSubset, standardization: st)
        let z = view.materialize()
        for options in [LinearSVMOptions(loss: .hinge), LinearSVMOptions(solver: .dualCoordinateDescent),
                        LinearSVMOptions(c: 0.1, loss: .hinge, solver: .dualCoordinateDescent)] {
            let reference = try LinearSVM.fit(x: z, labels: labels, options: options)
            let fitted = try LinearSVM.fit(view, labels: labels, options: options)
            #expect(fitted.report.solver == .dualCoordinateDescent)
            Self.expectSameModel(fitted, reference, "dual \(options.loss)")
            // Dual warm start with matching dual variables.
            let warmOptions = LinearSVMOptions(c: options.c * 2, loss: options.loss, solver: .dualCoordinateDescent)
            Self.expectSameModel(try LinearSVM.fit(view, labels: labels, options: warmOptions, warmStart: fitted),
                                 try LinearSVM.fit(x: z, labels: labels, options: warmOptions, warmStart: reference),
                                 "dual warm start")
        }
    }

    @Test func viewErrors() throws {
        let (x, allLabels) = try Self.rawData(rows: 200, seed: 1)
        #expect(throws: LearningError.indexOutOfRange(axis: "row", index: 200, bound: 200)) {
            try TrainingView(matrix: x, rows: [0, 200] as [Int])
        }
        #expect(throws: LearningError.indexOutOfRange(axis: "row", index: -1, bound: 200)) {
            try TrainingView(matrix: x, rows: [-1] as [Int])
        }
        #expect(throws: LearningError.indexOutOfRange(axis: "row", index: 300, bound: 200)) {
            try TrainingView(matrix: x, rows: [UInt32(300)])
        }
        #expect(throws: LearningError.indexOutOfRange(axis: "column", index: 14, bound: 14)) {
            try TrainingView(matrix: x, columns: [14])
        }
        let st = try Standardization(fitting: x)
        #expect(throws: LearningError.columnCountMismatch(expected: 2, actual: 14)) {
            try TrainingView(matrix: x, columns: [0, 1], standardization: st)
        }
        #expect(throws: LearningError.labelCountMismatch(labels: 200, rows: 2)) {
            try LinearSVM.fit(x: x, rows: [0, 1], labels: allLabels)
        }
        #expect(throws: LearningError.noColumns) {
            try LinearSVM.fit(x: x, rows: nil, columns: [], labels: allLabels)
        }
        // A non-finite value is reported at its view position, and only if the view selects it.
        var bad = x
        bad[7, 4] = .nan
        let rows = [9, 3, 7, 1] + Array(10..<200)
        let labels = rows.map { allLabels[$0] }
        #expect(throws: LearningError.nonFiniteValue(row: 2, column: 1)) {
            try LinearSVM.fit(x: bad, rows: rows, columns: [2, 4, 5], labels: labels)
        }
        _ = try LinearSVM.fit(x: bad, rows: rows, columns: [2, 5, 6], labels: labels)
        let others = Array(8..<200)
        _ = try LinearSVM.fit(x: bad, rows: others, labels: others.map { allLabels[$0] })
    }
}
