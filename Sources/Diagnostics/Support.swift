import Dispatch
import Foundation

// MARK: - Small statistics

/// Population variance Σ(x − x̄)²/n (numpy's default, ddof = 0); 0 for fewer than 2 values.
func populationVariance(_ x: [Double]) -> Double {
    guard x.count >= 2 else { return 0 }
    let mean = x.reduce(0, +) / Double(x.count)
    var s = 0.0
    for v in x { s += (v - mean) * (v - mean) }
    return s / Double(x.count)
}

/// Mean and sample standard deviation (n − 1 in the denominator; 0 for a single value).
func meanAndSampleSD(_ x: [Double]) -> (mean: Double, sd: Double)? {
    guard !x.isEmpty else { return nil }
    let mean = x.reduce(0, +) / Double(x.count)
    guard x.count >= 2 else { return (mean, 0) }
    var s = 0.0
    for v in x { s += (v - mean) * (v - mean) }
    return (mean, (s / Double(x.count - 1)).squareRoot())
}

/// Quantile of ascending-sorted data with linear interpolation between order statistics
/// (numpy's default "linear" method): position h = (n − 1)·p.
func sortedQuantile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }  // callers never pass empty data
    let h = Double(sorted.count - 1) * min(max(p, 0), 1)
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
}

/// Result of a (weighted) straight-line least-squares fit y ≈ slope·x + intercept.
struct SimpleLine {
    var slope: Double
    var intercept: Double
    /// R² = 1 − SS_res/SS_tot (weighted); defined as 1 when y is constant and fitted exactly.
    var rSquared: Double
    /// Weighted residual sum of squares Σ wᵢ (yᵢ − ŷᵢ)² (χ² when wᵢ = 1/σᵢ²).
    var residualSumOfSquares: Double
    /// Standard errors of slope and intercept from (XᵀWX)⁻¹ (no residual rescaling), i.e. the
    /// errors implied by weights that are inverse variances.
    var slopeError: Double
    var interceptError: Double
}

/// Weighted least-squares line through (x, y) with weights w (nil = all 1), centered for
/// accuracy. Returns nil when fewer than 2 points have positive weight or all x are equal.
func fitLine(x: [Double], y: [Double], weights: [Double]? = nil) -> SimpleLine? {
    let n = x.count
    guard y.count == n, weights.map({ $0.count == n }) ?? true else { return nil }
    var sw = 0.0, sx = 0.0, sy = 0.0, used = 0
    for i in 0..<n {
        let w = weights?[i] ?? 1
        guard w > 0 else { continue }
        used += 1
        sw += w; sx += w * x[i]; sy += w * y[i]
    }
    guard used >= 2, sw > 0 else { return nil }
    let mx = sx / sw, my = sy / sw
    var sxx = 0.0, sxy = 0.0, syy = 0.0
    for i in 0..<n {
        let w = weights?[i] ?? 1
        guard w > 0 else { continue }
        let dx = x[i] - mx, dy = y[i] - my
        sxx += w * dx * dx; sxy += w * dx * dy; syy += w * dy * dy
    }
    guard sxx > 0, sxx.isFinite else { return nil }
    let slope = sxy / sxx
    let intercept = my - slope * mx
    var ssRes = 0.0
    for i in 0..<n {
        let w = weights?[i] ?? 1
        guard w > 0 else { continue }
        let r = y[i] - (slope * x[i] + intercept)
        ssRes += w * r * r
    }
    let r2: Double
    if syy > 0 { r2 = 1 - ssRes / syy } else { r2 = 1 }
    return SimpleLine(slope: slope, intercept: intercept, rSquared: r2, residualSumOfSquares: ssRes,
                      slopeError: (1 / sxx).squareRoot(),
                      interceptError: (1 / sw + mx * mx / sxx).squareRoot())
}
