/// Result of a (weighted) straight-line least-squares fit y ≈ slope·x + intercept.
public struct LineFit: Sendable, Equatable, Codable {
    /// Slope of the line (units of y per unit of x).
    public var slope: Double
    /// Value of the line at x = 0.
    public var intercept: Double
    /// R² = 1 − SS_res/SS_tot (weighted); defined as 1 when y is constant and fitted exactly.
    public var rSquared: Double
    /// Weighted residual sum of squares Σ wᵢ (yᵢ − ŷᵢ)² (χ² when wᵢ = 1/σᵢ²).
    public var residualSumOfSquares: Double
    /// Standard errors of slope and intercept from (XᵀWX)⁻¹ (no residual rescaling), i.e. the
    /// errors implied by weights that are inverse variances.
    public var slopeError: Double
    public var interceptError: Double
    /// Covariance of slope and intercept from (XᵀWX)⁻¹: −x̄_w / Σ w (x − x̄_w)².
    public var slopeInterceptCovariance: Double
}

/// Least squares on one predictor: the lines of the Arrhenius fits (logit against 1/T, DESIGN.md
/// §1 item 6) and of the truth check (ΔE_inf against ΔE, item 7).
public enum LeastSquares {
    /// Weighted least-squares line through (x, y) with weights w (nil = all 1), centered for
    /// accuracy. Returns nil when fewer than 2 points have positive weight, all x are equal, or
    /// a point with positive weight is not finite.
    public static func line(x: [Double], y: [Double], weights: [Double]? = nil) -> LineFit? {
        let n = x.count
        guard y.count == n, weights.map({ $0.count == n }) ?? true else { return nil }
        return line { visit in for i in 0..<n { visit(x[i], y[i], weights?[i] ?? 1) } }
    }

    /// `line` through the points (x, y, weight) that `points` visits, in the same order on each
    /// of its three calls (so points can be read from a file in pieces).
    public static func line(_ points: ((Double, Double, Double) -> Void) -> Void) -> LineFit? {
        var sw = 0.0, sx = 0.0, sy = 0.0, used = 0, finite = true
        points { x, y, w in
            guard w > 0 else { return }
            guard x.isFinite, y.isFinite, w.isFinite else { finite = false; return }
            used += 1
            sw += w; sx += w * x; sy += w * y
        }
        guard finite, used >= 2, sw > 0 else { return nil }
        let mx = sx / sw, my = sy / sw
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        points { x, y, w in
            guard w > 0 else { return }
            let dx = x - mx, dy = y - my
            sxx += w * dx * dx; sxy += w * dx * dy; syy += w * dy * dy
        }
        guard sxx > 0, sxx.isFinite else { return nil }
        let slope = sxy / sxx
        let intercept = my - slope * mx
        var ssRes = 0.0
        points { x, y, w in
            guard w > 0 else { return }
            let r = y - (slope * x + intercept)
            ssRes += w * r * r
        }
        let r2: Double
        if syy > 0 { r2 = 1 - ssRes / syy } else { r2 = 1 }
        return LineFit(slope: slope, intercept: intercept, rSquared: r2, residualSumOfSquares: ssRes,
                       slopeError: (1 / sxx).squareRoot(),
                       interceptError: (1 / sw + mx * mx / sxx).squareRoot(),
                       slopeInterceptCovariance: -mx / sxx)
    }
}
