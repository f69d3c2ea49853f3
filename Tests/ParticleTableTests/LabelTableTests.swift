import Testing
import ParticleTable

/// `LabelTable.balancedSample`: exactly as many rearranging as quiet pairs, per frame or pooled
/// over the file's frames (one temperature), drawn at random; frames with one class counted.
@Suite struct LabelTableTests {
    /// Rearranging and quiet pairs per frame 0…7: frames 4 and 5 have one class only.
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

    @Test(arguments: [UInt64(1), 2, 99])
    func perFrameSamplesAreExactlyBalancedInEveryFrame(seed: UInt64) throws {
        let table = Self.table
        let sample = table.balancedSample(seed: seed)
        let kept = table.subset(sample.rows)
        for (f, counts) in Self.perFrame.enumerated() {
            let rows = kept.label.indices.filter { kept.frame[$0] == f }
            #expect(rows.filter { kept.label[$0] > 0 }.count == min(counts.plus, counts.minus))
            #expect(rows.filter { kept.label[$0] < 0 }.count == min(counts.plus, counts.minus))
        }
        let expected = Self.perFrame.map { min($0.plus, $0.minus) }.reduce(0, +)
        #expect(sample.summary.kept == expected && sample.rows.count == 2 * expected)
        #expect(sample.summary.naturalRearranging == Self.perFrame.map(\.plus).reduce(0, +))
        #expect(sample.summary.naturalQuiet == Self.perFrame.map(\.minus).reduce(0, +))
        #expect(sample.summary.framesWithOneClass == 2 && sample.summary.frames == 8)
        #expect(sample.summary.warning == "2 of 8 frames have one class only and add nothing to the per-frame balanced sample; --balance-by temperature pools the frames")
        #expect(Set(sample.rows).count == sample.rows.count && sample.rows == sample.rows.sorted())
        // Seeded: the same seed draws the same rows.
        #expect(table.balancedSample(seed: seed).rows == sample.rows)
    }

    @Test func perTemperatureSamplesPoolTheFrames() {
        let table = Self.table
        let plus = Self.perFrame.map(\.plus).reduce(0, +), minus = Self.perFrame.map(\.minus).reduce(0, +)
        let sample = table.balancedSample(seed: 3, scope: .temperature)
        let kept = table.subset(sample.rows)
        #expect(kept.label.filter { $0 > 0 }.count == min(plus, minus))
        #expect(kept.label.filter { $0 < 0 }.count == min(plus, minus))
        #expect(sample.summary.warning == nil)
        #expect(table.balancedSample(seed: 4, scope: .temperature).rows != sample.rows, "another seed draws other quiet pairs")
        // Every other frame: frames 0, 2, 4, 6 only.
        let even = table.balancedSample(seed: 5, every: 2)
        #expect(Set(table.subset(even.rows).frame).isSubset(of: [0, 2, 6]))
        #expect(even.summary.frames == 4 && even.summary.kept == 2 + 3 + 2)
        // One class only: nothing to keep, said so.
        let quiet = LabelTable(frame: [0, 0, 1], particleID: [1, 2, 3], label: [-1, -1, -1])
        #expect(quiet.balancedSample(seed: 1).summary.kept == 0)
        #expect(quiet.balancedSample(seed: 1).summary.warning?.hasPrefix("no balanced sample") == true)
    }
}
