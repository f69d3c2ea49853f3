import Foundation
import Testing
import HDF5
import ParticleTable
import Trajectory

/// `softness apply`: a stored run's softness on its own table, on a permuted superset, on a
/// trajectory (with a LAMMPS dump copy), and every bad input refused with no file changed.
@Suite struct ApplyTests {
    /// Bytes of every regular file in `dir` (recursively), to show that nothing changed.
    private func snapshot(_ dir: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            if (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                files[url.path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    /// A toy table (float64) with a diagnose run; returns the scratch-relative names.
    private func diagnosedToy(in dir: URL) throws {
        let made = try softness(["generate", "-n", "2000", "--test-rows", "500", "--seed", "5", "-o", "toy.h5"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let diagnosed = try softness(["diagnose", "toy.h5", "--bootstrap", "0"], in: dir)
        #expect(diagnosed.status == 0, "\(diagnosed.stderr)")
        let exact = try softness(["diagnose", "toy.h5", "--bootstrap", "0", "--run", "exact", "--softness-storage", "float64"], in: dir)
        #expect(exact.status == 0, "\(exact.stderr)")
    }

    private func read(_ path: URL, _ dataset: String) throws -> [Double] {
        try File.withFile(path.path) { try $0.dataset(dataset).read(as: Double.self) }
    }

    /// Writes a schema-v1 table with `names` as columns, `column(name)` giving each column's values.
    private func writeTable(_ url: URL, names: [String], rows: Int, temperature: [Double], labels: [Int8],
                            column: (String) -> [Double]) throws {
        let writer = try ParticleTableWriter(path: url.path, featureNames: names, storage: .float64, optionalColumns: [])
        let columns = names.map(column)
        var features = [Double](repeating: 0, count: rows * names.count)
        for j in names.indices { for i in 0..<rows { features[i * names.count + j] = columns[j][i] } }
        try writer.append(ParticleBlock(features: features, labels: labels, temperature: temperature))
        try writer.finish()
    }

    @Test func reproducesTheRunsSoftnessOnItsOwnTableAndAPermutedSuperset() throws {
        try withScratch { dir in
            try diagnosedToy(in: dir)
            let before = try snapshot(dir)
            let applied = try softness(["apply", "toy.results.h5", "toy.h5", "--run", "diagnose", "-o", "applied.h5"], in: dir)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("softness and delta_E_inf of 5500 rows"), "\(applied.stdout)")
            #expect(try snapshot(dir).filter { before[$0.key] != nil } == before, "input and results file unchanged")

            let out = dir.appendingPathComponent("applied.h5")
            let stored = try read(dir.appendingPathComponent("toy.results.h5"), "results/diagnose/softness")
            let s = try read(out, "softness")
            #expect(s.count == stored.count && stored.count == 5500)
            // The run stores S rounded to float32; with --softness-storage float64, S itself.
            #expect(zip(s, stored).allSatisfy { Double(Float($0)) == $1 }, "S rounds to the stored float32 softness")
            let exact = try read(dir.appendingPathComponent("toy.results.h5"), "results/exact/softness")
            #expect(zip(s, exact).allSatisfy { abs($0 - $1) <= 1e-12 }, "S reproduces the stored float64 softness")
            let storedTypes = try File.withFile(dir.appendingPathComponent("toy.results.h5").path) { file in
                (try file.dataset("results/diagnose/softness").elementType(), try file.dataset("results/exact/softness").elementType())
            }
            #expect(storedTypes == (.float(bytes: 4), .float(bytes: 8)))
            let (a1, b1) = try File.withFile(dir.appendingPathComponent("toy.results.h5").path) { file in
                let fit = try file.group("results/diagnose/arrhenius")
                return (try #require(try fit.attribute("A1")?.realValue), try #require(try fit.attribute("B1")?.realValue))
            }
            let barrier = try read(out, "delta_E_inf")
            #expect(zip(barrier, s).allSatisfy { abs($0 - -(a1 + b1 * $1)) <= 1e-12 })
            #expect(try read(out, "temperature") == read(dir.appendingPathComponent("toy.h5"), "temperature"))
            try File.withFile(out.path) { (file: File) throws in
                #expect(try file.attribute("schema")?.stringValue == "softness.applied")
                #expect(try file.attribute("run")?.stringValue == "diagnose")
                #expect(try file.attribute("results_file")?.stringValue == "toy.results.h5")
                #expect(try file.attribute("input_file")?.stringValue == "toy.h5")
                for name in ["softness", "delta_E_inf", "temperature", "feature_names"] {
                    #expect(try file.dataset(name).attribute("units")?.stringValue != nil, "\(name)")
                    #expect(try file.dataset(name).attribute("description")?.stringValue != nil, "\(name)")
                }
            }

            // The run's columns reversed, among two extra ones: the same S, picked by name.
            let toy = dir.appendingPathComponent("toy.h5").path
            let (names, features, temperature, labels) = try File.withFile(toy) { file in
                (try file.dataset("feature_names").readStrings(), try file.dataset("features").read(as: Double.self),
                 try file.dataset("temperature").read(as: Double.self), try file.dataset("labels").read(as: Int8.self))
            }
            let d = names.count, n = temperature.count
            let permuted = ["extra_a"] + names.reversed() + ["extra_b"]
            try writeTable(dir.appendingPathComponent("superset.h5"), names: permuted, rows: n, temperature: temperature, labels: labels) { name in
                guard let j = names.firstIndex(of: name) else { return (0..<n).map { Double($0 % 7) + (name == "extra_a" ? 0.5 : -2) } }
                return (0..<n).map { features[$0 * d + j] }
            }
            let again = try softness(["apply", "toy.results.h5", "superset.h5", "--run", "diagnose", "-o", "superset.applied.h5"], in: dir)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try read(dir.appendingPathComponent("superset.applied.h5"), "softness") == s)

            // An existing output is refused without --force and replaced with it.
            let exists = try snapshot(dir)
            let refused = try softness(["apply", "toy.results.h5", "toy.h5", "--run", "diagnose", "-o", "applied.h5"], in: dir)
            #expect(refused.status != 0 && refused.stderr.contains("applied.h5: output file exists; pass --force"), "\(refused.stderr)")
            #expect(try snapshot(dir) == exists)
            let forced = try softness(["apply", "toy.results.h5", "toy.h5", "--run", "diagnose", "-o", "applied.h5", "--force"], in: dir)
            #expect(forced.status == 0, "\(forced.stderr)")
        }
    }

    @Test func badInputsAreRefusedAndNoFileChanges() throws {
        try withScratch { dir in
            try diagnosedToy(in: dir)
            #expect(try softness(["rfe", "toy.h5", "--run", "rfe1", "--bootstrap", "0"], in: dir).status == 0)
            let toy = dir.appendingPathComponent("toy.h5").path
            let (names, features, temperature, labels) = try File.withFile(toy) { file in
                (try file.dataset("feature_names").readStrings(), try file.dataset("features").read(as: Double.self),
                 try file.dataset("temperature").read(as: Double.self), try file.dataset("labels").read(as: Int8.self))
            }
            let d = names.count, n = temperature.count
            func column(_ j: Int) -> [Double] { (0..<n).map { features[$0 * d + j] } }
            // One column renamed; one column dropped; a NaN in row 7 of the third column.
            var renamed = names
            renamed[2] = "not_a_feature"
            try writeTable(dir.appendingPathComponent("renamed.h5"), names: renamed, rows: n, temperature: temperature, labels: labels) { name in
                column(renamed.firstIndex(of: name) ?? 0)
            }
            let dropped = Array(names.dropLast())
            try writeTable(dir.appendingPathComponent("dropped.h5"), names: dropped, rows: n, temperature: temperature, labels: labels) { name in
                column(names.firstIndex(of: name) ?? 0)
            }
            try writeTable(dir.appendingPathComponent("nan.h5"), names: names, rows: n, temperature: temperature, labels: labels) { name in
                let j = names.firstIndex(of: name) ?? 0
                var values = column(j)
                if j == 2 { values[7] = .nan }
                return values
            }
            try Data("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n1 1 1 1 1\n2 2 3 3 3\n".utf8)
                .write(to: dir.appendingPathComponent("tiny.dump"))
            let cases: [([String], String)] = [
                (["apply", "toy.results.h5", "toy.h5", "--run", "nope", "-o", "out.h5"], "toy.results.h5: has no run 'nope' (/results/nope); runs: diagnose, exact, rfe1"),
                (["apply", "toy.results.h5", "toy.h5", "--run", "rfe1", "-o", "out.h5"], "/results/rfe1 stores no trained softness (missing /results/rfe1/standardization/mean"),
                (["apply", "toy.h5", "toy.h5", "--run", "diagnose", "-o", "out.h5"], "toy.h5: not a softness results file"),
                (["apply", "toy.results.h5", "renamed.h5", "--run", "diagnose", "-o", "out.h5"], "renamed.h5: /feature_names lacks 1 of the 14 features of toy.results.h5:/results/diagnose (the table has 14): \(names[2])"),
                (["apply", "toy.results.h5", "dropped.h5", "--run", "diagnose", "-o", "out.h5"], "dropped.h5: /feature_names lacks 1 of the 14 features of toy.results.h5:/results/diagnose (the table has 13): \(names[13])"),
                (["apply", "toy.results.h5", "nan.h5", "--run", "diagnose", "-o", "out.h5"], "nan.h5: /features: non-finite value (NaN or Inf) at row 7, column 2 ('\(names[2])')"),
                (["apply", "toy.results.h5", "tiny.dump", "--run", "diagnose", "-o", "out.h5"], "cannot recover the structure-function parameters it was featurized with"),
                (["apply", "toy.results.h5", "toy.h5", "--run", "diagnose", "-o", "out.h5", "--dump", "out.dump"], "--dump copies a LAMMPS dump's lines; this input is a particle table"),
                (["apply", "toy.results.h5", "toy.h5", "--run", "diagnose", "-o", "toy.h5", "--force"], "is also an input"),
            ]
            let before = try snapshot(dir)
            for (arguments, message) in cases {
                let result = try softness(arguments, in: dir)
                #expect(result.status != 0, "\(arguments)")
                #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
                #expect(!result.stderr.contains("Fatal error"), "\(arguments)")
                #expect(try snapshot(dir) == before, "no file changed or left behind by \(arguments)")
            }
        }
    }
}

/// The committed Kob–Andersen sample: a diagnose run applied to a trajectory frame by frame, with
/// a LAMMPS dump copy, against apply on the featurized table of the same frames.
@Suite(.tags(.slow)) struct TrajectoryApplyTests {
    @Test func kobAndersenDumpGetsASoftnessColumn() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-data")
        try withScratch { dir in
            try joinKobAndersenSample(sample, in: dir)
            let joined = try File.withFile(dir.appendingPathComponent("ka.h5").path) { try $0.attribute("structure_species_names") }
            #expect(joined == .strings(["A", "B"]), "join carries the featurize parameters")
            let diagnosed = try softness(["diagnose", "ka.h5", "--bootstrap", "0"], in: dir)
            #expect(diagnosed.status == 0, "\(diagnosed.stderr)")

            let dump = sample.appendingPathComponent("ka_T0.55.dump.gz").path
            let applied = try softness(["apply", "ka.results.h5", dump, "--run", "diagnose", "--every", "50",
                                        "-o", "traj.h5", "--dump", "traj.dump"], in: dir)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(!applied.stderr.contains("note:"), "parameters from the structure_* attributes, not the names: \(applied.stderr)")
            #expect(applied.stdout.contains("of 3000 rows from 3 frames"), "\(applied.stdout)")
            let out = dir.appendingPathComponent("traj.h5").path
            let (s, barrier, frames, ids) = try File.withFile(out) { file in
                (try file.dataset("softness").read(as: Double.self), try file.dataset("delta_E_inf").read(as: Double.self),
                 try file.dataset("frame").read(as: Int64.self), try file.dataset("particle_id").read(as: Int64.self))
            }
            #expect(Set(frames) == [0, 50, 100])
            #expect(barrier.count == s.count && s.count == 3000)

            // The dump copy: our reader reads it back; its last column is the softness of the HDF5 output.
            let copy = dir.appendingPathComponent("traj.dump").path
            let reader = try LAMMPSDumpReader(path: copy)
            var framesBack = 0
            while let frame = try reader.nextFrame() {
                #expect(frame.ids == Array(ids[(framesBack * 1000)..<((framesBack + 1) * 1000)]))
                framesBack += 1
            }
            #expect(framesBack == 3)
            let text = try String(contentsOfFile: copy, encoding: .utf8)
            let lines = text.split(separator: "\n")
            let header = try #require(lines.first { $0.hasPrefix("ITEM: ATOMS") })
            #expect(header.hasSuffix(" softness"), "\(header)")
            let rows = try #require(lines.firstIndex(of: header))
            var byID: [Int64: Double] = [:]
            for line in lines[(rows + 1)..<(rows + 1001)] {
                let fields = line.split(separator: " ")
                byID[try #require(Int64(fields[0]))] = try #require(Double(try #require(fields.last)))
            }
            for k in 0..<1000 { #expect(byID[ids[k]] == s[k]) }

            // The same frames featurized into a table (float64) and applied: the same S.
            let featurized = try softness(["featurize", dump, "--every", "50", "--preset", "small", "--storage", "float64", "-o", "frames.h5"], in: dir)
            #expect(featurized.status == 0, "\(featurized.stderr)")
            let fromTable = try softness(["apply", "ka.results.h5", "frames.h5", "--run", "diagnose", "-o", "frames.applied.h5"], in: dir)
            #expect(fromTable.status == 0, "\(fromTable.stderr)")
            let (t, tableIDs) = try File.withFile(dir.appendingPathComponent("frames.applied.h5").path) { file in
                (try file.dataset("softness").read(as: Double.self), try file.dataset("particle_id").read(as: Int64.self))
            }
            #expect(tableIDs == ids)
            #expect(t.count == s.count && zip(t, s).allSatisfy { abs($0 - $1) <= 1e-10 })

            // A trajectory with a species the run's structure functions do not know is refused.
            try Data("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 12\n0 12\n0 12\nITEM: ATOMS id type x y z\n1 1 1 1 1\n2 3 3 3 3\n".utf8)
                .write(to: dir.appendingPathComponent("three.dump"))
            let unknown = try softness(["apply", "ka.results.h5", "three.dump", "--run", "diagnose", "-o", "three.h5"], in: dir)
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("three.dump") && unknown.stderr.contains("species"), "\(unknown.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("three.h5").path))
        }
    }
}
