import Foundation
import Testing
import HDF5
import Interchange

/// One bad input: the command line, what its message must say (file, dataset or line, and the
/// problem), and FIFOs to create first (a FIFO cannot be copied with the other fixtures).
struct BadInput: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    let expected: [String]
    var fifos: [String] = []
    /// 1 for errors, 2 for `validate` finding problems, 64 for command-line usage errors.
    var status: Int32 = 1
    var testDescription: String { arguments.joined(separator: " ") }
}

/// The inputs of the catalogue, written once into a folder that every case copies.
private final class CatalogueFolder: @unchecked Sendable {
    static let shared = CatalogueFolder()
    private let lock = NSLock()
    private var built: Result<URL, Error>?
    private var remaining = BadInputCatalogueTests.catalogue.count

    /// The folder, built by the first caller.
    func folder() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if built == nil { built = Result { try Self.build() } }
        switch built {
        case .success(let url): return url
        case .failure(let error): throw error
        case nil: throw CocoaError(.fileNoSuchFile)
        }
    }

    /// Called by each case when done; the last one removes the folder.
    func release() {
        lock.lock()
        defer { lock.unlock() }
        remaining -= 1
        if remaining == 0, case .success(let url) = built { try? FileManager.default.removeItem(at: url) }
    }

    private static func build() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("softness-catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func text(_ name: String, _ content: String) throws { try Data(content.utf8).write(to: dir.appendingPathComponent(name)) }
        func run(_ arguments: [String]) throws {
            let result = try softness(arguments, in: dir)
            guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(arguments): \(result.stderr)"]) }
        }

        // Particle tables: a good one with results, and broken ones.
        try writeTable(path("t.h5"))
        try run(["train", "t.h5", "--run", "first"])
        try run(["validate", "t.h5", "--balance", "--run", "balance"])
        try writeTable(path("oneclass.h5"), labels: { _ in 1 })
        try writeTable(path("nan.h5"), feature: { row, column in row == 5 && column == 1 ? .nan : Double(row % 7 + column) })
        try writeTable(path("zeroone.h5"), labels: { $0 % 3 == 0 ? 1 : 0 })
        try writeTable(path("nofeatures.h5"), d: 0, labels: { $0 % 2 == 0 ? 1 : -1 })
        try writeTable(path("fewrows.h5"), rows: 10, d: 5, labels: { $0 % 2 == 0 ? 1 : -1 }, split: { $0 < 5 ? 0 : 1 })
        try writeTable(path("notest.h5"), split: { _ in 0 })
        try writeTable(path("negtemp.h5"), temperatures: [0.5, -1.0])
        try writeTable(path("zerotemp.h5"), temperatures: [0.0, 1.0])
        try writeTable(path("badsplit.h5"), split: { UInt8($0 % 3) })
        try writeTable(path("badlabels.h5"), labels: { Int8($0 % 3) - 1 })
        try writeTable(path("newer.h5"))
        try File.withFile(path("newer.h5"), mode: .readWrite) { try $0.setAttribute("schema_version", .integer(2)) }
        try writeTable(path("short.h5"))
        try File.withFile(path("short.h5"), mode: .readWrite) { file in
            try file.remove("labels")
            try file.createDataset("labels", values: [Int8](repeating: 1, count: 399))
        }
        try writeTable(path("dangling.h5"))
        try File.withFile(path("dangling.h5"), mode: .readWrite) { file in
            try file.createExternalLink("energy_barrier", targetFile: "gone.h5", object: "/energy_barrier")
        }
        try writeTable(path("rank.h5"))
        try File.withFile(path("rank.h5"), mode: .readWrite) { file in
            try file.remove("features")
            try file.createDataset("features", values: [Double](repeating: 0, count: 400))
        }
        // 50 kB on disk that declares 2·10^8 rows never written.
        try writeTable(path("huge.h5"))
        try File.withFile(path("huge.h5"), mode: .readWrite) { file in
            for name in ["features", "labels", "temperature", "split"] { try file.remove(name) }
            let rows = 200_000_000
            try file.createDataset("features", of: Double.self, shape: [rows, 3], options: DatasetOptions(chunks: [65_536, 3]))
            try file.createDataset("labels", of: Int8.self, shape: [rows], options: DatasetOptions(chunks: [65_536]))
            try file.createDataset("temperature", of: Double.self, shape: [rows], options: DatasetOptions(chunks: [65_536]))
        }
        let other = try File.create(path("other.h5"))
        try other.createDataset("features", values: [1.0, 2.0], shape: [1, 2])
        other.close()
        try text("text.h5", "id type x y z\n")
        let whole = try Data(contentsOf: dir.appendingPathComponent("t.h5"))
        try whole.prefix(whole.count / 2).write(to: dir.appendingPathComponent("truncated.h5"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("adir.h5"), withIntermediateDirectories: false)
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("Fixtures/damaged-attribute.h5"), to: dir.appendingPathComponent("damaged.h5"))

        // Results files: newer schema, not HDF5, not a results file.
        try writeTable(path("n.h5"))
        try run(["train", "n.h5"])
        try File.withFile(path("n.results.h5"), mode: .readWrite) { try $0.setAttribute("schema_version", .integer(3)) }
        try writeTable(path("c.h5"))
        try text("c.results.h5", "not a results file")
        try writeTable(path("s.h5"))
        try run(["validate", "s.h5", "--balance", "--run", "balance"])
        try File.withFile(path("s.results.runs/balance.h5"), mode: .readWrite) { file in
            let indices = try file.dataset("balance/indices").read(as: Int64.self)
            try file.remove("balance/indices")
            try file.createDataset("balance/indices", values: indices + [5000])
        }
        // The same name as a table the selection was made for, other data.
        try writeTable(path("d.h5"))
        try run(["validate", "d.h5", "--balance", "--run", "balance"])
        try FileManager.default.removeItem(atPath: path("d.h5"))
        try writeTable(path("d.h5"), labels: { $0 % 4 == 0 ? 1 : -1 })

        // LAMMPS dumps: good ones, and broken ones.
        try text("run.dump", syntheticDump(frames: 20, atoms: 200))
        try text("long.dump", syntheticDump(frames: 40, atoms: 200))
        try text("shifted.dump", syntheticDump(frames: 20, atoms: 200, firstTimestep: 800))
        try run(["label", "run.dump", "-o", "labels.h5", "--half-window", "2", "--quiet-window", "2"])
        try run(["label", "long.dump", "-o", "labels-long.h5", "--half-window", "2", "--quiet-window", "2"])
        let good = syntheticDump(frames: 12, atoms: 20)
        func replacingFirst(_ of: String, with: String) -> String {
            guard let range = good.range(of: of) else { return good }
            return good.replacingCharacters(in: range, with: with)
        }
        try text("atoms-max.dump", replacingFirst("NUMBER OF ATOMS\n20\n", with: "NUMBER OF ATOMS\n9223372036854775807\n"))
        try text("atoms-1e12.dump", replacingFirst("NUMBER OF ATOMS\n20\n", with: "NUMBER OF ATOMS\n1000000000000\n"))
        try text("atoms-negative.dump", replacingFirst("NUMBER OF ATOMS\n20\n", with: "NUMBER OF ATOMS\n-5\n"))
        try text("box-1e300.dump", syntheticDump(frames: 12, atoms: 20, box: "0 1e300"))
        try text("box-inverted.dump", syntheticDump(frames: 12, atoms: 20, box: "5 1"))
        try text("duplicate-timestep.dump", replacingFirst("TIMESTEP\n100\n", with: "TIMESTEP\n0\n"))
        try text("decreasing-timestep.dump", replacingFirst("TIMESTEP\n200\n", with: "TIMESTEP\n50\n"))
        try text("word.dump", replacingFirst("\n3 1 ", with: "\n3 1 abc "))
        try text("short-row.dump", replacingFirst("\n4 1 ", with: "\n4\n"))
        try text("truncated.dump", String(good.prefix(good.count / 2 + 7)))
        try text("empty.dump", "")
        try text("no-header.dump", "1 1 0 0 0\n2 1 1 1 1\n")
        try text("duplicate-id.dump", replacingFirst("\n5 1 ", with: "\n4 1 "))
        try Data([0x1f, 0x8b] + Array("this is not deflate data at all".utf8)).write(to: dir.appendingPathComponent("notgzip.dump.gz"))
        // A gzip bomb: a valid header, then 8·10^6 identical atom lines (≈ 80 MB from ≈ 150 kB).
        try shell("{ printf 'ITEM: TIMESTEP\\n0\\nITEM: NUMBER OF ATOMS\\n8000000\\nITEM: BOX BOUNDS pp pp pp\\n0 10\\n0 10\\n0 10\\nITEM: ATOMS id type x y z\\n'; yes '1 1 0 0 0' | head -n 8000000; } | gzip -9 > bomb.dump.gz", in: dir)
        // No newline in 100 MB of zeros.
        try shell("head -c 100000000 /dev/zero | gzip -9 > zeros.dump.gz", in: dir)
        for name in ["h5md_no_position.h5", "h5md_bad_shape.h5", "h5md_no_particles.h5"] {
            let source = fixtures.deletingLastPathComponent().appendingPathComponent("TrajectoryTests/Fixtures/trajectories/\(name)")
            try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent(name))
        }

        // Binned tables.
        var binned = "S,T,count,fraction\n"
        for s in [-1.0, 0, 1] { for t in [0.4, 0.5, 0.6] { binned += "\(s),\(t),1000,\(0.01 * (2 + s) * t)\n" } }
        try text("binned.csv", binned)
        try text("header.csv", binned.replacingOccurrences(of: "S,T,count,fraction", with: "softness,temp,n,p"))
        try text("word.csv", binned.replacingOccurrences(of: "0,0.5,1000,", with: "0,0.5,lots,"))
        try text("negative-T.csv", binned.replacingOccurrences(of: ",0.4,", with: ",-0.4,"))
        try text("fraction.csv", binned.replacingOccurrences(of: "1.0,0.6,1000,0.018", with: "1.0,0.6,1000,1.8"))
        try text("negative-count.csv", binned.replacingOccurrences(of: "0.0,0.5,1000", with: "0.0,0.5,-1000"))
        try text("one-T.csv", "S,T,count,fraction\n-1,0.5,1000,0.01\n0,0.5,1000,0.02\n1,0.5,1000,0.03\n")
        try text("columns.csv", "S,T,count,fraction\n-1,0.5,1000\n")
        try text("empty.csv", "")
        try text("bad-mapping.json", "{\"features\": \"/features\", \"labels\": ")

        // Interchange files for `convert`.
        try text("ragged.csv", "a,b,label,temperature\n1,2,1,0.5\n3,4,-1\n")
        try text("cell.csv", "a,b,label,temperature\n1,2,1,0.5\n3,x7,-1,0.5\n")
        try text("zeroone.csv", "a,label,temperature\n1,1,0.5\n2,0,0.5\n")
        try text("index0.svm", "+1 0:1.5 2:2\n")
        try text("decreasing.svm", "+1 1:1\n-1 3:1 2:1\n")
        try text("word.svm", "+1 1:1 2:abc\n")
        try text("good.svm", "+1 1:1\n-1 2:1\n")
        func npy(_ dict: String, data: Int) -> Data {
            let padded = dict + String(repeating: " ", count: (64 - (11 + dict.utf8.count) % 64) % 64) + "\n"
            return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(padded.utf8.count), 0] + Array(padded.utf8) + [UInt8](repeating: 0, count: data))
        }
        try npy("{'descr': '<c16', 'fortran_order': False, 'shape': (2, 2), }", data: 64).write(to: dir.appendingPathComponent("complex.npy"))
        try npy("{'descr': '<f8', 'shape': (2, 2), }", data: 32).write(to: dir.appendingPathComponent("header.npy"))
        try npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", data: 32).write(to: dir.appendingPathComponent("x.npy"))
        try text("notzip.npz", "this is not a zip archive")
        let noX = try NPZWriter(path: path("noX.npz"))
        var once: [UInt8]? = [1, 255]
        try noX.add(name: "y", header: NPYHeader(dtype: .int8, shape: [2])) { defer { once = nil }; return once }
        noX.close()
        return dir
    }

    private static func shell(_ command: String, in dir: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = dir
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: command]) }
    }
}

