/// A histogram of counts on a regular grid in one or two dimensions, for distributions that a
/// report draws without the per-row data: S over the test rows, and ΔE_inf(S) against the true
/// ΔE (the paper's Fig. 1d joint density).
public struct Histogram: Sendable, Equatable, Codable {
    /// Bin edges along x, ascending (`counts` has `xEdges.count − 1` columns).
    public var xEdges: [Double]
    /// Bin edges along y for a 2-D histogram, empty for 1-D.
    public var yEdges: [Double]
    /// Counts, row-major over (y bin, x bin) for 2-D: counts[yb * nx + xb]; counts[xb] for 1-D.
    public var counts: [Int]

    /// A 1-D histogram of the values `values` visits (twice, in the same order) in `bins` equal
    /// bins over their range; nil when they are empty, constant or not finite.
    static func of(_ values: ((Double) -> Void) -> Void, bins: Int) -> Histogram? {
        var low = Double.infinity, high = -Double.infinity, finite = true
        values { x in
            guard x.isFinite else { finite = false; return }
            low = min(low, x); high = max(high, x)
        }
        guard finite, bins > 0, let xEdges = edges(low, high, bins: bins) else { return nil }
        var counts = [Int](repeating: 0, count: bins)
        values { x in counts[bin(x, xEdges)] += 1 }
        return Histogram(xEdges: xEdges, yEdges: [], counts: counts)
    }

    /// A 2-D histogram of the pairs (x, y) that `pairs` visits (twice, in the same order) in
    /// bins × bins equal bins over their ranges; nil when either coordinate is empty, constant
    /// or not finite.
    static func of(_ pairs: ((Double, Double) -> Void) -> Void, bins: Int) -> Histogram? {
        var xLow = Double.infinity, xHigh = -Double.infinity, yLow = Double.infinity, yHigh = -Double.infinity
        var finite = true
        pairs { x, y in
            guard x.isFinite, y.isFinite else { finite = false; return }
            xLow = min(xLow, x); xHigh = max(xHigh, x); yLow = min(yLow, y); yHigh = max(yHigh, y)
        }
        guard finite, bins > 0, let xEdges = edges(xLow, xHigh, bins: bins), let yEdges = edges(yLow, yHigh, bins: bins) else { return nil }
        var counts = [Int](repeating: 0, count: bins * bins)
        pairs { x, y in counts[bin(y, yEdges) * bins + bin(x, xEdges)] += 1 }
        return Histogram(xEdges: xEdges, yEdges: yEdges, counts: counts)
    }

    private static func edges(_ low: Double, _ high: Double, bins: Int) -> [Double]? {
        guard low.isFinite, high.isFinite, high > low else { return nil }
        return (0...bins).map { $0 == bins ? high : low + (high - low) * Double($0) / Double(bins) }
    }

    private static func bin(_ v: Double, _ edges: [Double]) -> Int {
        let n = edges.count - 1
        return min(n - 1, max(0, Int((v - edges[0]) / (edges[n] - edges[0]) * Double(n))))
    }
}
