import Foundation
import Testing
import SeededRandom
import HDF5

/// Writes a small particle table; `mutate` may break it.
/// With `writesSplit` false the table has no /split; `nanAt` puts a NaN in column 1 of that row.
func writeTable(_ path: String, rows: Int = 400, d: Int = 3, temperatures: [Double] = [0.5, 1.0],
                        labels: ((Int) -> Int8)? = nil, feature: ((Int, Int) -> Double)? = nil, split: ((Int) -> UInt8)? = nil,
                        writesSplit: Bool = true, nanAt: Int? = nil) throws {
    var generator = SplitMix64(seed: 9)
    var x = (0..<(rows * d)).map { index in feature?(index / d, index % d) ?? Double.random(in: -2...2, using: &generator) }
    if let nanAt { x[nanAt * d + 1] = .nan }
    let t = (0..<rows).map { temperatures[$0 % temperatures.count] }
    let y: [Int8] = (0..<rows).map { row in
        if let labels { return labels(row) }
        let barrier = x[row * d] + 0.5 * x[row * d + 1]
        return Double.random(in: 0..<1, using: &generator) < 1 / (1 + exp(barrier / t[row])) ? 1 : -1
    }
    let file = try File.create(path)
    try file.setAttribute("schema", .string("softness.particles"))
    try file.setAttribute("schema_version", .integer(1))
    try file.createDataset("features", values: x, shape: [rows, d])
    try file.createStringDataset("feature_names", values: (0..<d).map { "f\($0)" })
    try file.createDataset("labels", values: y)
    try file.createDataset("temperature", values: t)
    if writesSplit { try file.createDataset("split", values: (0..<rows).map { split?($0) ?? UInt8(($0 / 2) % 2) }) }
    file.close()
}

@Suite struct DiagnosticCLITests {
    @Test func diagnoseWritesResultsBesideTheInput() throws {
        try withScratch { dir in
            try writeTable(dir.appendingPathComponent("t.h5").path, rows: 2000)
            let input = try Data(contentsOf: dir.appendingPathComponent("t.h5"))
            let run = try softness(["diagnose", "t.h5", "--run", "first", "--bootstrap", "3"], in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("Arrhenius: ΔE_inf(S)"))
            #expect(run.stderr.contains("results: t.results.h5:/results/first/"), "\(run.stderr)")
            #expect(try Data(contentsOf: dir.appendingPathComponent("t.h5")) == input, "the input is never written")
            let results = try File.open(dir.appendingPathComponent("t.results.h5").path)
            #expect(try results.dataset("results/first/softness").shape() == [2000])
            #expect(try results.dataset("results/first/logistic/temperature").read(as: Double.self) == [0.5, 1.0])
            #expect(try results.group("results/first/svm").attribute("converged") == .integer(1))
            #expect(try results.group("results/first").attribute("command_line")?.stringValue?.contains("diagnose t.h5") == true)
            #expect(try results.group("results/first").attribute("input_digest")?.stringValue?.hasPrefix("fnv1a64m:") == true)
            #expect(try results.group("results/first/parameters").attribute("C") == .real(1))
            #expect(try results.group("results/first/parameters").attribute("bootstrap") == .integer(3))
            // Every dataset of the run says what it holds and in which units.
            var datasets = 0
            func walk(_ group: Group) throws {
                for name in try group.memberNames() {
                    if group.isGroup(name) { try walk(try group.group(name)); continue }
                    let dataset = try group.dataset(name)
                    #expect(try dataset.attribute("units")?.stringValue?.isEmpty == false, "\(dataset.objectPath)")
                    #expect(try dataset.attribute("description")?.stringValue?.isEmpty == false, "\(dataset.objectPath)")
                    datasets += 1
                }
            }
            try walk(try results.group("results/first"))
            #expect(datasets == 42, "standardization 3, svm 4, softness, logistic 9, rates 7, distribution 2, arrhenius 8, accuracy 6, warnings, caveats")
            results.close()
            let again = try softness(["diagnose", "t.h5", "--run", "first"], in: dir)
            #expect(again.status != 0)
            #expect(again.stderr.contains("/results/first exists; choose another --run name or pass --overwrite"))
            #expect(try softness(["diagnose", "t.h5", "--run", "first", "--overwrite", "--bootstrap", "0"], in: dir).status == 0)
            let inspected = try softness(["inspect", "t.h5"], in: dir)
            #expect(inspected.stdout.contains("results:   first (t.results.h5)"), "\(inspected.stdout)")
        }
    }

