import Diagnostics
import Foundation
import HDF5

/// Errors reading a binned rearrangement table; each names the file and what is wrong.
public enum BinnedTableError: Error, CustomStringConvertible, Sendable {
    case malformed(file: String, line: Int?, message: String)

    public var description: String {
        switch self {
        case .malformed(let file, let line, let message):
            return "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
        }
    }
}

/// Reads binned tables (softness bin centres × temperatures, counts and fraction rearranging)
/// as written by the softness papers, for the binned Arrhenius route.
public enum BinnedTableReading {
    /// Reads a CSV in long format, one line per bin and temperature, with a header naming the
    /// columns `S` (or `softness`), `T` (or `temperature`), `count` (or `n`) and `fraction`
    /// (or `p`, `P_R`, `fraction_rearranging`); other columns are ignored. Missing
    /// (bin, temperature) cells count as empty. Or an HDF5 file with datasets `softness` [bins],
    /// `temperature` [T], `count` [bins, T] and `fraction` [bins, T].
    public static func read(path: String) throws -> BinnedRearrangementTable {
        if File.isHDF5(path) { return try readHDF5(path) }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw BinnedTableError.malformed(file: path, line: nil, message: errno == ENOENT ? "no such file" : "cannot open: \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw BinnedTableError.malformed(file: path, line: nil, message: "is a directory; give a binned table (CSV or HDF5)")
        default: throw BinnedTableError.malformed(file: path, line: nil, message: "is not a regular file (a FIFO, socket or device); give a binned table (CSV or HDF5)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BinnedTableError.malformed(file: path, line: nil, message: "cannot read the file as UTF-8 text")
        }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init).enumerated().filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty && !$0.element.hasPrefix("#") }
        guard !lines.isEmpty else { throw BinnedTableError.malformed(file: path, line: nil, message: "empty table") }
        let header = lines.removeFirst()
        let names = header.element.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ aliases: [String]) throws -> Int {
            guard let index = names.firstIndex(where: { aliases.contains($0) }) else {
                throw BinnedTableError.malformed(file: path, line: header.offset + 1, message: "header lacks a column named \(aliases.joined(separator: " or ")); found \(names)")
            }
            return index
        }
        let sColumn = try column(["s", "softness"]), tColumn = try column(["t", "temperature"])
        let nColumn = try column(["count", "n", "counts"]), pColumn = try column(["fraction", "p", "p_r", "fraction_rearranging"])
        var cells: [(s: Double, t: Double, n: Int, p: Double)] = []
        for (offset, line) in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == names.count else {
                throw BinnedTableError.malformed(file: path, line: offset + 1, message: "\(fields.count) columns, the header has \(names.count)")
            }
            func fail(_ message: String) -> BinnedTableError { .malformed(file: path, line: offset + 1, message: message) }
            func number(_ column: Int) throws -> Double {
                guard let value = Double(fields[column]), value.isFinite else {
                    throw fail("\(names[column]) '\(fields[column])' is not a finite number")
                }
                return value
            }
            let s = try number(sColumn), t = try number(tColumn), p = try number(pColumn)
            guard let n = Int(fields[nColumn]) else { throw fail("\(names[nColumn]) '\(fields[nColumn])' is not an integer count") }
            guard n >= 0 else { throw fail("\(names[nColumn]) \(n) is negative") }
            guard t > 0 else { throw fail("\(names[tColumn]) \(fields[tColumn]) is not positive (temperatures in energy units, k_B = 1)") }
            guard (0...1).contains(p) else { throw fail("\(names[pColumn]) \(fields[pColumn]) is outside [0, 1]") }
            cells.append((s, t, n, p))
        }
        let softness = Array(Set(cells.map(\.s))).sorted(), temperatures = Array(Set(cells.map(\.t))).sorted()
        var counts = [[Int]](repeating: [Int](repeating: 0, count: temperatures.count), count: softness.count)
        var fractions = [[Double]](repeating: [Double](repeating: 0, count: temperatures.count), count: softness.count)
        for cell in cells {
            guard let k = softness.firstIndex(of: cell.s), let t = temperatures.firstIndex(of: cell.t) else { continue }
            counts[k][t] = cell.n
            fractions[k][t] = cell.p
        }
        do {
            return try BinnedRearrangementTable(softness: softness, temperatures: temperatures, counts: counts, fractionRearranging: fractions)
        } catch {
            throw BinnedTableError.malformed(file: path, line: nil, message: error.description)
        }
    }

    static func readHDF5(_ path: String) throws -> BinnedRearrangementTable {
        let file = try File.open(path)
        defer { file.close() }
        let softness: [Double] = try file.dataset("softness").read()
        let temperatures: [Double] = try file.dataset("temperature").read()
        let count = try file.dataset("count"), fraction = try file.dataset("fraction")
        for dataset in [count, fraction] where try dataset.shape() != [softness.count, temperatures.count] {
            throw BinnedTableError.malformed(file: path, line: nil, message: "\(dataset.objectPath) has shape \(try dataset.shape()), expected [\(softness.count), \(temperatures.count)] (bins × temperatures)")
        }
        let n: [Int] = try count.read(), p: [Double] = try fraction.read()
        let t = temperatures.count
        do {
            return try BinnedRearrangementTable(softness: softness, temperatures: temperatures,
                                                counts: (0..<softness.count).map { Array(n[($0 * t)..<(($0 + 1) * t)]) },
                                                fractionRearranging: (0..<softness.count).map { Array(p[($0 * t)..<(($0 + 1) * t)]) })
        } catch {
            throw BinnedTableError.malformed(file: path, line: nil, message: error.description)
        }
    }
}
