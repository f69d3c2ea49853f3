import Foundation
import Testing
import Diagnostics
import SeededRandom
import HDF5
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

private func table(_ text: String, delimiter: BinnedDelimiter? = nil, columns: String? = nil) throws -> BinnedRearrangementTable {
    try BinnedTableReading.readText(text, file: "b.csv", delimiter: delimiter, columns: columns.map(BinnedTableOptions.columnList))
}

/// The message of the error `body` throws ("" when it throws none).
private func message(_ body: () throws -> Any) -> String {
    do { _ = try body(); return "" } catch { return "\(error)" }
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
        ("S,T,count,fraction\n0,0.4,10.5,0.1\n", "b.csv:2: column 'count': value '10.5' is not an integer count"),
        ("S,T,count,fraction\n0,0.4,1e300,0.1\n", "b.csv:2: column 'count': value '1e300' is not an integer count"),
        ("S,T,count,fraction\n0,0.4,-3.0,0.1\n", "b.csv:2: column 'count': value '-3.0' is negative"),
        ("S,T,count,fraction\n0,0.4,10\n", "b.csv:2: 3 columns, the header has 4"),
        ("S\tT\tn\n0\t0.4\t10\n", "b.csv:1: header lacks a column named fraction or p or p_r or fraction_rearranging; found [\"S\", \"T\", \"n\"] (tab-separated, detected)"),
        ("S,T,count,fraction\nnan,0.4,10,0.1\n", "b.csv:2: column 'S': value 'nan' is not a finite number"),
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

    /// --delimiter overrides the detection: a header with a comma or a semicolon in a column
    /// name is detected as comma- or semicolon-separated (and refused), read right with the
    /// delimiter given.
    @Test func aGivenDelimiterOverridesTheDetection() throws {
        let spaces = "S T count fraction err(S,T)\n" + rows.map { "\($0.s) \($0.t) \($0.n) \($0.p) 0.1" }.joined(separator: "\n")
        let detected = message { try table(spaces) }
        #expect(detected.contains("b.csv:1: header lacks a column named s or softness; found [\"S T count fraction err(S\", \"T)\"] (comma-separated, detected)"), "\(detected)")
        #expect(try table(spaces, delimiter: .whitespace) == (try reference))
        let commas = "S,T,count,fraction,P(R;T) note\n" + rows.map { "\($0.s),\($0.t),\($0.n),\($0.p),x" }.joined(separator: "\n")
        #expect(message { try table(commas) }.contains("(semicolon-separated, detected)"))
        #expect(try table(commas, delimiter: .comma) == (try reference))
        #expect(message { try table(commas, delimiter: .tab) }.contains("(tab-separated)"))
    }

    @Test(arguments: [("tab", BinnedDelimiter.tab), ("\t", .tab), ("\\t", .tab), ("TAB", .tab), ("comma", .comma), (",", .comma),
                      ("semicolon", .semicolon), (";", .semicolon), ("space", .whitespace), (" ", .whitespace), ("whitespace", .whitespace)])
    func delimitersAreNamedOrGivenAsCharacters(name: String, delimiter: BinnedDelimiter) {
        #expect(BinnedDelimiter(name: name) == delimiter)
    }

    @Test func unknownDelimiterNamesAreRefused() {
        #expect(BinnedDelimiter(name: "pipe") == nil)
        #expect(BinnedDelimiter(name: "|") == nil)
    }

    /// A file without a header: the column list names the columns, the first line is data,
    /// aliases in any case and order, `-` and other names ignored.
    @Test func headerlessTablesTakeTheColumnList() throws {
        let reference = try self.reference
        let plain = rows.map { "\($0.s),\($0.t),\($0.n),\($0.p)" }.joined(separator: "\n")
        #expect(try table(plain, columns: "S,T,count,fraction") == reference)
        let shuffled = rows.enumerated().map { "\($0.offset)\t\($0.element.p)\t\($0.element.n)\tx\t\($0.element.t)\t\($0.element.s)" }.joined(separator: "\n")
        #expect(try table(shuffled, columns: "-,P_R,N,_,Temperature,softness") == reference)
        #expect(try table(shuffled, delimiter: .tab, columns: "index, p, n, note, t, s") == reference)
    }

    @Test(arguments: [
        ("0,0.4,10,0.1\n0,0.5,10,0.1\n1,0.4,10,0.1\n1,0.5,10,0.1\n1,0.6,10,0.1\n0,0.6,10,0.1\n0,0.7,abc,0.1\n", "S,T,count,fraction",
         "b.csv:7: column 'count': non-numeric value 'abc'"),
        ("0,0.4,10,0.1\n0,0.5,10\n", "S,T,n,p", "b.csv:2: 3 columns, the column list names 4 (comma-separated, detected)"),
        ("0,0.4,10,0.1\n", "S,T,count,-", "b.csv: the column list S,T,count,- lacks the fraction (named fraction or p or p_r or fraction_rearranging)"),
        ("0,0.4,10,0.1\n", "S,T,n,count", "b.csv: the column list names the count twice, 'n' (column 3) and 'count' (column 4); mark one of them '-'"),
        ("0,-0.4,10,0.1\n", "s,temperature,n,p", "b.csv:1: column 'temperature': value '-0.4' is not positive"),
        ("0,0.4,10,1.5\n", "S,T,n,P_R", "b.csv:1: column 'P_R': value '1.5' is outside [0, 1]"),
    ])
    func headerlessErrorsNameLineAndColumn(text: String, columns: String, expected: String) {
        let error = message { try table(text, columns: columns) }
        #expect(error.contains(expected), "\(error)")
    }

    @Test func aHeaderThatLooksLikeDataSuggestsTheColumnList() {
        let error = message { try table("0,0.4,10,0.1\n1,0.4,10,0.2\n") }
        #expect(error.contains("b.csv:1: header lacks a column named s or softness; found [\"0\", \"0.4\", \"10\", \"0.1\"]"), "\(error)")
        #expect(error.contains("the first line looks like data: give the column names of a file without a header (--columns S,T,count,fraction)"))
    }

    @Test func aHeaderNamingAColumnTwiceIsRefused() {
        let error = message { try table("S,T,n,count,fraction\n0,0.4,10,10,0.1\n") }
        #expect(error.contains("b.csv:1: the header names the count twice, 'n' (column 3) and 'count' (column 4); rename or remove one of them"), "\(error)")
    }

    @Test func theAliasTableIsCaseInsensitiveAndSharedByEveryName() {
        for column in BinnedColumn.allCases {
            for alias in column.aliases {
                #expect(BinnedColumn(name: alias) == column)
                #expect(BinnedColumn(name: alias.uppercased()) == column)
            }
            #expect(BinnedColumn(name: column.rawValue) == column, "the HDF5 dataset name is an alias")
        }
        #expect(BinnedColumn(name: "P_R") == .fraction)
        #expect(BinnedColumn(name: "-") == nil)
        #expect(Set(BinnedColumn.allCases.flatMap(\.aliases)).count == BinnedColumn.allCases.flatMap(\.aliases).count, "no alias names two columns")
    }

    // MARK: HDF5 tables

    /// Writes the reference rows as an HDF5 table: datasets named `names` (softness,
    /// temperature, count, fraction order) in `group` ("" for the root), counts as float64 when
    /// `floatCounts`.
    private func writeHDF5(_ url: URL, names: [String] = ["softness", "temperature", "count", "fraction"], groups: [String] = [""],
                           floatCounts: Bool = false, countShape: [Int]? = nil) throws {
        let file = try File.create(url.path, mode: .truncate)
        defer { file.close() }
        let reference = try self.reference
        for groupName in groups {
            let group: Group = groupName.isEmpty ? file : try file.createGroup(groupName)
            try group.createDataset(names[0], values: reference.softness)
            try group.createDataset(names[1], values: reference.temperatures)
            let counts = reference.counts.flatMap { $0 }
            let shape = countShape ?? [reference.softness.count, reference.temperatures.count]
            if floatCounts { try group.createDataset(names[2], values: counts.map(Double.init), shape: shape) } else { try group.createDataset(names[2], values: counts, shape: shape) }
            try group.createDataset(names[3], values: reference.fractionRearranging.flatMap { $0 }, shape: [reference.softness.count, reference.temperatures.count])
        }
    }

    private func withHDF5<R>(_ body: (URL) throws -> R) throws -> R {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("binned-\(UUID().uuidString).h5")
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    @Test func hdf5TablesTakeTheAliasesInAnyCase() throws {
        try withHDF5 { url in
            try writeHDF5(url, names: ["S", "T", "N", "P_R"], floatCounts: true)
            #expect(try BinnedTableReading.read(path: url.path) == (try reference))
        }
    }

    @Test func theRootsOnlyGroupHoldingTheDatasetsIsFound() throws {
        try withHDF5 { url in
            try writeHDF5(url, names: ["Softness", "temperature", "n", "fraction_rearranging"], groups: ["binned"])
            #expect(try BinnedTableReading.read(path: url.path) == (try reference))
            #expect(try BinnedTableReading.read(path: url.path, options: BinnedTableOptions(group: "/binned")) == (try reference))
        }
    }

    @Test func twoGroupsNeedTheGroupOption() throws {
        try withHDF5 { url in
            try writeHDF5(url, groups: ["a", "b"])
            let error = message { try BinnedTableReading.read(path: url.path) }
            #expect(error.contains("\(url.path): /a and /b each hold a binned table; choose one (--group /a)"), "\(error)")
            #expect(try BinnedTableReading.read(path: url.path, options: BinnedTableOptions(group: "b")) == (try reference))
            let missing = message { try BinnedTableReading.read(path: url.path, options: BinnedTableOptions(group: "/c")) }
            #expect(missing.contains("\(url.path): has no group '/c'; groups at the root: /a, /b"), "\(missing)")
        }
    }

    @Test func aMissingDatasetListsWhatWasFound() throws {
        try withHDF5 { url in
            let file = try File.create(url.path, mode: .truncate)
            try file.createDataset("softness", values: [0.0, 1])
            try file.createDataset("T", values: [0.4, 0.5])
            try file.createDataset("counts", values: [1, 2, 3, 4], shape: [2, 2])
            _ = try file.createGroup("notes")
            file.close()
            let error = message { try BinnedTableReading.read(path: url.path) }
            #expect(error.contains("\(url.path): / has no dataset named fraction (or p, p_r, fraction_rearranging); found datasets [T, counts, softness] and groups [notes]"), "\(error)")
        }
    }

    @Test func hdf5ShapesAndCountsAreChecked() throws {
        try withHDF5 { url in
            let reference = try self.reference
            try writeHDF5(url, countShape: [reference.temperatures.count * reference.softness.count])
            let error = message { try BinnedTableReading.read(path: url.path) }
            #expect(error.contains("/count has shape [\(reference.softness.count * reference.temperatures.count)], expected [\(reference.softness.count), \(reference.temperatures.count)] (bins × temperatures, from /softness and /temperature)"), "\(error)")
        }
        try withHDF5 { url in
            let file = try File.create(url.path, mode: .truncate)
            try file.createDataset("softness", values: [0.0, 1])
            try file.createDataset("temperature", values: [0.4, 0.5])
            try file.createDataset("count", values: [1, 2, 3.5, 4], shape: [2, 2])
            try file.createDataset("fraction", values: [0.1, 0.2, 0.3, 0.4], shape: [2, 2])
            file.close()
            let error = message { try BinnedTableReading.read(path: url.path) }
            #expect(error.contains("/count[1, 0] is 3.5, not an integer count"), "\(error)")
            let text = message { try BinnedTableReading.read(path: url.path, options: BinnedTableOptions(delimiter: .comma)) }
            #expect(text.contains("is an HDF5 file: a delimiter or a column list applies to text tables only"), "\(text)")
        }
    }
}
