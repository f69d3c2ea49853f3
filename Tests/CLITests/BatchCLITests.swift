import Foundation
import Testing
import HDF5
import SeededRandom

/// A generated archive of small trajectories: 3 temperatures × (3 plain dumps, 2 gzipped dumps,
/// 2 H5MD files) and 2 broken files, processed by `softness batch` end to end.
enum BatchArchive {
    static let temperatures = ["0.50", "0.60", "0.70"]
    /// Keys (paths below the archive) of the files that must fail.
    static let broken = ["T0.60/broken_truncated.dump", "T0.70/broken.h5"]

    /// The batch configuration of the tests (small boxes, short windows, no bootstrap).
    static let config = """
    temperature_from = "/T([0-9.]+)/"
    [label]
    half_window = 3
    p_c = 0.2
    quiet_window = 3
    [featurize]
    preset = "small"
    balance = true
    seed = 1
    [join]
    split_by = "frame"
    test_fraction = 0.5
    seed = 1
    [diagnose]
    bootstrap = 0
    """

    static let particles = 200
    static let frames = 24
    static let box = 10.0

    /// Positions of every frame: particles jiggle by ±0.02 around random sites; `hops` of them
    /// (more at higher temperature) jump 1.5 σ along x at frames 10...13 (so
    /// that every frame with a rearrangement also has quiet pairs, and --balance balances them all).
    static func positions(seed: UInt64, hops: Int) -> [[SIMD3<Double>]] {
        var generator = SplitMix64(seed: seed)
        let base = (0..<particles).map { _ in SIMD3(Double.random(in: 0..<box, using: &generator), Double.random(in: 0..<box, using: &generator),
                                                    Double.random(in: 0..<box, using: &generator)) }
        let hoppers = (0..<hops).map { _ in (Int.random(in: 0..<particles, using: &generator), Int.random(in: 10...13, using: &generator)) }
        return (0..<frames).map { frame in
            (0..<particles).map { i in
                var p = base[i] + SIMD3(Double.random(in: -0.02...0.02, using: &generator), Double.random(in: -0.02...0.02, using: &generator),
                                        Double.random(in: -0.02...0.02, using: &generator))
                for (particle, at) in hoppers where particle == i && frame >= at { p.x += 1.5 }
                return p
            }
        }
    }

    static func dumpText(_ frames: [[SIMD3<Double>]]) -> String {
        var text = ""
        for (index, frame) in frames.enumerated() {
            text += "ITEM: TIMESTEP\n\(index * 100)\nITEM: NUMBER OF ATOMS\n\(particles)\nITEM: BOX BOUNDS pp pp pp\n0 \(box)\n0 \(box)\n0 \(box)\nITEM: ATOMS id type xu yu zu\n"
            for (i, p) in frame.enumerated() { text += "\(i + 1) \(i % 5 == 0 ? 2 : 1) \(p.x) \(p.y) \(p.z)\n" }
        }
        return text
    }

    static func writeH5MD(_ frames: [[SIMD3<Double>]], to path: String) throws {
        let file = try File.create(path)
        let boxGroup = try file.createGroup("particles/all/box")
        try boxGroup.setAttribute("dimension", .integer(3))
        try boxGroup.setAttribute("boundary", .strings(["periodic", "periodic", "periodic"]))
        try boxGroup.createDataset("edges", values: [box, box, box])
        try file.createDataset("particles/all/position/step", values: (0..<frames.count).map { Int64($0 * 100) })
        try file.createDataset("particles/all/position/time", values: (0..<frames.count).map { Double($0) })
        try file.createDataset("particles/all/position/value", values: frames.flatMap { $0.flatMap { [$0.x, $0.y, $0.z] } }, shape: [frames.count, particles, 3])
        try file.createDataset("particles/all/image", values: [Int32](repeating: 0, count: particles * 3), shape: [particles, 3])
        try file.createDataset("particles/all/id", values: (1...particles).map { Int64($0) })
        try file.createDataset("particles/all/species", values: (0..<particles).map { Int32($0 % 5 == 0 ? 2 : 1) })
        file.close()
    }

