import Dispatch
import Foundation

// MARK: - Random numbers

/// SplitMix64 finalizer (Steele, Lea & Flood 2014).
@inline(__always)
func diagnosticsMix64(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A small seeded SplitMix64 stream. Streams for different purposes are keyed by hashing
/// (seed, purpose, indices) so results never depend on thread scheduling.
struct SeededGenerator {
    private var state: UInt64

    init(key: UInt64) { state = key }

    /// A stream keyed by a seed and a list of 64-bit words (purpose tag, indices, bit patterns).
    init(seed: UInt64, _ words: UInt64...) {
        var h = diagnosticsMix64(seed ^ 0xD1A6_0571_C5EE_D001)
        for w in words { h = diagnosticsMix64(h ^ w &+ 0x9E37_79B9_7F4A_7C15) }
        state = h
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return diagnosticsMix64(state)
    }

    /// Uniform integer in 0..<bound (bound ≥ 1), by the multiply-high method (bias < bound/2⁶⁴).
    @inline(__always)
    mutating func nextInt(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}

/// Purpose tags for `SeededGenerator` streams.
enum StreamPurpose {
    static let bootstrap: UInt64 = 0xB007_57A9
    static let scanSubset: UInt64 = 0x5CA7_5B5E
}

// MARK: - Parallel helpers

/// Evaluates `body(i)` for i in 0..<count concurrently and returns the results in index order.
/// Every call writes only its own slot, so the result does not depend on scheduling.
func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    if count <= 1 { return (0..<count).map(body) }
    let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
    guard let base = buffer.baseAddress else { return (0..<count).map(body) }
    nonisolated(unsafe) let work = body
    nonisolated(unsafe) let target = base
    DispatchQueue.concurrentPerform(iterations: count) { i in
        (target + i).initialize(to: work(i))
    }
    let result = Array(buffer)
    buffer.deinitialize()  // elements were copied into `result`
    buffer.deallocate()
    return result
}

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