    @Test func selectionsAreCheckedAgainstTheirData() throws {
        try withScratch { dir in
            let path = dir.appendingPathComponent("t.h5").path
            try writeTable(path, rows: 1000, labels: { $0 % 5 == 0 ? 1 : -1 })
            let balanced = try softness(["validate", "t.h5", "--balance"], in: dir)
            #expect(balanced.status == 0, "\(balanced.stderr)")
            let used = try softness(["diagnose", "t.h5", "--selection", "balance", "--bootstrap", "0"], in: dir)
            #expect(used.status == 0, "\(used.stderr)")
            #expect(used.stderr.contains("training on the 200 selected rows of"), "\(used.stderr)")
            // A selection with a row outside the table.
            let run = try File.open(dir.appendingPathComponent("t.results.runs/balance.h5").path, mode: .readWrite)
            let indices = try run.dataset("balance/indices").read(as: Int64.self)
            try run.remove("balance/indices")
            try run.createDataset("balance/indices", values: indices + [5000])
            run.close()
            let outside = try softness(["diagnose", "t.h5", "--selection", "balance", "--run", "x"], in: dir)
            #expect(outside.status != 0)
            #expect(outside.stderr.contains("the selection holds row 5000, but the input has 1000 rows"), "\(outside.stderr)")
            // The same table rewritten with other data: the recorded digest no longer matches.
            try FileManager.default.removeItem(atPath: path)
            try writeTable(path, rows: 1000, labels: { $0 % 4 == 0 ? 1 : -1 })
            let changed = try softness(["diagnose", "t.h5", "--selection", "balance", "--run", "y"], in: dir)
            #expect(changed.status != 0)
            #expect(changed.stderr.contains("the selection was recorded for data with digest"), "\(changed.stderr)")
        }
    }

