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
    /// (bin, temperature) cells count as empty (see `readText` for the accepted dialects). Or an HDF5 file with datasets `softness` [bins],
    /// `temperature` [T], `count` [bins, T] and `fraction` [bins, T].
    public static func read(path: String) throws -> BinnedRearrangementTable {
        if File.isHDF5(path) { return try readHDF5(path) }
        if let problem = InputLimits.regularFileProblem(path) {
            throw BinnedTableError.malformed(file: path, line: nil, message: problem + (problem.hasPrefix("is ") ? "; give a binned table (CSV or HDF5)" : ""))
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BinnedTableError.malformed(file: path, line: nil, message: "cannot read the file as UTF-8 text")
        }
        return try readText(text, file: path)
    }

    /// Softness or temperature values this close (relative to max(1, |value|)) are one bin:
    /// tables written with a few digits less, or rounded differently, still line up.
    static let mergeTolerance = 1e-9

    /// Parses the text of a long-format table. The delimiter is taken from the header: tab,
    /// semicolon, comma, or else runs of spaces. Columns with other names (a pandas index column
    /// has an empty name) are ignored; counts may be written as integral floats (`4389.0`,
    /// `4.389e+03`, as numpy and pandas do); values equal within `mergeTolerance` share a bin;
    /// two lines for the same bin and temperature must agree.
    static func readText(_ text: String, file path: String) throws -> BinnedRearrangementTable {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init).enumerated().filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty && !$0.element.hasPrefix("#") }
        guard !lines.isEmpty else { throw BinnedTableError.malformed(file: path, line: nil, message: "empty table") }
        let header = lines.removeFirst()
        let delimiter: Character? = header.element.contains("\t") ? "\t" : header.element.contains(";") ? ";" : header.element.contains(",") ? "," : nil
        func fields(_ line: String) -> [String] {
            let parts = delimiter.map { d in line.split(separator: d, omittingEmptySubsequences: false) } ?? line.split(whereSeparator: \.isWhitespace)
            return parts.map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        let names = fields(header.element).map { $0.lowercased() }
        func column(_ aliases: [String]) throws -> Int {
            guard let index = names.firstIndex(where: { aliases.contains($0) }) else {
                throw BinnedTableError.malformed(file: path, line: header.offset + 1, message: "header lacks a column named \(aliases.joined(separator: " or ")); found \(names) (\(delimiter.map { $0 == "\t" ? "tab" : "'\($0)'" } ?? "space")-separated)")
            }
            return index
        }
        let sColumn = try column(["s", "softness"]), tColumn = try column(["t", "temperature"])
        let nColumn = try column(["count", "n", "counts"]), pColumn = try column(["fraction", "p", "p_r", "fraction_rearranging"])
        var cells: [(s: Double, t: Double, n: Int, p: Double, line: Int)] = []
        for (offset, line) in lines {
            let fields = fields(line)
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
            guard let count = Double(fields[nColumn]), count.isFinite, count == count.rounded(), abs(count) < 0x1p53 else {
                throw fail("\(names[nColumn]) '\(fields[nColumn])' is not an integer count")
            }
            guard count >= 0 else { throw fail("\(names[nColumn]) \(fields[nColumn]) is negative") }
            guard t > 0 else { throw fail("\(names[tColumn]) \(fields[tColumn]) is not positive (temperatures in energy units, k_B = 1)") }
            guard (0...1).contains(p) else { throw fail("\(names[pColumn]) \(fields[pColumn]) is outside [0, 1]") }
            cells.append((s, t, Int(count), p, offset + 1))
        }
        let softness = merged(cells.map(\.s)), temperatures = merged(cells.map(\.t))
        var counts = [[Int]](repeating: [Int](repeating: 0, count: temperatures.count), count: softness.count)
        var fractions = [[Double]](repeating: [Double](repeating: 0, count: temperatures.count), count: softness.count)
        var lineOf: [Int: Int] = [:]
        for cell in cells {
            let k = nearest(cell.s, in: softness), t = nearest(cell.t, in: temperatures)
            if let earlier = lineOf[k * temperatures.count + t] {
                guard counts[k][t] == cell.n && fractions[k][t] == cell.p else {
                    throw BinnedTableError.malformed(file: path, line: cell.line, message: "S = \(cell.s), T = \(cell.t) is also on line \(earlier) with other values (count \(counts[k][t]), fraction \(fractions[k][t])); keep one of them")
                }
                continue
            }
            lineOf[k * temperatures.count + t] = cell.line
            counts[k][t] = cell.n
            fractions[k][t] = cell.p
        }
        do {
            return try BinnedRearrangementTable(softness: softness, temperatures: temperatures, counts: counts, fractionRearranging: fractions)
        } catch {
            throw BinnedTableError.malformed(file: path, line: nil, message: error.description)
        }
    }

    /// The sorted distinct values, those within `mergeTolerance` of the previous one merged into it.
    static func merged(_ values: [Double]) -> [Double] {
        var result: [Double] = []
        for value in values.sorted() {
            if let last = result.last, abs(value - last) <= mergeTolerance * max(1, abs(last)) { continue }
            result.append(value)
        }
        return result
    }

    /// Index of the entry of the sorted `grid` closest to `value`.
    static func nearest(_ value: Double, in grid: [Double]) -> Int {
        var low = 0, high = grid.count - 1
        while low < high {
            let middle = (low + high) / 2
            if grid[middle] < value { low = middle + 1 } else { high = middle }
        }
        if low > 0, abs(grid[low - 1] - value) < abs(grid[low] - value) { return low - 1 }
        return low
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
