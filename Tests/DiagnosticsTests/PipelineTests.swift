import Foundation
import ToyModel
import Learning
import Testing
@testable import Diagnostics

/// The paper's Sec. III–IV numbers on the symmetric toy model (DESIGN.md §1 items 1–7):
/// trained at T = 0.4, tested at 7 temperatures with 2·10^4 test rows each.
@Suite struct SymmetricToyTests {
    /// Sec. III: with many training rows the softness recovers the true barrier.
    @Test func largeTrainingSetRecoversTrueBarrier() throws {
        let input = try toyInput(trainingRows: 100_000, testRows: 20_000)
        let result = try BarrierDiagnostic.run(input)
        let truth = try #require(result.truth)
        let variance = try #require(result.varianceOfInferredBarrier)
        print("N=1e5 C=1: slope \(truth.slope), R² \(truth.r2), Var(ΔE_inf) \(variance) ± \(result.varianceError ?? -1), true Var \(truth.trueVariance), test accuracy \(result.testAccuracy)")
        #expect(truth.slope >= 0.95 && truth.slope <= 1.05)
        #expect(abs(variance - 14.4) / 14.4 < 0.15)
        #expect(truth.r2 > 0.9)
        #expect(result.testAccuracy > 0.93 && result.testAccuracy < 0.96)
        #expect(result.model.report.converged)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        // Structure of the result.
        #expect(result.softness.count == input.rowCount)
        #expect(result.logistic.map(\.temperature) == [0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0])
        #expect(result.accuracyByTemperature.count == 7)
        #expect(result.trainingTemperatures == [0.4])
        let arrhenius = try #require(result.arrhenius)
        #expect(arrhenius.grid.count == 15)
        #expect((arrhenius.slopeR2 ?? 0) > 0.99)
        // R = +1 (rearranges) lies on the S > 0 side, so b(T) > 0 and B1 > 0: ΔE_inf = −(A1 + B1·S)
        // decreases with softness (softer particles have lower barriers).
        #expect(arrhenius.b1 > 0)
        #expect(result.logistic.allSatisfy { $0.slope > 0 })
        let error = try #require(result.varianceError)
        #expect(error > 0 && error < 0.2 * variance)
        #expect(result.bootstrapReplicates == 20)
    }

    /// Sec. IV / Fig. 3: with N = 10^3 the barrier scale is biased low although the accuracy is high.
    @Test func smallTrainingSetIsBiasedDespiteHighAccuracy() throws {
        let input = try toyInput(trainingRows: 10_000, testRows: 20_000)
        var options = DiagnosticOptions()
        options.bootstrapSamples = 0
        let cells = try Scan.run(input, trainingSizes: [1_000], cValues: [1], seeds: [1, 2, 3, 4, 5], options: options)
        #expect(cells.count == 1)
        let cell = try #require(cells.first)
        let slopeMean = try #require(cell.slopeMean)
        print("N=1e3 C=1 over 5 seeds: slopes \(cell.slopes), accuracies \(cell.accuracies), variances \(cell.variances)")
        #expect(cell.slopes.count == 5 && cell.accuracies.count == 5 && cell.variances.count == 5)
        #expect(slopeMean < 0.92)
        #expect(slopeMean > 0.7)
        #expect(cell.accuracyMean > 0.92)
        #expect((cell.varianceMean ?? 0) < 14.4 * 0.92)
        #expect(cell.converged.allSatisfy { $0 })
    }
}

/// Sec. V / Fig. 6: recursive feature elimination on the spurious variant finds the true features.
@Suite struct RFETests {
    @Test func spuriousVariantPeaksAtTheTrueFeatures() throws {
        let input = try toyInput(variant: .spurious, trainingRows: 100_000, testRows: 20_000)
        var calls: [(Int, Int)] = []
        let result = try RecursiveFeatureElimination.run(input) { calls.append(($0, $1)) }
        #expect(result.steps.count == 20)
        #expect(calls.count == 20 && calls.last.map { $0 == (20, 20) } == true)
        #expect(result.steps.map(\.kept.count) == Array((1...20).reversed()))
        #expect(result.steps.last?.removed == nil)
        for step in result.steps {
            print(String(format: "kept %2d  Var %7.3f ± %6.3f  acc %.4f  slope %.3f  removed %@", step.kept.count,
                         step.variance ?? .nan, step.varianceError ?? .nan, step.testAccuracy, step.slope ?? .nan,
                         step.removed.map { input.featureNames[$0] } ?? "-"))
        }
        let variances = try result.steps.map { try #require($0.variance) }
        let errors = try result.steps.map { try #require($0.varianceError) }
        let maxVariance = try #require(variances.max())
        let peak = result.peakIndex
        #expect(variances[peak] == maxVariance)
        // From 20 down to 10 kept features the variance stays within its bootstrap error of the maximum …
        for k in 0...10 {
            let tolerance = (errors[peak] * errors[peak] + errors[k] * errors[k]).squareRoot()
            #expect(variances[k] >= maxVariance - tolerance, "kept \(20 - k): \(variances[k]) vs max \(maxVariance) ± \(tolerance)")
        }
        // … and falls by more than half when a true feature goes (9 kept).
        #expect(variances[11] < 0.5 * maxVariance)
        // The spurious z's go first, so the 10 kept features are exactly x01…x10.
        #expect(result.steps[10].kept == Array(0..<10))
        #expect(result.recommended == Array(0..<10))
        #expect(result.recommendedNames == (1...10).map { String(format: "x%02d", $0) })
        #expect(result.recommendedIndex == 10)
        #expect(result.steps[10].variance.map { abs($0 - 14.4) / 14.4 < 0.15 } == true)
    }

    /// The selection rule on hand-made steps.
    @Test func selectionRule() throws {
        let report = FitReport(solver: .primalNewton, loss: .squaredHinge, c: 1, iterations: 1, primalObjective: 0,
                               gradientNorm: 0, gradientNormTarget: 0, dualObjective: nil, dualityGap: nil,
                               projectedGradientViolation: nil, converged: true, stopReason: .toleranceReached)
        func step(_ kept: Int, _ v: Double?, _ e: Double?, _ acc: Double = 0.9) -> RFEStep {
            RFEStep(kept: Array(0..<kept), keptNames: [], removed: nil, variance: v, varianceError: e, testAccuracy: acc,
                    weights: [], slope: nil, report: report, warnings: [])
        }
        // max 10 ± 1 at 4 kept; 3 kept has 8.7 ± 1 (10 − √2 = 8.586 ≤ 8.7) → recommended; 2 kept 8.5 not.
        let steps = [step(5, 9.0, 1), step(4, 10, 1), step(3, 8.7, 1), step(2, 8.5, 1), step(1, 1, 0.1)]
        let (peak, recommended) = RecursiveFeatureElimination.selectSteps(steps)
        #expect(peak == 1)
        #expect(recommended == 2)
        let noVariance = [step(3, nil, nil, 0.8), step(2, nil, nil, 0.85), step(1, nil, nil, 0.7)]
        let (p2, r2) = RecursiveFeatureElimination.selectSteps(noVariance)
        #expect(p2 == 1 && r2 == 1)
    }
}
