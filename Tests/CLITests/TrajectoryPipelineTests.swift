import Foundation
import Testing
import ParticleTable
import SeededRandom
import HDF5

/// label → featurize → join → inspect on a synthetic LAMMPS dump with one known hop.
@Suite struct TrajectoryPipelineTests {
    /// 300 particles in a 10σ box jiggling by ±0.02; particle id 8 jumps by 1.5σ along x at frame 15.
    /// With `drift`, every particle moves by `drift` along x per frame (crossing the boundary);
    /// `wrapped` writes `x y z` folded into the box and no image flags; `withType` false leaves
    /// out the type column (a single-species dump).
    private func writeDump(_ url: URL, frames: Int = 30, firstTimestep: Int = 0, drift: Double = 0, wrapped: Bool = false, withType: Bool = true) throws {
        var generator = SplitMix64(seed: 11)
        let n = 300, length = 10.0
        let base = (0..<n).map { _ in SIMD3(Double.random(in: 0..<length, using: &generator), Double.random(in: 0..<length, using: &generator),
                                            Double.random(in: 0..<length, using: &generator)) }
        var text = ""
        for frame in 0..<frames {
            let columns = (withType ? "id type " : "id ") + (wrapped ? "x y z" : "xu yu zu")
            text += "ITEM: TIMESTEP\n\(firstTimestep + frame * 100)\nITEM: NUMBER OF ATOMS\n\(n)\nITEM: BOX BOUNDS pp pp pp\n0 \(length)\n0 \(length)\n0 \(length)\nITEM: ATOMS \(columns)\n"
            for i in 0..<n {
                var p = base[i] + SIMD3(Double.random(in: -0.02...0.02, using: &generator), Double.random(in: -0.02...0.02, using: &generator), 0)
                if i == 7 && frame >= 15 { p.x += 1.5 }
                p.x += drift * Double(frame)
                if wrapped { p = SIMD3(p.x - length * (p.x / length).rounded(.down), p.y - length * (p.y / length).rounded(.down), p.z - length * (p.z / length).rounded(.down)) }
                text += withType ? "\(i + 1) \(i % 5 == 0 ? 2 : 1) \(p.x) \(p.y) \(p.z)\n" : "\(i + 1) \(p.x) \(p.y) \(p.z)\n"
            }
        }
        try Data(text.utf8).write(to: url)
    }

    /// The report of a labels file and a featurized table: p_hop histogram with p_c, classes per
    /// frame equal to the labels file's, class fraction per temperature.
    @Test func reportOfLabelsAndTable() throws {
        try withScratch { dir in
            try writeDump(dir.appendingPathComponent("run.dump"))
            for arguments in [["label", "run.dump", "-o", "labels.h5", "--half-window", "3", "--p-c", "0.2", "--quiet-window", "3"],
                              ["featurize", "run.dump", "--labels", "labels.h5", "--temperature", "0.5", "--preset", "small", "-o", "t.h5"],
                              ["report", "labels.h5", "t.h5", "-o", "rep"]] {
                let result = try softness(arguments, in: dir)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
            }
            let labels = try LabelTable.read(path: dir.appendingPathComponent("labels.h5").path)
            let frames = Set(labels.frame).sorted()
            let perFrame = try XMLElements.parse(dir.appendingPathComponent("rep/inputs-classes-per-frame.svg"))
            let plus = try #require(perFrame.line("frames-0-rearranging")), minus = try #require(perFrame.line("frames-0-quiet"))
            #expect(plus.x == frames.map(Double.init))
            #expect(plus.y == frames.map { f in Double(labels.frame.indices.filter { labels.frame[$0] == f && labels.label[$0] > 0 }.count) })
            #expect(minus.y == frames.map { f in Double(labels.frame.indices.filter { labels.frame[$0] == f && labels.label[$0] < 0 }.count) })
            let phop = try XMLElements.parse(dir.appendingPathComponent("rep/inputs-phop-distribution.svg"))
            #expect(phop.elements.contains { $0.attributes["data-series"] == "p_c-0" && $0.attributes["data-x"] == "0.2" })
            #expect(!phop.points("phop-0").isEmpty && phop.points("phop-0").allSatisfy { $0.x > 0 && $0.x < 0.6 && $0.y > 0 })
            let fraction = try XMLElements.parse(dir.appendingPathComponent("rep/inputs-classes-per-temperature.svg")).points("table-0-fraction")
            let total = Double(labels.label.count), rearranging = Double(labels.label.filter { $0 > 0 }.count)
            #expect(fraction.map(\.x) == [0.5] && fraction.map(\.y) == [rearranging / total])
        }
    }

