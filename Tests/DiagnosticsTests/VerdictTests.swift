import Testing
@testable import Diagnostics

/// The verdict sentence follows the truth check and the RFE result it is given.
@Suite struct VerdictTests {
    @Test func slopeDecidesWhetherTheBarrierWasLearned() throws {
        var result = try BarrierDiagnostic.run(try toyInput(trainingRows: 4_000, testRows: 2_000),
                                               options: DiagnosticOptions(bootstrapSamples: 0))
        let truth = try #require(result.truth)
        result.truth?.slope = 1 + VerdictRules.slopeTolerance * 0.99
        #expect(Verdict.sentence(for: result).hasPrefix("the inferred barrier matches the true one"))
        result.truth?.slope = 0.80
        let biased = Verdict.sentence(for: result)
        #expect(biased.contains("slope 0.800 (underestimated by 20%)"), "\(biased)")
        result.truth?.slope = 1.10
        #expect(Verdict.sentence(for: result).contains("overestimated by 10%"))
        result.truth = nil
        let noTruth = Verdict.sentence(for: result)
        #expect(noTruth.contains("run `softness rfe`"))
        let variance = try #require(result.varianceOfInferredBarrier)
        #expect(noTruth.hasPrefix("no true barrier in the file to compare with (Var(ΔE_inf) = \(String(format: "%#.4g", variance)) over the \(result.varianceRows) test rows at the training temperature(s), test accuracy \(String(format: "%.3f", result.testAccuracy)) on the \(result.testAccuracyRows) test rows at T = 0.4)"), "\(noTruth)")
        result.arrhenius = nil
        #expect(Verdict.sentence(for: result).hasPrefix("no Arrhenius barrier"))
        #expect(truth.rows > 0)
    }

    @Test func rfeVerdictNamesPeakAndRecommendedSet() throws {
        let input = try toyInput(variant: .spurious, trainingRows: 3_000, testRows: 1_500)
        let rfe = try RecursiveFeatureElimination.run(input, options: DiagnosticOptions(bootstrapSamples: 3), minimumFeatures: 17)
        let sentence = Verdict.sentence(for: rfe)
        #expect(sentence.hasPrefix("Var(ΔE_inf) peaks at \(rfe.steps[rfe.peakIndex].kept.count) features"))
        #expect(sentence.contains("has \(rfe.recommended.count): \(rfe.recommendedNames.joined(separator: " "))"))
    }
}
