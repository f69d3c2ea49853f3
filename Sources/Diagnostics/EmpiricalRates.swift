/// The empirical rearrangement probability P_R(S,T) in softness bins, per test temperature: the
/// points behind the paper's Fig. 1a/1b that the logistic fits of DESIGN.md §1 item 5 summarize.
/// Counted on the same test rows as the logistic fits, so a report (or a user's own plot) draws
/// the fitted lines over these points without re-binning.
///
/// The bins are `binCount` equal-width intervals of S between the 2.5 % and 97.5 % quantiles of
/// all test rows' S (the range of the Arrhenius grid); rows outside that range are not counted
/// (`outsideRows` says how many), so a few extreme rows do not stretch the bins.
public struct EmpiricalRates: Sendable, Equatable, Codable {
    /// Bin edges in S (standardized feature units), ascending, `binCount + 1` values; bin b is
    /// [edges[b], edges[b+1]) and the last bin includes its upper edge.
    public var edges: [Double]
    /// Test temperatures, ascending (temperature units of the input).
    public var temperatures: [Double]
    /// Test rows per temperature and bin: rows[t][b].
    public var rows: [[Int]]
    /// Rows with R = +1 per temperature and bin: rearranging[t][b].
    public var rearranging: [[Int]]
    /// Test rows per temperature outside the binned range.
    public var outsideRows: [Int]

    /// Bin centres in S.
    public var centres: [Double] { (0..<max(0, edges.count - 1)).map { (edges[$0] + edges[$0 + 1]) / 2 } }

    /// P_R = rearranging / rows per temperature and bin; nil for an empty bin.
    public func fraction(temperature t: Int, bin b: Int) -> Double? {
        rows[t][b] > 0 ? Double(rearranging[t][b]) / Double(rows[t][b]) : nil
    }

    /// Counts the test rows of `groups` (ascending temperature) in `binCount` bins over `range`
    /// (`BarrierDiagnostic.softnessQuantiles`); nil when there are no rows or every S is the same.
    static func count(_ groups: [TemperatureGroup], range: (low: Double, high: Double), binCount: Int) -> EmpiricalRates? {
        guard binCount > 0, groups.contains(where: { $0.count > 0 }) else { return nil }
        let grid = ArrheniusFit.evenGrid(low: range.low, high: range.high, count: 2)
        guard grid[1] > grid[0] else { return nil }
        let low = grid[0], high = grid[1], width = (high - low) / Double(binCount)
        let edges = (0...binCount).map { $0 == binCount ? high : low + width * Double($0) }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: binCount), count: groups.count)
        var rearranging = rows, outside = [Int](repeating: 0, count: groups.count)
        for (t, group) in groups.enumerated() {
            group.forEachPiece { _, s, y, _ in
                for i in 0..<s.count {
                    guard s[i] >= low, s[i] <= high else { outside[t] += 1; continue }
                    let b = min(binCount - 1, Int((s[i] - low) / width))
                    rows[t][b] += 1
                    if y[i] > 0 { rearranging[t][b] += 1 }
                }
            }
        }
        return EmpiricalRates(edges: edges, temperatures: groups.map(\.temperature), rows: rows,
                              rearranging: rearranging, outsideRows: outside)
    }
}
