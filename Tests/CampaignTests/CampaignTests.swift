import Foundation
import Testing
import Campaign

/// A fresh folder with `files` (relative path → text) written into it.
private func folder(_ files: [String: String]) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("campaign-\(UUID().uuidString)")
    for (path, text) in files {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    return root
}

@Suite struct DiscoveryTests {
    @Test func directoryIsSearchedRecursivelyForTrajectoryNames() throws {
        let root = try folder([
            "T0.50/run1.dump": "x", "T0.50/run2.lammpstrj.gz": "x", "T0.60/deep/er/run3.txt": "x", "T0.60/run4.dump.gz": "x",
            "h5md/a.h5": "x", "h5md/b.h5md": "x", "notes.log": "x", "log.lammps": "x", ".hidden.dump": "x", ".git/c.dump": "x",
            "table.results.h5": "x", "out/files/t.table.h5": "x", "archive.tar.gz": "x", "T0.60/run4.log": "x",
            "earlier/.softness-batch": "x", "earlier/files/a.table.h5": "x", "earlier/groups/all.table.h5": "x",
            "h5md/t.results.runs/diagnose.h5": "x", "T0.70/run5.dump.zst": "x", "T0.70/run5.h5.zst": "x",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = try CampaignPlan.discover(root.path, excluding: [root.appendingPathComponent("out").path])
        #expect(plan.kind == .directory)
        #expect(plan.entries.map(\.key) == ["T0.50/run1.dump", "T0.50/run2.lammpstrj.gz", "T0.60/deep/er/run3.txt", "T0.60/run4.dump.gz",
                                            "T0.70/run5.dump.zst", "h5md/a.h5", "h5md/b.h5md"])
        #expect(TemperatureSource.logCandidates(for: "/x/run5.dump.zst").contains("/x/run5.log.zst"))
        #expect(plan.entries.allSatisfy { $0.group == "all" && $0.temperature == nil })
        #expect(plan.entries[0].path == root.path + "/T0.50/run1.dump")
        #expect(plan.groups == ["all"])
    }

