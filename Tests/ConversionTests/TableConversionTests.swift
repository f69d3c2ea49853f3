import Foundation
import Testing
import HDF5
import ParticleTable
import SeededRandom
@testable import Conversion

private func withDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-convert-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// A small table in memory, as written to and read from HDF5.
struct SmallTable: Equatable {
    var names: [String]
    var features: [Double]
    var labels: [Int8]
    var temperature: [Double]
    var split: [UInt8]?
    var barrier: [Double]?
    var storage: FeatureStorage

    var rows: Int { labels.count }

    /// A random table: values of every magnitude and sign, exact zeros and -0.0 among them.
    static func random(seed: UInt64, storage: FeatureStorage) -> SmallTable {
        var g = SplitMix64(seed: seed)
        let rows = 1 + Int(g.next() % 40), d = 1 + Int(g.next() % 6)
        func value() -> Double {
            switch g.next() % 8 {
            case 0: return 0
            case 1: return -0.0
            case 2: return Double(Int(g.next() % 7)) - 3
            case 3: return (g.uniformOpen() - 0.5) * pow(10, Double(Int(g.next() % 60)) - 30)
            default: return g.uniformOpen() * 4 - 2
            }
        }
        let features = (0..<(rows * d)).map { _ in storage == .float32 ? Double(Float(value())) : value() }
        return SmallTable(
            names: (0..<d).map { "G_\($0)_r\(Double($0) * 0.5)" }, features: features,
            labels: (0..<rows).map { _ in g.next() % 2 == 0 ? 1 : -1 },
            temperature: (0..<rows).map { _ in [0.4, 0.45, 1.0 / 3][Int(g.next() % 3)] },
            split: seed % 2 == 0 ? (0..<rows).map { _ in UInt8(g.next() % 2) } : nil,
            barrier: seed % 3 == 0 ? (0..<rows).map { _ in g.uniformOpen() * 10 - 5 } : nil,
            storage: storage)
    }

    func write(_ path: String) throws {
        var columns: Set<OptionalColumn> = []
        if split != nil { columns.insert(.split) }
        if barrier != nil { columns.insert(.energyBarrier) }
        let writer = try ParticleTableWriter(path: path, featureNames: names, storage: storage, optionalColumns: columns)
        try writer.append(ParticleBlock(features: features, labels: labels, temperature: temperature, split: split, energyBarrier: barrier))
        try writer.finish()
    }

    static func read(_ path: String) throws -> SmallTable {
        let file = try File.open(path)
        defer { file.close() }
        #expect(ParticleSchema.v1.problems(in: file) == [])
        return SmallTable(
            names: try file.dataset("feature_names").readStrings(), features: try file.dataset("features").read(),
            labels: try file.dataset("labels").read(), temperature: try file.dataset("temperature").read(),
            split: file.isDataset("split") ? try file.dataset("split").read() : nil,
            barrier: file.isDataset("energy_barrier") ? try file.dataset("energy_barrier").read() : nil,
            storage: try file.dataset("features").elementType() == .float(bytes: 4) ? .float32 : .float64)
    }

    /// Bit patterns, so -0.0 and 0.0 differ.
    var featureBits: [UInt64] { features.map(\.bitPattern) }
}

@Suite struct TableConversionRoundTripTests {
    static let seeds: [UInt64] = Array(1...12)

    func convert(_ input: URL, _ output: URL, _ configure: (inout ConversionOptions) -> Void = { _ in }) throws -> ConversionSummary {
        var options = ConversionOptions()
        options.blockRows = 7  // several blocks even for small tables
        configure(&options)
        return try TableConversion.run(input: input.path, output: output.path, options: options)
    }

    @Test(arguments: seeds, [FeatureStorage.float64, .float32])
    func textAndNPZRoundTripsAreBitIdentical(seed: UInt64, storage: FeatureStorage) throws {
        try withDirectory { dir in
            let table = SmallTable.random(seed: seed, storage: storage)
            let source = dir.appendingPathComponent("t.h5")
            try table.write(source.path)
            for format in ["csv", "tsv", "npz"] {
                let exported = dir.appendingPathComponent("t.\(format)"), back = dir.appendingPathComponent("back-\(format).h5")
                _ = try convert(source, exported)
                _ = try convert(exported, back) { $0.storage = format == "npz" ? nil : storage }
                let read = try SmallTable.read(back.path)
                #expect(read.featureBits == table.featureBits, "\(format)")
                #expect(read.temperature.map(\.bitPattern) == table.temperature.map(\.bitPattern), "\(format)")
                #expect(read.barrier?.map(\.bitPattern) == table.barrier?.map(\.bitPattern), "\(format)")
                #expect(read.labels == table.labels && read.split == table.split && read.names == table.names, "\(format)")
                #expect(read.storage == storage, "\(format)")
            }
        }
    }

