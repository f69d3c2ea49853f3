import Testing
@testable import Diagnostics

@Suite struct EmpiricalRatesTests {
    @Test func binnedCountsEqualABruteForceCountOfTheTestRows() throws {
        let input = try toyInput(trainingRows: 2000, testRows: 6000, seed: 5)
        let result = try BarrierDiagnostic.run(input)
        let rates = try #require(result.empiricalRates)
        #expect(rates.edges.count == 16 && rates.temperatures == result.testTemperatures)
        let test = input.isTraining.indices.filter { !input.isTraining[$0] }
        let low = rates.edges[0], high = rates.edges[15]
        for (t, temperature) in rates.temperatures.enumerated() {
            let rows = test.filter { input.temperature[$0] == temperature }
            var counted = 0, rearranging = 0, outside = 0
            for b in 0..<15 {
                let inBin = rows.filter { r in
                    let s = result.softness[r]
                    return s >= rates.edges[b] && (b == 14 ? s <= high : s < rates.edges[b + 1])
                }
                #expect(rates.rows[t][b] == inBin.count)
                #expect(rates.rearranging[t][b] == inBin.filter { input.labels[$0] > 0 }.count)
                counted += inBin.count
                rearranging += inBin.filter { input.labels[$0] > 0 }.count
            }
            outside = rows.filter { result.softness[$0] < low || result.softness[$0] > high }.count
            #expect(counted + outside == rows.count && rates.outsideRows[t] == outside)
            #expect(rearranging > 0)
        }
        // The range is the 2.5 %–97.5 % quantiles: about 5 % of the rows fall outside.
        let outsideFraction = Double(rates.outsideRows.reduce(0, +)) / Double(test.count)
        #expect(outsideFraction > 0.03 && outsideFraction < 0.07)
        // The stored distributions cover every test row and every truth-check row.
        #expect(result.softnessHistogram?.counts.reduce(0, +) == test.count)
        #expect(result.truthDensity?.counts.reduce(0, +) == result.truth?.rows)
    }

    @Test func histogramsPutEveryValueInExactlyOneBin() throws {
        let x = (0..<1000).map { Double($0 % 37) * 0.25 - 3 }, y = x.map { $0 * $0 }
        func values(_ v: [Double]) -> ((Double) -> Void) -> Void { { visit in v.forEach(visit) } }
        let one = try #require(Histogram.of(values(x), bins: 10))
        #expect(one.counts.count == 10 && one.counts.reduce(0, +) == 1000 && one.xEdges.first == -3 && one.xEdges.last == 6)
        let two = try #require(Histogram.of({ visit in for i in x.indices { visit(x[i], y[i]) } }, bins: 8))
        #expect(two.counts.count == 64 && two.counts.reduce(0, +) == 1000)
        #expect(Histogram.of(values([1, 1, 1]), bins: 4) == nil)
        #expect(Histogram.of(values([1, .nan]), bins: 4) == nil)
    }
}