/// Every command given bad input: exit status 1, a message naming the file (and dataset, line
/// or frame) and the problem, and every file of the folder byte-identical afterwards.
@Suite(.tags(.slow)) struct BadInputCatalogueTests {
    static let catalogue: [BadInput] = [
        // generate
        BadInput(arguments: ["generate", "-n", "0", "-o", "new.h5"], expected: ["--train-rows must be positive (got 0)"], status: 64),
        BadInput(arguments: ["generate", "--temperatures", "", "-o", "new.h5"], expected: ["--temperatures is empty"], status: 64),
        BadInput(arguments: ["generate", "--temperatures", "0.4,-0.1", "-o", "new.h5"], expected: ["--temperatures must be positive and finite (got -0.1)"], status: 64),
        BadInput(arguments: ["generate", "--temperatures", "0.4,abc", "-o", "new.h5"], expected: ["--temperatures", "abc"], status: 64),
        BadInput(arguments: ["generate", "--variant", "hot", "-o", "new.h5"], expected: ["'hot' is invalid for '--variant"], status: 64),
        BadInput(arguments: ["generate", "--train-temperatures", "0.45", "-o", "new.h5"], expected: ["0.45"]),
        BadInput(arguments: ["generate", "-o", "t.h5"], expected: ["t.h5: output file exists; pass --force to replace it"], status: 64),
        BadInput(arguments: ["generate", "-o", "nowhere/new.h5"], expected: ["nowhere/new.h5: cannot create the file: the folder", "nowhere does not exist"]),
        // inspect
        BadInput(arguments: ["inspect", "missing.h5"], expected: ["missing.h5: no such file"]),
        BadInput(arguments: ["inspect", "text.h5"], expected: ["text.h5: not an HDF5 file"]),
        BadInput(arguments: ["inspect", "truncated.h5"], expected: ["truncated.h5: truncated HDF5 file: "]),
        BadInput(arguments: ["inspect", "other.h5"], expected: ["other.h5", "/labels: missing required dataset"]),
        BadInput(arguments: ["inspect", "adir.h5"], expected: ["adir.h5: is a directory"]),
        BadInput(arguments: ["inspect", "pipe.h5"], expected: ["pipe.h5: is not a regular file"], fifos: ["pipe.h5"]),
        BadInput(arguments: ["inspect", "damaged.h5"], expected: ["damaged.h5: "]),
        BadInput(arguments: ["inspect", "n.h5"], expected: ["Error: n.results.h5: results written with results schema version 3"]),
        BadInput(arguments: ["inspect", "c.h5"], expected: ["Error: c.results.h5: not an HDF5 file"]),
        BadInput(arguments: ["inspect", "newer.h5"], expected: ["newer.h5: written with particle-table schema version 2"]),
        BadInput(arguments: ["inspect", "rank.h5"], expected: ["rank.h5", "/features: has rank 1"]),
        // validate
        BadInput(arguments: ["validate", "nan.h5"], expected: ["nan.h5", "/features: 1 non-finite values (NaN or Inf), first at row 5, column 1 (f1)"], status: 2),
        BadInput(arguments: ["validate", "short.h5"], expected: ["short.h5", "/labels"]),
        BadInput(arguments: ["validate", "negtemp.h5"], expected: ["negtemp.h5", "temperature"], status: 2),
        BadInput(arguments: ["validate", "zeroone.h5"], expected: ["zeroone.h5", "--label-encoding 01"], status: 2),
        BadInput(arguments: ["validate", "badsplit.h5"], expected: ["badsplit.h5", "/split"], status: 2),
        BadInput(arguments: ["validate", "huge.h5"], expected: ["huge.h5", "/features: declares shape [200000000, 3], but 3052 of its 3052 chunks were never written"]),
        BadInput(arguments: ["validate", "t.h5", "--run", "first", "--balance"], expected: ["t.results.h5: /results/first exists"]),
        // train
        BadInput(arguments: ["train", "oneclass.h5"], expected: ["oneclass.h5: All 200 training rows have label 1.0"]),
        BadInput(arguments: ["train", "fewrows.h5"], expected: ["fewrows.h5: "]),
        BadInput(arguments: ["train", "nofeatures.h5"], expected: ["nofeatures.h5: The feature matrix has no columns (d = 0)"]),
        BadInput(arguments: ["train", "t.h5", "-C", "0"], expected: ["-C must be positive"], status: 64),
        BadInput(arguments: ["train", "t.h5", "--results", "./t.h5"], expected: ["t.h5: the results file would be the input"]),
        BadInput(arguments: ["train", "t.h5", "--results", "other.h5"], expected: ["other.h5: exists and is not a softness results file"]),
        BadInput(arguments: ["train", "t.h5", "--run", "../up"], expected: ["invalid run name '../up'"]),
        BadInput(arguments: ["train", "t.h5", "--run", "first"], expected: ["t.results.h5: /results/first exists; choose another --run name or pass --overwrite"]),
        BadInput(arguments: ["train", "badlabels.h5"], expected: ["badlabels.h5", "label"]),
        // diagnose
        BadInput(arguments: ["diagnose", "notest.h5"], expected: ["notest.h5: "]),
        BadInput(arguments: ["diagnose", "nan.h5"], expected: ["nan.h5", "non-finite value (NaN or Inf) at row 5, column 1"]),
        BadInput(arguments: ["diagnose", "n.h5", "--run", "another"], expected: ["Error: n.results.h5: results written with results schema version 3"]),
        BadInput(arguments: ["diagnose", "c.h5"], expected: ["c.results.h5"]),
        BadInput(arguments: ["diagnose", "dangling.h5"], expected: ["dangling.h5", "/energy_barrier"]),
        BadInput(arguments: ["diagnose", "negtemp.h5"], expected: ["negtemp.h5: /temperature: row 1 holds temperature -1.0; temperatures must be positive"]),
        BadInput(arguments: ["diagnose", "zerotemp.h5"], expected: ["zerotemp.h5: /temperature: row 0 holds temperature 0.0; temperatures must be positive"]),
        BadInput(arguments: ["diagnose", "huge.h5"], expected: ["huge.h5", "/labels: declares shape [200000000]", "chunks were never written"]),
        BadInput(arguments: ["diagnose", "t.h5", "--selection", "nothing"], expected: ["t.results.h5", "nothing"]),
        BadInput(arguments: ["diagnose", "s.h5", "--selection", "balance"], expected: ["the selection holds row 5000, but the input has 400 rows"]),
        BadInput(arguments: ["diagnose", "d.h5", "--selection", "balance"], expected: ["the selection was recorded for data with digest"]),
        BadInput(arguments: ["diagnose", "n.h5", "--results", "t.results.h5"], expected: ["t.results.h5", "t.h5"]),
        BadInput(arguments: ["diagnose", "t.results.h5"], expected: ["t.results.h5: is a softness results file, not a particle table", "(t.h5)"]),
        BadInput(arguments: ["diagnose", "pipe.h5"], expected: ["pipe.h5: is not a regular file"], fifos: ["pipe.h5"]),
        BadInput(arguments: ["diagnose", "t.h5", "--mapping", "bad-mapping.json"], expected: ["bad-mapping.json"]),
        BadInput(arguments: ["diagnose", "t.h5", "--threads", "0"], expected: ["--threads"], status: 64),
        BadInput(arguments: ["diagnose", "t.h5", "--test-fraction", "1.5"], expected: ["--test-fraction"], status: 64),
        // rfe, scan
        BadInput(arguments: ["rfe", "nofeatures.h5"], expected: ["nofeatures.h5: The feature matrix has no columns (d = 0)"]),
        BadInput(arguments: ["rfe", "t.h5", "--min-features", "0"], expected: ["--min-features"], status: 64),
        BadInput(arguments: ["rfe", "oneclass.h5"], expected: ["oneclass.h5: All 200 training rows have label 1.0"]),
        BadInput(arguments: ["scan", "t.h5", "--n", "0"], expected: ["--n"], status: 64),
        BadInput(arguments: ["scan", "t.h5", "--c-values=-1"], expected: ["--c-values must be positive"], status: 64),
        BadInput(arguments: ["scan", "text.h5"], expected: ["text.h5: not an HDF5 file"]),
        // arrhenius
        BadInput(arguments: ["arrhenius", "missing.csv", "--binned"], expected: ["missing.csv"]),
        BadInput(arguments: ["arrhenius", "header.csv", "--binned"], expected: ["header.csv", "header"]),
        BadInput(arguments: ["arrhenius", "word.csv", "--binned"], expected: ["word.csv:3: column 'count': non-numeric value 'lots'"]),
        BadInput(arguments: ["arrhenius", "negative-T.csv", "--binned"], expected: ["negative-T.csv:2: column 'T': value '-0.4' is not positive"]),
        BadInput(arguments: ["arrhenius", "fraction.csv", "--binned"], expected: ["fraction.csv:10: column 'fraction': value '1.8' is outside [0, 1]"]),
        BadInput(arguments: ["arrhenius", "negative-count.csv", "--binned"], expected: ["negative-count.csv:6: column 'count': value '-1000' is negative"]),
        BadInput(arguments: ["arrhenius", "one-T.csv", "--binned"], expected: ["one-T.csv", "temperature"]),
        BadInput(arguments: ["arrhenius", "columns.csv", "--binned"], expected: ["columns.csv:2"]),
        BadInput(arguments: ["arrhenius", "empty.csv", "--binned"], expected: ["empty.csv"]),
        BadInput(arguments: ["arrhenius", "t.h5", "--bins", "0"], expected: ["--bins"], status: 64),
        BadInput(arguments: ["arrhenius", "pipe.csv", "--binned"], expected: ["pipe.csv: is not a regular file"], fifos: ["pipe.csv"]),
        BadInput(arguments: ["arrhenius", "adir.h5", "--binned"], expected: ["adir.h5: is a directory"]),
        // label
        BadInput(arguments: ["label", "atoms-max.dump", "-o", "l.h5"], expected: ["atoms-max.dump:9: frame 0 declares NUMBER OF ATOMS 9223372036854775807, but a 6336-byte file can hold at most"]),
        BadInput(arguments: ["label", "atoms-1e12.dump", "-o", "l.h5"], expected: ["atoms-1e12.dump:9: frame 0 declares NUMBER OF ATOMS 1000000000000"]),
        BadInput(arguments: ["label", "atoms-negative.dump", "-o", "l.h5"], expected: ["atoms-negative.dump:4"]),
        BadInput(arguments: ["label", "duplicate-timestep.dump", "-o", "l.h5"], expected: ["duplicate-timestep.dump:", "timestep"]),
        BadInput(arguments: ["label", "decreasing-timestep.dump", "-o", "l.h5"], expected: ["decreasing-timestep.dump:", "timestep"]),
        BadInput(arguments: ["label", "word.dump", "-o", "l.h5"], expected: ["word.dump:12", "abc"]),
        BadInput(arguments: ["label", "short-row.dump", "-o", "l.h5"], expected: ["short-row.dump:13"]),
        BadInput(arguments: ["label", "truncated.dump", "-o", "l.h5"], expected: ["truncated.dump"]),
        BadInput(arguments: ["label", "empty.dump", "-o", "l.h5"], expected: ["empty.dump: holds no frames"]),
        BadInput(arguments: ["label", "no-header.dump", "-o", "l.h5"], expected: ["no-header.dump:1"]),
        BadInput(arguments: ["label", "duplicate-id.dump", "-o", "l.h5"], expected: ["duplicate-id.dump", "4"]),
        BadInput(arguments: ["label", "notgzip.dump.gz", "-o", "l.h5"], expected: ["notgzip.dump.gz: damaged gzip data"]),
        BadInput(arguments: ["label", "bomb.dump.gz", "-o", "l.h5"], expected: ["bomb.dump.gz: decompresses to more than 64 MiB"]),
        BadInput(arguments: ["label", "zeros.dump.gz", "-o", "l.h5"], expected: ["zeros.dump.gz:1: the line is longer than 16 MiB"]),
        BadInput(arguments: ["label", "pipe.dump", "-o", "l.h5"], expected: ["pipe.dump: is not a regular file"], fifos: ["pipe.dump"]),
        BadInput(arguments: ["label", "adir.h5", "-o", "l.h5"], expected: ["adir.h5: is a directory"]),
        BadInput(arguments: ["label", "h5md_no_position.h5", "-o", "l.h5"], expected: ["h5md_no_position.h5", "position"]),
        BadInput(arguments: ["label", "run.dump", "-o", "l.h5", "--half-window", "50"], expected: ["run.dump: 20 frames are too few"]),
        BadInput(arguments: ["label", "run.dump", "-o", "labels.h5"], expected: ["labels.h5: output file exists"], status: 64),
        // featurize
        BadInput(arguments: ["featurize", "box-1e300.dump", "-o", "f.h5", "--preset", "small"], expected: ["box-1e300.dump:", "volume"]),
        BadInput(arguments: ["featurize", "box-inverted.dump", "-o", "f.h5", "--preset", "small"], expected: ["box-inverted.dump:"]),
        BadInput(arguments: ["featurize", "run.dump", "-o", "f.h5", "--r0", "0:1e9:1e-9"], expected: ["--r0 0:1e9:1e-9 gives 1000000000000000000 radial centres; at most 10000 are allowed"], status: 64),
        BadInput(arguments: ["featurize", "shifted.dump", "-o", "f.h5", "--labels", "labels.h5", "--temperature", "0.5", "--preset", "small"],
                 expected: ["shifted.dump: the labels in labels.h5 of frame", "timestep"]),
        BadInput(arguments: ["featurize", "run.dump", "-o", "f.h5", "--labels", "labels-long.h5", "--temperature", "0.5", "--preset", "small"],
                 expected: ["run.dump: the labels in labels-long.h5 name frames up to 35, but the trajectory has 20 frames"]),
        BadInput(arguments: ["featurize", "run.dump", "-o", "f.h5", "--labels", "t.h5", "--temperature", "0.5", "--preset", "small"],
                 expected: ["t.h5", "labels"]),
        BadInput(arguments: ["featurize", "run.dump", "-o", "f.h5", "--labels", "labels.h5", "--preset", "small"], expected: ["--temperature"], status: 64),
        BadInput(arguments: ["featurize", "h5md_bad_shape.h5", "-o", "f.h5", "--preset", "small"], expected: ["h5md_bad_shape.h5"]),
        BadInput(arguments: ["featurize", "atoms-max.dump", "-o", "f.h5"], expected: ["atoms-max.dump:9: frame 0 declares NUMBER OF ATOMS"]),
        // join
        BadInput(arguments: ["join", "t.h5", "other.h5", "-o", "j.h5"], expected: ["other.h5"]),
        BadInput(arguments: ["join", "t.h5", "nofeatures.h5", "-o", "j.h5"], expected: ["nofeatures.h5", "feature"]),
        BadInput(arguments: ["join", "t.h5", "missing.h5", "-o", "j.h5"], expected: ["missing.h5: no such file"]),
        BadInput(arguments: ["join", "t.h5", "t.h5", "-o", "t.h5"], expected: ["t.h5: output file exists"], status: 64),
        BadInput(arguments: ["join", "t.h5", "oneclass.h5", "-o", "./t.h5", "--force"], expected: ["./t.h5: is also an input (t.h5)"], status: 64),
        BadInput(arguments: ["label", "run.dump", "-o", "run.dump", "--force"], expected: ["run.dump: is also an input (run.dump)"], status: 64),
        BadInput(arguments: ["featurize", "run.dump", "-o", "labels.h5", "--force", "--labels", "labels.h5", "--temperature", "0.5"],
                 expected: ["labels.h5: is also an input (labels.h5)"], status: 64),
        BadInput(arguments: ["join", "t.h5", "damaged.h5", "-o", "j.h5"], expected: ["damaged.h5: "]),
        // convert
        BadInput(arguments: ["convert", "ragged.csv", "r.h5"], expected: ["ragged.csv:3: 3 fields, but the header has 4"]),
        BadInput(arguments: ["convert", "cell.csv", "conv.h5"], expected: ["cell.csv:3: column 2 'b': non-numeric value 'x7'"]),
        BadInput(arguments: ["convert", "zeroone.csv", "z.h5"], expected: ["zeroone.csv:3: column 2 'label': label '0' is not +1 or -1", "--label-encoding 01"]),
        BadInput(arguments: ["convert", "index0.svm", "i.h5", "--temperature", "0.5"], expected: ["index0.svm:1: index 0 in '0:1.5' is below 1", "--zero-based"]),
        BadInput(arguments: ["convert", "decreasing.svm", "conv.h5", "--temperature", "0.5"], expected: ["decreasing.svm:2: index 2 in '2:1' is not above the previous index 3"]),
        BadInput(arguments: ["convert", "word.svm", "w.h5", "--temperature", "0.5"], expected: ["word.svm:1: value 'abc' of index 2 is not a number"]),
        BadInput(arguments: ["convert", "good.svm", "g.h5"], expected: ["good.svm: LIBSVM text holds no temperature; pass --temperature"]),
        BadInput(arguments: ["convert", "complex.npy", "x.h5", "--labels-file", "x.npy", "--temperature", "0.5"], expected: ["complex.npy: dtype '<c16' is not supported"]),
        BadInput(arguments: ["convert", "header.npy", "x.h5", "--labels-file", "x.npy", "--temperature", "0.5"], expected: ["header.npy: the .npy header has no 'fortran_order'"]),
        BadInput(arguments: ["convert", "x.npy", "x.h5", "--temperature", "0.5"], expected: ["x.npy: no labels: pass --labels-file"]),
        BadInput(arguments: ["convert", "notzip.npz", "conv.h5"], expected: ["notzip.npz: not a zip archive, so not a numpy .npz"]),
        BadInput(arguments: ["convert", "noX.npz", "conv.h5"], expected: ["noX.npz: no array 'X' (it holds y)"]),
        BadInput(arguments: ["convert", "t.h5", "binned.csv"], expected: ["binned.csv: output file exists; pass --force to replace it"], status: 64),
        BadInput(arguments: ["convert", "t.h5", "out.xyz"], expected: ["out.xyz: has extension '.xyz', which names no format; pass --to"]),
        BadInput(arguments: ["convert", "t.h5", "out.txt"], expected: ["out.txt", ".txt is LIBSVM text only with --to libsvm"]),
        BadInput(arguments: ["convert", "text.h5", "out.csv"], expected: ["text.h5: not an HDF5 file"]),
        BadInput(arguments: ["convert", "pipe.npz", "conv.h5"], expected: ["pipe.npz: cannot read: is not a regular file"], fifos: ["pipe.npz"]),
        BadInput(arguments: ["convert", "pipe.csv", "conv.h5"], expected: ["pipe.csv: cannot read: is not a regular file"], fifos: ["pipe.csv"]),
    ]

    @Test(arguments: catalogue)
    func badInputIsRefusedAndChangesNothing(_ input: BadInput) throws {
        defer { CatalogueFolder.shared.release() }
        let source = try CatalogueFolder.shared.folder()
        try withScratch { scratch in
            let dir = scratch.appendingPathComponent("case")
            try FileManager.default.copyItem(at: source, to: dir)
            for fifo in input.fifos { #expect(mkfifo(dir.appendingPathComponent(fifo).path, 0o644) == 0) }
            let before = try folderContents(dir)
            let result = try softness(input.arguments, in: dir)
            // SOFTNESS_CATALOGUE_PRINT=1 shows every message, for reviewing their wording.
            if ProcessInfo.processInfo.environment["SOFTNESS_CATALOGUE_PRINT"] != nil {
                print("$ softness \(input.testDescription)\n\(result.stderr)")
            }
            #expect(result.status == input.status, "exit status \(result.status): \(result.stderr)")
            for text in input.expected { #expect(result.stderr.contains(text), "missing '\(text)' in: \(result.stderr)") }
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("libhdf5: unable"), "\(result.stderr)")
            #expect(try folderContents(dir) == before, "files changed")
        }
    }

    @Test func theCatalogueCoversEveryCommand() {
        let commands = Set(Self.catalogue.map(\.arguments[0]))
        #expect(commands == ["generate", "inspect", "validate", "train", "diagnose", "rfe", "scan", "arrhenius", "label", "featurize", "join", "convert"])
        #expect(Self.catalogue.count >= 60)
    }
}

/// Every file and folder under `dir` (relative path → contents, nil for anything but a regular
/// file), lock files aside when `ignoringLocks` (a lock file holds no data).
func folderContents(_ dir: URL, ignoringLocks: Bool = false) throws -> [String: Data?] {
    var entries: [String: Data?] = [:]
    for case let name as String in FileManager.default.enumerator(atPath: dir.path) ?? NSEnumerator()
    where !(ignoringLocks && name.hasSuffix(".lock")) {
        let url = dir.appendingPathComponent(name)
        var info = stat()
        guard lstat(url.path, &info) == 0 else { continue }
        entries[name] = info.st_mode & S_IFMT == S_IFREG ? try Data(contentsOf: url) : .some(nil)
    }
    return entries
}