    /// Training rows beyond 80/20: validate refuses them (status 2) unless balanced or allowed;
    /// diagnose warns that the accuracy is near the base rate.
    @Test func imbalancedTrainingRowsAreNamed() throws {
        try withScratch { dir in
            // Training rows are those with (row / 2) even: 1 in 10 of them rearranges at each T.
            try writeTable(dir.appendingPathComponent("t.h5").path, rows: 1000, labels: { $0 % 40 < 4 ? 1 : -1 })
            let refused = try softness(["validate", "t.h5"], in: dir)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("/labels: training rows at T = 0.5 are 10.0% R = +1 (beyond 80/20)"), "\(refused.stderr)")
            let allowed = try softness(["validate", "t.h5", "--allow-imbalance"], in: dir)
            #expect(allowed.status == 0 && allowed.stdout.contains("valid: yes"), "\(allowed.stderr)")
            let balanced = try softness(["validate", "t.h5", "--balance"], in: dir)
            #expect(balanced.status == 0, "\(balanced.stderr)")
            let diagnosed = try softness(["diagnose", "t.h5", "--dry-run", "--bootstrap", "0"], in: dir)
            #expect(diagnosed.stderr.contains("training rows are 10.0% R = +1 (beyond 80/20)"), "\(diagnosed.stderr)")
            let selected = try softness(["diagnose", "t.h5", "--dry-run", "--bootstrap", "0", "--selection", "balance"], in: dir)
            #expect(selected.status == 0 && !selected.stderr.contains("training rows are"), "\(selected.stderr)")
            // The balanced selection fixes the training rows, not the test rows: those are named per temperature.
            #expect(selected.stderr.contains("the test rows at T = 0.5 are 10.0% R = +1 (beyond 80/20): their logistic fit rests on the"), "\(selected.stderr)")
            #expect(selected.stdout.contains("Caveats: test rows beyond 80/20 at T = 0.5"), "\(selected.stdout)")
        }
    }

    /// The verdict and the thresholds behind it are in the JSON of diagnose, rfe and arrhenius
    /// and in the results file; the text of diagnose names the rows behind each number.
    @Test func verdictAndRulesAreInJSONTextAndResults() throws {
        try withScratch { dir in
            // Training rows only at T = 0.5 (every other row there): 500 training, 500 + 1000 + 1000 test rows.
            try writeTable(dir.appendingPathComponent("t.h5").path, rows: 3000, temperatures: [0.5, 0.7, 1.0],
                           split: { $0 % 3 == 0 && ($0 / 3) % 2 == 0 ? 0 : 1 })
            func json(_ arguments: [String]) throws -> [String: Any] {
                let run = try softness(arguments + ["--json", "--dry-run"], in: dir)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            }
            for arguments in [["diagnose", "t.h5", "--bootstrap", "2"], ["rfe", "t.h5", "--bootstrap", "2"]] {
                let object = try json(arguments)
                #expect((object["verdict"] as? String)?.isEmpty == false, "\(arguments)")
                let rules = try #require(object["verdictRules"] as? [String: Double], "\(arguments)")
                #expect(rules["slope_tolerance"] == 0.03 && rules["rfe_standard_errors"] == 2, "\(rules)")
            }
            let diagnosed = try json(["diagnose", "t.h5", "--bootstrap", "2"])
            #expect(diagnosed["testAccuracyRows"] as? Int == 500 && diagnosed["varianceRows"] as? Int == 500, "\(diagnosed)")
            #expect((diagnosed["accuracyByTemperature"] as? [[String: Any]])?.count == 3)
            let text = try softness(["diagnose", "t.h5", "--bootstrap", "2"], in: dir)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("(500 test rows at T = 0.5); all 2500 test rows"), "\(text.stdout)")
            #expect(text.stdout.contains("pooled over the 500 test rows at T = 0.5 (the training temperature; per temperature above)"))
            #expect(text.stdout.contains("test rows per temperature:"))
            let results = try File.open(dir.appendingPathComponent("t.results.h5").path)
            let run = try results.group("results/diagnose")
            #expect(try run.attribute("verdict")?.stringValue == text.stdout.split(separator: "\n").last.map { String($0.dropFirst("verdict: ".count)) })
            #expect(try run.attribute("rule_slope_tolerance") == .real(0.03))
            #expect(try run.attribute("variance_delta_E_inf_rows") == .integer(500))
            #expect(try results.dataset("results/diagnose/accuracy/rows").read(as: Int.self) == [500, 1000, 1000])
            results.close()
            let csv = "S,T,count,fraction\n" + [-1.0, 0.0, 1.0].flatMap { s in [0.4, 0.5, 0.6].map { t in
                "\(s),\(t),10000,\(exp(-(2 - 0.5 * s) / t))" } }.joined(separator: "\n") + "\n"
            try csv.write(to: dir.appendingPathComponent("bins.csv"), atomically: true, encoding: .utf8)
            let binned = try json(["arrhenius", "--binned", "bins.csv"])
            #expect((binned["verdict"] as? String)?.hasPrefix("ΔE(S) and Σ(S) from 3 bins (ln P_R against 1/T, binomial weights): every tested bin (3) is a straight line") == true, "\(binned)")
            #expect(binned["points"] as? [[String: Any]] != nil)
        }
    }

    @Test func inspectRefusesAResultsFileItCannotRead() throws {
        try withScratch { dir in
            try writeTable(dir.appendingPathComponent("t.h5").path)
            #expect(try softness(["train", "t.h5"], in: dir).status == 0)
            let results = try File.open(dir.appendingPathComponent("t.results.h5").path, mode: .readWrite)
            try results.setAttribute("schema_version", .integer(3))
            results.close()
            let inspected = try softness(["inspect", "t.h5"], in: dir)
            #expect(inspected.status != 0)
            #expect(inspected.stderr.contains("t.results.h5: results written with results schema version 3"), "\(inspected.stderr)")
            try Data("not hdf5".utf8).write(to: dir.appendingPathComponent("t.results.h5"))
            let foreign = try softness(["inspect", "t.h5"], in: dir)
            #expect(foreign.status != 0 && foreign.stderr.contains("t.results.h5"), "\(foreign.stderr)")
        }
    }

    @Test func aFileLockedByAWriterIsNamedAsSuch() throws {
        try withScratch { dir in
            try writeTable(dir.appendingPathComponent("t.h5").path)
            let writer = try File.open(dir.appendingPathComponent("t.h5").path, mode: .readWrite)
            defer { writer.close() }
            let locked = try softness(["inspect", "t.h5"], in: dir)
            #expect(locked.status != 0)
            #expect(locked.stderr.contains("t.h5: cannot open the file: another process holds its HDF5 file lock"), "\(locked.stderr)")
            #expect(locked.stderr.contains("HDF5_USE_FILE_LOCKING=FALSE"))
        }
    }

    @Test func directoriesAndFIFOsAreRefusedWithTheirCause() throws {
        try withScratch { dir in
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("adir.h5"), withIntermediateDirectories: false)
            let directory = try softness(["inspect", "adir.h5"], in: dir)
            #expect(directory.status != 0 && directory.stderr.contains("adir.h5: is a directory"), "\(directory.stderr)")
            #expect(mkfifo(dir.appendingPathComponent("pipe.h5").path, 0o644) == 0)
            let fifo = try softness(["diagnose", "pipe.h5"], in: dir)
            #expect(fifo.status != 0 && fifo.stderr.contains("pipe.h5: is not a regular file"), "\(fifo.stderr)")
            #expect(mkfifo(dir.appendingPathComponent("pipe.dump").path, 0o644) == 0)
            let dump = try softness(["label", "pipe.dump", "-o", "l.h5"], in: dir)
            #expect(dump.status != 0 && dump.stderr.contains("pipe.dump: is not a regular file"), "\(dump.stderr)")
        }
    }

    @Test func singleTemperatureStillWritesTheOtherResults() throws {
        try withScratch { dir in
            try writeTable(dir.appendingPathComponent("t.h5").path, temperatures: [0.7])
            let run = try softness(["diagnose", "t.h5"], in: dir)
            #expect(run.status == 3)
            #expect(run.stderr.contains("no Arrhenius barriers"))
            #expect(run.stderr.contains("two or more temperatures"))
            let results = try File.open(dir.appendingPathComponent("t.results.h5").path)
            #expect(results.isDataset("results/diagnose/softness"))
            #expect(!results.contains("results/diagnose/arrhenius"))
        }
    }
}

