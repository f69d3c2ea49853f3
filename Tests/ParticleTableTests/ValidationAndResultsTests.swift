import Foundation
import Testing
@testable import ParticleTable
import SeededRandom
import HDF5

private func scratch<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-validate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// Writes a small table with the given columns (features row-major, 2 columns).
private func table(_ path: String, features: [Double], labels: [Int8], temperature: [Double], split: [UInt8]?) throws {
    let file = try File.create(path)
    try file.setAttribute("schema", .string("softness.particles"))
    try file.setAttribute("schema_version", .integer(1))
    try file.createDataset("features", values: features, shape: [labels.count, features.count / max(labels.count, 1)])
    try file.createStringDataset("feature_names", values: (0..<(features.count / max(labels.count, 1))).map { "f\($0)" })
    try file.createDataset("labels", values: labels)
    try file.createDataset("temperature", values: temperature)
    if let split { try file.createDataset("split", values: split) }
    file.close()
}

@Suite struct TableValidationTests {
    @Test func cleanTableIsValidAndLoads() throws {
        try scratch { dir in
            let path = dir.appendingPathComponent("t.h5").path
            try table(path, features: [1, 5, 2, 6, 3, 7, 4, 9, 0, 1, 2, 2], labels: [1, -1, 1, -1, 1, -1],
                      temperature: [0.4, 0.4, 0.4, 0.4, 0.5, 0.5], split: [0, 0, 0, 0, 1, 1])
            let report = try ParticleTableValidator.validate(path: path, blockRows: 4)
            #expect(report.problems == [])
            #expect(report.columns.map(\.mean) == [2.5, 6.75])
            #expect(abs(report.columns[0].standardDeviation - 1.25.squareRoot()) < 1e-12)
            #expect(report.isStandardized == false)
            #expect(report.warnings.contains { $0.contains("Arrhenius extraction needs two or more") })
            let data = try ParticleTableReader.load(path: path, blockRows: 4)
            #expect(data.labels == [1, -1, 1, -1, 1, -1])
            #expect(data.features == [1, 5, 2, 6, 3, 7, 4, 9, 0, 1, 2, 2])
            #expect(data.split == [0, 0, 0, 0, 1, 1])
            #expect(data.digest == (try ParticleTableReader.load(path: path)).digest)
        }
    }

    @Test func everyProblemIsListed() throws {
        try scratch { dir in
            let path = dir.appendingPathComponent("bad.h5").path
            try table(path, features: [1, .nan, 1, 2, 1, .infinity], labels: [1, 0, 1], temperature: [0.4, -1, 0.4], split: [0, 0, 2])
            let report = try ParticleTableValidator.validate(path: path)
            #expect(report.problems == [
                "/features: 2 non-finite values (NaN or Inf), first at row 0, column 1 (f1)",
                "/labels: 1 rows hold values outside {+1, -1}, first 0 at row 1; the labels look like 0/1: pass --label-encoding 01 to accept them",
                "/temperature: 1 rows are not positive and finite",
                "/split: 1 rows hold values other than 0 (train) and 1 (test)",
                "/features: column 0 (f0) is constant (1.0); remove it, it cannot be standardized",
                "/features: column 1 (f1) is constant (2.0); remove it, it cannot be standardized",
                "/split: no test rows (split = 1); the diagnostic needs held-out rows",
                "/features: 2 training rows for 2 features; need at least d + 2 = 4",
            ])
            let load = #expect(throws: ParticleDataError.self) { try ParticleTableReader.load(path: path) }
            #expect(load?.description == "\(path): /features: non-finite value (NaN or Inf) at row 0, column 1")
            // Read in blocks of one row, the first non-finite value is still the one named.
            let blocked = #expect(throws: ParticleDataError.self) { try ParticleTableReader.load(path: path, blockRows: 1) }
            #expect(blocked?.description == load?.description)
        }
    }

    /// A non-finite value past the first block is named by its row and column.
    @Test func nonFiniteFeatureInALaterBlock() throws {
        try scratch { dir in
            let path = dir.appendingPathComponent("late.h5").path
            var features = (0..<20).map { Double($0 % 7) + 0.5 * Double($0 / 2) }
            features[15] = -.infinity
            try table(path, features: features, labels: [1, -1, 1, -1, 1, -1, 1, -1, 1, -1], temperature: [Double](repeating: 0.4, count: 10), split: nil)
            for blockRows in [1, 3, 64] {
                let error = #expect(throws: ParticleDataError.self) { try ParticleTableReader.load(path: path, blockRows: blockRows) }
                #expect(error?.description == "\(path): /features: non-finite value (NaN or Inf) at row 7, column 1", "blocks of \(blockRows)")
            }
            features[15] = 3
            try FileManager.default.removeItem(atPath: path)
            try table(path, features: features, labels: [1, -1, 1, -1, 1, -1, 1, -1, 1, -1], temperature: [Double](repeating: 0.4, count: 10), split: nil)
            let digests = try [1, 3, 64].map { try ParticleTableReader.load(path: path, blockRows: $0).digest }
            #expect(Set(digests).count == 1)
            #expect(try ParticleTableReader.load(path: path, blockRows: 4).features == features)
        }
    }

    @Test func zeroOneLabelsOnlyWhenAsked() throws {
        try scratch { dir in
            let path = dir.appendingPathComponent("01.h5").path
            try table(path, features: [1, 2, 3, 4], labels: [1, 0, 0, 1], temperature: [1, 1, 1, 1], split: nil)
            let refused = #expect(throws: ParticleDataError.self) { try ParticleTableReader.load(path: path) }
            #expect(refused?.description.contains("pass --label-encoding 01") == true)
            #expect(try ParticleTableReader.load(path: path, labels: .zeroOne).labels == [1, -1, -1, 1])
            let oneClass = dir.appendingPathComponent("one.h5").path
            try table(oneClass, features: [1, 2, 3, 4, 5, 6], labels: [1, 1, 1], temperature: [1, 1, 1], split: [0, 0, 1])
            #expect(try ParticleTableValidator.validate(path: oneClass).problems.contains { $0.contains("one class only") })
        }
    }

    @Test func balancedSelectionIsBalancedAndSeeded() {
        let labels: [Double] = (0..<100).map { $0 % 4 == 0 ? 1 : -1 }
        let temperature: [Double] = (0..<100).map { $0 < 60 ? 0.4 : 0.5 }
        let training = (0..<100).map { $0 % 10 != 9 }
        let a = BalancedSelection.trainingRows(labels: labels, temperature: temperature, isTraining: training, seed: 3)
        #expect(a == BalancedSelection.trainingRows(labels: labels, temperature: temperature, isTraining: training, seed: 3))
        #expect(a != BalancedSelection.trainingRows(labels: labels, temperature: temperature, isTraining: training, seed: 4))
        for t in [0.4, 0.5] {
            let rows = a.filter { temperature[$0] == t }
            #expect(rows.filter { labels[$0] > 0 }.count == rows.filter { labels[$0] < 0 }.count)
            #expect(rows.allSatisfy { training[$0] })
        }
        #expect(a.filter { labels[$0] > 0 }.count == (0..<100).filter { $0 % 4 == 0 && $0 % 10 != 9 }.count)
    }
}

