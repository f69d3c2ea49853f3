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

    /// A 1-D histogram of `x` in `bins` equal bins over its range; nil when `x` is empty or
    /// constant or not finite.
    static func of(_ x: [Double], bins: Int) -> Histogram? {
        guard let xEdges = Self.edges(x, bins: bins) else { return nil }
        var counts = [Int](repeating: 0, count: bins)
        for v in x { counts[Self.bin(v, xEdges)] += 1 }
        return Histogram(xEdges: xEdges, yEdges: [], counts: counts)
    }

    /// A 2-D histogram of the pairs (x[i], y[i]) in bins × bins equal bins over their ranges;
    /// nil when either coordinate is empty, constant or not finite.
    static func of(_ x: [Double], _ y: [Double], bins: Int) -> Histogram? {
        guard x.count == y.count, let xEdges = Self.edges(x, bins: bins), let yEdges = Self.edges(y, bins: bins) else { return nil }
        var counts = [Int](repeating: 0, count: bins * bins)
        for i in x.indices { counts[Self.bin(y[i], yEdges) * bins + Self.bin(x[i], xEdges)] += 1 }
        return Histogram(xEdges: xEdges, yEdges: yEdges, counts: counts)
    }

    private static func edges(_ x: [Double], bins: Int) -> [Double]? {
        guard bins > 0, let low = x.min(), let high = x.max(), low.isFinite, high.isFinite, high > low else { return nil }
        return (0...bins).map { $0 == bins ? high : low + (high - low) * Double($0) / Double(bins) }
    }

    private static func bin(_ v: Double, _ edges: [Double]) -> Int {
        let n = edges.count - 1
        return min(n - 1, max(0, Int((v - edges[0]) / (edges[n] - edges[0]) * Double(n))))
    }
}
