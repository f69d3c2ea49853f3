import Foundation

/// Small statistics shared by the diagnostics (the one implementation of each).
public enum Statistics {
    /// Population variance Σ(x − x̄)²/n (numpy's default, ddof = 0); 0 for fewer than 2 values.
    public static func populationVariance(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return 0 }
        let mean = x.reduce(0, +) / Double(x.count)
        var s = 0.0
        for v in x { s += (v - mean) * (v - mean) }
        return s / Double(x.count)
    }

    /// Mean and sample standard deviation (n − 1 in the denominator; 0 for a single value).
    public static func meanAndSampleSD(_ x: [Double]) -> (mean: Double, sd: Double)? {
        guard !x.isEmpty else { return nil }
        let mean = x.reduce(0, +) / Double(x.count)
        guard x.count >= 2 else { return (mean, 0) }
        var s = 0.0
        for v in x { s += (v - mean) * (v - mean) }
        return (mean, (s / Double(x.count - 1)).squareRoot())
    }

    /// Quantile of ascending-sorted data with linear interpolation between order statistics
    /// (numpy's default "linear" method): position h = (n − 1)·p.
    public static func sortedQuantile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }  // callers never pass empty data
        let h = Double(sorted.count - 1) * min(max(p, 0), 1)
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    /// P(χ²_k ≥ chiSquared): the p-value of a fit's χ² with `degreesOfFreedom` k, the
    /// regularized upper incomplete gamma Q(k/2, χ²/2) (series below a + 1, Lentz's continued
    /// fraction above; Numerical Recipes §6.2). NaN for k < 1 or a negative or non-finite χ².
    public static func chiSquaredSurvival(_ chiSquared: Double, degreesOfFreedom k: Int) -> Double {
        guard k >= 1, chiSquared.isFinite, chiSquared >= 0 else { return .nan }
        let a = Double(k) / 2, x = chiSquared / 2
        if x == 0 { return 1 }
        let logPrefactor = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            // Lower series: P(a, x) = e^{−x} x^a / Γ(a + 1) Σ x^n / ((a + 1)⋯(a + n)).
            var term = 1 / a, sum = term, n = a
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logPrefactor))
        }
        // Continued fraction for Q(a, x).
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(logPrefactor) * h
    }
}