@Suite struct ResultStoreTests {
    @Test func runsAreAddedAtomicallyAndLinkTheInput() throws {
        try scratch { dir in
            let input = dir.appendingPathComponent("table.h5").path
            try table(input, features: [1, 2, 3, 4], labels: [1, -1], temperature: [1, 1], split: [0, 1])
            let before = try Data(contentsOf: URL(fileURLWithPath: input))
            let store = ResultStore(inputPath: input)
            #expect(store.path == dir.appendingPathComponent("table.results.h5").path)
            #expect(try store.runNames() == [])
            try store.writeRun(name: "first", overwrite: false, provenance: ["command_line": .string("x")], parameters: ["C": .real(1)]) { run in
                try run.createDataset("svm/weights", values: [0.5, -0.5])
            }
            try store.writeRun(name: "second", overwrite: false, provenance: [:]) { run in
                try run.createDataset("softness", values: [1.0, 2.0])
            }
            #expect(try store.runNames() == ["first", "second"])
            let exists = #expect(throws: ResultStoreError.self) {
                try store.writeRun(name: "first", overwrite: false, provenance: [:]) { _ in }
            }
            #expect(exists == .runExists(file: store.path, run: "first"))
            // A body that fails leaves the results file exactly as it was.
            let stored = try Data(contentsOf: URL(fileURLWithPath: store.path))
            struct Boom: Error {}
            #expect(throws: Boom.self) { try store.writeRun(name: "third", overwrite: false, provenance: [:]) { _ in throw Boom() } }
            #expect(try Data(contentsOf: URL(fileURLWithPath: store.path)) == stored)
            try store.writeRun(name: "first", overwrite: true, provenance: [:]) { run in
                try run.createDataset("svm/weights", values: [1.0, 1.0])
            }
            let file = try File.open(store.path)
            #expect(try file.dataset("results/first/svm/weights").read(as: Double.self) == [1, 1])
            #expect(try file.group("results/second").attribute("schema_version") == .integer(2))
            #expect(try file.group("results/second/parameters").attributeNames().contains("description"))
            #expect(try file.dataset("labels").read(as: Int8.self) == [1, -1], "external link to the input")
            #expect(try file.attribute("schema") == .string("softness.results"))
            file.close()
            #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before, "the input is never written")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
                    == [".table.results.h5.lock", "table.h5", "table.results.h5", "table.results.runs"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.runsDirectory).sorted() == ["first.h5", "second.h5"])
        }
    }

    @Test func newerResultsSchemaIsRefused() throws {
        try scratch { dir in
            let input = dir.appendingPathComponent("table.h5").path
            try table(input, features: [1, 2, 3, 4], labels: [1, -1], temperature: [1, 1], split: [0, 1])
            let store = ResultStore(inputPath: input)
            try store.writeRun(name: "a", overwrite: false, provenance: [:]) { _ in }
            let file = try File.open(store.path, mode: .readWrite)
            try file.setAttribute("schema_version", .integer(3))
            file.close()
            let error = #expect(throws: ResultStoreError.self) { try store.writeRun(name: "b", overwrite: false, provenance: [:]) { _ in } }
            #expect(error?.description.contains("results schema version 3") == true)
            #expect(throws: ResultStoreError.self) { try store.runNames() }
        }
    }

    @Test func resultsPathMayNotBeAnInputOrAnUnrelatedFile() throws {
        try scratch { dir in
            let input = dir.appendingPathComponent("table.h5").path
            let other = dir.appendingPathComponent("other.h5").path
            try table(input, features: [1, 2, 3, 4], labels: [1, -1], temperature: [1, 1], split: [0, 1])
            try table(other, features: [1, 2, 3, 4], labels: [1, -1], temperature: [1, 1], split: [0, 1])
            let before = try Data(contentsOf: URL(fileURLWithPath: input))
            let onInput = #expect(throws: ResultStoreError.self) {
                try ResultStore(inputPath: input, path: input).writeRun(name: "a", overwrite: false, provenance: [:]) { _ in }
            }
            #expect(onInput == .resultsIsInput(file: input, input: input))
            // Another spelling of the same path is the same file.
            let spelled = dir.appendingPathComponent("./table.h5").path
            #expect(throws: ResultStoreError.self) { try ResultStore(inputPath: input, path: spelled).checkBeforeRun(name: "a", overwrite: false) }
            let unrelated = #expect(throws: ResultStoreError.self) {
                try ResultStore(inputPath: input, path: other).writeRun(name: "a", overwrite: false, provenance: [:]) { _ in }
            }
            #expect(unrelated == .notResultsFile(file: other, found: "schema 'softness.particles'"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
            // The results file of one input is not reused for another.
            let store = ResultStore(inputPath: input)
            try store.writeRun(name: "a", overwrite: false, provenance: [:]) { _ in }
            let foreign = #expect(throws: ResultStoreError.self) {
                try ResultStore(inputPath: other, path: store.path).checkBeforeRun(name: "b", overwrite: false)
            }
            #expect(foreign?.description.contains("holds results of") == true)
        }
    }

    @Test func overwriteGivesTheSpaceBack() throws {
        try scratch { dir in
            let input = dir.appendingPathComponent("table.h5").path
            try table(input, features: [1, 2, 3, 4], labels: [1, -1], temperature: [1, 1], split: [0, 1])
            let store = ResultStore(inputPath: input)
            let big = [Double](repeating: 1.5, count: 200_000)
            for _ in 0..<3 {
                try store.writeRun(name: "big", overwrite: true, provenance: [:]) { run in try run.createDataset("softness", values: big) }
            }
            let runBytes = try FileManager.default.attributesOfItem(atPath: store.runsDirectory + "/big.h5")[.size] as? Int ?? 0
            let indexBytes = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
            #expect(runBytes > 1_600_000 && runBytes < 1_700_000, "one copy of the run: \(runBytes) bytes")
            #expect(indexBytes < 20_000, "the index holds links only: \(indexBytes) bytes")
        }
    }

    @Test func inPlaceRunsGoIntoTheInput() throws {
        try scratch { dir in
            let input = dir.appendingPathComponent("table.h5").path
            try table(input, features: [1, 2, 3, 4], labels: [1, -1], temperature: [1, 1], split: [0, 1])
            let store = ResultStore(inputPath: input, inPlace: true)
            #expect(store.path == input)
            try store.writeRun(name: "a", overwrite: false, provenance: [:]) { run in try run.createDataset("softness", values: [1.0, 2.0]) }
            #expect(throws: ResultStoreError.runExists(file: input, run: "a")) {
                try store.writeRun(name: "a", overwrite: false, provenance: [:]) { _ in }
            }
            #expect(try store.runNames() == ["a"])
            let file = try File.open(input)
            #expect(try file.dataset("results/a/softness").read(as: Double.self) == [1, 2])
            #expect(try file.dataset("labels").read(as: Int8.self) == [1, -1], "the table is intact")
            file.close()
            #expect(!FileManager.default.fileExists(atPath: ResultStore.defaultPath(forInput: input)))
        }
    }
}

