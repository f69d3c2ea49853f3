import Foundation
import Testing
import SeededRandom
import HDF5

/// The layouts real codes write (issue 12 item 4): labels as h5py writes them (numpy bool, float
/// 0/1 or ±1, integer 0/1) with the encoding stated, temperature as an attribute, an [N, 1]
/// dataset or a constant, and features stored [d, N]. Every mapped run must give the weights of
/// the same data in the native schema-v1 layout.
@Suite struct MappedLayoutFormatsTests {
    static let rows = 600

    /// The data: x [N, 2], labels ±1, temperatures 0.5/0.8 (or all `constant`), split.
    struct Table {
        var x: [Double]
        var y: [Int8]
        var t: [Double]
        var split: [UInt8]

        init(constant: Double? = nil) {
            var generator = SplitMix64(seed: 21)
            x = (0..<(2 * rows)).map { _ in Double.random(in: -2...2, using: &generator) }
            t = (0..<rows).map { constant ?? [0.5, 0.8][$0 % 2] }
            let xs = x, ts = t
            y = (0..<rows).map { Double.random(in: 0..<1, using: &generator) < 1 / (1 + exp(2 * xs[2 * $0] / ts[$0])) ? 1 : -1 }
            split = (0..<rows).map { UInt8(($0 / 2) % 2) }
        }

        /// Schema v1 of the same data.
        func writeNative(_ path: String) throws {
            let file = try File.create(path)
            try file.setAttribute("schema", .string("softness.particles"))
            try file.setAttribute("schema_version", .integer(1))
            try file.createDataset("features", values: x, shape: [rows, 2])
            try file.createStringDataset("feature_names", values: ["f0", "f1"])
            try file.createDataset("labels", values: y)
            try file.createDataset("temperature", values: t)
            try file.createDataset("split", values: split)
            file.close()
        }

        /// A user's own layout of the same data, in every variant the tests map.
        func writeExternal(_ path: String, attributeT: Double? = nil) throws {
            let file = try File.create(path)
            try file.createDataset("sim/x", values: x, shape: [rows, 2])
            let transposed = (0..<(2 * rows)).map { x[($0 % rows) * 2 + $0 / rows] }
            try file.createDataset("sim/xT", values: transposed, shape: [2, rows])
            try file.createDataset("sim/y01f", values: y.map { $0 == 1 ? 1.0 : 0.0 })
            try file.createDataset("sim/ypm1f", values: y.map { Float($0) })
            try file.createDataset("sim/y01i", values: y.map { Int32($0 == 1 ? 1 : 0) })
            var half = y.map { $0 == 1 ? 1.0 : 0.0 }
            half[7] = 0.5
            try file.createDataset("sim/yhalf", values: half)
            try file.createDataset("sim/T", values: t)
            try file.createDataset("sim/T1", values: t, shape: [rows, 1])
            try file.createDataset("sim/split", values: split)
            if let attributeT {
                try file.group("sim").setAttribute("T", .real(attributeT))
                try file.setAttribute("T", .real(attributeT))
                try file.dataset("sim/x").setAttribute("temperature", .real(attributeT))
            }
            file.close()
        }
    }

    /// `diagnose --dry-run --json` weights, requiring success (exit 3, a partial run, at one temperature).
    private func weights(_ arguments: [String], in dir: URL, oneTemperature: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Double] {
        let run = try softness(["diagnose"] + arguments + ["--dry-run", "--json", "--bootstrap", "0"], in: dir)
        #expect(run.status == (oneTemperature ? 3 : 0), "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], sourceLocation: sourceLocation)
        return try #require(json["weights"] as? [Double], sourceLocation: sourceLocation)
    }

    private func write(_ text: String, _ name: String, in dir: URL) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    static let base = ["ext.h5", "--features", "/sim/x", "--split", "/sim/split"]

    @Test(arguments: [
        ["--labels", "/sim/y01f", "--label-encoding", "01", "--temperature", "/sim/T"],
        ["--labels", "/sim/ypm1f", "--temperature", "/sim/T"],
        ["--labels", "/sim/ypm1f", "--label-encoding", "pm1", "--temperature", "/sim/T"],
        ["--labels", "/sim/y01i", "--label-encoding", "01", "--temperature", "/sim/T"],
        ["--labels", "/sim/y01f", "--label-encoding", "01", "--temperature", "/sim/T1"],
    ])
    func floatAndIntegerLabelsAndColumnTemperatures(arguments: [String]) throws {
        try withScratch { dir in
            let table = Table()
            try table.writeNative(dir.appendingPathComponent("native.h5").path)
            try table.writeExternal(dir.appendingPathComponent("ext.h5").path)
            let native = try weights(["native.h5"], in: dir)
            #expect(native.count == 2)
            #expect(try weights(Self.base + arguments, in: dir) == native)
        }
    }

