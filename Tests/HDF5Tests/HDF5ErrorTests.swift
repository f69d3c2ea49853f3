import Foundation
import Testing
@testable import HDF5

@Suite struct HDF5ErrorTests {
    @Test func missingFile() throws {
        let error = #expect(throws: HDF5Error.self) { try File.open("/nonexistent/dir/data.h5") }
        #expect(error?.kind == .fileNotFound)
        #expect(error?.description == "/nonexistent/dir/data.h5: no such file")
    }

    @Test func notAnHDF5File() throws {
        try withTemporaryFile { path in
            try "id type x y z\n1 1 0 0 0\n".write(toFile: path, atomically: true, encoding: .utf8)
            let error = #expect(throws: HDF5Error.self) { try File.open(path) }
            #expect(error?.kind == .notHDF5)
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("not an HDF5 file") == true)
        }
    }

    @Test func truncatedFile() throws {
        try withTemporaryFile { path in
            let file = try File.create(path)
            try file.createDataset("features", values: [Double](repeating: 1.5, count: 20_000), shape: [1000, 20])
            file.close()
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
            // Either opening or reading must fail with a message naming the file; nothing may crash.
            let error = #expect(throws: HDF5Error.self) {
                let reopened = try File.open(path)
                _ = try reopened.dataset("features").read(as: Double.self)
            }
            #expect(error?.description.hasPrefix(path) == true)
        }
    }

    @Test func missingDatasetWrongShapeAndExisting() throws {
        try withTemporaryFile { path in
            let file = try File.create(path)
            try file.createDataset("labels", values: [Int8(1), -1])
            let missing = #expect(throws: HDF5Error.self) { try file.dataset("features") }
            #expect(missing?.kind == .objectNotFound)
            #expect(missing?.description == "\(path): /features: no such dataset")
            let deep = #expect(throws: HDF5Error.self) { try file.dataset("no/such/path") }
            #expect(deep?.kind == .objectNotFound)
            let exists = #expect(throws: HDF5Error.self) { try file.createDataset("labels", values: [Int8(1)]) }
            #expect(exists?.kind == .objectExists)
            let wrongCount = #expect(throws: HDF5Error.self) { try file.dataset("labels").write([Int8(1)]) }
            #expect(wrongCount?.kind == .shapeMismatch)
            let badShape = #expect(throws: HDF5Error.self) { try file.createDataset("m", values: [1.0, 2.0, 3.0], shape: [2, 2]) }
            #expect(badShape?.kind == .shapeMismatch)
            let group = #expect(throws: HDF5Error.self) { try file.group("labels") }
            #expect(group?.kind == .typeMismatch)
            let exclusive = #expect(throws: HDF5Error.self) { try File.create(path, mode: .exclusive) }
            #expect(exclusive?.kind == .fileExists)
        }
    }

    @Test func readOnlyFileRefusesWrites() throws {
        try withTemporaryFile { path in
            let file = try File.create(path)
            try file.createDataset("x", values: [1.0])
            file.close()
            let readOnly = try File.open(path, mode: .readOnly)
            let error = #expect(throws: HDF5Error.self) { try readOnly.createDataset("y", values: [2.0]) }
            #expect(error?.libraryMessages.isEmpty == false)
            #expect(error?.description.contains("/y") == true)
        }
    }
}
