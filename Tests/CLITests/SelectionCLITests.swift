import Foundation
import Testing
import HDF5

/// `--temperatures`, `--species`, `--frames`, `--columns`, `--exclude-columns`, `--features-from`
/// on the commands that read a particle table.
@Suite struct SelectionCLITests {
    private func json(_ arguments: [String], in dir: URL) throws -> (object: [String: Any], stderr: String) {
        let run = try softness(arguments + ["--json"], in: dir)
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return (try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]), run.stderr)
    }

    /// Every file of the scratch folder with its contents, to show a failed run changed nothing.
    private func snapshot(_ dir: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[url.lastPathComponent] = try Data(contentsOf: url)
            }
        }
        return files
    }

    @Test func columnsGiveTheWeightsOfATableWithOnlyThoseColumns() throws {
        try withScratch { dir in
            var generator = SeededValues(seed: 3)
            let values = (0..<(1200 * 3)).map { _ in generator.next() }
            // Labels from the values, the same in both tables (noisy through sin of f1).
            let labels: (Int) -> Int8 = { row in values[row * 3] + 0.5 * values[row * 3 + 2] + sin(1000 * values[row * 3 + 1]) > 0 ? 1 : -1 }
            try writeTable(dir.appendingPathComponent("full.h5").path, rows: 1200, d: 3, labels: labels, feature: { values[$0 * 3 + $1] })
            // The same rows with columns f0 and f2 only (named f0, f1 by writeTable).
            try writeTable(dir.appendingPathComponent("two.h5").path, rows: 1200, d: 2, labels: labels, feature: { values[$0 * 3 + ($1 == 0 ? 0 : 2)] })
            let selected = try json(["diagnose", "full.h5", "--columns", "f0,f2", "--bootstrap", "0", "--dry-run"], in: dir)
            let reference = try json(["diagnose", "two.h5", "--bootstrap", "0", "--dry-run"], in: dir)
            #expect(selected.object["featureNames"] as? [String] == ["f0", "f2"])
            let w = try #require(selected.object["weights"] as? [Double])
            let wReference = try #require(reference.object["weights"] as? [Double])
            #expect(w.count == 2 && wReference.count == 2)
            for (a, b) in zip(w, wReference) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(w) vs \(wReference)") }
            #expect(selected.stderr.contains("selection: 2 of 2 temperatures, 2 of 3 columns, 1200 of 1200 rows"), "\(selected.stderr)")
            // A glob and an exclusion give the same columns.
            let globbed = try json(["diagnose", "full.h5", "--columns", "f*", "--exclude-columns", "f1", "--bootstrap", "0", "--dry-run"], in: dir)
            #expect(globbed.object["weights"] as? [Double] == w)
        }
    }

    @Test func temperaturesDropRowsAndTheSelectionIsStored() throws {
        try withScratch { dir in
            // 2000 rows at T = 0.5, 0.7, 1.0, 1.3 in turn; rows 0–3 train, 4–7 test, …
            try writeTable(dir.appendingPathComponent("t.h5").path, rows: 2000, temperatures: [0.5, 0.7, 1.0, 1.3], split: { UInt8(($0 / 4) % 2) })
            let all = try json(["diagnose", "t.h5", "--bootstrap", "0", "--dry-run"], in: dir)
            #expect(all.object["trainingRows"] as? Int == 1000 && all.object["testRows"] as? Int == 1000, "\(all.object)")
            let run = try softness(["diagnose", "t.h5", "--bootstrap", "0", "--run", "cold", "--json", "--temperatures", "0.5,1.0", "--columns", "f0,f1"], in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(object["trainingRows"] as? Int == 500 && object["testRows"] as? Int == 500, "\(object)")
            let temperatures = (object["accuracyByTemperature"] as? [[String: Any]])?.compactMap { $0["temperature"] as? Double }
            #expect(temperatures == [0.5, 1.0])
            #expect(run.stderr.contains("selection: 2 of 4 temperatures, 2 of 3 columns, 1000 of 2000 rows"), "\(run.stderr)")
            let results = try File.open(dir.appendingPathComponent("t.results.h5").path)
            defer { results.close() }
            let parameters = try results.group("results/cold/parameters")
            #expect(try parameters.attribute("selected_temperatures") == .reals([0.5, 1.0]))
            #expect(try parameters.attribute("selected_columns") == .strings(["f0", "f1"]))
            #expect(try parameters.attribute("column_patterns") == .strings(["f0", "f1"]))
            #expect(try parameters.attribute("selected_species") == nil)
            #expect(try results.dataset("results/cold/softness").shape() == [1000])
        }
    }

    @Test func featuresFromPicksTheRecommendedNamesOfAnRFERun() throws {
        try withScratch { dir in
            try writeTable(dir.appendingPathComponent("t.h5").path, rows: 1500, d: 4)
            let rfe = try softness(["rfe", "t.h5", "--bootstrap", "2", "--run", "elim"], in: dir)
            #expect(rfe.status == 0, "\(rfe.stderr)")
            let stored = try File.open(dir.appendingPathComponent("t.results.h5").path)
            let recommended = try stored.dataset("results/elim/rfe/recommended_names").readStrings()
            stored.close()
            #expect(!recommended.isEmpty && recommended.count <= 4)
            let reused = try softness(["train", "t.h5", "--features-from", "elim", "--run", "reuse"], in: dir)
            #expect(reused.status == 0, "\(reused.stderr)")
            #expect(reused.stderr.contains("\(recommended.count) of 4 columns"), "\(reused.stderr)")
            let results = try File.open(dir.appendingPathComponent("t.results.h5").path)
            defer { results.close() }
            #expect(try results.group("results/reuse/parameters").attribute("selected_columns") == .strings(recommended))
            #expect(try results.group("results/reuse/parameters").attribute("features_from")?.stringValue == "t.results.h5:/results/elim")
            let diagnosed = try json(["diagnose", "t.h5", "--features-from", "elim", "--bootstrap", "0", "--dry-run"], in: dir)
            #expect(diagnosed.object["featureNames"] as? [String] == recommended)
            // A run that is not an rfe run.
            let notRFE = try softness(["diagnose", "t.h5", "--features-from", "reuse", "--dry-run"], in: dir)
            #expect(notRFE.status != 0)
            #expect(notRFE.stderr.contains("t.results.h5: --features-from: run 'reuse' is not an rfe run"), "\(notRFE.stderr)")
        }
    }

    @Test func speciesAndFramesSelectRows() throws {
        try withScratch { dir in
            let path = dir.appendingPathComponent("t.h5").path
            try writeTable(path, rows: 1200)
            let file = try File.open(path, mode: .readWrite)
            try file.createDataset("species", values: (0..<1200).map { Int32($0 % 3 == 0 ? 2 : 1) })
            try file.createDataset("frame", values: (0..<1200).map { Int64($0 / 100) * 10 })
            try file.setAttribute("structure_species", .integers([1, 2]))
            try file.setAttribute("structure_species_names", .strings(["A", "B"]))
            file.close()
            let byName = try json(["diagnose", "t.h5", "--species", "A", "--bootstrap", "0", "--dry-run"], in: dir)
            #expect(byName.stderr.contains("800 of 1200 rows"), "\(byName.stderr)")
            let frames = try softness(["scan", "t.h5", "--frames", "20:60", "--species", "1,2", "--n", "50", "--seeds", "1", "--dry-run"], in: dir)
            #expect(frames.status == 0, "\(frames.stderr)")
            #expect(frames.stderr.contains("selection: 2 of 2 temperatures, 3 of 3 columns, 400 of 1200 rows"), "\(frames.stderr)")
            let empty = try softness(["diagnose", "t.h5", "--frames", "200:300", "--dry-run"], in: dir)
            #expect(empty.status != 0)
            #expect(empty.stderr.contains("t.h5: --frames 200:300: no rows with a frame in 200:300 (a ≤ frame < b); frames present: 12 frames from 0 to 110"), "\(empty.stderr)")
        }
    }

    @Test func badSelectionsExitNonZeroAndChangeNoFile() throws {
        try withScratch { dir in
            try writeTable(dir.appendingPathComponent("t.h5").path, rows: 600)
            #expect(try softness(["diagnose", "t.h5", "--bootstrap", "0", "--run", "first"], in: dir).status == 0)
            let before = try snapshot(dir)
            let cases: [([String], String)] = [
                (["diagnose", "t.h5", "--temperatures", "0.6"], "t.h5: --temperatures: no rows at T = 0.6; the table holds T = 0.5, 1"),
                (["rfe", "t.h5", "--species", "1"], "t.h5: --species: the table has no /species dataset"),
                (["train", "t.h5", "--frames", "0:10"], "t.h5: --frames: the table has no /frame dataset"),
                (["scan", "t.h5", "--frames", "10:0"], "--frames 10:0: the start must be below the end"),
                (["arrhenius", "t.h5", "--columns", "g*"], "t.h5: --columns: no feature column matches 'g*'; available: f0, f1, f2"),
                (["diagnose", "t.h5", "--exclude-columns", "f?"], "t.h5: the column selection leaves no feature column"),
                (["diagnose", "t.h5", "--features-from", "missing"], "t.results.h5: --features-from: no run 'missing'; runs: first"),
                (["diagnose", "t.h5", "--features-from", "first"], "run 'first' is not an rfe run"),
                (["diagnose", "t.h5", "--temperatures", "0"], "--temperatures must be positive and finite, got 0"),
            ]
            for (arguments, message) in cases {
                let run = try softness(arguments + ["--run", "bad"], in: dir)
                #expect(run.status != 0, "\(arguments)")
                #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            }
            #expect(try snapshot(dir) == before, "a refused selection writes nothing")
        }
    }
}

/// Uniform values in [-2, 2) from a fixed seed (features shared by two tables).
private struct SeededValues {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53) * 4 - 2
    }
}