@Suite struct AtomicFileTests {
    @Test func publishReplacesAtomicallyAndDiscardLeavesNothing() throws {
        try scratch { dir in
            let target = dir.appendingPathComponent("out.txt").path
            try Data("old".utf8).write(to: URL(fileURLWithPath: target))
            let discarded = AtomicFile(destination: target)
            try Data("half".utf8).write(to: URL(fileURLWithPath: discarded.temporaryPath))
            discarded.discard()
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "old")
            let file = AtomicFile(destination: target)
            try Data("new".utf8).write(to: URL(fileURLWithPath: file.temporaryPath))
            try file.publish()
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.txt"])
        }
    }

    @Test func partialFilesOfDeadProcessesOfThisHostAreRemoved() throws {
        try scratch { dir in
            let target = dir.appendingPathComponent("t.h5").path
            let host = AtomicFile.hostName
            // PID 99999999 is above Linux's pid_max, so no such process exists.
            let dead = ".t.h5.partial-\(host)-99999999-abc"
            let alive = ".t.h5.partial-\(host)-\(getpid())-def"
            let otherHost = ".t.h5.partial-\(host)x-99999999-abc"
            let otherFile = ".u.h5.partial-\(host)-99999999-abc"
            let longerHost = ".t.h5.partial-\(host)-12-99999999-abc"   // written by host "\(host)-12"
            for name in [dead, alive, otherHost, otherFile, longerHost] {
                try Data("x".utf8).write(to: dir.appendingPathComponent(name))
            }
            _ = AtomicFile(destination: target)
            let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
            #expect(!left.contains(dead))
            #expect(left.isSuperset(of: [alive, otherHost, otherFile, longerHost]))
        }
    }

    /// Scratch folders (the NPZ import's extracted entries) of dead processes go the same way.
    @Test func scratchFoldersOfDeadProcessesOfThisHostAreRemoved() throws {
        try scratch { dir in
            let target = dir.appendingPathComponent("t.h5").path
            let host = AtomicFile.hostName
            let dead = ".t.h5.npz-\(host)-99999999-abc", alive = ".t.h5.npz-\(host)-\(getpid())-def"
            for name in [dead, alive] {
                try FileManager.default.createDirectory(at: dir.appendingPathComponent(name), withIntermediateDirectories: false)
                try Data("entry".utf8).write(to: dir.appendingPathComponent(name).appendingPathComponent("X.npy"))
            }
            let fresh = try AtomicFile.scratchFolder(beside: target, suffix: "npz")
            let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
            #expect(!left.contains(dead) && left.contains(alive) && left.contains(fresh.lastPathComponent))
            #expect(fresh.lastPathComponent.hasPrefix(".t.h5.npz-\(host)-\(getpid())-"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: fresh.path).isEmpty)
        }
    }
}

