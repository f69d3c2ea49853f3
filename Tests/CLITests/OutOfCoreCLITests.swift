import Foundation
import HDF5
import Testing

/// Every dataset of a run file (recursively), numbers as Double and strings as text, by path.
func runDatasets(_ path: String) throws -> [String: [String]] {
    try File.withFile(path) { file in
        var contents: [String: [String]] = [:]
        func visit(_ group: Group, _ prefix: String) throws {
            for name in try group.memberNames() {
                let member = prefix.isEmpty ? name : "\(prefix)/\(name)"
                if group.isGroup(name) {
                    try visit(try group.group(name), member)
                } else if group.isDataset(name) {
                    let set = try group.dataset(name)
                    if let numbers = try? set.read(as: Double.self) {
                        contents[member] = numbers.map { String($0.bitPattern) }
                    } else {
                        contents[member] = try set.readStrings()
                    }
                }
            }
        }
        try visit(file, "")
        return contents
    }
}

/// `softness diagnose --memory LIMIT` on tables whose in-memory run does not fit the limit: the
/// features are streamed from the file for every pass and every dataset of the run is bit for bit
/// that of the in-memory run (Kob–Andersen tables with /balanced; a toy-like table without /split,
/// float64 softness), and so are rfe runs (bootstrap replicates included) and scan runs; a NaN deep in the table is a message naming the file, dataset and row, with
/// nothing written; asking for a row selection out of core is refused.
@Suite(.tags(.slow)) struct OutOfCoreCLITests {
    static func expectSameRuns(_ dir: URL, results: String, _ a: String, _ b: String, minimum: Int = 20) throws {
        let runs = dir.appendingPathComponent(results.replacingOccurrences(of: ".results.h5", with: ".results.runs"))
        let first = try runDatasets(runs.appendingPathComponent("\(a).h5").path)
        let second = try runDatasets(runs.appendingPathComponent("\(b).h5").path)
        #expect(first.count > minimum, "\(first.keys.sorted())")
        #expect(Set(first.keys) == Set(second.keys))
        for key in first.keys.sorted() { #expect(first[key] == second[key], "\(key) differs") }
    }

    @Test func kobAndersenTablesOutOfCoreEqualTheInMemoryRun() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-data/ka-paper")
        let tables = ["0.50", "0.55", "0.60", "0.65", "0.70"].map { sample.appendingPathComponent("ka_T\($0).table.h5").path }
        try withScratch { dir in
            let joined = try softness(["join"] + tables + ["-o", "ka.h5", "--split-by", "frame", "--seed", "1"], in: dir)
            #expect(joined.status == 0, "\(joined.stderr)")
            let inMemory = try softness(["diagnose", "ka.h5", "--run", "memory", "--bootstrap", "4"], in: dir)
            #expect(inMemory.status == 0, "\(inMemory.stderr)")
            #expect(!inMemory.stderr.contains("out of core"))
            let streamed = try softness(["diagnose", "ka.h5", "--run", "streamed", "--bootstrap", "4", "--memory", "12M", "--piece-rows", "1000"], in: dir)
            #expect(streamed.status == 0, "\(streamed.stderr)")
            #expect(streamed.stderr.contains("running out of core"), "\(streamed.stderr)")
            #expect(streamed.stderr.contains("balanced sample (/balanced)"), "the same note as in memory: \(streamed.stderr)")
            #expect(streamed.stdout == inMemory.stdout, "the same printed diagnostic")
            try Self.expectSameRuns(dir, results: "ka.results.h5", "memory", "streamed")
            let digests = try File.withFile(dir.appendingPathComponent("ka.results.runs/memory.h5").path) { a in
                try File.withFile(dir.appendingPathComponent("ka.results.runs/streamed.h5").path) { b in
                    (try a.attribute("input_digest")?.stringValue, try b.attribute("input_digest")?.stringValue)
                }
            }
            #expect(digests.0 != nil && digests.0 == digests.1, "the same input digest: \(digests)")
        }
    }

    /// A schema-v1 table without /split (rows split at random, seeded), float64 features, three temperatures.
    static func writeUnsplitTable(_ path: String, rows: Int, nanAt: Int? = nil) throws {
        try writeTable(path, rows: rows, temperatures: [0.5, 0.7, 1.0], writesSplit: false, nanAt: nanAt)
    }

    @Test func aRandomSplitAndFloat64SoftnessOutOfCoreEqualTheInMemoryRun() throws {
        try withScratch { dir in
            try Self.writeUnsplitTable(dir.appendingPathComponent("t.h5").path, rows: 6000)
            let common = ["--bootstrap", "3", "--seed", "7", "--test-fraction", "0.3", "--softness-storage", "float64"]
            let inMemory = try softness(["diagnose", "t.h5", "--run", "memory"] + common, in: dir)
            #expect(inMemory.status == 0, "\(inMemory.stderr)")
            let streamed = try softness(["diagnose", "t.h5", "--run", "streamed", "--memory", "400k", "--piece-rows", "777"] + common, in: dir)
            #expect(streamed.status == 0, "\(streamed.stderr)")
            #expect(streamed.stderr.contains("running out of core") && streamed.stderr.contains("has no /split"), "\(streamed.stderr)")
            try Self.expectSameRuns(dir, results: "t.results.h5", "memory", "streamed")
            let split = try runDatasets(dir.appendingPathComponent("t.results.runs/streamed.h5").path)["split"]
            #expect(split?.count == 6000, "the random split is stored with the run")
            // Test rows beyond --test-row-buffer go through a temporary file in TMPDIR, which is gone afterwards.
            let temporary = dir.appendingPathComponent("tmp")
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            let spilled = try softness(["diagnose", "t.h5", "--run", "spilled", "--memory", "400k", "--piece-rows", "777",
                                        "--test-row-buffer", "97"] + common, in: dir, environment: ["TMPDIR": temporary.path])
            #expect(spilled.status == 0, "\(spilled.stderr)")
            #expect(spilled.stderr.contains("sorted by temperature and S through a temporary file in \(temporary.path)"), "\(spilled.stderr)")
            try Self.expectSameRuns(dir, results: "t.results.h5", "memory", "spilled")
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty, "nothing left in TMPDIR")
            let nowhere = try softness(["diagnose", "t.h5", "--run", "nowhere", "--memory", "400k", "--piece-rows", "777", "--test-row-buffer", "97"] + common,
                                       in: dir, environment: ["TMPDIR": dir.appendingPathComponent("missing").path])
            #expect(nowhere.status != 0 && nowhere.stderr.contains("missing") && nowhere.stderr.contains("TMPDIR"), "\(nowhere.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("t.results.runs/nowhere.h5").path))
        }
    }

    @Test func aNonFiniteFeatureOutOfCoreNamesTheRowAndWritesNothing() throws {
        try withScratch { dir in
            try Self.writeUnsplitTable(dir.appendingPathComponent("nan.h5").path, rows: 6000, nanAt: 4321)
            let before = try Data(contentsOf: dir.appendingPathComponent("nan.h5"))
            let run = try softness(["diagnose", "nan.h5", "--memory", "400k", "--piece-rows", "1000", "--test-fraction", "0.3"], in: dir)
            #expect(run.status != 0)
            #expect(run.stderr.contains("nan.h5") && run.stderr.contains("/features") && run.stderr.contains("4321"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nan.results.runs/diagnose.h5").path))
            #expect(try Data(contentsOf: dir.appendingPathComponent("nan.h5")) == before, "the input is not changed")
        }
    }

    @Test func selectionsOutOfCoreAndTooSmallLimitsAreRefused() throws {
        try withScratch { dir in
            try Self.writeUnsplitTable(dir.appendingPathComponent("t.h5").path, rows: 6000)
            let selected = try softness(["diagnose", "t.h5", "--memory", "300k", "--temperatures", "0.5,1.0"], in: dir)
            #expect(selected.status != 0 && selected.stderr.contains("t.h5") && selected.stderr.contains("takes the whole table"), "\(selected.stderr)")
            let tiny = try softness(["diagnose", "t.h5", "--memory", "20k"], in: dir)
            #expect(tiny.status != 0 && tiny.stderr.contains("even out of core") && tiny.stderr.contains("raise --memory"), "\(tiny.stderr)")
            let bad = try softness(["diagnose", "t.h5", "--memory", "lots"], in: dir)
            #expect(bad.status != 0 && bad.stderr.contains("--memory must be a size"), "\(bad.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("t.results.runs/diagnose.h5").path))
        }
    }

    @Test func rfeAndScanOutOfCoreEqualTheInMemoryRuns() throws {
        try withScratch { dir in
            try Self.writeUnsplitTable(dir.appendingPathComponent("t.h5").path, rows: 6000)
            let small = ["--memory", "400k", "--piece-rows", "900", "--test-fraction", "0.3"]
            for (command, extra) in [("rfe", ["--bootstrap", "3", "--min-features", "2"]), ("scan", ["--n", "100,2000", "--c-values", "0.1,1", "--seeds", "2"])] {
                let inMemory = try softness([command, "t.h5", "--run", "\(command)-memory", "--test-fraction", "0.3"] + extra, in: dir)
                #expect(inMemory.status == 0, "\(inMemory.stderr)")
                let streamed = try softness([command, "t.h5", "--run", "\(command)-streamed"] + small + extra, in: dir)
                #expect(streamed.status == 0, "\(streamed.stderr)")
                #expect(streamed.stderr.contains("running out of core"), "\(streamed.stderr)")
                #expect(streamed.stdout == inMemory.stdout, "\(command): the same printed table")
                try Self.expectSameRuns(dir, results: "t.results.h5", "\(command)-memory", "\(command)-streamed", minimum: 4)
            }
            // A limit too small even out of core names what rfe's replicates add per row.
            let tiny = try softness(["rfe", "t.h5", "--run", "tiny", "--bootstrap", "3", "--memory", "20k"], in: dir)
            #expect(tiny.status != 0 && tiny.stderr.contains("3 more per row for the bootstrap replicates' copies of every row"),
                    "\(tiny.stderr)")
        }
    }
}
