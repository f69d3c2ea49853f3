import Foundation
import Testing
import ParticleTable
@testable import Conversion

/// tools/make_interchange_fixtures.py: what pandas, numpy and scikit-learn read from files our
/// exporter wrote, and the values of files they wrote.
private struct InterchangeFixture: Decodable {
    struct Read: Decodable {
        let reader: String
        let shape: [Int]
        let dtypes: [String]
        let columns: [String]?
        let keys: [String]?
        let feature_names: [String]?
        let values: [String: [String]]
    }

    struct Written: Decodable {
        let X: [String]
        /// What load_svmlight_file reads from py.svm (dump_svmlight_file's %.16g does not always round-trip).
        let X_svm: [String]
        let X32: [String]
        let y_pm1: [Int]
        let T: [String]
        let split: [Int]
        let feature_names: [String]
        let rows: Int
        let features: Int
    }

    let numpy: String
    let pandas: String
    let sklearn: String
    let python_reads: [String: Read]
    let python_written: Written
}

private enum FixtureFiles {
    static func folder() throws -> URL {
        guard let url = Bundle.module.url(forResource: "interchange", withExtension: nil, subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "Fixtures/interchange"])
        }
        return url
    }

    static func fixture() throws -> InterchangeFixture {
        try JSONDecoder().decode(InterchangeFixture.self, from: Data(contentsOf: folder().appendingPathComponent("interchange.json")))
    }
}

/// `float.hex()` text to a double (Swift reads hexadecimal floats exactly).
private func doubles(_ hexes: [String]?) -> [Double] { (hexes ?? []).map { Double($0) ?? .nan } }

private func withDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-fixtures-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

@Suite struct InterchangeFixtureTests {
    /// The exports the script made, with their options (as in tools/make_interchange_fixtures.py).
    static let exports: [(String, @Sendable (inout ConversionOptions) -> Void)] = [
        ("s64.csv", { _ in }), ("s64.tsv", { _ in }), ("s64.svm", { _ in }), ("s64.npz", { _ in }),
        ("s64_X.npy", { $0.array = .features }), ("s64_y.npy", { $0.array = .labels }), ("s64_T.npy", { $0.array = .temperature }),
        ("s64_split.npy", { $0.array = .split }), ("s64_barrier.npy", { $0.array = .energyBarrier }),
        ("s32.csv", { _ in }), ("s32.svm", { _ in }), ("s32_X.npy", { _ in }), ("s32.npz", { _ in }), ("s32c.npz", { $0.compress = true }),
    ]