@Suite struct InputDigestTests {
    private func digest(_ values: [Double]) -> String {
        var d = FNV1a64()
        d.add(values)
        return d.hex
    }

    /// Flipping one label (+1 ↔ −1, a sign bit) or swapping two rows changes the digest; plain
    /// word-wise FNV-1a missed the first (only the digest's top bit changed, and pairs cancelled).
    @Test func everySingleChangeIsSeen() {
        var generator = SplitMix64(seed: 5)
        let labels = (0..<1000).map { _ in Double.random(in: 0..<1, using: &generator) < 0.3 ? 1.0 : -1.0 }
        let reference = digest(labels)
        var seen = Set([reference])
        for row in stride(from: 0, to: 1000, by: 37) {
            var flipped = labels
            flipped[row] = -flipped[row]
            seen.insert(digest(flipped))
        }
        #expect(seen.count == 1 + 28, "every flip gives its own digest")
        var twoFlips = labels
        twoFlips[3] = -twoFlips[3]
        twoFlips[10] = -twoFlips[10]
        #expect(digest(twoFlips) != reference)
        var swapped = labels
        let other = swapped.firstIndex { $0 != swapped[0] } ?? 1
        swapped.swapAt(0, other)
        #expect(digest(swapped) != reference)
        #expect(digest(labels) == reference, "deterministic")
    }
}

@Suite struct BrokenLinkTests {
    /// A dangling link where an optional dataset should be is an error, never "not there"
    /// (which would silently turn off the truth check or the split).
    @Test func danglingOptionalDatasetIsAnError() throws {
        try scratch { dir in
            let path = dir.appendingPathComponent("t.h5").path
            try table(path, features: [1, 2, 3, 4], labels: [1, -1], temperature: [1, 1], split: [0, 1])
            let file = try File.open(path, mode: .readWrite)
            try file.createExternalLink("energy_barrier", targetFile: "gone.h5", object: "/energy_barrier")
            file.close()
            #expect {
                try ParticleTableReader.load(path: path)
            } throws: { error in
                "\(error)".contains("/energy_barrier") && "\(error)".contains(path)
            }
        }
    }
}
