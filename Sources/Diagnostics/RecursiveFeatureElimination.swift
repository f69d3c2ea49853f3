import Learning

/// One step of recursive feature elimination: the fit with `kept` features (DESIGN.md §1 item 8).
public struct RFEStep: Sendable, Codable {
    /// Column indices (into the input) of the features kept at this step, ascending.
    public var kept: [Int]
    /// Their names.
    public var keptNames: [String]
    /// Column removed AFTER this step (smallest |w_j| in standardized units); nil at the last step.
    public var removed: Int?
    /// Var(ΔE_inf) over test rows at the training temperature(s) (energy²); nil without Arrhenius fit.
    public var variance: Double?
    /// Bootstrap standard error of `variance`.
    public var varianceError: Double?
    /// Test accuracy at the training temperature(s).
    public var testAccuracy: Double
    /// SVM weights of the kept columns (standardized units), same order as `kept`.
    public var weights: [Double]
    /// Truth slope of ΔE_inf on ΔE (when the true barrier is known).
    public var slope: Double?
    /// How the SVM fit went.
    public var report: FitReport
    /// Warnings of this step's diagnostic run.
    public var warnings: [String]
}

/// Result of recursive feature elimination with the variance diagnostic (paper Sec. V, Fig. 6).
public struct RFEResult: Sendable, Codable {
    /// Steps from all d features down to `minimumFeatures`.
    public var steps: [RFEStep]
    /// Index of the step with the largest Var(ΔE_inf) (largest test accuracy if no variance exists).
    public var peakIndex: Int
    /// Index of the recommended step: the one with the FEWEST features among the steps whose
    /// variance is statistically indistinguishable from the maximum,
    /// variance_k ≥ maxVariance − sqrt(err_max² + err_k²) (errors = bootstrap standard errors,
    /// 0 when unavailable). Without variances it equals `peakIndex`.
    public var recommendedIndex: Int
    /// Columns kept at the recommended step.
    public var recommended: [Int]
    /// Their names.
    public var recommendedNames: [String]
}

/// Recursive feature elimination with the variance diagnostic (paper Sec. V, Fig. 6; Guyon et al.
/// 2002; DESIGN.md §1 item 8): fit, record Var(ΔE_inf), its bootstrap error, test accuracy and
/// weights; drop the feature with the smallest |w_j| in standardized units; refit (warm-started
/// from the remaining weights); repeat down to `minimumFeatures`. The variance of the inferred
/// barrier is maximal for the feature set whose softness is closest to the true barrier.
public enum RecursiveFeatureElimination {
    /// Runs RFE.
    /// - Parameters:
    ///   - minimumFeatures: stop when this many features are left (1…d).
    ///   - progress: called after each step with (steps done, total steps), on the calling thread.
    /// - Throws: as `BarrierDiagnostic.run`, plus `.invalidOption` for a bad `minimumFeatures`.
    public static func run(_ input: DiagnosticInput, options: DiagnosticOptions = .init(), minimumFeatures: Int = 1,
                           progress: (Int, Int) -> Void = { _, _ in }) throws(DiagnosticError) -> RFEResult {
        try input.validate()
        let d = input.featureCount
        guard minimumFeatures >= 1, minimumFeatures <= d else {
            throw .invalidOption(name: "minimumFeatures", reason: "must be between 1 and the number of features \(d) (got \(minimumFeatures))")
        }
        let split = RowSplit(input)
        let total = d - minimumFeatures + 1
        var kept = Array(0..<d)
        var warm: LinearSVMModel? = nil
        var steps: [RFEStep] = []
        while true {
            let result = try BarrierDiagnostic.analyze(input, columns: kept, trainingRows: split.training,
                                                       testRows: split.test, options: options,
                                                       warmStart: warm, bootstrap: true)
            let w = result.model.weights
            var step = RFEStep(kept: kept, keptNames: kept.map { input.featureNames[$0] }, removed: nil,
                               variance: result.varianceOfInferredBarrier, varianceError: result.varianceError,
                               testAccuracy: result.testAccuracy, weights: w, slope: result.truth?.slope,
                               report: result.model.report, warnings: result.warnings)
            if kept.count > minimumFeatures {
                // Smallest |w_j|; ties go to the higher column index (later features first).
                var drop = 0
                for k in 1..<w.count where abs(w[k]) <= abs(w[drop]) { drop = k }
                step.removed = kept[drop]
                var remaining = w
                remaining.remove(at: drop)
                kept.remove(at: drop)
                warm = LinearSVMModel(weights: remaining, bias: result.model.bias, report: result.model.report)
            }
            steps.append(step)
            progress(steps.count, total)
            if step.removed == nil { break }
        }
        let (peak, recommended) = selectSteps(steps)
        return RFEResult(steps: steps, peakIndex: peak, recommendedIndex: recommended,
                         recommended: steps[recommended].kept, recommendedNames: steps[recommended].keptNames)
    }

    /// (peak, recommended) step indices; see `RFEResult`.
    static func selectSteps(_ steps: [RFEStep]) -> (Int, Int) {
        var peak: Int? = nil
        for (k, s) in steps.enumerated() {
            guard let v = s.variance else { continue }
            if let p = peak, let pv = steps[p].variance, pv >= v { continue }
            peak = k
        }
        guard let p = peak, let maxVariance = steps[p].variance else {
            var best = 0
            for k in steps.indices where steps[k].testAccuracy > steps[best].testAccuracy { best = k }
            return (best, best)
        }
        let maxError = steps[p].varianceError ?? 0
        var recommended = p
        for (k, s) in steps.enumerated() {
            guard let v = s.variance else { continue }
            let e = s.varianceError ?? 0
            if v >= maxVariance - (maxError * maxError + e * e).squareRoot(), s.kept.count < steps[recommended].kept.count {
                recommended = k
            }
        }
        return (p, recommended)
    }
}
