import Foundation

/// The one-sentence verdict of a diagnostic run: did the softness learn the barrier?
///
/// With a true barrier (toy data) it compares the slope of ΔE_inf(S) on ΔE (DESIGN.md §1 item 7)
/// with 1; the paper's point (Sec. III) is that a high test accuracy does not imply a slope of 1.
/// Without one, it points at the variance diagnostic (Sec. V).
public enum Verdict {
    /// |slope − 1| at or below this counts as "the barrier was learned".
    public static let slopeTolerance = 0.05

    /// The sentence for `result`.
    public static func sentence(for result: DiagnosticResult) -> String {
        if let truth = result.truth {
            let percent = 100 * (1 - truth.slope)
            if abs(truth.slope - 1) <= slopeTolerance {
                return String(format: "the inferred barrier matches the true one (slope %.3f, R² %.3f) at test accuracy %.3f.",
                              truth.slope, truth.r2, result.testAccuracy)
            }
            return String(format: "the inferred barrier is biased: slope %.3f (%@ by %.0f%%) although test accuracy is %.3f — high accuracy did not mean the barrier was learned.",
                          truth.slope, percent > 0 ? "underestimated" : "overestimated", abs(percent), result.testAccuracy)
        }
        if result.arrhenius == nil {
            return "no Arrhenius barrier (needs test rows at two or more temperatures); the SVM and softness were still computed."
        }
        return "no true barrier in the file to compare with; run `softness rfe` and look for the feature set where Var(ΔE_inf) peaks."
    }

    /// The sentence for recursive feature elimination (paper Sec. V, Fig. 6): where Var(ΔE_inf)
    /// peaks, the recommended set (`RecursiveFeatureElimination.selectSteps`) and how often the
    /// bootstrap replicates chose it.
    public static func sentence(for rfe: RFEResult) -> String {
        guard rfe.steps.indices.contains(rfe.peakIndex), let peakVariance = rfe.steps[rfe.peakIndex].variance else {
            return "no RFE step had a variance (no Arrhenius barrier at any step)."
        }
        let peak = rfe.steps[rfe.peakIndex], chosen = rfe.steps[rfe.recommendedIndex]
        var text = String(format: "Var(ΔE_inf) peaks at %d features (%.4g ± %@); ", peak.kept.count, peakVariance,
                          peak.varianceError.map { String(format: "%.2g", $0) } ?? "no error")
        text += "the smallest set that stays within \(String(format: "%g", RecursiveFeatureElimination.standardErrors)) bootstrap errors of it has \(chosen.kept.count): \(rfe.recommendedNames.joined(separator: " "))"
        if rfe.replicates > 0 {
            text += " (chosen in \(chosen.timesChosen) of \(rfe.replicates) replicates\(Double(chosen.timesChosen) < RecursiveFeatureElimination.stableFraction * Double(rfe.replicates) ? "; unstable" : ""))"
        }
        return text + "."
    }
}