    @Test func mappingFileLabelEncodingAndTranspose() throws {
        try withScratch { dir in
            let table = Table()
            try table.writeNative(dir.appendingPathComponent("native.h5").path)
            try table.writeExternal(dir.appendingPathComponent("ext.h5").path)
            let native = try weights(["native.h5"], in: dir)
            try write(#"{"features": "/sim/x", "labels": "/sim/y01f", "temperature": "/sim/T1", "split": "/sim/split", "label_encoding": "01"}"#, "map.json", in: dir)
            #expect(try weights(["ext.h5", "--mapping", "map.json"], in: dir) == native)
            // The same stated twice is fine.
            #expect(try weights(["ext.h5", "--mapping", "map.json", "--label-encoding", "01"], in: dir) == native)
            try write(#"{"features": "/sim/xT", "transpose": true, "labels": "/sim/ypm1f", "temperature": "/sim/T", "split": "/sim/split"}"#, "mapT.json", in: dir)
            #expect(try weights(["ext.h5", "--mapping", "mapT.json"], in: dir) == native)
            #expect(try weights(Self.base.map { $0 == "/sim/x" ? "/sim/xT" : $0 } + ["--transpose", "--labels", "/sim/ypm1f", "--temperature", "/sim/T"], in: dir) == native)
        }
    }

    @Test func transposedFeaturesWriteTheSameResultsWithoutAFeaturesLink() throws {
        // A real run (not a dry run): the same weights, and the results file does not link [d, N] as /features.
        try withScratch { dir in
            let table = Table()
            try table.writeNative(dir.appendingPathComponent("native.h5").path)
            try table.writeExternal(dir.appendingPathComponent("ext.h5").path)
            let a = try softness(["diagnose", "native.h5", "--bootstrap", "0", "--json"], in: dir)
            let b = try softness(["diagnose", "ext.h5", "--features", "/sim/xT", "--transpose", "--labels", "/sim/y01i", "--label-encoding", "01",
                                  "--temperature", "/sim/T", "--split", "/sim/split", "--bootstrap", "0", "--json"], in: dir)
            #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
            let ja = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
            let jb = try #require(try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as? [String: Any])
            #expect(ja["weights"] as? [Double] == jb["weights"] as? [Double])
            let results = try File.open(dir.appendingPathComponent("ext.results.h5").path)
            defer { results.close() }
            #expect(!results.contains("features"), "a [d, N] dataset is not linked as /features")
            #expect(try results.dataset("labels").shape() == [Self.rows])
        }
    }

    @Test(arguments: [
        ["--temperature", "/sim@T"],
        ["--temperature", "@T"],
        ["--temperature", "/sim/x@temperature"],
        ["--temperature-value", "0.5"],
        ["--temperature", "0.5"],
    ])
    func temperatureAsAttributeOrConstant(arguments: [String]) throws {
        try withScratch { dir in
            let table = Table(constant: 0.5)
            try table.writeNative(dir.appendingPathComponent("native.h5").path)
            try table.writeExternal(dir.appendingPathComponent("ext.h5").path, attributeT: 0.5)
            let native = try weights(["native.h5"], in: dir, oneTemperature: true)
            #expect(native.count == 2)
            #expect(try weights(Self.base + ["--labels", "/sim/ypm1f"] + arguments, in: dir, oneTemperature: true) == native)
            try write(#"{"features": "/sim/x", "labels": "/sim/ypm1f", "temperature": "/sim@T", "split": "/sim/split"}"#, "map.json", in: dir)
            #expect(try weights(["ext.h5", "--mapping", "map.json"], in: dir, oneTemperature: true) == native)
        }
    }

    @Test func boolLabelsAsH5pyWritesThem() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/h5py_bool_labels.h5")
        try withScratch { dir in
            try FileManager.default.copyItem(at: fixture, to: dir.appendingPathComponent("ext.h5"))
            // The native layout of the same data, from the fixture's own values.
            let source = try File.open(dir.appendingPathComponent("ext.h5").path)
            let x: [Double] = try source.dataset("sim/x").read()
            let t: [Double] = try source.dataset("sim/T").read()
            let split: [UInt8] = try source.dataset("sim/split").read()
            let y: [Int8] = try source.dataset("sim/y_pm1").read()
            source.close()
            let file = try File.create(dir.appendingPathComponent("native.h5").path)
            try file.setAttribute("schema", .string("softness.particles"))
            try file.setAttribute("schema_version", .integer(1))
            try file.createDataset("features", values: x, shape: [y.count, 2])
            try file.createStringDataset("feature_names", values: ["f0", "f1"])
            try file.createDataset("labels", values: y)
            try file.createDataset("temperature", values: t)
            try file.createDataset("split", values: split)
            file.close()
            let native = try weights(["native.h5"], in: dir)
            #expect(native.count == 2)
            let before = try Data(contentsOf: dir.appendingPathComponent("ext.h5"))
            #expect(try weights(Self.base + ["--labels", "/sim/rearranged", "--label-encoding", "bool", "--temperature", "/sim/T"], in: dir) == native)
            try write(#"{"features": "/sim/x", "labels": "/sim/rearranged", "temperature": "/sim/T", "split": "/sim/split", "label_encoding": "bool"}"#, "map.json", in: dir)
            #expect(try weights(["ext.h5", "--mapping", "map.json"], in: dir) == native)
            // A bool where pm1 (stated or by default) or 01 was meant is refused, saying it looks like bool.
            for stated in [[], ["--label-encoding", "pm1"], ["--label-encoding", "01"]] {
                let run = try softness(["diagnose"] + Self.base + ["--labels", "/sim/rearranged", "--temperature", "/sim/T", "--dry-run"] + stated, in: dir)
                #expect(run.status != 0)
                #expect(run.stderr.contains("ext.h5: /sim/rearranged holds a bool (HDF5 enum FALSE=0, TRUE=1, as h5py writes numpy bool), but the label encoding is"), "\(run.stderr)")
                #expect(run.stderr.contains("the labels look like bool; pass --label-encoding bool"), "\(run.stderr)")
            }
            #expect(try Data(contentsOf: dir.appendingPathComponent("ext.h5")) == before)
        }
    }

    @Test(arguments: [
        (["--labels", "/sim/yhalf", "--label-encoding", "01", "--temperature", "/sim/T"],
         "ext.h5: /sim/yhalf (float64): row 7 holds 0.5, expected 1 or 0 (--label-encoding 01) — that is no label in any encoding"),
        (["--labels", "/sim/y01f", "--temperature", "/sim/T"],
         "holds 0.0, expected +1 or -1 (--label-encoding pm1) — the labels look like 01"),
        (["--labels", "/sim/y01i", "--temperature", "/sim/T"],
         "ext.h5: /sim/y01i (int32): row 3 holds 0, expected +1 or -1 (--label-encoding pm1) — the labels look like 01"),
        (["--labels", "/sim/ypm1f", "--label-encoding", "01", "--temperature", "/sim/T"],
         "holds -1.0, expected 1 or 0 (--label-encoding 01) — the labels look like pm1"),
        (["--labels", "/sim/y01i", "--label-encoding", "bool", "--temperature", "/sim/T"],
         "ext.h5: /sim/y01i holds int32 numbers, not a bool, but the label encoding is bool"),
        (["--labels", "/sim/ypm1f", "--temperature", "/sim@T"],
         "ext.h5: /sim: has no attribute 'T' (the temperature /sim@T); its attributes: none"),
        (["--labels", "/sim/ypm1f", "--temperature", "/nowhere@T"],
         "ext.h5: /nowhere: no such group or dataset"),
        (["--labels", "/sim/ypm1f", "--temperature", "/sim/T", "--temperature-value", "0.5"],
         "give either --temperature or --temperature-value"),
        (["--labels", "/sim/ypm1f", "--temperature", "/sim/T", "--features", "/sim/xT"],
         "ext.h5: /sim/xT: has shape [2, 600] but /sim/ypm1f has 600 rows: the features look stored as [d, N] (one row per feature); pass --transpose"),
        (["--labels", "/sim/ypm1f", "--temperature", "/sim/T", "--transpose"],
         "ext.h5: /sim/x: has shape [600, 2] and /sim/ypm1f has 600 rows: the features are already [N, d]; drop --transpose"),
    ])
    func badLayoutsAreRefused(arguments: [String], message: String) throws {
        try withScratch { dir in
            try Table().writeExternal(dir.appendingPathComponent("ext.h5").path)
            let before = try Data(contentsOf: dir.appendingPathComponent("ext.h5"))
            for dryRun in [["--dry-run"], []] {
                let result = try softness(["diagnose"] + Self.base + arguments + dryRun, in: dir)
                #expect(result.status != 0)
                #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
                #expect(try Data(contentsOf: dir.appendingPathComponent("ext.h5")) == before)
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ext.results.h5").path))
            }
        }
    }

    @Test func contradictoryEncodingsAreRefused() throws {
        try withScratch { dir in
            try Table().writeExternal(dir.appendingPathComponent("ext.h5").path)
            try write(#"{"features": "/sim/x", "labels": "/sim/y01f", "temperature": "/sim/T", "label_encoding": "01"}"#, "map.json", in: dir)
            let run = try softness(["diagnose", "ext.h5", "--mapping", "map.json", "--label-encoding", "pm1", "--dry-run"], in: dir)
            #expect(run.status != 0)
            #expect(run.stderr.contains(#"--label-encoding pm1 contradicts "label_encoding": "01" in map.json"#), "\(run.stderr)")
            try write(#"{"features": "/sim/x", "labels": "/sim/y01f", "temperature": "/sim/T", "label_encoding": "yes"}"#, "bad.json", in: dir)
            let bad = try softness(["diagnose", "ext.h5", "--mapping", "bad.json", "--dry-run"], in: dir)
            #expect(bad.status != 0)
            #expect(bad.stderr.contains(#"bad.json: 'label_encoding' must be one of "pm1", "01", "bool""#), "\(bad.stderr)")
        }
    }
}