    @Test func ourExportsAreByteForByteTheCommittedFiles() throws {
        let folder = try FixtureFiles.folder()
        try withDirectory { dir in
            for (name, configure) in Self.exports {
                var options = ConversionOptions()
                configure(&options)
                let source = folder.appendingPathComponent(name.hasPrefix("s32") ? "source32.h5" : "source64.h5").path
                let output = dir.appendingPathComponent(name)
                _ = try TableConversion.run(input: source, output: output.path, options: options)
                #expect(try Data(contentsOf: output) == Data(contentsOf: folder.appendingPathComponent(name)),
                        "\(name) differs from the committed fixture: run `make fixtures` if the change is intended")
            }
        }
    }

    @Test func pythonReadersSeeExactlyTheTable() throws {
        let folder = try FixtureFiles.folder()
        let fixture = try FixtureFiles.fixture()
        for precision in ["s64", "s32"] {
            let table = try SmallTable.read(folder.appendingPathComponent(precision == "s64" ? "source64.h5" : "source32.h5").path)
            let d = table.names.count, n = table.rows
            let column = { (j: Int) in (0..<n).map { table.features[$0 * d + j] } }
            /// float64 values equal bit for bit; float32 tables: the float32 of what Python read.
            func same(_ read: [Double], _ stored: [Double]) -> Bool {
                precision == "s64" ? read.map(\.bitPattern) == stored.map(\.bitPattern)
                    : read.map { Float($0).bitPattern } == stored.map { Float($0).bitPattern }
            }
            let csvNames = precision == "s64" ? ["s64.csv", "s64.tsv"] : ["s32.csv"]
            for name in csvNames {
                let read = try #require(fixture.python_reads[name], "\(name)")
                #expect(read.columns == table.names + ["label", "temperature", "split", "energy_barrier"], "\(name)")
                #expect(read.shape == [n, d + 4])
                #expect(read.dtypes == Array(repeating: "float64", count: d) + ["int64", "float64", "int64", "float64"], "\(name)")
                for j in 0..<d { #expect(same(doubles(read.values[table.names[j]]), column(j)), "\(name) column \(table.names[j])") }
                #expect(doubles(read.values["label"]) == table.labels.map(Double.init))
                #expect(doubles(read.values["temperature"]).map(\.bitPattern) == table.temperature.map(\.bitPattern))
                #expect(doubles(read.values["split"]) == table.split?.map(Double.init))
                #expect(doubles(read.values["energy_barrier"]).map(\.bitPattern) == table.barrier?.map(\.bitPattern))
            }
            let svm = try #require(fixture.python_reads["\(precision).svm"])
            #expect(svm.reader == "sklearn.datasets.load_svmlight_file" && svm.shape == [n, d])
            #expect(svm.dtypes == [precision == "s64" ? "float64" : "float32"])
            // load_svmlight_file drops zeros when parsing, so it reads -0.0 as 0.0: equal as numbers.
            #expect(same(doubles(svm.values["X"]).map { $0 == 0 ? 0 : $0 }, table.features.map { $0 == 0 ? 0 : $0 }))
            #expect(table.features.contains { $0 == 0 && $0.sign == .minus }, "the fixture should hold a -0.0")
            #expect(doubles(svm.values["y"]) == table.labels.map(Double.init))

            let x = try #require(fixture.python_reads["\(precision)_X.npy"])
            #expect(x.shape == [n, d] && x.dtypes == [precision == "s64" ? "<f8" : "<f4"])
            #expect(doubles(x.values["array"]).map(\.bitPattern) == table.features.map(\.bitPattern))

            for name in precision == "s64" ? ["s64.npz"] : ["s32.npz", "s32c.npz"] {
                let z = try #require(fixture.python_reads[name])
                #expect(z.keys == ["T", "X", "energy_barrier", "feature_names", "split", "y"], "\(name)")
                #expect(z.dtypes == ["T:<f8", "X:\(precision == "s64" ? "<f8" : "<f4")", "energy_barrier:<f8", "feature_names:<U16", "split:|u1", "y:|i1"], "\(name)")
                #expect(z.feature_names == table.names)
                #expect(doubles(z.values["X"]).map(\.bitPattern) == table.features.map(\.bitPattern), "\(name)")
                #expect(doubles(z.values["y"]) == table.labels.map(Double.init))
                #expect(doubles(z.values["T"]).map(\.bitPattern) == table.temperature.map(\.bitPattern))
                #expect(doubles(z.values["split"]) == table.split?.map(Double.init))
                #expect(doubles(z.values["energy_barrier"]).map(\.bitPattern) == table.barrier?.map(\.bitPattern))
            }
        }
        let table = try SmallTable.read(folder.appendingPathComponent("source64.h5").path)
        let arrays: [(String, String, [Double]?)] = [
            ("s64_y.npy", "|i1", table.labels.map(Double.init)), ("s64_T.npy", "<f8", table.temperature),
            ("s64_split.npy", "|u1", table.split?.map(Double.init)), ("s64_barrier.npy", "<f8", table.barrier),
        ]
        for (name, dtype, values) in arrays {
            let read = try #require(fixture.python_reads[name])
            #expect(read.shape == [table.rows] && read.dtypes == [dtype], "\(name)")
            #expect(doubles(read.values["array"]).map(\.bitPattern) == values?.map(\.bitPattern), "\(name)")
        }
    }

    /// Each Python-written file with the options it needs, and what the table must hold.
    @Test func filesPythonWroteImportExactly() throws {
        let folder = try FixtureFiles.folder()
        let py = try FixtureFiles.fixture().python_written
        let x = doubles(py.X), xSVM = doubles(py.X_svm), x32 = doubles(py.X32), t = doubles(py.T)
        let generic = (0..<py.features).map { "feature\($0)" }, libsvmNames = (1...py.features).map { "feature\($0)" }
        struct Case {
            let file: String
            let configure: (inout ConversionOptions, URL) -> Void
            let features: [Double]
            let storage: FeatureStorage
            let names: [String]
            var temperature: [Double]?
            var split: Bool
        }
        let cases: [Case] = [
            Case(file: "py_X64.npy", configure: { o, f in
                o.labelsFile = f.appendingPathComponent("py_y01.npy").path; o.labelEncoding = .zeroOne
                o.temperatureFile = f.appendingPathComponent("py_T.npy").path
            }, features: x, storage: .float64, names: generic, temperature: t, split: false),
            Case(file: "py_X32.npy", configure: { o, f in
                o.labelsFile = f.appendingPathComponent("py_ybool.npy").path; o.labelEncoding = .bool; o.temperature = 0.5
            }, features: x32, storage: .float32, names: generic, temperature: [Double](repeating: 0.5, count: py.rows), split: false),
            Case(file: "py_Xfortran.npy", configure: { o, f in
                o.labelsFile = f.appendingPathComponent("py_y01.npy").path; o.labelEncoding = .zeroOne
                o.temperatureFile = f.appendingPathComponent("py_T.npy").path
            }, features: x, storage: .float64, names: generic, temperature: t, split: false),
            Case(file: "py.npz", configure: { _, _ in }, features: x32, storage: .float32, names: py.feature_names, temperature: t, split: true),
            Case(file: "py_compressed.npz", configure: { o, _ in o.labelEncoding = .zeroOne }, features: x, storage: .float64, names: generic, temperature: t, split: false),
            Case(file: "py.csv", configure: { _, _ in }, features: x, storage: .float64, names: py.feature_names, temperature: t, split: true),
            Case(file: "py_index.csv", configure: { _, _ in }, features: x, storage: .float64, names: py.feature_names, temperature: t, split: true),
            Case(file: "py.tsv", configure: { o, _ in o.labelColumn = "R"; o.temperatureColumn = "T" }, features: x, storage: .float64, names: py.feature_names, temperature: t, split: false),
            Case(file: "py.svm", configure: { o, _ in o.temperature = 0.4; o.featureCount = 3 }, features: xSVM, storage: .float64, names: libsvmNames, temperature: nil, split: false),
            Case(file: "py_zero_based.svm", configure: { o, _ in o.temperature = 0.4; o.zeroBased = true; o.labelEncoding = .zeroOne },
                 features: xSVM, storage: .float64, names: libsvmNames, temperature: nil, split: false),
        ]
        try withDirectory { dir in
            for item in cases {
                var options = ConversionOptions()
                item.configure(&options, folder)
                let output = dir.appendingPathComponent(item.file + ".h5")
                _ = try TableConversion.run(input: folder.appendingPathComponent(item.file).path, output: output.path, options: options)
                let table = try SmallTable.read(output.path)
                #expect(table.featureBits == item.features.map(\.bitPattern), "\(item.file)")
                #expect(table.storage == item.storage, "\(item.file)")
                #expect(table.names == item.names, "\(item.file)")
                #expect(table.labels == py.y_pm1.map(Int8.init), "\(item.file)")
                #expect(table.temperature == (item.temperature ?? [Double](repeating: 0.4, count: py.rows)), "\(item.file)")
                #expect(table.split == (item.split ? py.split.map(UInt8.init) : nil), "\(item.file)")
            }
        }
    }
}
