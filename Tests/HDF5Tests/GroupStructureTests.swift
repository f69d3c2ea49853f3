import Foundation
import Testing
@testable import HDF5

@Suite struct GroupStructureTests {
    @Test func groupsAttributesAndStrings() throws {
        try withTemporaryFile { path in
            let file = try File.create(path)
            let group = try file.createGroup("results/run1/svm")
            #expect(group.objectPath == "/results/run1/svm")
            #expect(file.contains("results/run1"))
            #expect(!file.contains("results/run2/svm"))
            #expect(file.isGroup("/results"))
            #expect(try file.requireGroup("results/run1").objectPath == "/results/run1")
            #expect(throws: HDF5Error.self) { try file.createGroup("results") }
            try group.createDataset("weights", values: [1.0, 2.0])
            try file.group("results").createGroup("run0")
            #expect(try file.group("results").memberNames() == ["run0", "run1"])

            try file.setAttribute("schema_version", .integer(1))
            try file.setAttribute("schema", .string("softness.particles"))
            try group.setAttribute("temperatures", .reals([0.3, 0.4]))
            try group.setAttribute("names", .strings(["a", "ü"]))
            try group.setAttribute("counts", .integers([3, -4]))
            try group.setAttribute("C", .real(1.0))
            try group.setAttribute("C", .real(2.0))
            #expect(try file.attribute("schema_version") == .integer(1))
            #expect(try file.attribute("schema") == .string("softness.particles"))
            #expect(try group.attribute("temperatures") == .reals([0.3, 0.4]))
            #expect(try group.attribute("names") == .strings(["a", "ü"]))
            #expect(try group.attribute("counts") == .integers([3, -4]))
            #expect(try group.attribute("C") == .real(2.0))
            #expect(try group.attribute("missing") == nil)
            #expect(try group.attributeNames() == ["C", "counts", "names", "temperatures"])

            let strings = ["G_A_r0=1.0", "", "Ψ_AB ξ=2", String(repeating: "long", count: 100)]
            try file.createStringDataset("feature_names", values: strings)
            #expect(try file.dataset("feature_names").readStrings() == strings)
            #expect(try file.dataset("feature_names").elementType() == .string(variableLength: true))
            let numbersAsStrings = #expect(throws: HDF5Error.self) { try file.dataset("results/run1/svm/weights").readStrings() }
            #expect(numbersAsStrings?.kind == .typeMismatch)
            let stringsAsNumbers = #expect(throws: HDF5Error.self) { try file.dataset("feature_names").read(as: Double.self) }
            #expect(stringsAsNumbers?.kind == .typeMismatch)
            #expect(file.openObjectCount == 2)
        }
    }

    @Test func everyHandleIsClosed() throws {
        try withTemporaryFile { path in
            do {
                let file = try File.create(path)
                try file.createDataset("a/b", values: [1.0, 2.0, 3.0], options: .rowChunked(2))
                #expect(file.openObjectCount == 1)
                try file.setAttribute("x", .strings(["p", "q"]))
                _ = try file.attribute("x")
                _ = try file.attributeNames()
                #expect(file.openObjectCount == 1)
                let dataset = try file.dataset("a/b")
                _ = try dataset.readRows(1..<3, as: Float.self)
                try dataset.append([4.0])
                _ = try dataset.chunks()
                #expect(file.openObjectCount == 2)
                _ = try file.group("a").memberNames()
                #expect(file.openObjectCount == 2)
                _ = #expect(throws: HDF5Error.self) { try file.dataset("missing") }
                #expect(file.openObjectCount == 2)
                file.close()
                #expect(try dataset.read(as: Double.self) == [1, 2, 3, 4])
            }
            // Everything above is released: libhdf5 lets us truncate the file only if nothing holds it open.
            let again = try File.create(path, mode: .truncate)
            #expect(again.openObjectCount == 1)
        }
    }

    @Test func danglingLinksExistAsLinksOnly() throws {
        try withTemporaryFile { path in
            let file = try File.create(path, mode: .truncate)
            defer { file.close() }
            try file.createDataset("g/x", values: [1.0])
            try file.createExternalLink("g/gone", targetFile: "no-such-file.h5", object: "/x")
            #expect(file.contains("g/x") && file.hasLink("g/x") && file.hasLink("/g/x"))
            #expect(!file.contains("g/gone") && file.hasLink("g/gone"), "dangling: a link, no object")
            #expect(!file.hasLink("g/missing") && !file.hasLink("h/x"), "neither link nor object")
        }
    }

    @Test func externalLinksAreFollowed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("results.h5").path
        let source = directory.appendingPathComponent("input.h5").path
        let results = try File.create(target)
        try results.createDataset("run/softness", values: [0.5, -0.5])
        results.close()
        let input = try File.create(source)
        try input.createExternalLink("results", targetFile: "results.h5", object: "/")
        #expect(try input.dataset("results/run/softness").read(as: Double.self) == [0.5, -0.5])
    }
}
