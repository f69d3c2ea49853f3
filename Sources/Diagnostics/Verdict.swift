import Foundation

/// The one-sentence verdict of a diagnostic run: did the softness learn the barrier?
///
/// With a true barrier (toy data) it compares the slope of ΔE_inf(S) on ΔE (DESIGN.md §1 item 7)
/// with 1; the paper's point (Sec. III) is that a high test accuracy does not imply a slope of 1.
/// Without one, it points at the variance diagnostic (Sec. V).
public enum Verdict {
    /// The sentence for `result`: the truth check against `VerdictRules.slopeTolerance` (or a
    /// pointer to the variance diagnostic), the rows behind the accuracy, and the caveats.
    public static func sentence(for result: DiagnosticResult) -> String {
        var text: String
        if let truth = result.truth {
            let percent = 100 * (1 - truth.slope)
            if abs(truth.slope - 1) <= VerdictRules.slopeTolerance {
                text = String(format: "the inferred barrier matches the true one (slope %.3f, within %g of 1; R² %.3f) at %@.",
                              truth.slope, VerdictRules.slopeTolerance, truth.r2, accuracyPhrase(result))
            } else {
                text = String(format: "the inferred barrier is biased: slope %.3f (%@ by %.0f%%) although %@ — high accuracy did not mean the barrier was learned.",
                              truth.slope, percent > 0 ? "underestimated" : "overestimated", abs(percent), accuracyPhrase(result))
            }
        } else if result.arrhenius == nil {
            text = "no Arrhenius barrier (needs test rows at two or more temperatures); the SVM and softness were still computed."
        } else {
            let variance = result.varianceOfInferredBarrier.map { v in
                String(format: "Var(ΔE_inf) = %#.4g%@ over the %d test rows at the training temperature(s), ", v,
                       result.varianceError.map { String(format: " ± %.2g", $0) } ?? "", result.varianceRows)
            } ?? ""
            text = "no true barrier in the file to compare with (\(variance)\(accuracyPhrase(result))); run `softness rfe` and look for the feature set where Var(ΔE_inf) peaks."
        }
        if !result.caveats.isEmpty {
            text += " Caveats: " + result.caveats.map(\.clause).joined(separator: "; ") + " (see the warnings)."
        }
        return text
    }

    /// "test accuracy 0.943 on the 70000 test rows at T = 0.4".
    static func accuracyPhrase(_ result: DiagnosticResult) -> String {
        let temperatures = result.accuracyByTemperature.filter(\.isTrainingTemperature).map { String(format: "%g", $0.temperature) }
        return String(format: "test accuracy %.3f on the %d test rows %@", result.testAccuracy, result.testAccuracyRows,
                      temperatures.isEmpty ? "at every temperature" : "at T = " + temperatures.joined(separator: ", "))
    }

    /// The sentence for recursive feature elimination (paper Sec. V, Fig. 6): where Var(ΔE_inf)
    /// peaks, the recommended set (`RecursiveFeatureElimination.selectSteps`) and how often the
    /// bootstrap replicates chose it.
    public static func sentence(for rfe: RFEResult) -> String {
        guard rfe.steps.indices.contains(rfe.peakIndex), let peakVariance = rfe.steps[rfe.peakIndex].variance else {
            return "no RFE step had a variance (no Arrhenius barrier at any step)."
        }
        let peak = rfe.steps[rfe.peakIndex], chosen = rfe.steps[rfe.recommendedIndex]
        var text = String(format: "Var(ΔE_inf) peaks at %d features (%#.4g ± %@); ", peak.kept.count, peakVariance,
                          peak.varianceError.map { String(format: "%.2g", $0) } ?? "no error")
        text += "the smallest set that stays within \(String(format: "%g", VerdictRules.rfeStandardErrors)) bootstrap errors of it has \(chosen.kept.count): \(rfe.recommendedNames.joined(separator: " "))"
        if rfe.replicates > 0 {
            text += " (chosen in \(chosen.timesChosen) of \(rfe.replicates) replicates\(Double(chosen.timesChosen) < VerdictRules.rfeStableFraction * Double(rfe.replicates) ? "; unstable" : ""))"
        }
        return text + "."
    }

    /// The sentence for the binned route (Schoenholz et al. 2016): how many bins were fitted and
    /// whether their lines in 1/T hold within the binomial errors (`VerdictRules.poorFitPValue`).
    public static func sentence(for binned: BinnedArrheniusResult) -> String {
        let points = binned.points
        guard !points.isEmpty else { return "no bin could be fitted (see the skipped bins)." }
        let response = binned.response == .logit ? "logit P_R" : "ln P_R"
        var text = "ΔE(S) and Σ(S) from \(points.count) bins (\(response) against 1/T, \(binned.weighting == .none ? "unweighted" : "binomial weights"))"
        let tested = points.filter { $0.lackOfFitPValue != nil }
        let poor = tested.filter { ($0.lackOfFitPValue ?? 1) < VerdictRules.poorFitPValue }
        if tested.isEmpty {
            text += binned.weighting == .none
                ? ": unweighted lines are not tested against errors; rerun with --weighting binomial to test them."
                : ": no bin has three or more usable temperatures, so the Arrhenius law is untested."
        } else if poor.isEmpty {
            text += String(format: ": every tested bin (%d) is a straight line in 1/T within its errors (lack-of-fit p ≥ %g).", tested.count, VerdictRules.poorFitPValue)
        } else {
            let worst = poor.map { $0.chiSquared / Double(max(1, $0.temperaturesUsed - 2)) }.max() ?? .nan
            text += String(format: ": %d of %d tested bins are NOT straight lines in 1/T within their errors (p < %g, χ²/dof up to %.1f), so an Arrhenius law does not describe them and their barriers are averages over a curved law; errors scaled by sqrt(χ²/dof).",
                           poor.count, tested.count, VerdictRules.poorFitPValue, worst)
        }
        return text
    }
}
