import Foundation
import ToyModel
import Learning
import SeededRandom
import Testing
@testable import Diagnostics

/// Error cases and invariances (DESIGN.md §1 item 2).
@Suite struct DiagnosticInputValidationTests {
    func small(rows: Int = 300, testRows: Int = 300, temperatures: [Double] = [0.4, 0.6]) throws -> DiagnosticInput {
        try toyInput(trainingRows: rows, testRows: testRows, temperatures: temperatures)
    }

    @Test func oneClassOnlyInTraining() throws {
        var input = try small()
        for i in 0..<input.rowCount where input.isTraining[i] { input.labels[i] = -1 }
        #expect(throws: DiagnosticError.singleClassInTraining(label: -1, rows: 300)) { try BarrierDiagnostic.run(input) }
    }

    @Test func emptyTestSplit() throws {
        var input = try small()
        input.isTraining = Array(repeating: true, count: input.rowCount)
        #expect(throws: DiagnosticError.emptyTestSplit) { try BarrierDiagnostic.run(input) }
        input.isTraining = Array(repeating: false, count: input.rowCount)
        #expect(throws: DiagnosticError.noTrainingRows) { try BarrierDiagnostic.run(input) }
    }

    @Test func singleTemperatureGivesWarningAndPartialResult() throws {
        let input = try toyInput(trainingRows: 2_000, testRows: 2_000, temperatures: [0.4])
        let result = try BarrierDiagnostic.run(input)
        #expect(result.arrhenius == nil && result.truth == nil)
        #expect(result.varianceOfInferredBarrier == nil && result.varianceError == nil)
        #expect(result.logistic.count == 1)
        #expect(result.softness.count == input.rowCount)
        #expect(result.testAccuracy > 0.85 && result.trainingAccuracy > 0.85)
        #expect(result.warnings.contains { $0.hasPrefix("Arrhenius extraction needs test rows at two or more temperatures; found only T = 0.4") })
    }

