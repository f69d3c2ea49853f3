import Testing
import Learning
@testable import Diagnostics

/// Issue 11, items 2 and 3: every number of a verdict says which rows it covers, and the
/// verdict names imbalanced or sparse test temperatures.
@Suite struct VerdictScopeTests {
    /// Rows of `input` for which `keep(row)` holds, as a new input.
    func subset(_ input: DiagnosticInput, _ keep: (Int) -> Bool) throws -> DiagnosticInput {
        let rows = (0..<input.rowCount).filter(keep)
        let d = input.featureCount
        var values: [Double] = []
        values.reserveCapacity(rows.count * d)
        for r in rows { for j in 0..<d { values.append(input.features[r, j]) } }
        return try DiagnosticInput(features: try DenseMatrix(rows: rows.count, columns: d, values: values),
                                   labels: rows.map { input.labels[$0] }, temperature: rows.map { input.temperature[$0] },
                                   isTraining: rows.map { input.isTraining[$0] }, energyBarrier: input.energyBarrier.map { e in rows.map { e[$0] } },
                                   featureNames: input.featureNames)
    }

    /// Training rows at two temperatures: Var(ΔE_inf) is pooled over the test rows at both,
    /// each temperature has its own, and the accuracies name their rows.
    @Test func varianceAndAccuracyArePerTemperatureAndPooled() throws {
        let input = try toyInput(trainingRows: 3_000, testRows: 1_000, temperatures: [0.4, 0.5, 0.6, 0.8],
                                 trainingTemperatures: [0.4, 0.6])
        let result = try BarrierDiagnostic.run(input, options: DiagnosticOptions(bootstrapSamples: 0))
        let fit = try #require(result.arrhenius)
        let test = (0..<input.rowCount).filter { !input.isTraining[$0] }
        func barriers(_ rows: [Int]) -> [Double] { rows.map { fit.deltaE(result.softness[$0]) } }
        let atTraining = test.filter { [0.4, 0.6].contains(input.temperature[$0]) }
        #expect(result.varianceRows == 2_000 && result.testAccuracyRows == 2_000)
        let pooled = try #require(result.varianceOfInferredBarrier)
        #expect(abs(pooled - Statistics.populationVariance(barriers(atTraining))) < 1e-9 * pooled)
        for t in result.accuracyByTemperature {
            let rows = test.filter { input.temperature[$0] == t.temperature }
            let v = try #require(t.varianceOfInferredBarrier)
            #expect(abs(v - Statistics.populationVariance(barriers(rows))) < 1e-9 * v, "T = \(t.temperature)")
            #expect(t.rows == rows.count && t.isTrainingTemperature == [0.4, 0.6].contains(t.temperature))
            let plus = rows.filter { input.labels[$0] > 0 }.count
            #expect(t.rearrangingFraction == Double(plus) / Double(rows.count))
        }
        let correct = test.filter { (result.softness[$0] > 0 ? 1.0 : -1.0) == input.labels[$0] }.count
        #expect(result.pooledTestAccuracy == Double(correct) / Double(test.count))
        #expect(result.caveats.isEmpty, "\(result.caveats)")
        #expect(Verdict.sentence(for: result).contains("on the 2000 test rows at T = 0.4, 0.6"), "\(Verdict.sentence(for: result))")
    }

    /// Test rows beyond 80/20 at one temperature and fewer than 20 of a class at another are
    /// warned about and named in the verdict; a balanced table has neither.
    @Test func imbalancedAndSparseTestTemperaturesAreNamed() throws {
        let input = try toyInput(trainingRows: 3_000, testRows: 1_000, temperatures: [0.4, 0.6, 1.0])
        // T = 1.0: keep one quiet test row in 20 (about 95 % R = +1); T = 0.6: keep 12 rearranging test rows.
        var seenAtSix = 0
        let damaged = try subset(input) { r in
            guard !input.isTraining[r] else { return true }
            if input.temperature[r] == 1.0, input.labels[r] < 0 { return r % 20 == 0 }
            if input.temperature[r] == 0.6, input.labels[r] > 0 { seenAtSix += 1; return seenAtSix <= 12 }
            return true
        }
        let result = try BarrierDiagnostic.run(damaged, options: DiagnosticOptions(bootstrapSamples: 0))
        // Dropping quiet rows at T = 1 also moves a(T) off its line in 1/T: that is a caveat too.
        #expect(result.caveats.map(\.kind) == [.testImbalance, .fewRowsPerClass, .poorArrheniusFit], "\(result.caveats)")
        #expect(result.caveats[0].clause == "test rows beyond 80/20 at T = 1")
        #expect(result.caveats[1].clause == "fewer than \(VerdictRules.minimumRowsPerClass) rows of a class at T = 0.6")
        #expect(result.warnings.contains { $0.hasPrefix("the test rows at T = 0.6 have 12 rows with R = +1 and") })
        #expect(result.warnings.contains { $0.hasPrefix("the test rows at T = 1 are 9") && $0.contains("R = +1 (beyond 80/20)") }, "\(result.warnings)")
        let sentence = Verdict.sentence(for: result)
        #expect(sentence.contains("Caveats: test rows beyond 80/20 at T = 1; fewer than 20 rows of a class at T = 0.6; a(T) not linear in 1/T (p = "), "\(sentence)")
        #expect(sentence.hasSuffix("errors scaled (see the warnings)."))
        let clean = try BarrierDiagnostic.run(input, options: DiagnosticOptions(bootstrapSamples: 0))
        #expect(clean.caveats.isEmpty && !Verdict.sentence(for: clean).contains("Caveats"))
    }

    /// Training rows beyond 80/20 give a caveat with the fraction.
    @Test func trainingImbalanceIsACaveat() throws {
        let labels = (0..<100).map { $0 < 7 ? 1.0 : -1.0 }
        let found = try #require(BarrierDiagnostic.trainingImbalance(labels: labels))
        #expect(found.caveat == VerdictCaveat(kind: .trainingImbalance, clause: "the training rows are 7.0% R = +1"))
        #expect(found.warning.hasPrefix("the 100 training rows are 7.0% R = +1 (beyond 80/20)"))
        #expect(BarrierDiagnostic.trainingImbalance(labels: (0..<100).map { $0 < 21 ? 1.0 : -1.0 }) == nil)
    }

    /// The rules table carries every threshold by name (for JSON and the results files).
    @Test func rulesTableListsEveryThreshold() {
        let table = VerdictRules.table
        #expect(table["slope_tolerance"] == VerdictRules.slopeTolerance && table["imbalance_limit"] == 0.2)
        #expect(table["minimum_rows_per_class"] == 20 && table["poor_fit_p"] == 0.01 && table.count == 7)
    }
}
