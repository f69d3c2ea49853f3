import Foundation

/// One row per fit of a run — the SVM, each logistic fit, the Arrhenius lines a(T), b(T) and
/// the line at each grid S, each RFE step, each binned bin — with whether it converged or
/// passed its lack-of-fit test (p ≥ the run's `poorFitPValue`).
public struct ConvergenceTable: Sendable {
    /// One fit.
    public struct Row: Sendable, Equatable {
        /// What was fitted, e.g. "logistic fit at T = 0.4".
        public var fit: String
        /// Outcome in words ("converged, 12 iterations", "p = 0.31").
        public var detail: String
        /// False when the fit failed or its line is rejected.
        public var ok: Bool
    }

    /// The rows, in the order of the run's stages.
    public var rows: [Row] = []

    /// The fits of `run`.
    public init(_ run: RunRecord) {
        let poorFitPValue = run.poorFitPValue
        func test(_ p: Double) -> (String, Bool) {
            p.isFinite ? (String(format: "lack-of-fit p = %.3g", p), p >= poorFitPValue) : ("untestable (two temperatures)", true)
        }
        if let svm = run.svm {
            rows.append(Row(fit: "linear SVM (\(svm.solver))", detail: "\(svm.converged ? "converged" : "NOT converged"), \(svm.iterations) iterations, stop: \(svm.stopReason)", ok: svm.converged))
        }
        if let logistic = run.logistic {
            for t in logistic.temperature.indices {
                rows.append(Row(fit: "logistic fit at T = \(RunFigures.label(logistic.temperature[t]))",
                                detail: "\(logistic.converged[t] ? "converged" : "NOT converged"), \(logistic.rows[t]) test rows", ok: logistic.converged[t]))
            }
        }
        if let arrhenius = run.arrhenius {
            let (a, aOK) = test(arrhenius.interceptLackOfFitP), (b, bOK) = test(arrhenius.slopeLackOfFitP)
            rows.append(Row(fit: "a(T) = A0 + A1/T", detail: a, ok: aOK))
            rows.append(Row(fit: "b(T) = B0 + B1/T", detail: b, ok: bOK))
            for k in arrhenius.softness.indices {
                let (detail, ok) = test(arrhenius.lackOfFitP[k])
                let r2 = arrhenius.r2[k].isFinite ? String(format: "R² %.4f, ", arrhenius.r2[k]) : ""
                rows.append(Row(fit: String(format: "logit against 1/T at S = %+.3f", arrhenius.softness[k]), detail: r2 + detail, ok: ok))
            }
        }
        if let rfe = run.rfe {
            for k in rfe.kept.indices {
                rows.append(Row(fit: "RFE step with \(rfe.kept[k]) features", detail: rfe.converged[k] ? "SVM converged" : "SVM NOT converged", ok: rfe.converged[k]))
            }
        }
        if let binned = run.binned {
            for k in binned.softness.indices {
                let (detail, ok) = test(binned.lackOfFitP[k])
                rows.append(Row(fit: String(format: "binned line at S = %+.3f", binned.softness[k]),
                                detail: String(format: "χ² = %.3g on %d temperatures, ", binned.chiSquared[k], binned.temperaturesUsed[k]) + detail, ok: ok))
            }
            for reason in binned.skipped { rows.append(Row(fit: "binned bin skipped", detail: reason, ok: false)) }
        }
    }

    /// Fits that failed or were rejected.
    public var failures: [Row] { rows.filter { !$0.ok } }
}