    @Test func nonFiniteFeatures() throws {
        let input = try small()
        var values = input.features.values
        values[5 * input.featureCount + 2] = .nan
        let features = try DenseMatrix(rows: input.rowCount, columns: input.featureCount, values: values)
        #expect(throws: DiagnosticError.nonFiniteFeature(row: 5, column: 2, name: "x03")) {
            try DiagnosticInput(features: features, labels: input.labels, temperature: input.temperature,
                                isTraining: input.isTraining, featureNames: input.featureNames)
        }
        var mutated = input
        mutated.features = features
        #expect(throws: DiagnosticError.nonFiniteFeature(row: 5, column: 2, name: "x03")) { try BarrierDiagnostic.run(mutated) }
    }

    @Test func noFeatures() throws {
        let features = try DenseMatrix(rows: 4, columns: 0, values: [])
        #expect(throws: DiagnosticError.noFeatures) {
            try DiagnosticInput(features: features, labels: [1, -1, 1, -1], temperature: [1, 1, 1, 1],
                                isTraining: [true, true, false, false])
        }
    }

    /// A validated input changed afterwards is validated again by every run: a label, a
    /// temperature, a feature or the barrier made invalid in place is refused, not used.
    @Test func inputsChangedAfterInitAreValidatedAgain() throws {
        let input = try small()
        var label = input
        label.labels[5] = 2
        #expect(throws: DiagnosticError.invalidLabel(row: 5, value: 2)) { try BarrierDiagnostic.run(label) }
        #expect(throws: DiagnosticError.invalidLabel(row: 5, value: 2)) { try Softness.train(label) }
        #expect(throws: DiagnosticError.invalidLabel(row: 5, value: 2)) { try RecursiveFeatureElimination.run(label) }
        var temperature = input
        temperature.temperature[9] = -1
        #expect(throws: DiagnosticError.invalidTemperature(row: 9, value: -1)) { try BarrierDiagnostic.run(temperature) }
        var feature = input
        var values = input.features.values
        values[2 * input.featureCount + 1] = .nan
        feature.features = try DenseMatrix(rows: input.rowCount, columns: input.featureCount, values: values)
        #expect(throws: DiagnosticError.nonFiniteFeature(row: 2, column: 1, name: input.featureNames[1])) { try BarrierDiagnostic.run(feature) }
        var names = input
        names.featureNames.removeLast()
        #expect(throws: DiagnosticError.lengthMismatch(name: "featureNames", expected: input.featureCount, actual: input.featureCount - 1)) {
            try BarrierDiagnostic.run(names)
        }
    }

    @Test func tooFewTrainingRows() throws {
        let input = try toyInput(trainingRows: 15, testRows: 100, temperatures: [0.4, 1.0])
        #expect(throws: DiagnosticError.tooFewTrainingRows(needed: 16, actual: 15, features: 14)) {
            try BarrierDiagnostic.run(input)
        }
    }

    @Test func otherInvalidInputs() throws {
        let input = try small()
        #expect(throws: DiagnosticError.lengthMismatch(name: "labels", expected: input.rowCount, actual: 3)) {
            try DiagnosticInput(features: input.features, labels: [1, -1, 1], temperature: input.temperature,
                                isTraining: input.isTraining)
        }
        var labels = input.labels
        labels[7] = 0
        #expect(throws: DiagnosticError.invalidLabel(row: 7, value: 0)) {
            try DiagnosticInput(features: input.features, labels: labels, temperature: input.temperature,
                                isTraining: input.isTraining)
        }
        var temperature = input.temperature
        temperature[3] = 0
        #expect(throws: DiagnosticError.invalidTemperature(row: 3, value: 0)) {
            try DiagnosticInput(features: input.features, labels: input.labels, temperature: temperature,
                                isTraining: input.isTraining)
        }
        var options = DiagnosticOptions()
        options.svm.c = 0
        #expect(throws: DiagnosticError.invalidRegularization(0)) { try BarrierDiagnostic.run(input, options: options) }
        var constant = input.features.values
        for i in 0..<input.rowCount { constant[i * input.featureCount + 4] = 2.5 }
        var withConstant = input
        withConstant.features = try DenseMatrix(rows: input.rowCount, columns: input.featureCount, values: constant)
        #expect(throws: DiagnosticError.constantFeature(column: 4, name: "x05")) { try BarrierDiagnostic.run(withConstant) }
        #expect(throws: DiagnosticError.self) { try RecursiveFeatureElimination.run(input, minimumFeatures: 0) }
        #expect(throws: DiagnosticError.self) {
            try Scan.run(input, trainingSizes: [10_000], cValues: [1], seeds: [1])
        }
        // Messages are actionable text, not type dumps.
        #expect(DiagnosticError.emptyTestSplit.description.contains("test rows"))
    }

    /// Permuting the input rows changes nothing but the order of `softness` (1e-8).
    @Test func rowPermutationInvariance() throws {
        let input = try toyInput(trainingRows: 2_000, testRows: 1_500, temperatures: [0.4, 0.6, 1.0])
        var rng = SplitMix64(seed: 34)
        var permutation = Array(0..<input.rowCount)
        for i in stride(from: permutation.count - 1, to: 0, by: -1) { permutation.swapAt(i, rng.nextInt(below: i + 1)) }
        let permuted = try input.selectingRows(permutation)
        let a = try BarrierDiagnostic.run(input)
        let b = try BarrierDiagnostic.run(permuted)
        func close(_ x: Double?, _ y: Double?, _ what: String) {
            guard let x, let y else { Issue.record("\(what) missing"); return }
            #expect(abs(x - y) <= 1e-8 * max(1, abs(x)), "\(what): \(x) vs \(y)")
        }
        for (k, row) in permutation.enumerated() { close(a.softness[row], b.softness[k], "softness") }
        for (x, y) in zip(a.model.weights, b.model.weights) { close(x, y, "weight") }
        for (x, y) in zip(a.logistic, b.logistic) {
            close(x.intercept, y.intercept, "a(T)")
            close(x.slope, y.slope, "b(T)")
        }
        close(a.arrhenius?.a1, b.arrhenius?.a1, "A1")
        close(a.arrhenius?.b1, b.arrhenius?.b1, "B1")
        close(a.varianceOfInferredBarrier, b.varianceOfInferredBarrier, "variance")
        close(a.varianceError, b.varianceError, "variance error")
        close(a.truth?.slope, b.truth?.slope, "truth slope")
        #expect(a.testAccuracy == b.testAccuracy && a.trainingAccuracy == b.trainingAccuracy)
        for (x, y) in zip(a.accuracyByTemperature, b.accuracyByTemperature) {
            #expect(x.temperature == y.temperature && x.accuracy == y.accuracy && x.rows == y.rows && x.rearrangingFraction == y.rearrangingFraction)
            close(x.varianceOfInferredBarrier, y.varianceOfInferredBarrier, "variance at T = \(x.temperature)")
        }
    }

    @Test func scanShapeAndSingleSeedSpread() throws {
        let input = try toyInput(trainingRows: 3_000, testRows: 1_000, temperatures: [0.4, 0.6, 1.0])
        var options = DiagnosticOptions()
        options.bootstrapSamples = 0
        var progressCalls = 0
        let cells = try Scan.run(input, trainingSizes: [500, 2_000], cValues: [0.1, 10], seeds: [7], options: options) { _, total in
            progressCalls += 1
            #expect(total == 4)
        }
        #expect(progressCalls == 4)
        #expect(cells.map(\.n) == [500, 500, 2_000, 2_000])
        #expect(cells.map(\.c) == [0.1, 10, 0.1, 10])
        for cell in cells {
            #expect(cell.slopes.count == 1 && cell.accuracies.count == 1 && cell.variances.count == 1)
            #expect(cell.slopeSD == 0 && cell.accuracySD == 0 && cell.varianceSD == 0)
            #expect(cell.slopeMean == cell.slopes.first && cell.accuracyMean == cell.accuracies.first)
        }
        let three = try Scan.run(input, trainingSizes: [500], cValues: [1], seeds: [1, 2, 3], options: options)
        #expect(three.count == 1 && three[0].slopes.count == 3 && (three[0].slopeSD ?? 0) > 0)
        // Same seed, same N → same subset → same numbers.
        let again = try Scan.run(input, trainingSizes: [500], cValues: [1], seeds: [1, 2, 3], options: options)
        #expect(again[0].slopes == three[0].slopes)
    }

    /// Results are JSON-encodable (no NaN/Inf anywhere) and options decode with missing keys.
    @Test func codable() throws {
        let input = try toyInput(trainingRows: 1_000, testRows: 500, temperatures: [0.4, 0.8])
        var options = DiagnosticOptions()
        options.bootstrapSamples = 3
        let result = try BarrierDiagnostic.run(input, options: options)
        let data = try JSONEncoder().encode(result)
        let decoded = try JSONDecoder().decode(DiagnosticResult.self, from: data)
        #expect(decoded.softness == result.softness && decoded.arrhenius == result.arrhenius)
        let rfe = try RecursiveFeatureElimination.run(input, options: options, minimumFeatures: 12)
        #expect(rfe.steps.count == 3)
        _ = try JSONEncoder().encode(rfe)
        let partial = try JSONDecoder().decode(DiagnosticOptions.self, from: Data(#"{"bootstrapSamples": 5}"#.utf8))
        #expect(partial.bootstrapSamples == 5 && partial.softnessGridCount == 15 && partial.svm == LinearSVMOptions())
    }
}
