import Foundation
import Testing
import HDF5
import ParticleTable
import SeededRandom

/// `featurize --balance` says when frames have fewer quiet than rearranging particles (the
/// selection cannot be balanced there) and what fraction R = +1 the table then has.
@Suite struct FeaturizeBalanceCLITests {
    /// 60 particles in a 10σ box, `frames` frames of small random displacements.
    private func writeDump(_ url: URL, frames: Int) throws {
        var generator = SplitMix64(seed: 5)
        let n = 60, length = 10.0
        let base = (0..<n).map { _ in (0..<3).map { _ in Double.random(in: 0..<length, using: &generator) } }
        var text = ""
        for frame in 0..<frames {
            text += "ITEM: TIMESTEP\n\(frame * 100)\nITEM: NUMBER OF ATOMS\n\(n)\nITEM: BOX BOUNDS pp pp pp\n0 \(length)\n0 \(length)\n0 \(length)\nITEM: ATOMS id type xu yu zu\n"
            for i in 0..<n {
                let p = base[i].map { $0 + Double.random(in: -0.02...0.02, using: &generator) }
                text += "\(i + 1) \(i % 5 == 0 ? 2 : 1) \(p[0]) \(p[1]) \(p[2])\n"
            }
        }
        try Data(text.utf8).write(to: url)
    }

    /// A labels file (schema softness.labels) with `perFrame[f]` = (rearranging, quiet) pairs in frame f.
    private func writeLabels(_ url: URL, perFrame: [(plus: Int, minus: Int)]) throws {
        var frame: [Int64] = [], id: [Int64] = [], label: [Int8] = []
        for (f, counts) in perFrame.enumerated() {
            for k in 0..<(counts.plus + counts.minus) {
                frame.append(Int64(f))
                id.append(Int64(k + 1))
                label.append(k < counts.plus ? 1 : -1)
            }
        }
        let file = try File.create(url.path)
        try file.setAttribute("schema", .string(LabelTable.schema))
        try file.createDataset("frame", values: frame)
        try file.createDataset("particle_id", values: id)
        try file.createDataset("labels", values: label)
        file.close()
    }

