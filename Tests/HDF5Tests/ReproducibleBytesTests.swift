import Foundation
import Testing
@testable import HDF5

/// The same writes give the same bytes: no object times in the headers, partial chunks filled
/// with zeros (not whatever libhdf5's buffer held), nested groups created by softness itself.
@Suite struct ReproducibleBytesTests {
    /// Groups three deep, an extendable deflated dataset appended twice into one partial chunk,
    /// a contiguous dataset, attributes and an external link.
    func write(_ path: String) throws {
        let file = try File.create(path)
        try file.setAttribute("note", .string("reproducible"))
        let rows = try file.createDataset("a/b/c/rows", of: Double.self, shape: [0, 3],
                                          options: DatasetOptions(chunks: [64, 3], deflateLevel: 4, shuffle: true, extendable: true))
        try rows.append((0..<15).map { Double($0) / 7 })
        try rows.append((0..<6).map { -Double($0) })
        rows.close()
        try file.createDataset("x/y/plain", values: [1, 2, 3] as [Int32], shape: [3])
        try file.createGroup("g/h").setAttribute("units", .string("1"))
        try file.createExternalLink("links/elsewhere", targetFile: "other.h5", object: "/data")
        try file.closeAfterWriting()
    }

    @Test func sameWritesASecondApartGiveTheSameBytes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("first.h5").path
        let second = directory.appendingPathComponent("second.h5").path
        try write(first)
        Thread.sleep(forTimeInterval: 1.1)   // object times have a resolution of one second
        try write(second)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: second))))
        // and the file reads back as written
        let reopened = try File.open(first)
        defer { reopened.close() }
        #expect(try reopened.dataset("a/b/c/rows").shape() == [7, 3])
        #expect(try reopened.dataset("a/b/c/rows").read(as: Double.self).suffix(6) == [0, -1, -2, -3, -4, -5])
        #expect(reopened.isGroup("g/h") && reopened.hasLink("links/elsewhere"))
    }
}