    /// Writes the archive below `root/archive`; returns the keys of the good files, sorted.
    @discardableResult
    static func write(in root: URL) throws -> [String] {
        let archive = root.appendingPathComponent("archive")
        var good: [String] = []
        for (k, temperature) in temperatures.enumerated() {
            let folder = archive.appendingPathComponent("T\(temperature)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for run in 0..<7 {
                let frames = positions(seed: UInt64(100 * k + run + 1), hops: 3 + 2 * k)
                let name: String
                switch run {
                case 0..<3:
                    name = "run\(run).dump"
                    try Data(dumpText(frames).utf8).write(to: folder.appendingPathComponent(name))
                case 3..<5:
                    name = "run\(run).lammpstrj.gz"
                    let plain = folder.appendingPathComponent("run\(run).lammpstrj")
                    try Data(dumpText(frames).utf8).write(to: plain)
                    let gzip = Process()
                    gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
                    gzip.arguments = ["-n", plain.path]
                    try gzip.run()
                    gzip.waitUntilExit()
                    #expect(gzip.terminationStatus == 0)
                default:
                    name = "run\(run).h5"
                    try writeH5MD(frames, to: folder.appendingPathComponent(name).path)
                }
                good.append("T\(temperature)/\(name)")
            }
        }
        let whole = dumpText(positions(seed: 999, hops: 3))
        try Data(whole.utf8.prefix(whole.utf8.count * 2 / 3)).write(to: archive.appendingPathComponent(broken[0]))
        try Data("this is not an H5MD file\n".utf8).write(to: archive.appendingPathComponent(broken[1]))
        try Data(config.utf8).write(to: root.appendingPathComponent("batch.toml"))
        return good.sorted()
    }
}

/// Runs `softness` with extra environment variables.
func softness(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> CommandResult {
    try runProcess(try softnessExecutable().path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, in: directory)
}

/// The `--json` summary of a batch run.
func batchSummary(_ result: CommandResult) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\n\(result.stderr)")
}

/// Every HDF5 output of the batch folder `reference` (labels file and table per good file of
/// `BatchArchive`, the group's table, results index and run) is byte for byte the same in `other`.
func expectSameOutputs(_ other: URL, _ reference: URL) throws {
    let outputs = try FileManager.default.subpathsOfDirectory(atPath: reference.path)
        .filter { $0.hasSuffix(".h5") && !($0 as NSString).lastPathComponent.hasPrefix(".") }.sorted()
    #expect(outputs.count == 21 * 2 + 3, "labels and table per good file, the group's table, results index and run: \(outputs)")
    for name in outputs {
        #expect(try sha(other.appendingPathComponent(name).path) == sha(reference.appendingPathComponent(name).path), "\(name) differs")
    }
}

/// Every dataset of a per-file table, read as Double, by name.
func tableContents(_ path: String) throws -> [String: [Double]] {
    try File.withFile(path) { file in
        var contents: [String: [Double]] = [:]
        for name in ["features", "labels", "temperature", "frame", "particle_id", "species"] {
            contents[name] = try file.dataset(name).read(as: Double.self)
        }
        contents["feature_names_count"] = [Double(try file.dataset("feature_names").readStrings().count)]
        return contents
    }
}

