import Foundation
import Testing
@testable import Report
import SeededRandom

@Suite struct AxisScaleTests {
    /// Property: for any finite range wider than 10^-4 of its magnitude, ticks are 1/2/5 × 10^k apart, inside the axis, 2 to 12 of them.
    @Test func ticksAreNiceAndInsideForRandomRanges() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<500 {
            let centre = (Bool.random(using: &generator) ? 1 : -1) * pow(10, Double.random(in: -6...7, using: &generator))
            let width = max(1, abs(centre)) * pow(10, Double.random(in: -4...4, using: &generator))
            let axis = AxisScale(covering: [centre - width / 2, centre + width / 2, .nan])
            let ticks = axis.ticks()
            #expect(ticks.count >= 2 && ticks.count <= 12, "\(axis): \(ticks)")
            #expect(ticks.allSatisfy { $0 >= axis.low - 1e-9 * width && $0 <= axis.high + 1e-9 * width })
            let step = ticks[1] - ticks[0], magnitude = pow(10, log10(step).rounded(.down))
            #expect([1.0, 2.0, 5.0, 10.0].contains { abs(step / magnitude - $0) < 1e-6 }, "step \(step) ticks \(ticks) axis \(axis)")
            // Labels distinguish neighbouring ticks.
            #expect(Set(ticks.map { axis.label($0, ticks: ticks) }).count == ticks.count, "\(ticks.map { axis.label($0, ticks: ticks) })")
        }
    }

    @Test func logarithmicAxesRunOverWholeDecades() {
        let axis = AxisScale(covering: [0.03, 250, -1, 0], kind: .logarithmic)
        #expect(axis.low == 0.01 && axis.high == 1000)
        #expect(axis.ticks() == [0.01, 0.1, 1, 10, 100, 1000])
        #expect(axis.fraction(1) == 0.4)
        #expect(axis.ticks().map { axis.label($0, ticks: axis.ticks()) } == ["0.01", "0.1", "1", "10", "100", "1000"])
    }

    @Test func aConstantOrEmptySetGetsAUsableRange() {
        #expect(AxisScale(covering: [2, 2]).low < 2 && AxisScale(covering: [2, 2]).high > 2)
        #expect(AxisScale(covering: []).high > AxisScale(covering: []).low)
    }
}
