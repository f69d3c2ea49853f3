import Foundation
import Testing
@testable import ParticleTable
import HDF5

private func withDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-table-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

@Suite struct ParticleTableWriterTests {
    @Test func embeddedSchemaEqualsTheCommittedFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("schemas/particles-v1.json"), encoding: .utf8)
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines)
                == ParticleSchema.embeddedJSON.trimmingCharacters(in: .whitespacesAndNewlines))
        let schema = ParticleSchema.v1
        #expect(schema.schema == "softness.particles")
        #expect(schema.schemaVersion == 1)
        #expect(schema.datasets.filter(\.required).map(\.path) == ["/features", "/feature_names", "/labels", "/temperature"])
    }

    @Test func writerRoundTripAndSummary() throws {
        try withDirectory { directory in
            let path = directory.appendingPathComponent("t.h5").path
            let writer = try ParticleTableWriter(path: path, featureNames: ["a", "b"], storage: .float32,
                                                 optionalColumns: [.split, .frame], attributes: ["source": .string("unit test")])
            #expect(!FileManager.default.fileExists(atPath: path), "nothing appears at the output path before finish()")
            try writer.append(ParticleBlock(features: [1, 2, 3, 4, 5, 6], labels: [1, -1, 1], temperature: [0.4, 0.4, 0.5],
                                            split: [0, 1, 1], frame: [10, 10, 20]))
            try writer.append(ParticleBlock(features: [7, 8], labels: [-1], temperature: [0.5], split: [1], frame: [30]))
            let missing = #expect(throws: ParticleTableError.self) {
                try writer.append(ParticleBlock(features: [7, 8], labels: [-1], temperature: [0.5], split: [1]))
            }
            #expect(missing?.description.contains("/frame") == true)
            try writer.finish()

            let file = try File.open(path)
            #expect(ParticleSchema.v1.problems(in: file) == [])
            #expect(try file.dataset("features").read(as: Double.self) == [1, 2, 3, 4, 5, 6, 7, 8])
            #expect(try file.dataset("features").elementType() == .float(bytes: 4))
            #expect(try file.dataset("frame").read(as: Int.self) == [10, 10, 20, 30])
            file.close()

            let summary = try ParticleTableSummary.read(path: path, blockRows: 3)
            #expect(summary.rows == 4)
            #expect(summary.featureNames == ["a", "b"])
            #expect(summary.optionalDatasets == ["/split", "/frame"])
            #expect(summary.cells == [
                .init(temperature: 0.4, split: "train", rows: 1, rearranging: 1, notRearranging: 0, otherLabels: 0),
                .init(temperature: 0.4, split: "test", rows: 1, rearranging: 0, notRearranging: 1, otherLabels: 0),
                .init(temperature: 0.5, split: "test", rows: 2, rearranging: 1, notRearranging: 1, otherLabels: 0),
            ])
            #expect(summary.attributes["source"] == "unit test")
            let exists = #expect(throws: ParticleTableError.self) {
                _ = try ParticleTableWriter(path: path, featureNames: ["a"], storage: .float64, optionalColumns: [])
            }
            #expect(exists?.description == "\(path): output file exists; pass --force to replace it")
        }
    }

    @Test func abandonedWriterLeavesNoFile() throws {
        try withDirectory { directory in
            let path = directory.appendingPathComponent("t.h5").path
            do {
                let writer = try ParticleTableWriter(path: path, featureNames: ["a"], storage: .float64, optionalColumns: [])
                try writer.append(ParticleBlock(features: [1], labels: [1], temperature: [1]))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
        }
    }

    @Test func schemaProblemsNameEveryDeparture() throws {
        try withDirectory { directory in
            let path = directory.appendingPathComponent("bad.h5").path
            let file = try File.create(path)
            try file.setAttribute("schema", .string("softness.particles"))
            try file.setAttribute("schema_version", .integer(1))
            try file.createDataset("features", values: [Double](repeating: 0, count: 6), shape: [3, 2])
            try file.createStringDataset("feature_names", values: ["a", "b", "c"])
            try file.createDataset("labels", values: [1.0, -1.0, 1.0])
            try file.createDataset("split", values: [Int8](repeating: 0, count: 3), shape: [3, 1])
            let problems = ParticleSchema.v1.problems(in: file).map(\.description)
            #expect(problems == [
                "/feature_names: has 3 entries along axis 0, expected d = 2 (from /features)",
                "/labels: holds float64, expected int",
                "/temperature: missing required dataset (temperature of the row's run, in the simulation's energy units (k_B = 1))",
                "/split: has rank 2 (shape [3, 1]), expected rank 1 [N]",
            ])
            try file.setAttribute("schema_version", .integer(7))
            let newer = #expect(throws: ParticleTableError.self) { try ParticleSchema.v1.requireConforming(file) }
            #expect(newer?.description.contains("schema version 7") == true)
        }
    }
}
