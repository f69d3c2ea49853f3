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

    @Test func unbalanceableFramesAreCountedOnStandardError() throws {
        try withScratch { dir in
            try writeDump(dir.appendingPathComponent("run.dump"), frames: 4)
            // Frame 0 balances, frames 1 and 2 have fewer quiet than rearranging pairs, frame 3 none rearranging.
            let perFrame: [(plus: Int, minus: Int)] = [(3, 7), (5, 2), (1, 0), (0, 9)]
            try writeLabels(dir.appendingPathComponent("labels.h5"), perFrame: perFrame)
            let made = try softness(["featurize", "run.dump", "--labels", "labels.h5", "--temperature", "0.5", "--balance",
                                     "--preset", "small", "-o", "table.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            let plus = perFrame.map(\.plus).reduce(0, +), quiet = perFrame.map { $0.plus > 0 ? min($0.plus, $0.minus) : 0 }.reduce(0, +)
            let percent = String(format: "%.1f", 100 * Double(plus) / Double(plus + quiet))
            #expect(made.stderr.contains("warning: --balance: 2 of 3 frames with rearrangements have fewer quiet than rearranging particles; the table is \(percent)% R = +1 (\(plus) rearranging, \(quiet) quiet pairs)"), "\(made.stderr)")
            let file = try File.open(dir.appendingPathComponent("table.h5").path)
            let labels = try file.dataset("labels").read(as: Int8.self)
            #expect(labels.filter { $0 > 0 }.count == plus && labels.filter { $0 < 0 }.count == quiet, "the sampling itself is unchanged")
            file.close()

            // Balanceable frames: no warning.
            try writeLabels(dir.appendingPathComponent("even.h5"), perFrame: [(3, 7), (2, 2), (0, 4), (1, 9)])
            let even = try softness(["featurize", "run.dump", "--labels", "even.h5", "--temperature", "0.5", "--balance",
                                     "--preset", "small", "-o", "even-table.h5"], in: dir)
            #expect(even.status == 0, "\(even.stderr)")
            #expect(!even.stderr.contains("--balance:"), "\(even.stderr)")
        }
    }
}