/// `softness diagnose` on an arbitrary HDF5 layout mapped on the command line or in a mapping file.
@Suite struct MappedLayoutTests {
    /// An HDF5 file in a user's own layout: /sim/x [N, 2], /sim/R [N] (0/1), /sim/T [N], /sim/use [N].
    private func external(_ path: String, rows: Int = 1200) throws {
        var generator = SplitMix64(seed: 4)
        let x = (0..<(2 * rows)).map { _ in Double.random(in: -2...2, using: &generator) }
        let t = (0..<rows).map { [0.5, 0.8][$0 % 2] }
        let r: [Int32] = (0..<rows).map { Double.random(in: 0..<1, using: &generator) < 1 / (1 + exp(2 * x[2 * $0] / t[$0])) ? 1 : 0 }
        let file = try File.create(path)
        try file.createDataset("sim/x", values: x.map(Float.init), shape: [rows, 2])
        try file.createDataset("sim/R", values: r)
        try file.createDataset("sim/T", values: t)
        try file.createDataset("sim/use", values: (0..<rows).map { UInt8(($0 / 2) % 2) })
        try file.createDataset("sim/short", values: [1.0, 2.0])
        file.close()
    }

    @Test func commandLineAndFileMappingsGiveTheSameResult() throws {
        try withScratch { dir in
            try external(dir.appendingPathComponent("ext.h5").path)
            let source = try Data(contentsOf: dir.appendingPathComponent("ext.h5"))
            let a = try softness(["diagnose", "ext.h5", "--features", "/sim/x", "--labels", "/sim/R", "--label-encoding", "01",
                                  "--temperature", "/sim/T", "--split", "/sim/use", "--run", "a", "--bootstrap", "0", "--json"], in: dir)
            #expect(a.status == 0, "\(a.stderr)")
            try Data(#"{"features": "/sim/x", "labels": "/sim/R", "temperature": "/sim/T", "split": "/sim/use"}"#.utf8)
                .write(to: dir.appendingPathComponent("map.json"))
            try Data(#"{"features": "/sim/x", "labels": "/sim/R", "temperature": "/sim/T"}"#.utf8)
                .write(to: dir.appendingPathComponent("map-nosplit.json"))
            let b = try softness(["diagnose", "ext.h5", "--mapping", "map.json", "--label-encoding", "01", "--run", "b", "--bootstrap", "0", "--json"], in: dir)
            #expect(b.status == 0, "\(b.stderr)")
            let ja = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
            let jb = try #require(try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as? [String: Any])
            #expect(ja["weights"] as? [Double] == jb["weights"] as? [Double])
            #expect((ja["weights"] as? [Double])?.count == 2)
            #expect(try Data(contentsOf: dir.appendingPathComponent("ext.h5")) == source, "the source file is never written")
            let results = try File.open(dir.appendingPathComponent("ext.results.h5").path)
            #expect(try results.dataset("features").shape() == [1200, 2], "/features links to /sim/x")
            #expect(try results.group("results").memberNames() == ["a", "b"])
            #expect(!results.contains("results/a/split"), "the file's own split was used")
            // Without a split the random one is stored with the run, and reproduces it.
            let c = try softness(["diagnose", "ext.h5", "--mapping", "map-nosplit.json", "--label-encoding", "01", "--run", "c",
                                  "--bootstrap", "0", "--test-fraction", "0.25"], in: dir)
            #expect(c.status == 0, "\(c.stderr)")
            #expect(c.stderr.contains("no /split: 25% of rows drawn at random (seed 1)"), "\(c.stderr)")
            let again = try File.open(dir.appendingPathComponent("ext.results.h5").path)
            let split = try again.dataset("results/c/split").read(as: UInt8.self)
            #expect(split.count == 1200 && Set(split).isSubset(of: [0, 1]))
            #expect(abs(Double(split.filter { $0 == 1 }.count) / 1200 - 0.25) < 0.05)
            #expect(try again.group("results/c").attribute("test_rows") == .integer(split.filter { $0 == 1 }.count))
            again.close()
        }
    }

    @Test(arguments: [
        (["--features", "/sim/nope", "--labels", "/sim/R", "--temperature", "0.5"], "ext.h5: /sim/nope: no such dataset"),
        (["--features", "/sim/x", "--labels", "/sim/short", "--temperature", "0.5"], "ext.h5: /sim/short: has shape [2], expected [1200]"),
        (["--features", "/sim/x", "--labels", "/sim/R"], "needs --features, --labels and --temperature"),
        (["--features", "/sim", "--labels", "/sim/R", "--temperature", "0.5"], "ext.h5: /sim: is not a dataset"),
        (["--mapping", "missing.json"], "missing.json: cannot read the mapping file"),
    ])
    func badMappingsAreRefused(arguments: [String], message: String) throws {
        try withScratch { dir in
            try external(dir.appendingPathComponent("ext.h5").path)
            let before = try Data(contentsOf: dir.appendingPathComponent("ext.h5"))
            let result = try softness(["diagnose", "ext.h5", "--label-encoding", "01"] + arguments, in: dir)
            #expect(result.status != 0)
            #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
            #expect(try Data(contentsOf: dir.appendingPathComponent("ext.h5")) == before)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ext.results.h5").path))
        }
    }
}
