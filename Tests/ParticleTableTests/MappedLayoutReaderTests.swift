import Foundation
import Testing
@testable import ParticleTable
import HDF5

/// The mapped-layout reader in small blocks: [d, N] features transposed block by block, bool
/// (enum) labels read block by block, a float split, and the same table as the [N, d] layout.
@Suite struct MappedLayoutReaderTests {
    private func scratch(_ body: (URL) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-mapped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url)
    }

    @Test(arguments: [1, 7, 64, 1 << 16])
    func transposedFeaturesMatchTheRowMajorLayout(blockRows: Int) throws {
        try scratch { dir in
            let rows = 53, d = 3
            let x = (0..<(rows * d)).map { Double($0 / d) + 0.001 * Double($0 % d) }
            let path = dir.appendingPathComponent("t.h5").path
            let file = try File.create(path)
            try file.createDataset("x", values: x, shape: [rows, d])
            try file.createDataset("xT", values: (0..<(rows * d)).map { x[($0 % rows) * d + $0 / rows] }.map(Float.init), shape: [d, rows])
            try file.createDataset("y", values: (0..<rows).map { $0 % 3 == 0 ? 1.0 : -1.0 })
            try file.createDataset("s", values: (0..<rows).map { Double($0 % 2) })
            file.close()
            let plain = try ParticleTableReader.load(path: path, mapping: DatasetMapping(features: "x", labels: "y", temperature: .value(0.5), split: "s"), blockRows: blockRows)
            let transposed = try ParticleTableReader.load(path: path, mapping: DatasetMapping(features: "xT", labels: "y", temperature: .value(0.5), split: "s", transpose: true), blockRows: blockRows)
            #expect(transposed.rows == rows && transposed.featureCount == d)
            // Float32 storage rounds the values; compare with the float32 rounding of the row-major ones.
            #expect(transposed.features == plain.features.map { Double(Float($0)) })
            #expect(transposed.labels == plain.labels)
            #expect(plain.split == (0..<rows).map { UInt8($0 % 2) })
        }
    }

    @Test(arguments: [1, 7, 1 << 16])
    func boolLabelsFromH5pyReadInBlocks(blockRows: Int) throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CLITests/Fixtures/h5py_bool_labels.h5").path
        let file = try File.open(fixture)
        let members = try #require(try file.dataset("sim/rearranged").enumMembers())
        #expect(members == [EnumMember(name: "FALSE", value: 0), EnumMember(name: "TRUE", value: 1)])
        #expect(try file.dataset("sim/x").enumMembers() == nil)
        let reference: [Int8] = try file.dataset("sim/y_pm1").read()
        file.close()
        let bools = try ParticleTableReader.load(path: fixture, labels: .bool, mapping: DatasetMapping(features: "/sim/x", labels: "/sim/rearranged", temperature: .dataset("/sim/T")), blockRows: blockRows)
        #expect(bools.labels == reference.map(Double.init))
        #expect(bools.labels.contains(1) && bools.labels.contains(-1))
    }

    @Test func temperatureSourceSyntax() {
        #expect(DatasetMapping.TemperatureSource.parse("0.4") == .value(0.4))
        #expect(DatasetMapping.TemperatureSource.parse("/run/T") == .dataset("/run/T"))
        #expect(DatasetMapping.TemperatureSource.parse("/run@T") == .attribute(object: "/run", name: "T"))
        #expect(DatasetMapping.TemperatureSource.parse("@T") == .attribute(object: "/", name: "T"))
    }
}
