import Testing
import ParticleTable

/// `LabelTable.balanced` and `balanceSummary`: all rearranging pairs plus at most as many
/// quiet ones per frame; frames with fewer quiet pairs stay unbalanced and are counted.
@Suite struct LabelTableTests {
    /// Rearranging and quiet pairs per frame 0…7: frames 1, 4 and 6 have fewer quiet than
    /// rearranging pairs, frame 5 has no rearrangements (it keeps nothing).
    static let perFrame: [(plus: Int, minus: Int)] = [(2, 9), (5, 1), (3, 3), (1, 40), (4, 0), (0, 12), (6, 2), (2, 7)]

    static var table: LabelTable {
        var frame: [Int] = [], id: [Int64] = [], label: [Int8] = []
        for (f, counts) in perFrame.enumerated() {
            // Interleave the classes so that the order of the rows does not group them.
            let labels = Array(repeating: Int8(1), count: counts.plus) + Array(repeating: Int8(-1), count: counts.minus)
            for (k, value) in labels.enumerated().sorted(by: { ($0.offset * 7) % labels.count < ($1.offset * 7) % labels.count }) {
                frame.append(f)
                id.append(Int64(1000 * f + k))
                label.append(value)
            }
        }
        return LabelTable(frame: frame, particleID: id, label: label)
    }

    @Test func theSummaryCountsWhatBalancedKeeps() throws {
        let table = Self.table
        let summary = table.balanceSummary()
        let withRearrangements = Self.perFrame.filter { $0.plus > 0 }
        #expect(summary.framesWithRearrangements == withRearrangements.count)
        #expect(summary.unbalancedFrames == withRearrangements.filter { $0.minus < $0.plus }.count)
        #expect(summary.unbalancedFrames == 3)
        for seed: UInt64 in [1, 2, 99] {
            let kept = table.balanced(seed: seed)
            #expect(summary.rearranging == kept.label.filter { $0 > 0 }.count)
            #expect(summary.quiet == kept.label.filter { $0 < 0 }.count)
            // Per frame: every rearranging pair, min(quiet, rearranging) quiet ones.
            for (f, counts) in Self.perFrame.enumerated() {
                let rows = kept.label.indices.filter { kept.frame[$0] == f }
                #expect(rows.filter { kept.label[$0] > 0 }.count == counts.plus)
                #expect(rows.filter { kept.label[$0] < 0 }.count == (counts.plus > 0 ? min(counts.minus, counts.plus) : 0))
            }
        }
        let plus = Self.perFrame.map(\.plus).reduce(0, +)
        let quiet = Self.perFrame.map { $0.plus > 0 ? min($0.minus, $0.plus) : 0 }.reduce(0, +)
        #expect(abs(summary.rearrangingFraction - Double(plus) / Double(plus + quiet)) < 1e-15)
        #expect(summary.rearrangingFraction > 0.5)
        let percent = 100 * Double(plus) / Double(plus + quiet)
        #expect(summary.imbalance == "3 of 7 frames with rearrangements have fewer quiet than rearranging particles; the table is \(String(format: "%.1f", percent))% R = +1 (\(plus) rearranging, \(quiet) quiet pairs)")
    }

    @Test func everyOtherFrameAndBalancedTables() {
        let table = Self.table
        // Even frames 0, 2, 4, 6: frames 4 and 6 cannot be balanced.
        let even = table.balanceSummary(every: 2)
        #expect(even.framesWithRearrangements == 4 && even.unbalancedFrames == 2)
        #expect(even.rearranging == table.balanced(seed: 5, every: 2).label.filter { $0 > 0 }.count)
        // Frames 0, 3, 7 alone balance: 1:1 overall, no message.
        let keep = table.label.indices.filter { [0, 3, 7].contains(table.frame[$0]) }
        let balanced = LabelTable(frame: keep.map { table.frame[$0] }, particleID: keep.map { table.particleID[$0] }, label: keep.map { table.label[$0] })
        let summary = balanced.balanceSummary()
        #expect(summary.isBalanced && summary.imbalance == nil)
        #expect(summary.rearrangingFraction == 0.5)
        #expect(LabelTable(frame: [], particleID: [], label: []).balanceSummary().rearrangingFraction.isNaN)
    }
}