    @Test func globAndSingleFile() throws {
        let root = try folder(["a/x.dump": "1", "b/y.dump": "2", "b/z.h5": "3"])
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = try CampaignPlan.discover(root.path + "/*/*.dump")
        #expect(plan.kind == .glob)
        #expect(plan.entries.map(\.path) == [root.path + "/a/x.dump", root.path + "/b/y.dump"])
        let one = try CampaignPlan.discover(root.path + "/b/z.h5")
        #expect(one.kind == .file && one.entries.map(\.key) == ["z.h5"])
        #expect(throws: CampaignError.noTrajectories(plan: root.path + "/*/*.xyz", reason: "the glob matches no file")) {
            try CampaignPlan.discover(root.path + "/*/*.xyz")
        }
        #expect(throws: CampaignError.planNotFound(plan: root.path + "/missing")) { try CampaignPlan.discover(root.path + "/missing") }
    }

    /// `**` spans zero or more folders (bash globstar); hidden folders, the output folder and
    /// other batches' outputs are left out as in a directory plan.
    @Test func globstarMatchesAnyDepth() throws {
        let root = try folder(["T0.5/x.dump": "1", "T0.5/deep/er/y.dump.gz": "2", "T0.6/z.dump": "3", "T0.6/z.log": "4", "top.dump": "5",
                               ".hidden/h.dump": "6", "out/files/o.dump": "7", "earlier/.softness-batch": "x", "earlier/e.dump": "8"])
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = try CampaignPlan.discover(root.path + "/**/*.dump*", excluding: [root.appendingPathComponent("out").path])
        #expect(plan.kind == .glob)
        #expect(plan.entries.map(\.path) == ["T0.5/deep/er/y.dump.gz", "T0.5/x.dump", "T0.6/z.dump", "top.dump"].map { root.path + "/" + $0 })
        let below = try CampaignPlan.discover(root.path + "/T0.5/**/y.*")
        #expect(below.entries.map(\.path) == [root.path + "/T0.5/deep/er/y.dump.gz"])
        let middle = try CampaignPlan.discover(root.path + "/**/deep/**/*.gz")
        #expect(middle.entries.count == 1)
        #expect(throws: CampaignError.noTrajectories(plan: root.path + "/**/*.xyz", reason: "the glob matches no file")) {
            try CampaignPlan.discover(root.path + "/**/*.xyz")
        }
    }

    @Test func manifestsInCSVTOMLAndJSONGiveTheSameEntries() throws {
        let root = try folder([
            "m.csv": "path,temperature,group,p_c,balance\nruns/a.dump,0.5,ka,0.3,true\nruns/b.dump,0.6,ka,,\n/abs/c.h5,0.7,other,,false\n",
            "m.toml": "[[trajectory]]\npath = \"runs/a.dump\"\ntemperature = 0.5\ngroup = \"ka\"\np_c = 0.3\nbalance = true\n[[trajectory]]\npath = \"runs/b.dump\"\ntemperature = 0.6\ngroup = \"ka\"\n[[trajectory]]\npath = \"/abs/c.h5\"\ntemperature = 0.7\ngroup = \"other\"\nbalance = false\n",
            "m.json": #"{"trajectory": [{"path": "runs/a.dump", "temperature": 0.5, "group": "ka", "p_c": 0.3, "balance": true}, {"path": "runs/b.dump", "temperature": 0.6, "group": "ka"}, {"path": "/abs/c.h5", "temperature": 0.7, "group": "other", "balance": false}]}"#,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        var plans: [CampaignPlan] = []
        for name in ["m.csv", "m.toml", "m.json"] {
            let plan = try CampaignPlan.discover(root.appendingPathComponent(name).path)
            #expect(plan.kind == .manifest)
            #expect(plan.entries.map(\.path) == ["/abs/c.h5", root.path + "/runs/a.dump", root.path + "/runs/b.dump"], "\(name)")
            #expect(plan.entries.map(\.temperature) == [0.7, 0.5, 0.6], "\(name)")
            #expect(plan.entries.map(\.group) == ["other", "ka", "ka"], "\(name)")
            #expect(plan.entries[1].parameters == FileParameters(threshold: 0.3, balance: true), "\(name)")
            #expect(plan.entries[0].parameters == FileParameters(balance: false), "\(name)")
            plans.append(plan)
        }
        #expect(plans[0].entries == plans[1].entries && plans[1].entries == plans[2].entries)
    }

    @Test func badManifestsNameTheFileAndTheProblem() throws {
        let root = try folder([
            "unknown.csv": "path,temprature\na.dump,0.5\n",
            "negative.csv": "path,temperature\na.dump,-1\n",
            "twice.csv": "path\na.dump\na.dump\n",
            "bad.toml": "[[trajectory]]\npath = \n",
            "typo.json": #"{"trajectory": [{"path": "a.dump", "tempreature": 1}]}"#,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        func message(_ name: String) -> String {
            do { _ = try CampaignPlan.discover(root.appendingPathComponent(name).path); return "no error" } catch { return "\(error)" }
        }
        #expect(message("unknown.csv").contains("unknown.csv: header: unknown column 'temprature'"))
        #expect(message("negative.csv").contains("negative.csv: line 2: 'temperature' must be positive and finite, got -1.0"))
        #expect(message("twice.csv").contains("twice.csv: a.dump is listed twice"))
        #expect(message("bad.toml").contains("bad.toml: cannot be read: TOML:"), "\(message("bad.toml"))")
        #expect(message("typo.json").contains("typo.json: trajectory 1: unknown key 'tempreature'"))
    }
}

@Suite struct TemperatureSourceTests {
    @Test func manifestThenPathPatternThenLAMMPSLog() throws {
        let root = try folder([
            "T0.55/run.dump": "x", "ka_T0.60.dump.gz": "x",
            "logged/run.dump": "x",
            "logged/run.log": "fix nvt all nvt temp 2.0 2.0 0.5\nunfix nvt\nfix nvt all nvt temp ${T} ${T} 0.5\nfix nvt all nvt temp 0.45 0.45 0.5\nrun 100\n",
            "lang/a.lammpstrj": "x", "lang/log.lammps": "fix 1 all langevin 1.0 0.8 0.1 48279\n",
            "nolog/run.dump": "x",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let pattern = try TemperatureSource(pattern: "T([0-9.]+)")
        let manifest = try pattern.resolve(CampaignEntry(path: root.path + "/T0.55/run.dump", key: "k", temperature: 0.9))
        #expect(manifest == ResolvedTemperature(value: 0.9, origin: .manifest, detail: "manifest"))
        let fromPath = try pattern.resolve(CampaignEntry(path: root.path + "/T0.55/run.dump", key: "k"))
        #expect(fromPath.value == 0.55 && fromPath.origin == .pathPattern && fromPath.detail == "0.55")
        let trailingDot = try pattern.resolve(CampaignEntry(path: root.path + "/ka_T0.60.dump.gz", key: "k"))
        #expect(trailingDot.value == 0.6 && trailingDot.detail == "0.60.")
        let none = try TemperatureSource(pattern: nil)
        let logged = try none.resolve(CampaignEntry(path: root.path + "/logged/run.dump", key: "k"))
        #expect(logged.value == 0.45 && logged.origin == .lammpsLog && logged.detail.hasSuffix("logged/run.log:4 (fix nvt)"))
        let langevin = try none.resolve(CampaignEntry(path: root.path + "/lang/a.lammpstrj", key: "k"))
        #expect(langevin.value == 0.8 && langevin.detail.contains("log.lammps:1 (fix langevin)"))
        do {
            _ = try pattern.resolve(CampaignEntry(path: root.path + "/nolog/run.dump", key: "k"))
            Issue.record("expected no temperature")
        } catch {
            let text = "\(error)"
            #expect(text.contains("nolog/run.dump: no temperature: --temperature-from 'T([0-9.]+)' does not match the path; no LAMMPS log beside it (run.dump.log, run.log, run.log.gz"), "\(text)")
        }
        #expect(throws: CampaignError.self) { try TemperatureSource(pattern: "T([0-9") }
    }

    @Test func thermostatLines() {
        #expect(LAMMPSLogProbe.parse("fix 1 all npt temp 0.7 0.65 0.5 iso 0 0 5") == 0.65)
        #expect(LAMMPSLogProbe.parse("fix 1 all nvt temp ${T} ${T} 0.5") == nil)
        #expect(LAMMPSLogProbe.parse("fix 1 all nve") == nil)
    }
}

/// `LAMMPSLog.parse` through the Trajectory module (CampaignTests imports Campaign only).
private enum LAMMPSLogProbe {
    static func parse(_ line: String) -> Double? {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try? Data((line + "\n").utf8).write(to: root.appendingPathComponent("log.lammps"))
        return try? TemperatureSource(pattern: nil).resolve(CampaignEntry(path: root.path + "/x.dump", key: "x")).value
    }
}

@Suite struct ShardTests {
    @Test func fourShardsCoverEveryFileExactlyOnce() throws {
        let plan = CampaignPlan(source: "test", kind: .glob, entries: (0..<23).map { CampaignEntry(path: "f\($0).dump", key: "f\($0).dump") })
        var seen: [String: Int] = [:]
        var sizes: [Int] = []
        for index in 0..<4 {
            let entries = try ShardAssignment(index: index, count: 4).entries(of: plan)
            sizes.append(entries.count)
            for entry in entries { seen[entry.key, default: 0] += 1 }
        }
        #expect(seen.count == 23 && seen.values.allSatisfy { $0 == 1 })
        #expect(sizes == [6, 6, 6, 5])
        // Deterministic: the same plan in another order gives the same shards.
        let shuffled = CampaignPlan(source: "test", kind: .glob, entries: plan.entries.reversed())
        #expect(try ShardAssignment(index: 2, count: 4).entries(of: shuffled) == ShardAssignment(index: 2, count: 4).entries(of: plan))
        #expect(ShardAssignment.whole.entries(of: plan).count == 23)
    }

    @Test func parsingAndSlurmVariables() throws {
        #expect(try ShardAssignment(parsing: "3/4") == ShardAssignment(index: 3, count: 4))
        #expect(throws: CampaignError.invalidShard(text: "4/4", reason: "the shard must be in 0...3 (0-based)")) { try ShardAssignment(parsing: "4/4") }
        #expect(throws: CampaignError.self) { try ShardAssignment(parsing: "two") }
        #expect(try ShardAssignment.fromSlurm([:]) == nil)
        #expect(try ShardAssignment.fromSlurm(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"]) == ShardAssignment(index: 2, count: 4))
        #expect(try ShardAssignment.fromSlurm(["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "4", "SLURM_ARRAY_TASK_MAX": "7"]) == ShardAssignment(index: 1, count: 4))
        #expect(throws: CampaignError.self) {
            try ShardAssignment.fromSlurm(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "6", "SLURM_ARRAY_TASK_COUNT": "4"])
        }
    }
}

@Suite struct DigestTests {
    @Test func inputDigestChangesWithContentSizeAndTime() throws {
        let root = try folder(["a.dump": String(repeating: "ITEM: TIMESTEP\n0\n", count: 10)])
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("a.dump").path
        let fixed = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: fixed], ofItemAtPath: path)
        let first = try InputDigest.of(path: path)
        #expect(try InputDigest.of(path: path) == first)
        #expect(first.size == 170 && first.modified == 1_700_000_000_000_000_000)
        // Same size, other header byte, same time: the header hash differs.
        try Data(String(repeating: "ITEM: TIMESTEP\n1\n", count: 10).utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: fixed], ofItemAtPath: path)
        let edited = try InputDigest.of(path: path)
        #expect(edited.size == first.size && edited.modified == first.modified && edited.headerHash != first.headerHash)
        try FileManager.default.setAttributes([.modificationDate: fixed.addingTimeInterval(10)], ofItemAtPath: path)
        #expect(try InputDigest.of(path: path).modified == 1_700_000_010_000_000_000)
        #expect(throws: CampaignError.self) { try InputDigest.of(path: root.path) }
    }

    @Test func parameterDigestsSeparateLabelsFromTables() throws {
        var settings = CampaignSettings()
        let labels = ParameterDigest.labels(settings.label)
        let table = ParameterDigest.table(labels: labels, featurize: settings.featurize, temperature: 0.5)
        #expect(ParameterDigest.table(labels: labels, featurize: settings.featurize, temperature: 0.6) != table)
        settings.featurize.every = 2
        #expect(ParameterDigest.labels(settings.label) == labels, "featurize settings do not touch the labels")
        #expect(ParameterDigest.table(labels: labels, featurize: settings.featurize, temperature: 0.5) != table)
        settings.label.threshold = 0.3
        #expect(ParameterDigest.labels(settings.label) != labels)
    }
}