    @Test(arguments: seeds, [FeatureStorage.float64, .float32])
    func libsvmAndNPYRoundTripsKeepFeaturesAndLabels(seed: UInt64, storage: FeatureStorage) throws {
        try withDirectory { dir in
            let table = SmallTable.random(seed: seed, storage: storage)
            let source = dir.appendingPathComponent("t.h5")
            try table.write(source.path)
            let svm = dir.appendingPathComponent("t.svm")
            let summary = try convert(source, svm)
            #expect(summary.notes.first?.contains("temperature") == true)
            _ = try convert(svm, dir.appendingPathComponent("svm.h5")) {
                $0.storage = storage
                $0.temperature = 0.5
                $0.featureCount = table.names.count
            }
            let fromSVM = try SmallTable.read(dir.appendingPathComponent("svm.h5").path)
            #expect(fromSVM.featureBits == table.featureBits)
            #expect(fromSVM.labels == table.labels)
            #expect(fromSVM.temperature == [Double](repeating: 0.5, count: table.rows))

            var arrays: [NPYExportArray] = [.features, .labels, .temperature]
            if table.split != nil { arrays.append(.split) }
            for array in arrays { _ = try convert(source, dir.appendingPathComponent("\(array.rawValue).npy")) { $0.array = array } }
            _ = try convert(dir.appendingPathComponent("features.npy"), dir.appendingPathComponent("npy.h5")) {
                $0.labelsFile = dir.appendingPathComponent("labels.npy").path
                $0.temperatureFile = dir.appendingPathComponent("temperature.npy").path
                if table.split != nil { $0.splitFile = dir.appendingPathComponent("split.npy").path }
            }
            let fromNPY = try SmallTable.read(dir.appendingPathComponent("npy.h5").path)
            #expect(fromNPY.featureBits == table.featureBits)
            #expect(fromNPY.storage == storage)
            #expect(fromNPY.labels == table.labels && fromNPY.split == table.split)
            #expect(fromNPY.temperature.map(\.bitPattern) == table.temperature.map(\.bitPattern))
            #expect(fromNPY.names == (0..<table.names.count).map { "feature\($0)" })
        }
    }

