import Foundation
import Testing
import Diagnostics
import SeededRandom
@testable import Workflows

/// Long-format rows of a binned table: 3 softness bins × 3 temperatures.
private let rows: [(s: Double, t: Double, n: Int, p: Double)] = {
    var rows: [(s: Double, t: Double, n: Int, p: Double)] = []
    for s in [-1.0, 0, 1] {
        for t in [0.4, 0.5, 0.6] {
            let fraction: Double = 0.01 * (2 + s) * t
            rows.append((s, t, 1000 + Int(10 * s), fraction))
        }
    }
    return rows
}()

private func table(_ text: String) throws -> BinnedRearrangementTable {
    try BinnedTableReading.readText(text, file: "b.csv")
}

@Suite struct BinnedTableReadingTests {
    private var reference: BinnedRearrangementTable {
        get throws { try table("S,T,count,fraction\n" + rows.map { "\($0.s),\($0.t),\($0.n),\($0.p)" }.joined(separator: "\n")) }
    }

    @Test func readsTheLongFormat() throws {
        let read = try reference
        #expect(read.softness == [-1, 0, 1])
        #expect(read.temperatures == [0.4, 0.5, 0.6])
        #expect(read.counts[0] == [990, 990, 990] && read.counts[2] == [1010, 1010, 1010])
        #expect(abs(read.fractionRearranging[2][1] - 0.015) < 1e-15)
    }

    /// What numpy, pandas and supplementary files write gives the same table: tabs, semicolons
    /// or spaces, a pandas index column, quoted names, integral float and exponent counts, and
    /// rows in any order.
    @Test(arguments: 0..<20)
    func everyDialectGivesTheSameTable(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let delimiters = [",", "\t", ";", "  "]
        let delimiter = delimiters[generator.nextInt(below: delimiters.count)]
        let index = generator.nextInt(below: 2) == 1
        var header = ["\"S\"", "T", "count", "fraction"]
        if index { header.insert(delimiter == "  " ? "index" : "", at: 0) }
        var lines = [header.joined(separator: delimiter)]
        for (k, row) in rows.shuffled(using: &generator).enumerated() {
            let count: String
            switch generator.nextInt(below: 3) {
            case 0: count = String(row.n)
            case 1: count = String(format: "%.1f", Double(row.n))
            default: count = String(format: "%.3e", Double(row.n))
            }
            var fields = [String(row.s), String(row.t), count, String(row.p)]
            if index { fields.insert(String(k), at: 0) }
            lines.append(fields.joined(separator: delimiter))
        }
        let read = try table(lines.joined(separator: "\n") + "\n")
        let expected = try reference
        #expect(read.softness == expected.softness)
        #expect(read.temperatures == expected.temperatures)
        #expect(read.counts == expected.counts)
        #expect(read.fractionRearranging == expected.fractionRearranging, "delimiter '\(delimiter)', index \(index)")
    }

    @Test func valuesWithinTheToleranceShareABin() throws {
        let read = try table("S,T,count,fraction\n0.5,0.4,10,0.1\n0.500000000001,0.5,10,0.2\n0.7,0.4,10,0.3\n0.7,0.5,10,0.4\n")
        #expect(read.softness == [0.5, 0.7])
        #expect(read.counts == [[10, 10], [10, 10]])
    }

    @Test(arguments: [
        ("S,T,count,fraction\n0,0.4,10,0.1\n0,0.4,12,0.1\n", "b.csv:3: S = 0.0, T = 0.4 is also on line 2 with other values"),
        ("S,T,count,fraction\n0,0.4,10.5,0.1\n", "b.csv:2: count '10.5' is not an integer count"),
        ("S,T,count,fraction\n0,0.4,1e300,0.1\n", "b.csv:2: count '1e300' is not an integer count"),
        ("S,T,count,fraction\n0,0.4,-3.0,0.1\n", "b.csv:2: count -3.0 is negative"),
        ("S,T,count,fraction\n0,0.4,10\n", "b.csv:2: 3 columns, the header has 4"),
        ("S\tT\tn\n0\t0.4\t10\n", "b.csv:1: header lacks a column named fraction or p or p_r or fraction_rearranging; found [\"s\", \"t\", \"n\"] (tab-separated)"),
        ("S,T,count,fraction\nnan,0.4,10,0.1\n", "b.csv:2: s 'nan' is not a finite number"),
    ])
    func badTablesNameLineColumnAndProblem(text: String, message: String) {
        #expect(throws: BinnedTableError.self) { try table(text) }
        do {
            _ = try table(text)
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    /// Identical repeated lines are the same measurement written twice, not a conflict.
    @Test func repeatedIdenticalLinesAreKeptOnce() throws {
        let read = try table("S,T,count,fraction\n0,0.4,10,0.1\n0,0.4,10,0.1\n1,0.4,10,0.2\n0,0.5,10,0.3\n1,0.5,10,0.4\n")
        #expect(read.counts == [[10, 10], [10, 10]])
    }
}