    @Test func balanceMarksAnExactSampleAndKeepsTheNaturalPopulation() throws {
        try withScratch { dir in
            try writeDump(dir.appendingPathComponent("run.dump"), frames: 4)
            // Frame 0 balances at 3:3, frame 1 at 2:2, frame 2 has one class, frame 3 none rearranging.
            let perFrame: [(plus: Int, minus: Int)] = [(3, 7), (5, 2), (1, 0), (0, 9)]
            try writeLabels(dir.appendingPathComponent("labels.h5"), perFrame: perFrame)
            let made = try softness(["featurize", "run.dump", "--labels", "labels.h5", "--temperature", "0.5", "--balance",
                                     "--preset", "small", "-o", "table.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            #expect(made.stderr.contains("--balance: kept 5 rearranging and 5 quiet pairs (balanced per frame) of 4 frames; natural population 9 rearranging, 18 quiet (33.3% R = +1)"), "\(made.stderr)")
            #expect(made.stderr.contains("warning: --balance: 2 of 4 frames have one class only"), "\(made.stderr)")
            let file = try File.open(dir.appendingPathComponent("table.h5").path)
            let labels = try file.dataset("labels").read(as: Int8.self), frames = try file.dataset("frame").read(as: Int.self)
            let flags = try file.dataset("balanced").read(as: UInt8.self)
            #expect(try file.attribute("population")?.stringValue?.hasPrefix("natural") == true)
            #expect(try file.attribute("balance")?.stringValue == "frame")
            file.close()
            // Every labelled pair is kept; the flagged ones are 50/50 in every frame.
            #expect(labels.count == perFrame.map { $0.plus + $0.minus }.reduce(0, +))
            for (f, counts) in perFrame.enumerated() {
                let flagged = labels.indices.filter { frames[$0] == f && flags[$0] == 1 }
                #expect(flagged.filter { labels[$0] > 0 }.count == min(counts.plus, counts.minus))
                #expect(flagged.filter { labels[$0] < 0 }.count == min(counts.plus, counts.minus))
            }
            // Per temperature: the frames pooled, 9 rearranging against 9 of the 18 quiet pairs.
            let pooled = try softness(["featurize", "run.dump", "--labels", "labels.h5", "--temperature", "0.5", "--balance", "--balance-by", "temperature",
                                       "--balance-only", "--preset", "small", "-o", "pooled.h5"], in: dir)
            #expect(pooled.status == 0, "\(pooled.stderr)")
            let only = try File.open(dir.appendingPathComponent("pooled.h5").path)
            let onlyLabels = try only.dataset("labels").read(as: Int8.self)
            #expect(onlyLabels.filter { $0 > 0 }.count == 9 && onlyLabels.filter { $0 < 0 }.count == 9)
            #expect(try only.attribute("population")?.stringValue == "balanced sample only" && !only.isDataset("balanced"))
            only.close()
            // Nothing to balance: an error naming the labels file, no table.
            try writeLabels(dir.appendingPathComponent("quiet.h5"), perFrame: [(0, 4), (0, 3)])
            let none = try softness(["featurize", "run.dump", "--labels", "quiet.h5", "--temperature", "0.5", "--balance", "--preset", "small", "-o", "none.h5"], in: dir)
            #expect(none.status != 0 && none.stderr.contains("--balance must be labels of both classes (no balanced sample: the frames hold 0 rearranging and 7 quiet pairs (one class only)), got quiet.h5"), "\(none.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.h5").path))
        }
    }

    /// Featurize options (issue 10 item 5): exact --r0 endpoints, --lambda, --cutoff and
    /// --angular-cutoff recorded, and a cutoff message that says which cutoff does not fit.
    @Test func structureFunctionOptionsAndNamedCutoffs() throws {
        try withScratch { dir in
            try writeDump(dir.appendingPathComponent("run.dump"), frames: 2)
            func names(_ extra: [String]) throws -> (names: [String], file: File) {
                let run = try softness(["featurize", "run.dump", "--preset", "small", "-o", "f.h5", "--force"] + extra, in: dir)
                #expect(run.status == 0, "\(extra): \(run.stderr)")
                let file = try File.open(dir.appendingPathComponent("f.h5").path)
                return (try file.dataset("feature_names").readStrings(), file)
            }
            let (overshoot, a) = try names(["--r0", "0.5:1.05:0.1"])
            a.close()
            let radial = overshoot.filter { $0.hasPrefix("G_A_") }
            #expect(radial.count == 6 && radial.last?.contains("r0=1.00") == true, "\(radial)")
            let (exact, b) = try names(["--r0", "0.5:1.0:0.1", "--lambda", "1", "--cutoff", "3.5", "--angular-cutoff", "2.5"])
            #expect(exact.filter { $0.hasPrefix("G_A_") }.count == 6)
            #expect(!exact.contains { $0.contains("l=-1") } && exact.contains { $0.contains("l=+1") })
            #expect(try b.attribute("structure_radial_cutoff") == .real(3.5))
            #expect(try b.attribute("structure_angular_cutoff") == .real(2.5))
            b.close()
            // The box is 10 σ wide: a radial cutoff of 6 does not fit, and the message says which one.
            let wide = try softness(["featurize", "run.dump", "--preset", "small", "--cutoff", "6", "-o", "g.h5"], in: dir)
            #expect(wide.status != 0 && wide.stderr.contains("the radial cutoff (largest r0 + δ·sqrt(2 ln(1/tolerance)), or --cutoff) 6 is not below half the minimum perpendicular box width (5)"), "\(wide.stderr)")
            let angular = try softness(["featurize", "run.dump", "--preset", "small", "--angular-cutoff", "5.5", "-o", "g.h5"], in: dir)
            #expect(angular.status != 0 && angular.stderr.contains("the angular cutoff"), "\(angular.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("g.h5").path))
        }
    }

    /// --species (issue 10 item 3): only particles of the chosen type are featurized, selected
    /// before balancing (so the sample is 50/50 within the species), recorded in the table.
    @Test func speciesSelectionBeforeBalancing() throws {
        try withScratch { dir in
            try writeDump(dir.appendingPathComponent("run.dump"), frames: 3)
            // ids 1…20 per frame; type 2 for ids 1, 6, 11, 16 (every fifth particle from id 1).
            try writeLabels(dir.appendingPathComponent("labels.h5"), perFrame: [(8, 12), (10, 10), (3, 17)])
            let run = try softness(["featurize", "run.dump", "--labels", "labels.h5", "--temperature", "0.5", "--species", "B", "--balance",
                                    "--preset", "small", "-o", "b.h5"], in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            let file = try File.open(dir.appendingPathComponent("b.h5").path)
            let species = try file.dataset("species").read(as: Int32.self), ids = try file.dataset("particle_id").read(as: Int64.self)
            let labels = try file.dataset("labels").read(as: Int8.self), flags = try file.dataset("balanced").read(as: UInt8.self)
            #expect(try file.attribute("species_selection") == .integers([2]))
            file.close()
            #expect(!species.isEmpty && species.allSatisfy { $0 == 2 } && ids.allSatisfy { ($0 - 1) % 5 == 0 })
            #expect(species.count == 12, "ids 1, 6, 11, 16 in each of 3 frames")
            let flagged = labels.indices.filter { flags[$0] == 1 }
            #expect(flagged.filter { labels[$0] > 0 }.count == flagged.filter { labels[$0] < 0 }.count && !flagged.isEmpty)
            let unknown = try softness(["featurize", "run.dump", "--labels", "labels.h5", "--temperature", "0.5", "--species", "C", "--preset", "small", "-o", "c.h5"], in: dir)
            #expect(unknown.status != 0 && unknown.stderr.contains("--species C: not a type number, nor one of the function set's species names (A, B)"), "\(unknown.stderr)")
            let absent = try softness(["featurize", "run.dump", "--species", "7", "--preset", "small", "-o", "c.h5"], in: dir)
            #expect(absent.status != 0 && absent.stderr.contains("--species must be species present in run.dump (it has 1, 2)"), "\(absent.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.h5").path))
        }
    }
}