    @Test func labelEncodingsAreNeverGuessed() throws {
        try withDirectory { dir in
            let csv = dir.appendingPathComponent("zo.csv")
            try "a,b,label,T\n1,2,1,0.5\n3,4,0,0.5\n".write(to: csv, atomically: false, encoding: .utf8)
            let out = dir.appendingPathComponent("zo.h5")
            #expect {
                _ = try convert(csv, out) { $0.temperatureColumn = "T" }
            } throws: { "\($0)" == "\(csv.path):3: column 3 'label': label '0' is not +1 or -1 (--label-encoding pm1) — pass --label-encoding 01 if that is how the file writes them" }
            #expect(!FileManager.default.fileExists(atPath: out.path))
            _ = try convert(csv, out) { $0.temperatureColumn = "T"; $0.labelEncoding = .zeroOne }
            #expect(try SmallTable.read(out.path).labels == [1, -1])
            #expect(try SmallTable.read(out.path).names == ["a", "b"])
            let bools = dir.appendingPathComponent("b.csv")
            try ",x,label\n0,1.5,True\n1,2.5,false\n".write(to: bools, atomically: false, encoding: .utf8)
            let fromBools = dir.appendingPathComponent("b.h5")
            _ = try convert(bools, fromBools) { $0.temperature = 0.7; $0.labelEncoding = .bool }
            let read = try SmallTable.read(fromBools.path)
            #expect(read.labels == [1, -1] && read.names == ["x"] && read.features == [1.5, 2.5] && read.temperature == [0.7, 0.7])
        }
    }

    @Test func existingOutputsAndTheInputAreLeftAlone() throws {
        try withDirectory { dir in
            let table = SmallTable.random(seed: 4, storage: .float64)
            let source = dir.appendingPathComponent("t.h5")
            try table.write(source.path)
            let csv = dir.appendingPathComponent("t.csv")
            try "keep me".write(to: csv, atomically: false, encoding: .utf8)
            #expect(throws: ConversionError.outputExists(file: csv.path)) { try convert(source, csv) }
            #expect(try String(contentsOf: csv, encoding: .utf8) == "keep me")
            let before = try Data(contentsOf: source)
            _ = try convert(source, csv) { $0.overwrite = true }
            #expect(try Data(contentsOf: source) == before)
            #expect(try String(contentsOf: csv, encoding: .utf8).hasPrefix(table.names.joined(separator: ",") + ",label,temperature,split"))
            #expect(throws: ConversionError.outputIsInput(file: source.path)) { try convert(source, source) { $0.overwrite = true; $0.to = .csv } }
            // No partial files are left beside the outputs.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["t.csv", "t.h5"])
        }
    }

    /// Long text files are parsed in parts on several threads: the rows come out in file order
    /// (blank, quoted and CRLF lines among them), and of several bad lines the first is
    /// reported, with the message reading row by row gives (`blockRows` 7: parts of one line).
    @Test func parallelParsingKeepsRowOrderAndReportsTheFirstBadLine() throws {
        try withDirectory { dir in
            var g = SplitMix64(seed: 77)
            var lines = ["a,b,c,label,temperature"], features: [Double] = [], labels: [Int8] = []
            var lineOfRow: [Int] = []
            for row in 0..<20_000 {
                if row % 997 == 0 { lines.append(row % 2 == 0 ? "" : " \t ") }
                let values = (0..<3).map { _ in (g.uniformOpen() - 0.5) * pow(10, Double(Int(g.next() % 20)) - 10) }
                let label: Int8 = g.next() % 2 == 0 ? 1 : -1
                features += values
                labels.append(label)
                var cells = values.map(\.description) + [label > 0 ? "+1" : "-1", "0.5"]
                if row % 1009 == 0 { cells[1] = "\"\(cells[1])\"" }
                lines.append(cells.joined(separator: ",") + (row % 13 == 0 ? "\r" : ""))
                lineOfRow.append(lines.count)
            }
            let good = dir.appendingPathComponent("good.csv")
            try (lines.joined(separator: "\n") + "\n").write(to: good, atomically: false, encoding: .utf8)
            var sizes: [Bool: Int] = [:]
            for (blockRows, uncompressed) in [(65_536, false), (9_000, false), (65_536, true)] {
                let out = dir.appendingPathComponent("good-\(blockRows)-\(uncompressed).h5")
                var options = ConversionOptions()
                options.blockRows = blockRows
                options.uncompressed = uncompressed
                _ = try TableConversion.run(input: good.path, output: out.path, options: options)
                let read = try SmallTable.read(out.path)
                #expect(read.featureBits == features.map(\.bitPattern), "\(blockRows)")
                #expect(read.labels == labels && read.temperature == [Double](repeating: 0.5, count: labels.count))
                sizes[uncompressed] = try FileManager.default.attributesOfItem(atPath: out.path)[.size] as? Int
            }
            // --uncompressed stores the same values without deflate: a larger file.
            #expect((sizes[true] ?? 0) > (sizes[false] ?? 0) + 20_000 * 8 / 20)
            // Bad lines in different parts: a bad label, a non-numeric cell, a ragged line.
            let cases: [(rows: [Int: String], first: Int)] = [
                ([15_000: "1,x7,3,+1,0.5", 17_500: "1,2,+1,0.5", 18_000: "1,2,3,0,0.5"], 15_000),
                ([2_999: "1,2,3,0,0.5", 19_999: "1,x7,3,+1,0.5"], 2_999),
                ([12_345: "1,2,+1,0.5"], 12_345),
                ([6_000: "1,2,3,+1,-0.5", 6_001: "1,2,3,+1,0.5,9"], 6_000),
            ]
            for (index, bad) in cases.enumerated() {
                var text = lines
                for (row, line) in bad.rows { text[lineOfRow[row] - 1] = line }
                let file = dir.appendingPathComponent("bad\(index).csv")
                try (text.joined(separator: "\n") + "\n").write(to: file, atomically: false, encoding: .utf8)
                func message(blockRows: Int) -> String {
                    var options = ConversionOptions()
                    options.blockRows = blockRows
                    do {
                        _ = try TableConversion.run(input: file.path, output: dir.appendingPathComponent("bad.h5").path, options: options)
                        return "no error"
                    } catch {
                        return "\(error)"
                    }
                }
                let parallel = message(blockRows: 65_536)
                #expect(parallel.hasPrefix("\(file.path):\(lineOfRow[bad.first]):"), "\(parallel)")
                #expect(parallel == message(blockRows: 7))
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.h5").path))
            }
        }
    }

    /// LIBSVM text the same way: both passes parse parts on several threads; rows (with
    /// comments, blank lines and qid tokens among them) come out in order, and the first bad
    /// line is reported with the message of reading line by line.
    @Test func parallelLIBSVMParsingKeepsRowOrderAndReportsTheFirstBadLine() throws {
        try withDirectory { dir in
            var g = SplitMix64(seed: 78)
            var lines: [String] = ["# made by a test"], features: [Double] = [], labels: [Int8] = []
            var lineOfRow: [Int] = []
            let d = 5
            for row in 0..<20_000 {
                if row % 991 == 0 { lines.append(row % 2 == 0 ? "" : "# comment") }
                var values = [Double](repeating: 0, count: d)
                var tokens: [String] = []
                let label: Int8 = g.next() % 2 == 0 ? 1 : -1
                tokens.append(label > 0 ? "+1" : "-1")
                if row % 1013 == 0 { tokens.append("qid:\(row)") }
                for column in 0..<d where g.next() % 3 != 0 {
                    values[column] = (g.uniformOpen() - 0.5) * pow(10, Double(Int(g.next() % 20)) - 10)
                    tokens.append("\(column + 1):\(values[column])")
                }
                features += values
                labels.append(label)
                lines.append(tokens.joined(separator: row % 7 == 0 ? "\t" : " ") + (row % 17 == 0 ? " # tail" : ""))
                lineOfRow.append(lines.count)
            }
            let good = dir.appendingPathComponent("good.svm")
            try (lines.joined(separator: "\n") + "\n").write(to: good, atomically: false, encoding: .utf8)
            for blockRows in [65_536, 9_000] {
                let out = dir.appendingPathComponent("good-\(blockRows).h5")
                var options = ConversionOptions()
                options.blockRows = blockRows
                options.temperature = 0.5
                options.featureCount = d
                _ = try TableConversion.run(input: good.path, output: out.path, options: options)
                let read = try SmallTable.read(out.path)
                #expect(read.featureBits == features.map(\.bitPattern), "\(blockRows)")
                #expect(read.labels == labels)
            }
            let cases: [(rows: [Int: String], first: Int)] = [
                ([15_000: "+1 2:1 1:3", 18_000: "+1 1:x"], 15_000),
                ([3_001: "0 1:1", 19_000: "+1 0:1"], 3_001),
                ([12_345: "+1 1:1 7"], 12_345),
                ([6_000: "+1 1:nan", 6_001: "yes 1:1"], 6_000),
            ]
            for (index, bad) in cases.enumerated() {
                var text = lines
                for (row, line) in bad.rows { text[lineOfRow[row] - 1] = line }
                let file = dir.appendingPathComponent("bad\(index).svm")
                try (text.joined(separator: "\n") + "\n").write(to: file, atomically: false, encoding: .utf8)
                func message(blockRows: Int, featureCount: Int? = nil) -> String {
                    var options = ConversionOptions()
                    options.blockRows = blockRows
                    options.temperature = 0.5
                    options.featureCount = featureCount
                    do {
                        _ = try TableConversion.run(input: file.path, output: dir.appendingPathComponent("bad.h5").path, options: options)
                        return "no error"
                    } catch {
                        return "\(error)"
                    }
                }
                // Two passes (d found by the first), and one pass with --features.
                for featureCount in [nil, d] {
                    let message = message(blockRows: 65_536, featureCount: featureCount)
                    #expect(message.hasPrefix("\(file.path):\(lineOfRow[bad.first]):"), "\(message)")
                    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.h5").path))
                }
            }
            var text = lines
            text[lineOfRow[16_000] - 1] = "+1 2:1 9:2"
            let wide = dir.appendingPathComponent("wide.svm")
            try (text.joined(separator: "\n") + "\n").write(to: wide, atomically: false, encoding: .utf8)
            var options = ConversionOptions()
            options.temperature = 0.5
            options.featureCount = d
            #expect {
                _ = try TableConversion.run(input: wide.path, output: dir.appendingPathComponent("wide.h5").path, options: options)
            } throws: { "\($0)" == "\(wide.path):\(lineOfRow[16_000]): feature index 9 is beyond --features 5" }
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("wide.h5").path))
        }
    }
}
