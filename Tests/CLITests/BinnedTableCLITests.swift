import Foundation
import Testing
import HDF5

/// `softness arrhenius --binned` on tables in other layouts: a given delimiter, a file without a
/// header (`--columns`), and HDF5 tables in a group (`--group`, or found automatically).
@Suite struct BinnedTableCLITests {
    /// 3 bins × 3 temperatures: (S, T, count, fraction).
    private let rows: [(s: Double, t: Double, n: Int, p: Double)] = [-1.0, 0, 1].flatMap { s in
        [0.4, 0.5, 0.6].map { t in (s, t, 1000, 0.01 * (2 + s) * t) }
    }

    private func write(_ text: String, _ name: String, in dir: URL) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    /// The ΔE column of the text output, one value per bin.
    private func barriers(_ stdout: String) -> [Double] {
        stdout.split(separator: "\n").dropFirst(2).compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            return fields.count > 1 ? Double(fields[1]) : nil
        }
    }

    @Test func headerlessAndDelimitedTablesGiveTheSameBarriers() throws {
        try withScratch { dir in
            try write("S,T,count,fraction\n" + rows.map { "\($0.s),\($0.t),\($0.n),\($0.p)" }.joined(separator: "\n"), "header.csv", in: dir)
            try write(rows.enumerated().map { "\($0.offset) \($0.element.p) \($0.element.t) \($0.element.s) \($0.element.n)" }.joined(separator: "\n"), "bare.txt", in: dir)
            try write("S T count fraction err(S,T)\n" + rows.map { "\($0.s) \($0.t) \($0.n) \($0.p) 0.1" }.joined(separator: "\n"), "spaces.txt", in: dir)
            let reference = try softness(["arrhenius", "header.csv", "--binned", "--dry-run"], in: dir)
            #expect(reference.status == 0, "\(reference.stderr)")
            let expected = barriers(reference.stdout)
            #expect(expected.count == 3, "\(reference.stdout)")
            let bare = try softness(["arrhenius", "bare.txt", "--binned", "--dry-run", "--columns=-,P_R,T,S,n"], in: dir)
            #expect(bare.status == 0, "\(bare.stderr)")
            #expect(barriers(bare.stdout) == expected)
            let spaces = try softness(["arrhenius", "spaces.txt", "--binned", "--dry-run", "--delimiter", "space"], in: dir)
            #expect(spaces.status == 0, "\(spaces.stderr)")
            #expect(barriers(spaces.stdout) == expected)
            let detected = try softness(["arrhenius", "spaces.txt", "--binned", "--dry-run"], in: dir)
            #expect(detected.status == 1)
            #expect(detected.stderr.contains("spaces.txt:1: header lacks a column named s or softness"), "\(detected.stderr)")
            #expect(detected.stderr.contains("(comma-separated, detected)"))
        }
    }

    @Test func headerlessErrorsNameFileLineAndColumn() throws {
        try withScratch { dir in
            var lines = rows.map { "\($0.s)\t\($0.t)\t\($0.n)\t\($0.p)" }
            lines[6] = lines[6].replacingOccurrences(of: "\t1000\t", with: "\tabc\t")
            try write(lines.joined(separator: "\n"), "bad.tsv", in: dir)
            let bad = try softness(["arrhenius", "bad.tsv", "--binned", "--dry-run", "--columns", "S,T,count,fraction", "--delimiter", "tab"], in: dir)
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("bad.tsv:7: column 'count': non-numeric value 'abc'"), "\(bad.stderr)")
            let unknown = try softness(["arrhenius", "bad.tsv", "--binned", "--delimiter", "pipe"], in: dir)
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("'pipe'"), "\(unknown.stderr)")
            let notBinned = try softness(["arrhenius", "bad.tsv", "--delimiter", "tab"], in: dir)
            #expect(notBinned.status == 64)
            #expect(notBinned.stderr.contains("--delimiter and --group describe a binned table: add --binned"), "\(notBinned.stderr)")
            // --columns is also the feature-column selection of a particle table; row selections are refused with --binned.
            let rowsOfBinned = try softness(["arrhenius", "bad.tsv", "--binned", "--temperatures", "0.5"], in: dir)
            #expect(rowsOfBinned.status == 64)
            #expect(rowsOfBinned.stderr.contains("with --binned use --fit-temperatures"), "\(rowsOfBinned.stderr)")
        }
    }

    @Test func hdf5TablesInAGroup() throws {
        try withScratch { dir in
            try write("S,T,count,fraction\n" + rows.map { "\($0.s),\($0.t),\($0.n),\($0.p)" }.joined(separator: "\n"), "header.csv", in: dir)
            let expected = barriers(try softness(["arrhenius", "header.csv", "--binned", "--dry-run"], in: dir).stdout)
            let file = try File.create(dir.appendingPathComponent("bins.h5").path)
            for name in ["run1", "run2"] {
                let group = try file.createGroup(name)
                try group.createDataset("S", values: [-1.0, 0, 1])
                try group.createDataset("Temperature", values: [0.4, 0.5, 0.6])
                try group.createDataset("n", values: rows.map(\.n), shape: [3, 3])
                try group.createDataset("P_R", values: rows.map(\.p), shape: [3, 3])
            }
            file.close()
            let two = try softness(["arrhenius", "bins.h5", "--binned", "--dry-run"], in: dir)
            #expect(two.status == 1)
            #expect(two.stderr.contains("bins.h5: /run1 and /run2 each hold a binned table; choose one (--group /run1)"), "\(two.stderr)")
            let chosen = try softness(["arrhenius", "bins.h5", "--binned", "--dry-run", "--group", "/run2"], in: dir)
            #expect(chosen.status == 0, "\(chosen.stderr)")
            #expect(barriers(chosen.stdout) == expected)
            let missing = try softness(["arrhenius", "bins.h5", "--binned", "--dry-run", "--group", "/run3"], in: dir)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("bins.h5: has no group '/run3'; groups at the root: /run1, /run2"), "\(missing.stderr)")
        }
    }

    /// The ln P_R warning reaches standard error (and not with --response logit).
    @Test func lnPWarningWherePIsLarge() throws {
        try withScratch { dir in
            let large = rows.map { ($0.s, $0.t, $0.n, 20 * $0.p) }
            let largest = try #require(large.max { $0.3 < $1.3 })
            try write("S,T,count,fraction\n" + large.map { "\($0.0),\($0.1),\($0.2),\($0.3)" }.joined(separator: "\n"), "large.csv", in: dir)
            let ln = try softness(["arrhenius", "large.csv", "--binned", "--dry-run"], in: dir)
            #expect(ln.status == 0, "\(ln.stderr)")
            #expect(ln.stderr.contains("WARNING: ln P_R is used where P_R is not small (max P_R = \(String(format: "%.3g", largest.3)) at S = \(String(format: "%.3g", largest.0)), T = \(String(format: "%.3g", largest.1));"), "\(ln.stderr)")
            #expect(ln.stderr.contains("use --response logit"))
            let logit = try softness(["arrhenius", "large.csv", "--binned", "--dry-run", "--response", "logit"], in: dir)
            #expect(logit.status == 0, "\(logit.stderr)")
            #expect(!logit.stderr.contains("ln P_R is used"), "\(logit.stderr)")
        }
    }
}