@Suite struct ConfigurationTests {
    @Test func tomlConfigurationIsReadAndChecked() throws {
        let root = try folder([
            "good.toml": "temperature_from = \"T([0-9.]+)\"\njobs = 2\n[label]\nhalf_window = 3\np_c = 0.25\n[featurize]\npreset = \"small\"\nbalance = true\nevery = 10\n[join]\nsplit_by = \"row\"\ntest_fraction = 0.4\n[diagnose]\nC = 0.5\nbootstrap = 0\nrfe = true\n",
            "typo.toml": "[label]\nhalfwindow = 3\n",
            "range.toml": "[join]\ntest_fraction = 1.5\n",
            "preset.toml": "[featurize]\npreset = \"huge\"\n",
            "type.toml": "[diagnose]\nbootstrap = \"many\"\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let settings = try CampaignSettings.read(path: root.appendingPathComponent("good.toml").path)
        #expect(settings.temperatureFrom == "T([0-9.]+)" && settings.jobs == 2)
        #expect(settings.label.halfWindow == 3 && settings.label.threshold == 0.25 && settings.label.quietWindow == 10)
        #expect(settings.featurize.preset == .small && settings.featurize.balance && settings.featurize.every == 10)
        #expect(settings.join.splitBy == .row && settings.join.testFraction == 0.4)
        #expect(settings.diagnose.c == 0.5 && settings.diagnose.bootstrap == 0 && settings.diagnose.rfe)
        #expect(settings.configText?.contains("half_window = 3") == true)
        func message(_ name: String) -> String {
            do { _ = try CampaignSettings.read(path: root.appendingPathComponent(name).path); return "no error" } catch { return "\(error)" }
        }
        #expect(message("typo.toml").contains("typo.toml: [label]: unknown key 'halfwindow'; known keys: half_window, p_c, quiet_window"))
        #expect(message("range.toml").contains("range.toml: [join]: test_fraction must be in (0, 1), got 1.5"))
        #expect(message("preset.toml").contains("'preset' must be one of schoenholz2016, pooled, small, got 'huge'"))
        #expect(message("type.toml").contains("[diagnose]: 'bootstrap' must be an integer, got a string"), "\(message("type.toml"))")
    }

    @Test func slurmScriptHasTheArrayAndTheDependentMerge() {
        let script = SlurmScript(executable: "/opt/softness", arguments: ["/data/runs", "--output", "/data/out dir"], tasks: 4, cpusPerTask: 2,
                                 logFolder: "/data/out/slurm", scriptPath: "/data/batch.sbatch").text
        #expect(script.hasPrefix("#!/bin/bash\n#SBATCH --array=0-3\n"))
        #expect(script.contains("exec /opt/softness batch /data/runs --output '/data/out dir'\n"))
        #expect(script.contains("--dependency=afterok:$array"))
        #expect(script.contains("--wrap='exec /opt/softness batch /data/runs --output '\\''/data/out dir'\\'' --merge'"), "\(script)")
    }
}
