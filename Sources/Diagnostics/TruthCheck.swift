import Learning

/// Truth check (DESIGN.md §1 item 7, paper Figs. 1d, 2d): ordinary least squares of
/// ΔE_inf(Sᵢ) (y) on the true ΔEᵢ (x) over the test rows at the training temperature(s).
/// A slope of 1 means the softness recovers the true barrier scale; the paper finds ≈ 1.0 at
/// N = 10^6 and ≈ 0.85 at N = 10^3.
public struct TruthCheck: Sendable, Equatable, Codable {
    /// Slope d ΔE_inf / d ΔE (dimensionless).
    public var slope: Double
    /// Intercept (energy units).
    public var intercept: Double
    /// R² of the fit (0 when ΔE_inf is constant).
    public var r2: Double
    /// Rows used.
    public var rows: Int
    /// Var(ΔE) of the true barriers over the same rows (population variance; 14.4 for the
    /// default toy model), to compare with Var(ΔE_inf).
    public var trueVariance: Double
}

extension TruthCheck {
    /// OLS of the inferred barriers on the true ones (DESIGN.md §1 item 7) over the pairs
    /// (true ΔE, ΔE_inf) that `pairs` visits, in the same order on each call; nil when the true
    /// barrier is constant over the rows.
    init?(_ pairs: ((Double, Double) -> Void) -> Void) {
        guard let line = LeastSquares.line({ visit in withoutActuallyEscaping(visit) { v in pairs { v($0, $1, 1) } } }) else { return nil }
        var rows = 0
        pairs { _, _ in rows += 1 }
        self.init(slope: line.slope, intercept: line.intercept, r2: max(0, line.rSquared.isFinite ? line.rSquared : 0),
                  rows: rows, trueVariance: Statistics.populationVariance { visit in withoutActuallyEscaping(visit) { v in pairs { e, _ in v(e) } } })
    }
}
