import Foundation
import Testing
@testable import HDF5

/// Variable-length string attributes whose heap ID points at an object the collection does not
/// hold are refused by the probe (libhdf5 1.10.8 reads past the collection's table there and
/// crashes now and then); intact files, softness's and h5py's, pass.
@Suite struct GlobalHeapReferencesTests {
    /// A file with string attributes on the root, a group and a dataset (one of them a list).
    func write(_ path: String) throws {
        let file = try File.create(path)
        try file.setAttribute("schema", .string("softness.results"))
        try file.setAttribute("names", .strings(["a", "bb", ""]))
        try file.createGroup("g").setAttribute("units", .string("1"))
        let dataset = try file.createDataset("d", values: [1.0, 2.0])
        try dataset.setAttribute("description", .string("two values"))
        dataset.close()
        try file.closeAfterWriting()
    }

    @Test func findsTheReferencesOfIntactFiles() throws {
        try withTemporaryFile { path in
            try write(path)
            try File.probe(path)
            let references = try #require(GlobalHeapReferences(path: path))
            defer { references.close() }
            let root = references.rootHeader
            let attributes = references.attributeMessages(objectHeader: root)
            #expect(attributes.filter { !$0.references.isEmpty }.map(\.name).sorted() == ["names", "schema"])
            #expect(attributes.allSatisfy { $0.problem == nil })
            #expect(attributes.first { $0.name == "schema" }?.references.map(\.length) == [16])
            #expect(attributes.first { $0.name == "names" }?.references.map(\.length) == [1, 2, 0])
            // A group's and a dataset's headers, found through their links.
            let (group, dataset) = try File.withFile(path) { file in (file.linkedHeaderAddress("g"), file.linkedHeaderAddress("d")) }
            #expect(references.attributeMessages(objectHeader: try #require(group)).map(\.name) == ["units"])
            #expect(references.attributeMessages(objectHeader: try #require(dataset)).map(\.name) == ["description"])
            // h5py's files (its own strings and layouts) pass too.
            try File.probe(try fixturePath("h5py_fixture.h5"))
        }
    }

    @Test func refusesAReferenceTheCollectionDoesNotHold() throws {
        try withTemporaryFile { path in
            try write(path)
            let references = try #require(GlobalHeapReferences(path: path))
            let root = references.rootHeader
            let schema = try #require(references.attributeMessages(objectHeader: root).first { $0.name == "schema" }?.references.first)
            references.close()
            // The heap ID is (collection address, index) after the length; find it in the header
            // and give it an index the collection does not hold.
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            var id = withUnsafeBytes(of: schema.length.littleEndian) { Array($0) }
            id += withUnsafeBytes(of: schema.collection.littleEndian) { Array($0) }
            id += withUnsafeBytes(of: schema.index.littleEndian) { Array($0) }
            let at = try #require(bytes.firstRange(of: Data(id))).lowerBound
            bytes[at + 12] = 0x77
            try bytes.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: HDF5Error.self) { try File.probe(path) }
            #expect(error?.description.contains("damaged HDF5 file: attribute 'schema' refers to global heap object \(0x77 as UInt32) at address \(schema.collection), which the collection does not hold") == true,
                    "\(String(describing: error))")
            // An address outside the file.
            bytes[at + 12] = UInt8(truncatingIfNeeded: schema.index)
            bytes[at + 10] = 0x7F
            try bytes.write(to: URL(fileURLWithPath: path))
            let outside = #expect(throws: HDF5Error.self) { try File.probe(path) }
            #expect(outside?.description.contains("where the file holds no global heap collection") == true, "\(String(describing: outside))")
        }
    }
}