    /// The frames of a dump written by `writeDump`, as text blocks starting at "ITEM: TIMESTEP".
    private func frames(of url: URL) throws -> [String] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.components(separatedBy: "ITEM: TIMESTEP\n").filter { !$0.isEmpty }.map { "ITEM: TIMESTEP\n" + $0 }
    }

    /// Windows in time (issue 10 item 4): equal to frame windows on an evenly spaced dump, scaled
    /// on a subsampled one; uneven spacing refused; a repeated frame (restart) dropped with a note.
    @Test func timeWindowsSpacingAndRepeatedFrames() throws {
        try withScratch { dir in
            let dump = dir.appendingPathComponent("run.dump")
            try writeDump(dump)
            func labels(_ arguments: [String]) throws -> (LabelTable, CommandResult) {
                let run = try softness(["label"] + arguments + ["-o", "l.h5", "--force", "--p-c", "0.2"], in: dir)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                return (try LabelTable.read(path: dir.appendingPathComponent("l.h5").path), run)
            }
            // 100 timesteps per frame × dt 0.005 = 0.5 time units per frame.
            let (byFrames, _) = try labels(["run.dump", "--half-window", "3", "--quiet-window", "2"])
            let (byTime, timed) = try labels(["run.dump", "--half-window-time", "1.5", "--quiet-window-time", "1.0", "--dt", "0.005"])
            #expect(timed.stdout.contains("windows: h = 3 frames, q = 2 frames (0.5 time units per frame)"), "\(timed.stdout)")
            #expect(byTime.label == byFrames.label && byTime.frame == byFrames.frame && !byTime.label.isEmpty)
            // Every other frame: the same times are half as many frames.
            let all = try frames(of: dump)
            try all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined().write(to: dir.appendingPathComponent("half.dump"), atomically: true, encoding: .utf8)
            let (_, halved) = try labels(["half.dump", "--half-window-time", "2.0", "--quiet-window-time", "1.0", "--dt", "0.005"])
            #expect(halved.stdout.contains("windows: h = 2 frames, q = 1 frames (1.0 time units per frame)"), "\(halved.stdout)")
            let odd = try softness(["label", "run.dump", "--half-window-time", "1.3", "--dt", "0.005", "-o", "x.h5"], in: dir)
            #expect(odd.status != 0 && odd.stderr.contains("--half-window-time 1.3 is 2.6"), "\(odd.stderr)")
            let noDt = try softness(["label", "run.dump", "--half-window-time", "1.5", "-o", "x.h5"], in: dir)
            #expect(noDt.status != 0 && noDt.stderr.contains("records no time per frame: give --dt (time per timestep; frames are 100 timesteps apart)"), "\(noDt.stderr)")
            // A gap: frame 10 missing.
            try all.enumerated().filter { $0.offset != 10 }.map(\.element).joined().write(to: dir.appendingPathComponent("gap.dump"), atomically: true, encoding: .utf8)
            let gap = try softness(["label", "gap.dump", "--half-window", "3", "-o", "x.h5"], in: dir)
            #expect(gap.status != 0 && gap.stderr.contains("frames are not evenly spaced: frame 10 at timestep 1100 comes 200 timesteps after the previous frame, the first frames 100 apart"), "\(gap.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.h5").path))
            // A restart that wrote frame 12 twice: dropped, the labels equal the clean run's.
            var repeated = all
            repeated.insert(all[12], at: 13)
            try repeated.joined().write(to: dir.appendingPathComponent("restart.dump"), atomically: true, encoding: .utf8)
            let (again, restart) = try labels(["restart.dump", "--half-window", "3", "--quiet-window", "2"])
            #expect(restart.stderr.contains("note: dropped 1 repeated frame(s) at timestep(s) 1200"), "\(restart.stderr)")
            #expect(again.label == byFrames.label && again.frame == byFrames.frame && again.particleID == byFrames.particleID)
        }
    }

    /// Wrapped coordinates without image flags and without a type column (issue 10 item 4): with
    /// --unwrap minimum-image the labels equal those of the unwrapped dump; a step too long to
    /// follow is refused naming the particle and frame; without the option the message names it.
    @Test func minimumImageUnwrappingOfWrappedSingleSpeciesDumps() throws {
        try withScratch { dir in
            try writeDump(dir.appendingPathComponent("unwrapped.dump"), drift: 0.3)
            try writeDump(dir.appendingPathComponent("wrapped.dump"), drift: 0.3, wrapped: true, withType: false)
            for (input, extra) in [("unwrapped.dump", [String]()), ("wrapped.dump", ["--unwrap", "minimum-image"])] {
                let run = try softness(["label", input, "-o", "\(input).h5", "--half-window", "3", "--quiet-window", "3"] + extra, in: dir)
                #expect(run.status == 0, "\(input): \(run.stderr)")
            }
            let a = try LabelTable.read(path: dir.appendingPathComponent("unwrapped.dump.h5").path)
            let b = try LabelTable.read(path: dir.appendingPathComponent("wrapped.dump.h5").path)
            #expect(a.label == b.label && a.particleID == b.particleID && a.label.contains(1))
            // Unwrapped values under x y z (as H5MD files without an image element hold them): --unwrap as-stored.
            let relabelled = try String(contentsOf: dir.appendingPathComponent("unwrapped.dump"), encoding: .utf8).replacingOccurrences(of: "xu yu zu", with: "x y z")
            try relabelled.write(to: dir.appendingPathComponent("stored.dump"), atomically: true, encoding: .utf8)
            let stored = try softness(["label", "stored.dump", "-o", "stored.h5", "--half-window", "3", "--quiet-window", "3", "--unwrap", "as-stored"], in: dir)
            #expect(stored.status == 0, "\(stored.stderr)")
            #expect(try LabelTable.read(path: dir.appendingPathComponent("stored.h5").path).label == a.label)
            let refused = try softness(["label", "wrapped.dump", "-o", "x.h5"], in: dir)
            #expect(refused.status != 0 && refused.stderr.contains("`softness label --unwrap as-stored` when the positions were written unwrapped, or `--unwrap minimum-image`"), "\(refused.stderr)")
            try writeDump(dir.appendingPathComponent("fast.dump"), drift: 3.0, wrapped: true)
            let fast = try softness(["label", "fast.dump", "-o", "x.h5", "--unwrap", "minimum-image", "--half-window", "3"], in: dir)
            #expect(fast.status != 0 && fast.stderr.contains("--unwrap minimum-image: particle id 1 moves"), "\(fast.stderr)")
            #expect(fast.stderr.contains("between frame 0 and frame 1, more than 0.25"), "\(fast.stderr)")
        }
    }

    @Test func labelFeaturizeJoin() throws {
        try withScratch { dir in
            try writeDump(dir.appendingPathComponent("run.dump"))
            let labelled = try softness(["label", "run.dump", "-o", "labels.h5", "--half-window", "3", "--p-c", "0.2", "--quiet-window", "3"], in: dir)
            #expect(labelled.status == 0, "\(labelled.stderr)")
            let labels = try LabelTable.read(path: dir.appendingPathComponent("labels.h5").path)
            // The hop between frames 14 and 15 is seen (p_hop > 0.2) only by particle id 8, at frames 12...17.
            let rearranging = labels.label.indices.filter { labels.label[$0] > 0 }
            #expect(Set(rearranging.map { labels.particleID[$0] }) == [8])
            #expect(Set(rearranging.map { labels.frame[$0] }) == Set(12...17))
            #expect(labels.label.filter { $0 < 0 }.count > 0)

            for (name, temperature) in [("a.h5", "0.5"), ("b.h5", "0.7")] {
                let made = try softness(["featurize", "run.dump", "--labels", "labels.h5", "--temperature", temperature, "--balance",
                                         "--preset", "small", "-o", name], in: dir)
                #expect(made.status == 0, "\(made.stderr)")
            }
            let a = try File.open(dir.appendingPathComponent("a.h5").path)
            #expect(ParticleSchema.v1.problems(in: a) == [])
            // Every labelled pair (the natural population), 6 rearranging + 6 quiet ones marked as the balanced sample.
            #expect(try a.dataset("features").shape() == [labels.label.count, 108], "labelled pairs × (72 radial + 36 angular)")
            #expect(try a.dataset("balanced").read(as: Int.self).reduce(0, +) == 12)
            #expect(try a.dataset("particle_id").read(as: Int64.self).filter { $0 == 8 }.count >= 6)
            #expect(try Set(a.dataset("temperature").read(as: Double.self)) == [0.5])
            a.close()

            let joined = try softness(["join", "a.h5", "b.h5", "-o", "table.h5"], in: dir)
            #expect(joined.status == 0, "\(joined.stderr)")
            let summary = try ParticleTableSummary.read(path: dir.appendingPathComponent("table.h5").path)
            #expect(summary.rows == 2 * labels.label.count)
            #expect(Set(summary.cells.map(\.temperature)) == [0.5, 0.7])
            #expect(summary.optionalDatasets == ["/split", "/frame", "/particle_id", "/species", "/balanced"])

            let wrong = try softness(["featurize", "run.dump", "--labels", "labels.h5", "-o", "c.h5"], in: dir)
            #expect(wrong.status != 0)
            #expect(wrong.stderr.contains("--labels needs --temperature"))
            let tooBig = try softness(["featurize", "run.dump", "--preset", "schoenholz2016", "-o", "d.h5"], in: dir)
            #expect(tooBig.status != 0)
            #expect(tooBig.stderr.contains("run.dump"), "\(tooBig.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("d.h5").path))
            let huge = try softness(["featurize", "run.dump", "--r0", "0:1e9:1e-9", "-o", "e.h5"], in: dir)
            #expect(huge.status != 0)
            #expect(huge.stderr.contains("--r0 0:1e9:1e-9 gives 1000000000000000000 radial centres; at most 10000 are allowed"), "\(huge.stderr)")
        }
    }

    /// Labels belong to times, not positions: labels of one run applied to another run's frames,
    /// or to a shorter run, are refused instead of pairing structure and labels of different times.
    @Test func labelsAreMatchedToFramesByTimestep() throws {
        try withScratch { dir in
            try writeDump(dir.appendingPathComponent("run.dump"))
            try writeDump(dir.appendingPathComponent("later.dump"), firstTimestep: 800)
            try writeDump(dir.appendingPathComponent("short.dump"), frames: 14)
            #expect(try softness(["label", "run.dump", "-o", "labels.h5", "--half-window", "3", "--quiet-window", "3"], in: dir).status == 0)
            let shifted = try softness(["featurize", "later.dump", "--labels", "labels.h5", "--temperature", "0.5", "--preset", "small", "-o", "x.h5"], in: dir)
            #expect(shifted.status != 0)
            #expect(shifted.stderr.contains("were computed at timestep 600, but this trajectory's frame 6 is at timestep 1400"), "\(shifted.stderr)")
            let short = try softness(["featurize", "short.dump", "--labels", "labels.h5", "--temperature", "0.5", "--preset", "small", "-o", "y.h5"], in: dir)
            #expect(short.status != 0)
            #expect(short.stderr.contains("the labels in labels.h5 name frames up to 23, but the trajectory has 14 frames"), "\(short.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.h5").path))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("y.h5").path))
            // A selection that keeps no labelled pair is an error, not an unlabelled feature table.
            let none = try softness(["featurize", "run.dump", "--labels", "labels.h5", "--temperature", "0.5", "--every", "1000",
                                     "--preset", "small", "-o", "z.h5"], in: dir)
            #expect(none.status != 0 && none.stderr.contains("--labels must be a selection with labelled pairs"), "\(none.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("z.h5").path))
        }
    }
}

