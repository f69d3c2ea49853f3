import Foundation
import Testing
import HDF5

/// A mapped layout accepted by inspect, validate, convert and join (issue 12 item 4), and
/// per-frame groups given by a glob: the same counts, values and weights as the native table.
@Suite struct MappedLayoutCommandsTests {
    typealias Table = MappedLayoutFormatsTests.Table
    static let rows = MappedLayoutFormatsTests.rows
    static let map = #"{"features": "/sim/x", "labels": "/sim/y01f", "temperature": "/sim/T1", "split": "/sim/split", "label_encoding": "01"}"#

    private func setUp(_ dir: URL) throws {
        let table = Table()
        try table.writeNative(dir.appendingPathComponent("native.h5").path)
        try table.writeExternal(dir.appendingPathComponent("ext.h5").path)
        try Data(Self.map.utf8).write(to: dir.appendingPathComponent("map.json"))
    }

    private func json(_ arguments: [String], in dir: URL, status: Int32 = 0) throws -> [String: Any] {
        let run = try softness(arguments + ["--json"], in: dir)
        #expect(run.status == status, "\(arguments): \(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    @Test func inspectAndValidateCountTheMappedRowsAsTheNativeOnes() throws {
        try withScratch { dir in
            try setUp(dir)
            let native = try json(["inspect", "native.h5"], in: dir)
            let mapped = try json(["inspect", "ext.h5", "--mapping", "map.json"], in: dir)
            #expect((mapped["counts"] as? [[String: Any]])?.count == 4)
            func cells(_ summary: [String: Any]) -> [String] {
                ((summary["counts"] as? [[String: Any]]) ?? []).map { c in "\(c["temperature"] ?? "") \(c["split"] ?? "") \(c["rows"] ?? "") \(c["rearranging"] ?? "")" }
            }
            #expect(cells(mapped) == cells(native) && cells(native).count == 4)
            #expect((mapped["attributes"] as? [String: String])?["layout"]?.contains("features /sim/x") == true)
            let validNative = try json(["validate", "native.h5"], in: dir)
            let validMapped = try json(["validate", "ext.h5", "--features", "/sim/x", "--labels", "/sim/ypm1f", "--temperature", "/sim/T", "--split", "/sim/split"], in: dir)
            func statistics(_ report: [String: Any]) -> [Double] {
                ((report["columns"] as? [[String: Any]]) ?? []).flatMap { c in ["mean", "standardDeviation", "minimum", "maximum"].compactMap { c[$0] as? Double } }
            }
            #expect(statistics(validMapped) == statistics(validNative) && statistics(validNative).count == 8)
            #expect((validMapped["problems"] as? [String])?.isEmpty == true)
            // A label the stated encoding refuses is the problem, with file, dataset and row; exit 2.
            let bad = try softness(["validate", "ext.h5", "--features", "/sim/x", "--labels", "/sim/yhalf", "--label-encoding", "01", "--temperature", "/sim/T"], in: dir)
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("ext.h5: /sim/yhalf (float64): row 7 holds 0.5"), "\(bad.stderr)")
        }
    }

    @Test func convertAndJoinReadTheMappedLayout() throws {
        try withScratch { dir in
            try setUp(dir)
            for arguments in [["convert", "native.h5", "native.csv"], ["convert", "ext.h5", "mapped.csv", "--mapping", "map.json"],
                              ["convert", "ext.h5", "mapped.h5", "--mapping", "map.json"]] {
                let run = try softness(arguments, in: dir)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
            }
            // The CSVs differ only in the feature names (the mapping has none: feature0, feature1).
            let native = try String(contentsOf: dir.appendingPathComponent("native.csv"), encoding: .utf8)
            let mapped = try String(contentsOf: dir.appendingPathComponent("mapped.csv"), encoding: .utf8)
            #expect(mapped.replacingOccurrences(of: "feature0,feature1", with: "f0,f1") == native)
            let table = try File.open(dir.appendingPathComponent("mapped.h5").path)
            #expect(try table.dataset("features").read(as: Double.self) == Table().x)
            #expect(try table.dataset("labels").read(as: Int8.self) == Table().y)
            table.close()
            #expect(try softness(["validate", "mapped.h5"], in: dir).status == 0)

            let joined = try softness(["join", "ext.h5", "ext.h5", "--mapping", "map.json", "--split-by", "row", "-o", "j.h5"], in: dir)
            #expect(joined.status == 0, "\(joined.stderr)")
            #expect(try File.withFile(dir.appendingPathComponent("j.h5").path) { try $0.dataset("labels").shape() } == [2 * Self.rows])
            let byFrame = try softness(["join", "ext.h5", "--mapping", "map.json", "-o", "k.h5"], in: dir)
            #expect(byFrame.status != 0 && byFrame.stderr.contains("--split-by must be row for a mapped layout (it has no frame column)"))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("k.h5").path))
            let wrongFormat = try softness(["convert", "native.csv", "x.h5", "--mapping", "map.json"], in: dir)
            #expect(wrongFormat.status != 0 && wrongFormat.stderr.contains("--mapping describes an HDF5 input"))
        }
    }

    /// Twelve groups frame_0 … frame_11 (natural order differs from lexicographic), each with
    /// x [50, 2], y ±1, split and a temperature attribute T (0.5 for even frames, 0.8 for odd).
    private func writeFrames(_ path: String, missingSplitIn: Int? = nil) throws {
        let table = Table()
        let file = try File.create(path)
        for k in 0..<12 {
            let rows = (k * 50)..<((k + 1) * 50)
            let group = try file.createGroup("frame_\(k)")
            try group.createDataset("x", values: Array(table.x[(rows.lowerBound * 2)..<(rows.upperBound * 2)]), shape: [50, 2])
            try group.createDataset("y", values: Array(table.y[rows]))
            if k != missingSplitIn { try group.createDataset("split", values: Array(table.split[rows])) }
            try group.setAttribute("T", .real([0.5, 0.8][k % 2]))
        }
        file.close()
    }

    @Test func perFrameGroupsByGlobReadAsOneTable() throws {
        try withScratch { dir in
            // Native table whose rows are the frames in natural order, each frame at one temperature.
            var table = Table()
            table.t = (0..<Self.rows).map { [0.5, 0.8][($0 / 50) % 2] }
            try table.writeNative(dir.appendingPathComponent("native.h5").path)
            try writeFrames(dir.appendingPathComponent("frames.h5").path)
            let glob = ["frames.h5", "--features", "/frame_*/x", "--labels", "/frame_*/y", "--temperature", "/frame_*@T", "--split", "/frame_*/split"]
            let native = try json(["diagnose", "native.h5", "--dry-run", "--bootstrap", "0"], in: dir)
            let mapped = try json(["diagnose"] + glob + ["--dry-run", "--bootstrap", "0"], in: dir)
            #expect((native["weights"] as? [Double])?.count == 2)
            #expect(native["weights"] as? [Double] == mapped["weights"] as? [Double])
            let counts = try json(["inspect"] + glob, in: dir)["counts"] as? [[String: Any]]
            let expected = [(0.5, 0), (0.5, 1), (0.8, 0), (0.8, 1)].map { t, split in
                (0..<Self.rows).filter { table.t[$0] == t && Int(table.split[$0]) == split }.count
            }
            #expect(counts?.map { $0["rows"] as? Int } == expected.map { Optional($0) })
            // A real run has no links to patterns, and works.
            #expect(try softness(["diagnose"] + glob + ["--bootstrap", "0"], in: dir).status == 0)

            let cases: [([String], String)] = [
                (["--features", "/run_*/x", "--labels", "/run_*/y", "--temperature", "0.5"], "frames.h5: /run_*/x: the pattern matches no dataset"),
                (["--features", "/frame_1/x", "--labels", "/frame_*/y", "--temperature", "0.5"], "has a wildcard at component 1, where the features pattern /frame_1/x has none"),
            ]
            for (arguments, message) in cases {
                let run = try softness(["inspect", "frames.h5"] + arguments, in: dir)
                #expect(run.status != 0 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
            }
            try writeFrames(dir.appendingPathComponent("gap.h5").path, missingSplitIn: 4)
            let gap = try softness(["inspect", "gap.h5"] + glob.dropFirst(), in: dir)
            #expect(gap.status != 0 && gap.stderr.contains("/frame_4/split"), "\(gap.stderr)")
        }
    }
}
