import Testing
@testable import Report

@Suite struct AxisScaleTests {
    @Test func niceTicksCoverTheRangeInOneTwoFiveSteps() {
        let axis = AxisScale(covering: [0.13, 9.7])
        let ticks = axis.ticks()
        #expect(ticks.first! >= axis.low && ticks.last! <= axis.high)
        let step = ticks[1] - ticks[0]
        #expect([1.0, 2.0, 5.0].contains(step))
        #expect(axis.label(ticks[1], ticks: ticks) == String(format: "%.0f", ticks[1]))
    }
}
