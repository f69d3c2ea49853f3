import Foundation
import Testing
@testable import Learning

@Suite struct LearningErrorTests {
    let x: DenseMatrix
    let labels: [Double] = [1, -1, 1, -1]

    init() throws {
        x = try DenseMatrix(rowArrays: [[0, 1], [1, 0], [2, 2], [3, 1]])
    }

    @Test func regularizationMustBePositiveAndFinite() {
        for c in [0.0, -1.0, Double.infinity] {
            #expect(throws: LearningError.invalidRegularization(c)) {
                try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(c: c))
            }
        }
        #expect {
            try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(c: .nan))
        } throws: { error in
            guard case LearningError.invalidRegularization(let c) = error else { return false }
            return c.isNaN
        }
    }

    @Test func labelsMustBePlusOrMinusOne() {
        #expect(throws: LearningError.invalidLabel(row: 1, value: 0)) {
            try LinearSVM.fit(x: x, labels: [1, 0, 1, -1])
        }
        #expect {
            try LinearSVM.fit(x: x, labels: [1, -1, .nan, -1])
        } throws: { error in
            guard case LearningError.invalidLabel(row: 2, let value) = error else { return false }
            return value.isNaN
        }
    }

    @Test func oneClassOnly() {
        #expect(throws: LearningError.singleClass(label: 1)) { try LinearSVM.fit(x: x, labels: [1, 1, 1, 1]) }
        #expect(throws: LearningError.singleClass(label: -1)) {
            try LinearSVM.fit(x: x, labels: [-1, -1, -1, -1], options: LinearSVMOptions(solver: .dualCoordinateDescent))
        }
    }

    @Test func zeroColumnsAndZeroRows() throws {
        let noColumns = try DenseMatrix(rows: 4, columns: 0, values: [])
        #expect(throws: LearningError.noColumns) { try LinearSVM.fit(x: noColumns, labels: labels) }
        let noRows = try DenseMatrix(rows: 0, columns: 2, values: [])
        #expect(throws: LearningError.noRows) { try LinearSVM.fit(x: noRows, labels: []) }
    }

    @Test func labelCountMustMatchRows() {
        #expect(throws: LearningError.labelCountMismatch(labels: 3, rows: 4)) {
            try LinearSVM.fit(x: x, labels: [1, -1, 1])
        }
    }

    @Test func nonFiniteValuesAreRefused() throws {
        for bad in [Double.nan, .infinity, -.infinity] {
            var values = x.values
            values[5] = bad
            let broken = try DenseMatrix(rows: 4, columns: 2, values: values)
            #expect(throws: LearningError.nonFiniteValue(row: 2, column: 1)) { try LinearSVM.fit(x: broken, labels: labels) }
            #expect(throws: LearningError.nonFiniteValue(row: 2, column: 1)) { try Standardization(fitting: broken) }
        }
        // A NaN deep inside a large matrix (found by the parallel block scan).
        var (big, bigLabels) = try toyData(rows: 30_000, columns: 3, seed: 1)
        big[29_999, 2] = .nan
        #expect(throws: LearningError.nonFiniteValue(row: 29_999, column: 2)) { try LinearSVM.fit(x: big, labels: bigLabels) }
        #expect(LeastSquares.line(x: [1, 2, 3], y: [1, .nan, 3]) == nil)
        #expect(LeastSquares.line(x: [1, .infinity, 3], y: [1, 2, 3]) == nil)
    }

    @Test func invalidOptions() {
        #expect(throws: LearningError.lossNotSupportedBySolver(loss: .hinge, solver: .primalNewton)) {
            try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(loss: .hinge, solver: .primalNewton))
        }
        #expect(throws: LearningError.self) {
            try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(tolerance: 0))
        }
        #expect(throws: LearningError.self) {
            try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(maxIterations: 0))
        }
        #expect(throws: LearningError.self) {
            try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(threadCount: 0))
        }
    }

    @Test func warmStartMustHaveTheSameColumns() throws {
        let model = try LinearSVM.fit(x: x, labels: labels)
        let wider = try x.selectingColumns([0, 1, 0])
        #expect(throws: LearningError.columnCountMismatch(expected: 3, actual: 2)) {
            try LinearSVM.fit(x: wider, labels: labels, warmStart: model)
        }
    }

    @Test func messagesAreActionable() {
        let messages = [
            LearningError.invalidRegularization(-1).description,
            LearningError.invalidLabel(row: 3, value: 0).description,
            LearningError.singleClass(label: 1).description,
            LearningError.constantColumn(index: 7).description,
            LearningError.lossNotSupportedBySolver(loss: .hinge, solver: .primalNewton).description,
            LearningError.labelCountMismatch(labels: 2, rows: 3).description,
        ]
        #expect(messages[0].contains("C") && messages[0].contains("-1"))
        #expect(messages[1].contains("row 3") && messages[1].contains("+1"))
        #expect(messages[2].contains("both"))
        #expect(messages[3].contains("Column 7"))
        #expect(messages[4].contains("dualCoordinateDescent"))
        #expect(messages[5].contains("2") && messages[5].contains("3"))
        #expect("\(LearningError.noColumns)".contains("feature"))
    }
}