func sha(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

@Suite(.tags(.slow)) struct BatchCLITests {
    @Test func archiveIsProcessedResumedAndMatchesTheStepsByHand() throws {
        try withScratch { dir in
            let good = try BatchArchive.write(in: dir)
            let first = try softness(["batch", "archive", "--config", "batch.toml", "-o", "out", "--jobs", "2", "--json"], in: dir)
            #expect(first.status == 4, "a failed file gives exit status 4: \(first.stderr)")
            let summary = try batchSummary(first)
            let files = try #require(summary["files"] as? [[String: Any]])
            #expect(files.count == 23)
            #expect(summary["processed"] as? Int == 23 && summary["failed"] as? Int == 2 && summary["skipped"] as? Int == 0)
            let failed = files.filter { $0["status"] as? String == "failed" }
            #expect(failed.map { $0["key"] as? String ?? "" } == BatchArchive.broken)
            for file in failed {
                let key = file["key"] as? String ?? ""
                #expect((file["error"] as? String ?? "").contains(key), "the error names the file: \(file)")
            }
            let done = files.filter { $0["status"] as? String == "done" }
            #expect(done.map { $0["key"] as? String ?? "" } == good)
            for file in done {
                let key = file["key"] as? String ?? ""
                #expect(file["temperature_source"] as? String == "path-pattern")
                #expect(file["temperature"] as? Double == Double(key.dropFirst().prefix(4)))
                let rearranging = file["rearranging"] as? Int ?? 0, quiet = file["quiet"] as? Int ?? -1
                #expect(rearranging > 0 && quiet > 0, "every labelled pair is kept (the balanced sample is marked in /balanced): \(file)")
                #expect(file["rows"] as? Int == rearranging + quiet)
            }
            #expect(first.stderr.contains("batch: [23/23]"), "plain progress lines when not a terminal")
            let groups = try #require(summary["groups"] as? [[String: Any]])
            #expect(groups.count == 1 && groups[0]["status"] as? String == "done" && groups[0]["files"] as? Int == 21)
            let headline = try #require(groups[0]["headline"] as? [String: Any])
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/batch.toml").path))
            #expect(try String(contentsOf: dir.appendingPathComponent("out/batch.toml"), encoding: .utf8) == BatchArchive.config)

            // The same steps by hand, file by file in key order, give the same diagnostic.
            var tables: [String] = []
            for (index, key) in good.enumerated() {
                let temperature = String(key.dropFirst().prefix(4))
                let labelled = try softness(["label", "archive/\(key)", "-o", "l\(index).h5", "--half-window", "3", "--p-c", "0.2", "--quiet-window", "3"], in: dir)
                #expect(labelled.status == 0, "\(labelled.stderr)")
                let made = try softness(["featurize", "archive/\(key)", "--labels", "l\(index).h5", "--temperature", temperature, "--balance",
                                         "--seed", "1", "--preset", "small", "-o", "f\(index).h5"], in: dir)
                #expect(made.status == 0, "\(made.stderr)")
                tables.append("f\(index).h5")
                let batchTable = try #require(done[index]["key"] as? String)
                #expect(batchTable == key)
            }
            #expect(try softness(["join"] + tables + ["-o", "joined.h5", "--split-by", "frame", "--test-fraction", "0.5", "--seed", "1"], in: dir).status == 0)
            #expect(try softness(["validate", "joined.h5"], in: dir).status == 0)
            let byHand = try softness(["diagnose", "joined.h5", "--bootstrap", "0", "--json"], in: dir)
            #expect(byHand.status == 0, "\(byHand.stderr)")
            let diagnosis = try batchSummary(byHand)
            let arrhenius = try #require(diagnosis["arrhenius"] as? [String: Any])
            // The summary's numbers (through JSON, so to 1e-12) …
            func close(_ a: Any?, _ b: Double?) -> Bool {
                guard let a = a as? Double, let b else { return false }
                return abs(a - b) <= 1e-12 * max(1, abs(b))
            }
            #expect(close(headline["test_accuracy"], diagnosis["testAccuracy"] as? Double))
            #expect(close(headline["training_accuracy"], diagnosis["trainingAccuracy"] as? Double))
            #expect(close(headline["delta_e_inf_intercept"], (arrhenius["a1"] as? Double).map { -$0 }))
            #expect(close(headline["delta_e_inf_slope"], (arrhenius["b1"] as? Double).map { -$0 }))
            #expect(close(headline["sigma_intercept"], arrhenius["a0"] as? Double))
            #expect(close(headline["sigma_slope"], arrhenius["b0"] as? Double))
            #expect(close(headline["variance_delta_e_inf"], diagnosis["varianceOfInferredBarrier"] as? Double))
            // … and the results files' numbers, bit for bit.
            func stored(_ path: String) throws -> [Double] {
                try File.withFile(dir.appendingPathComponent(path).path) { file in
                    let arrhenius = try file.group("results/diagnose/arrhenius")
                    var values = try ["A0", "A1", "B0", "B1"].map { try arrhenius.attribute($0)?.realValue ?? .nan }
                    values += try file.dataset("results/diagnose/softness").read(as: Double.self)
                    values += try file.dataset("results/diagnose/svm/weights").read(as: Double.self)
                    values.append(try file.group("results/diagnose/accuracy").attribute("test")?.realValue ?? .nan)
                    return values
                }
            }
            let batchNumbers = try stored("out/groups/all.results.h5")
            #expect(batchNumbers.count > 100 && !batchNumbers.contains { $0.isNaN })
            #expect(batchNumbers == (try stored("joined.results.h5")))
            #expect(headline["temperatures"] as? [Double] == [0.5, 0.6, 0.7])
            #expect(try tableContents(dir.appendingPathComponent("joined.h5").path) == tableContents(dir.appendingPathComponent("out/groups/all.table.h5").path))

            // A rerun does no work; the failed files stay failed (and skipped) until --retry-failed.
            let again = try softness(["batch", "archive", "--config", "batch.toml", "-o", "out", "--jobs", "2", "--json"], in: dir)
            #expect(again.status == 4)
            let rerun = try batchSummary(again)
            #expect(rerun["processed"] as? Int == 0 && rerun["skipped"] as? Int == 23 && rerun["failed"] as? Int == 2)
            #expect((rerun["groups"] as? [[String: Any]])?.first?["work"] as? String == "skipped")
            let retried = try batchSummary(try softness(["batch", "archive", "--config", "batch.toml", "-o", "out", "--retry-failed", "--json"], in: dir))
            #expect(retried["processed"] as? Int == 2 && retried["skipped"] as? Int == 21)

            // A changed featurize parameter redoes the tables but reuses the labels; a touched file is redone.
            let config = BatchArchive.config.replacingOccurrences(of: "seed = 1\n[join]", with: "seed = 2\n[join]")
            try Data(config.utf8).write(to: dir.appendingPathComponent("batch2.toml"))
            let changed = try batchSummary(try softness(["batch", "archive", "--config", "batch2.toml", "-o", "out", "--json"], in: dir))
            let changedFiles = try #require(changed["files"] as? [[String: Any]])
            #expect(changed["processed"] as? Int == 23, "the 21 good files are featurized again, and the 2 failed ones retried since the parameters changed")
            #expect(changedFiles.filter { $0["status"] as? String == "done" }.allSatisfy { $0["labels_reused"] as? Bool == true })
            #expect((changed["groups"] as? [[String: Any]])?.first?["work"] as? String == "processed")
            let touched = dir.appendingPathComponent("archive/T0.50/run1.dump")
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 5)], ofItemAtPath: touched.path)
            let afterTouch = try batchSummary(try softness(["batch", "archive", "--config", "batch2.toml", "-o", "out", "--json"], in: dir))
            let redone = (afterTouch["files"] as? [[String: Any]] ?? []).filter { $0["work"] as? String == "processed" }
            #expect(redone.map { $0["key"] as? String ?? "" } == ["T0.50/run1.dump"])
            #expect(redone.first?["labels_reused"] as? Bool == false)
        }
    }

    /// SIGKILL in the middle of a batch: the resumed batch redoes no finished file (their outputs
    /// are byte for byte the same files), leaves no partial file, and every output (labels files,
    /// per-file tables, the group's table and results) is byte for byte the file of an
    /// uninterrupted batch run with other --jobs.
    @Test func killedBatchResumesWithoutRedoingFinishedFiles() throws {
        try withScratch { dir in
            try BatchArchive.write(in: dir)
            let reference = try softness(["batch", "archive", "--config", "batch.toml", "-o", "reference", "--jobs", "2", "--json"], in: dir)
            #expect(reference.status == 4, "\(reference.stderr)")
            let process = Process()
            process.executableURL = try softnessExecutable()
            process.arguments = ["batch", "archive", "--config", "batch.toml", "-o", "out", "--jobs", "1"]
            process.currentDirectoryURL = dir
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let files = dir.appendingPathComponent("out/files")
            func sidecars() -> [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: files.path)) ?? []).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            }
            while process.isRunning && sidecars().count < 6 { usleep(2_000) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "killed before it finished (it must not finish within the wait)")
            let finished = sidecars()
            #expect(finished.count >= 6 && finished.count < 23)
            var before: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: files.path) where name.hasSuffix(".h5") && !name.hasPrefix(".") {
                before[name] = try sha(files.appendingPathComponent(name).path)
            }
            let resumed = try softness(["batch", "archive", "--config", "batch.toml", "-o", "out", "--json"], in: dir)
            #expect(resumed.status == 4, "\(resumed.stderr)")
            let summary = try batchSummary(resumed)
            #expect(summary["skipped"] as? Int == finished.count, "no finished file is redone")
            #expect(summary["processed"] as? Int == 23 - finished.count)
            let after = try FileManager.default.contentsOfDirectory(atPath: files.path)
            #expect(!after.contains { $0.contains(".partial-") }, "no half-written output is left: \(after.filter { $0.hasPrefix(".") })")
            // Outputs finished before the kill are untouched; the labels of the file being worked on may be redone.
            let finishedStems = Set(finished.map { String($0.dropLast(5)) })
            for (name, data) in before where finishedStems.contains(where: { name.hasPrefix($0 + ".") }) {
                #expect(try sha(files.appendingPathComponent(name).path) == data, "\(name) was rewritten")
            }
            #expect(after.filter { $0.hasSuffix(".table.h5") }.count == 21)
            try expectSameOutputs(dir.appendingPathComponent("out"), dir.appendingPathComponent("reference"))
            let groups = try #require(summary["groups"] as? [[String: Any]])
            let referenceGroups = try #require(try batchSummary(reference)["groups"] as? [[String: Any]])
            #expect((groups.first?["headline"] as? [String: Any])?["delta_e_inf_slope"] as? Double
                    == (referenceGroups.first?["headline"] as? [String: Any])?["delta_e_inf_slope"] as? Double)
        }
    }

    /// Two batches started at once on the same output (a batch started twice, a resubmitted
    /// array task) process every file and the group exactly once between them.
    @Test func twoConcurrentBatchesDoEveryFileOnce() throws {
        try withScratch { dir in
            try BatchArchive.write(in: dir)
            var processes: [(Process, Pipe)] = []
            for _ in 0..<2 {
                let process = Process()
                process.executableURL = try softnessExecutable()
                process.arguments = ["batch", "archive", "--config", "batch.toml", "-o", "out", "--json"]
                process.currentDirectoryURL = dir
                let out = Pipe()
                process.standardOutput = out
                process.standardError = FileHandle.nullDevice
                try process.run()
                processes.append((process, out))
            }
            var processed = 0, skipped = 0, groupsDiagnosed = 0
            for (process, out) in processes {
                let data = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                #expect(process.terminationStatus == 4)
                let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                processed += summary["processed"] as? Int ?? 0
                skipped += summary["skipped"] as? Int ?? 0
                groupsDiagnosed += (summary["groups"] as? [[String: Any]] ?? []).filter { $0["work"] as? String == "processed" && $0["status"] as? String == "done" }.count
            }
            #expect(processed == 23 && skipped == 23, "processed \(processed), skipped \(skipped)")
            #expect(groupsDiagnosed == 1)
        }
    }

    /// Shards 0..3 of 4 (three by --shard, one from Slurm's array variables) process every file
    /// exactly once into one output folder; --merge then gives the whole batch's diagnostic.
    @Test func fourShardsAndMergeEqualTheWholeBatch() throws {
        try withScratch { dir in
            let good = try BatchArchive.write(in: dir)
            let whole = try softness(["batch", "archive", "--config", "batch.toml", "-o", "whole", "--jobs", "2", "--json"], in: dir)
            #expect(whole.status == 4, "\(whole.stderr)")
            let early = try softness(["batch", "archive", "--config", "batch.toml", "-o", "sharded", "--merge"], in: dir)
            #expect(early.status != 0 && early.stderr.contains("sharded: 23 trajectories have no finished per-file output"), "\(early.stderr)")
            var seen: [String: Int] = [:]
            var sizes: [Int] = []
            for index in 0..<4 {
                let result = index == 1
                    ? try softness(["batch", "archive", "--config", "batch.toml", "-o", "sharded", "--json"], in: dir,
                                   environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3"])
                    : try softness(["batch", "archive", "--config", "batch.toml", "-o", "sharded", "--shard", "\(index)/4", "--json"], in: dir)
                #expect(result.status == 0, "a shard that recorded failed files still succeeds: \(result.stderr)")
                let summary = try batchSummary(result)
                #expect(summary["mode"] as? String == "shard" && summary["shard"] as? String == "\(index)/4")
                #expect((summary["groups"] as? [Any])?.isEmpty == true, "shards do not diagnose")
                let files = try #require(summary["files"] as? [[String: Any]])
                sizes.append(files.count)
                for file in files { seen[file["key"] as? String ?? "", default: 0] += 1 }
            }
            #expect(sizes == [6, 6, 6, 5])
            #expect(Set(seen.keys) == Set(good + BatchArchive.broken) && seen.values.allSatisfy { $0 == 1 })
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("sharded/summary.json").path))
            let merged = try softness(["batch", "archive", "--config", "batch.toml", "-o", "sharded", "--merge", "--json"], in: dir)
            #expect(merged.status == 4, "the merge reports the failed files: \(merged.stderr)")
            let summary = try batchSummary(merged)
            #expect(summary["processed"] as? Int == 0 && summary["failed"] as? Int == 2 && (summary["files"] as? [Any])?.count == 23)
            func stored(_ path: String) throws -> [Double] {
                try File.withFile(dir.appendingPathComponent(path).path) { file in
                    let arrhenius = try file.group("results/diagnose/arrhenius")
                    return try ["A0", "A1", "B0", "B1"].map { try arrhenius.attribute($0)?.realValue ?? .nan }
                        + file.dataset("results/diagnose/softness").read(as: Double.self)
                }
            }
            #expect(try stored("sharded/groups/all.results.h5") == stored("whole/groups/all.results.h5"))
            #expect(try tableContents(dir.appendingPathComponent("sharded/groups/all.table.h5").path)
                    == tableContents(dir.appendingPathComponent("whole/groups/all.table.h5").path))
            try expectSameOutputs(dir.appendingPathComponent("sharded"), dir.appendingPathComponent("whole"))

            let emitted = try softness(["batch", "archive", "--config", "batch.toml", "-o", "sharded", "--emit-slurm", "submit.sh", "--array-tasks", "4"], in: dir)
            #expect(emitted.status == 0, "\(emitted.stderr)")
            #expect(emitted.stdout.contains("wrote submit.sh: 4 array tasks over 23 trajectories"))
            let script = try String(contentsOf: dir.appendingPathComponent("submit.sh"), encoding: .utf8)
            #expect(script.contains("#SBATCH --array=0-3\n"))
            #expect(script.contains("batch \(dir.path)/archive --output \(dir.path)/sharded --config \(dir.path)/batch.toml --jobs 1"), "\(script)")
            #expect(script.contains("--dependency=afterok:$array") && script.contains(" --merge'"))
        }
    }

    /// A real Slurm run: a one-node cluster on this machine (tools/slurm_one_node.sh: munged,
    /// slurmctld, slurmd; proctrack/linuxproc, task/none, no cgroups), the script of
    /// --emit-slurm submitted with a 4-task array and its dependent merge job; the merged results
    /// equal the single-machine batch's. Needs root (it installs slurm-wlm and munge when missing).
    @Test func slurmArrayAndMergeEqualTheSingleMachineBatch() throws {
        let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools/slurm_one_node.sh").path
        try withScratch { dir in
            let cluster = dir.appendingPathComponent("slurm").path
            let started = try shell(["bash", tools, "start", cluster], in: dir, environment: [:])
            defer { _ = try? shell(["bash", tools, "stop", cluster], in: dir, environment: [:]) }
            guard started.status == 0 else {
                Issue.record("the one-node Slurm cluster did not start (bash tools/slurm_one_node.sh start DIR): \(started.stderr)")
                return
            }
            let slurm = ["SLURM_CONF": cluster + "/slurm.conf"]
            try BatchArchive.write(in: dir)
            let whole = try softness(["batch", "archive", "--config", "batch.toml", "-o", "whole", "--json"], in: dir)
            #expect(whole.status == 4, "\(whole.stderr)")
            let emitted = try softness(["batch", "archive", "--config", "batch.toml", "-o", "cluster", "--emit-slurm", "campaign.sbatch",
                                        "--array-tasks", "4", "--cpus-per-task", "1"], in: dir)
            #expect(emitted.status == 0, "\(emitted.stderr)")
            let submitted = try shell(["bash", "campaign.sbatch"], in: dir, environment: slurm)
            #expect(submitted.status == 0, "\(submitted.stderr)")
            let words = submitted.stdout.split(separator: " ")
            let array = try #require(words.firstIndex(of: "array").map { String(words[$0 + 2]) }, "\(submitted.stdout)")
            let merge = try #require(words.firstIndex(of: "merge").map { String(words[$0 + 2]) }, "\(submitted.stdout)")
            // Wait for both jobs to leave the queue (bounded: 1200 polls of 0.25 s, so a broken
            // cluster fails the test instead of hanging it).
            var polls = 0
            while polls < 1200 {
                let queue = try shell(["squeue", "-h", "-j", "\(array),\(merge)", "-o", "%i %T"], in: dir, environment: slurm)
                if queue.status == 0 && queue.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
                usleep(250_000)
                polls += 1
            }
            #expect(polls < 1200, "the Slurm jobs did not finish")
            let state = try shell(["scontrol", "show", "job", merge], in: dir, environment: slurm)
            #expect(state.stdout.contains("ExitCode=4:0"), "the merge reports the 2 failed files with status 4: \(state.stdout)")
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("cluster/slurm").path)) ?? []
            #expect(logs.filter { $0.hasPrefix("softness-batch-\(array)_") }.count == 4, "one log per array task: \(logs)")
            let summaryData = try Data(contentsOf: dir.appendingPathComponent("cluster/summary.json"))
            let summary = try #require(try JSONSerialization.jsonObject(with: summaryData) as? [String: Any])
            #expect(summary["mode"] as? String == "merge" && summary["failed"] as? Int == 2 && (summary["files"] as? [Any])?.count == 23)
            func stored(_ path: String) throws -> [Double] {
                try File.withFile(dir.appendingPathComponent(path).path) { file in
                    let arrhenius = try file.group("results/diagnose/arrhenius")
                    return try ["A0", "A1", "B0", "B1"].map { try arrhenius.attribute($0)?.realValue ?? .nan }
                        + file.dataset("results/diagnose/softness").read(as: Double.self)
                }
            }
            #expect(try stored("cluster/groups/all.results.h5") == stored("whole/groups/all.results.h5"))
            #expect(try tableContents(dir.appendingPathComponent("cluster/groups/all.table.h5").path)
                    == tableContents(dir.appendingPathComponent("whole/groups/all.table.h5").path))
        }
    }
}

