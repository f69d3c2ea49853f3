import Foundation
import Testing
@testable import Diagnostics
@testable import StreamedDiagnostics
import Learning
import SeededRandom

/// The out-of-core test rows (`TestRowSpill`): groups sorted through a temporary file hold the same
/// rows in the same order as in-memory groups, and every stage that reads them — logistic fits,
/// quantiles, variance, truth check, bootstrap — gives the same numbers bit for bit.
@Suite struct TestRowSpillTests {
    static let temperatures = [0.5, 0.3, 0.4]

    /// `rows` random (temperature index, S, R, ΔE) with repeated S values (ties in the sort).
    static func entries(_ rows: Int, seed: UInt64) -> [(Int, GroupEntry)] {
        var rng = SplitMix64(seed: seed)
        return (0..<rows).map { _ in
            let t = rng.nextInt(below: temperatures.count)
            let s = Double(rng.nextInt(below: 400)) / 40 - 5
            let y: Double = rng.uniformOpen() < 1 / (1 + exp(-1.5 * s - Double(t))) ? 1 : -1
            return (t, GroupEntry(s: s, y: y, e: Double(rng.nextInt(below: 50)) / 5 + 10 - s))
        }
    }

    static func groups(_ entries: [(Int, GroupEntry)], bufferRows: Int, pieceRows: Int,
                       directory: String = NSTemporaryDirectory()) throws -> (groups: [TemperatureGroup], spilled: Bool) {
        var spill = TestRowSpill(temperatureCount: temperatures.count, bufferRows: bufferRows, hasEnergy: true,
                                 directory: directory, pieceRows: pieceRows)
        for (t, entry) in entries { try spill.append(t, entry) }
        return (try spill.groups(temperatures: temperatures, trainingTemperatures: [0.4]), spill.spilled)
    }

    /// Every row of a group in order, as its pieces give them.
    static func rows(_ g: TemperatureGroup) -> (s: [Double], y: [Double], e: [Double]) {
        var s: [Double] = [], y: [Double] = [], e: [Double] = []
        g.forEachPieceWithBarrier { offset, ps, py, pe in
            #expect(offset == s.count)
            s += ps; y += py; e += pe
        }
        return (s, y, e)
    }

    @Test(arguments: [(1, 3), (5, 1), (64, 7), (1000, 64), (5000, 1 << 16)])
    func spilledGroupsHoldTheRowsOfTheInMemoryGroups(bufferRows: Int, pieceRows: Int) throws {
        let entries = Self.entries(3000, seed: 11)
        let reference = try Self.groups(entries, bufferRows: 10_000, pieceRows: 1 << 16)
        let spilled = try Self.groups(entries, bufferRows: bufferRows, pieceRows: pieceRows)
        #expect(!reference.spilled && spilled.spilled == (bufferRows <= entries.count))
        #expect(spilled.groups.map(\.temperature) == [0.3, 0.4, 0.5])
        #expect(spilled.groups.map(\.isTraining) == [false, true, false])
        for (a, b) in zip(spilled.groups, reference.groups) {
            #expect(a.count == b.count && a.positives == b.positives && a.correct == b.correct)
            let (sa, ya, ea) = Self.rows(a), (sb, yb, eb) = Self.rows(b)
            #expect(sa == sb && ya == yb && ea == eb)
            #expect(sa.count == a.count)
            #expect(zip(sa, sa.dropFirst()).allSatisfy { $0 <= $1 }, "ascending S")
            for i in [0, a.count / 2, a.count - 1] { #expect(a.softness(at: i) == sb[i]) }
        }
        #expect(spilled.groups.reduce(0) { $0 + $1.count } == entries.count)
    }

    @Test func everyStageReadsTheSpilledRowsToTheSameNumbers() throws {
        let entries = Self.entries(6000, seed: 5)
        let memory = try Self.groups(entries, bufferRows: 100_000, pieceRows: 1 << 16).groups
        let spilled = try Self.groups(entries, bufferRows: 700, pieceRows: 97).groups
        let fitsA = TemperatureLogistic.fit(spilled), fitsB = TemperatureLogistic.fit(memory)
        #expect(fitsA.fits == fitsB.fits && fitsA.fits.count == 3)
        let arrhenius = try ArrheniusFit(logistic: fitsB.fits, softnessGrid: [0])
        #expect(VarianceDiagnostic.variance(spilled, arrhenius) == VarianceDiagnostic.variance(memory, arrhenius))
        let starts = fitsB.fits.map { ($0.intercept, $0.slope) }
        for replicate in 0..<3 {
            let a = VarianceDiagnostic.bootstrapVariance(spilled, starts: starts, replicate: replicate, seed: 9)
            let b = VarianceDiagnostic.bootstrapVariance(memory, starts: starts, replicate: replicate, seed: 9)
            #expect(a != nil && a == b)
        }
        // Quantiles of the union without merging equal those of the sorted union.
        let all = entries.map(\.1.s).sorted()
        for rank in [0, 1, 150, 2999, 5998, 5999] { #expect(unionOrderStatistic(spilled, rank: rank) == all[rank]) }
        let q = BarrierDiagnostic.softnessQuantiles(spilled)
        #expect(ArrheniusFit.softnessGrid(all, count: 2) == ArrheniusFit.evenGrid(low: q.low, high: q.high, count: 2))
        #expect(EmpiricalRates.count(spilled, range: q, binCount: 8) == EmpiricalRates.count(memory, range: q, binCount: 8))
        let pairs: ([TemperatureGroup]) -> ((Double, Double) -> Void) -> Void = { groups in
            { visit in for g in groups { g.forEachRow { s, e in visit(e, arrhenius.deltaE(s)) } } }
        }
        #expect(TruthCheck(pairs(spilled)) == TruthCheck(pairs(memory)))
    }

    @Test func aDirectoryThatCannotHoldTheFileIsNamed() throws {
        let entries = Self.entries(10, seed: 1)
        do {
            _ = try Self.groups(entries, bufferRows: 4, pieceRows: 8, directory: "/nonexistent/softness-tmp")
            Issue.record("expected an error")
        } catch let error as DiagnosticError {
            #expect("\(error)".contains("/nonexistent/softness-tmp") && "\(error)".contains("TMPDIR"), "\(error)")
        }
    }

    @Test func poissonCountsHaveMeanAndVarianceOne() {
        let draws = SplitMix64(seed: 42, purpose: .bootstrap, 1, 2)
        let counts = (0..<200_000).map { Double(draws.poissonOne(at: $0)) }
        let mean = counts.reduce(0, +) / Double(counts.count)
        let variance = Statistics.populationVariance(counts)
        #expect(abs(mean - 1) < 0.01 && abs(variance - 1) < 0.02, "mean \(mean), variance \(variance)")
        // P(0) = P(1) = e⁻¹.
        let zeros = Double(counts.filter { $0 == 0 }.count) / Double(counts.count)
        #expect(abs(zeros - exp(-1)) < 0.005)
        // value(at:) is the stream's own sequence.
        var stream = draws
        #expect((0..<5).map { _ in stream.next() } == (0..<5).map { draws.value(at: $0) })
    }
}