/// label → featurize --balance (every 10th frame, preset small) of the committed Kob–Andersen
/// runs at T = 0.55 and 0.60, joined by row into `dir/ka.h5`.
func joinKobAndersenSample(_ sample: URL, in dir: URL) throws {
    var tables: [String] = []
    for temperature in ["0.55", "0.60"] {
        let dump = sample.appendingPathComponent("ka_T\(temperature).dump.gz").path
        let labelled = try softness(["label", dump, "-o", "l\(temperature).h5", "--half-window", "5", "--p-c", "0.2", "--quiet-window", "5"], in: dir)
        #expect(labelled.status == 0, "\(labelled.stderr)")
        #expect(labelled.stdout.contains("101 frames × 1000 particles, p_hop on 91 frames"))
        let made = try softness(["featurize", dump, "--labels", "l\(temperature).h5", "--temperature", temperature, "--balance",
                                 "--every", "10", "--preset", "small", "-o", "f\(temperature).h5"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        tables.append("f\(temperature).h5")
    }
    #expect(try softness(["join"] + tables + ["-o", "ka.h5", "--split-by", "row"], in: dir).status == 0)
}

/// The committed Kob–Andersen sample end to end: label → featurize → join → diagnose.
@Suite(.tags(.slow)) struct SamplePipelineTests {
    @Test func kobAndersenSampleRunsThroughTheDiagnostic() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-data")
        try withScratch { dir in
            try joinKobAndersenSample(sample, in: dir)
            let summary = try ParticleTableSummary.read(path: dir.appendingPathComponent("ka.h5").path)
            #expect(summary.featureCount == 108)
            #expect(summary.cells.allSatisfy { $0.rearranging > 0 && $0.notRearranging > 0 })
            let diagnosed = try softness(["diagnose", "ka.h5", "--bootstrap", "0", "--json"], in: dir)
            #expect(diagnosed.status == 0, "\(diagnosed.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(diagnosed.stdout.utf8)) as? [String: Any])
            #expect((json["testAccuracy"] as? Double ?? 0) > 0.55, "structure predicts rearrangements better than chance")
            #expect(json["arrhenius"] != nil)
        }
    }
}