/// Bad plans, configurations and options are refused with a message naming the problem, before
/// any output folder is made; a trajectory without a temperature fails alone, saying what was tried.
@Suite struct BatchBadInputTests {
    @Test func badInputIsRefusedAndChangesNothing() throws {
        try withScratch { dir in
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("runs"), withIntermediateDirectories: true)
            try Data("[label]\nhalfwindow = 3\n".utf8).write(to: dir.appendingPathComponent("typo.toml"))
            try Data("path,temperature\nmissing.dump,0.5\n".utf8).write(to: dir.appendingPathComponent("m.csv"))
            let cases: [([String], String)] = [
                (["batch", "nowhere"], "nowhere: no such directory, manifest (.csv, .toml, .json) or trajectory"),
                (["batch", "runs"], "runs: no trajectories to process: no .dump, .lammpstrj, .txt (optionally .gz), .h5 or .h5md files below it"),
                (["batch", "m.csv", "--config", "typo.toml"], "typo.toml: [label]: unknown key 'halfwindow'"),
                (["batch", "m.csv", "--shard", "4/4"], "shard 4/4: the shard must be in 0...3 (0-based)"),
                (["batch", "m.csv", "--temperature-from", "T(["], "--temperature-from 'T([': not a regular expression"),
                (["batch", "m.csv", "--jobs", "0"], "--jobs must be at least 1, got 0"),
                (["batch", "m.csv", "--merge", "--shard", "0/2"], "give either --merge or --shard, not both"),
            ]
            for (arguments, message) in cases {
                let result = try softness(arguments + ["-o", "out"], in: dir)
                #expect(result.status != 0, "\(arguments)")
                #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path), "\(arguments) made the output folder")
            }
            // A trajectory whose temperature cannot be found fails alone, with what was tried.
            try Data("x".utf8).write(to: dir.appendingPathComponent("runs/a.dump"))
            let result = try softness(["batch", "runs", "-o", "out", "--json"], in: dir)
            #expect(result.status == 4)
            let files = try #require(try batchSummary(result)["files"] as? [[String: Any]])
            #expect(files.count == 1 && files[0]["status"] as? String == "failed")
            #expect((files[0]["error"] as? String ?? "").contains("runs/a.dump: no temperature: no manifest temperature and no --temperature-from; no LAMMPS log beside it (a.dump.log, a.log, a.log.gz, a.log.zst, log.a, log.lammps, log.lammps.gz, log.lammps.zst)"), "\(files[0])")
            #expect(try Data(contentsOf: dir.appendingPathComponent("runs/a.dump")) == Data("x".utf8))
            let again = try batchSummary(try softness(["batch", "runs", "-o", "out", "--json"], in: dir))
            #expect(again["processed"] as? Int == 0 && again["skipped"] as? Int == 1 && again["failed"] as? Int == 1, "the same failure is not redone")
            let retried = try batchSummary(try softness(["batch", "runs", "-o", "out", "--json", "--retry-failed"], in: dir))
            #expect(retried["processed"] as? Int == 1 && retried["failed"] as? Int == 1)
            // With a temperature now given, the file is tried again (and fails later, as no dump).
            let pattern = try batchSummary(try softness(["batch", "runs", "-o", "out", "--json", "--temperature-from", "(a)"], in: dir))
            #expect(pattern["processed"] as? Int == 1)
        }
    }
}

/// Runs a program found on PATH (through /usr/bin/env) with extra environment variables.
func shell(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> CommandResult {
    try runProcess("/usr/bin/env", arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, in: directory)
}
