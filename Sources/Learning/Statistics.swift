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
}
