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

/// A column (text tables) or dataset (HDF5 tables) of a binned table, with the names it is
/// accepted under. This one table of aliases serves CSV headers, `--columns` lists and HDF5
/// dataset names alike; names are compared case-insensitively.
public enum BinnedColumn: String, CaseIterable, Sendable {
    /// Softness bin centre S.
    case softness
    /// Temperature T (energy units, k_B = 1).
    case temperature
    /// Rows in the bin at that temperature.
    case count
    /// Fraction of those rows that rearrange, P_R.
    case fraction

    /// The accepted names, lowercase; the first is the usual CSV header, the dataset name of
    /// an HDF5 table is the `rawValue`.
    public var aliases: [String] {
        switch self {
        case .softness: return ["s", "softness"]
        case .temperature: return ["t", "temperature"]
        case .count: return ["count", "n", "counts"]
        case .fraction: return ["fraction", "p", "p_r", "fraction_rearranging"]
        }
    }

    /// The column `name` stands for (case-insensitive, surrounding spaces ignored), or nil for a
    /// name that is none of the aliases (an ignored column).
    public init?(name: String) {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let column = Self.allCases.first(where: { $0.aliases.contains(key) }) else { return nil }
        self = column
    }

    /// "fraction or p or p_r or fraction_rearranging", for messages.
    var aliasList: String { aliases.joined(separator: " or ") }
}

/// The field separator of a text binned table.
public enum BinnedDelimiter: String, CaseIterable, Sendable {
    /// `,`
    case comma
    /// a tab character
    case tab
    /// `;`
    case semicolon
    /// runs of spaces or tabs
    case whitespace

    /// Parses a delimiter given by name (`comma`, `tab`, `semicolon`, `space`, `whitespace`) or
    /// as the character itself (`,`, `;`, a tab, `\t`, a space); nil for anything else.
    public init?(name: String) {
        switch name.lowercased() {
        case "comma", ",": self = .comma
        case "tab", "\t", "\\t": self = .tab
        case "semicolon", ";": self = .semicolon
        case "space", "spaces", "whitespace", " ": self = .whitespace
        default: return nil
        }
    }

    /// The separating character, nil for runs of whitespace.
    var character: Character? {
        switch self {
        case .comma: return ","
        case .tab: return "\t"
        case .semicolon: return ";"
        case .whitespace: return nil
        }
    }

    /// The delimiter of `line` when none is given: tab, semicolon, comma, or else whitespace.
    static func detect(in line: String) -> BinnedDelimiter {
        line.contains("\t") ? .tab : line.contains(";") ? .semicolon : line.contains(",") ? .comma : .whitespace
    }

    /// The fields of `line`, trimmed and unquoted.
    func fields(_ line: String) -> [String] {
        let parts = character.map { d in line.split(separator: d, omittingEmptySubsequences: false) } ?? line.split(whereSeparator: \.isWhitespace)
        return parts.map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }
}

/// How to read a binned table when its layout is not the default one.
public struct BinnedTableOptions: Sendable, Equatable {
    /// Field separator of a text table; nil detects it from the first line.
    public var delimiter: BinnedDelimiter?
    /// For a text table without a header: the name of every column in file order (aliases of
    /// `BinnedColumn`; any other entry, such as `-` or `_`, is a column to ignore). The first
    /// line is then data. Nil: the first line is a header.
    public var columns: [String]?
    /// For an HDF5 table: the group holding the datasets. Nil: the root, or the root's only
    /// group that holds them.
    public var group: String?

    /// Options with the given delimiter, headerless column list and HDF5 group.
    public init(delimiter: BinnedDelimiter? = nil, columns: [String]? = nil, group: String? = nil) {
        self.delimiter = delimiter
        self.columns = columns
        self.group = group
    }

    /// Splits a comma-separated column list (`S,T,count,fraction`, `-,S,T,n,p`) into entries.
    public static func columnList(_ list: String) -> [String] {
        list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// Reads binned tables (softness bin centres × temperatures, counts and fraction rearranging)
/// as written by the softness papers, for the binned Arrhenius route.
public enum BinnedTableReading {
    /// Reads a CSV in long format, one line per bin and temperature, with a header naming the
    /// columns `S` (or `softness`), `T` (or `temperature`), `count` (or `n`) and `fraction`
    /// (or `p`, `P_R`, `fraction_rearranging`) — the aliases of `BinnedColumn`; other columns are
    /// ignored. Missing (bin, temperature) cells count as empty (see `readText` for the accepted
    /// dialects, `options` for a given delimiter or a file without a header). Or an HDF5 file
    /// with datasets `softness` [bins], `temperature` [T], `count` [bins, T] and `fraction`
    /// [bins, T] (same aliases) at the root or in a group (see `readHDF5`).
    /// - Throws: `BinnedTableError` naming the file, the line or dataset and the problem.
    public static func read(path: String, options: BinnedTableOptions = BinnedTableOptions()) throws -> BinnedRearrangementTable {
        if File.isHDF5(path) {
            if options.delimiter != nil || options.columns != nil {
                throw BinnedTableError.malformed(file: path, line: nil, message: "is an HDF5 file: a delimiter or a column list applies to text tables only")
            }
            return try readHDF5(path, group: options.group)
        }
        if let problem = InputLimits.regularFileProblem(path) {
            throw BinnedTableError.malformed(file: path, line: nil, message: problem + (problem.hasPrefix("is ") ? "; give a binned table (CSV or HDF5)" : ""))
        }
        if let group = options.group {
            throw BinnedTableError.malformed(file: path, line: nil, message: "is not an HDF5 file, so it has no group '\(group)' (a group applies to HDF5 tables only)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BinnedTableError.malformed(file: path, line: nil, message: "cannot read the file as UTF-8 text")
        }
        return try readText(text, file: path, delimiter: options.delimiter, columns: options.columns)
    }

    /// Softness or temperature values this close (relative to max(1, |value|)) are one bin:
    /// tables written with a few digits less, or rounded differently, still line up.
    static let mergeTolerance = 1e-9

    /// Parses the text of a long-format table. The delimiter is `delimiter`, or else taken from
    /// the first line: tab, semicolon, comma, or else runs of spaces. Without `columns` the first
    /// line is a header and columns with names that are no `BinnedColumn` alias (a pandas index
    /// column has an empty name) are ignored; with `columns` (one entry per column, see
    /// `BinnedTableOptions.columns`) every line is data. Counts may be written as integral floats
    /// (`4389.0`, `4.389e+03`, as numpy and pandas do); values equal within `mergeTolerance` share
    /// a bin; two lines for the same bin and temperature must agree.
    /// - Throws: `BinnedTableError.malformed` naming the file, the line and the column.
    static func readText(_ text: String, file path: String, delimiter given: BinnedDelimiter? = nil,
                         columns list: [String]? = nil) throws -> BinnedRearrangementTable {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init).enumerated().filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty && !$0.element.hasPrefix("#") }
        guard let first = lines.first else { throw BinnedTableError.malformed(file: path, line: nil, message: "empty table") }
        let delimiter = given ?? BinnedDelimiter.detect(in: first.element)
        let separated = "\(delimiter == .whitespace ? "space" : delimiter.rawValue)-separated\(given == nil ? ", detected" : "")"
        let names: [String]
        let layout: String
        if let list {
            names = list
            layout = "the column list names"
        } else {
            lines.removeFirst()
            names = delimiter.fields(first.element)
            layout = "the header has"
        }
        let index = try columnIndexes(names, file: path, headerLine: list == nil ? first.offset + 1 : nil, separated: separated,
                                      firstLineIsNumeric: list == nil && names.allSatisfy { Double($0) != nil })
        let (sColumn, tColumn, nColumn, pColumn) = index
        var cells: [(s: Double, t: Double, n: Int, p: Double, line: Int)] = []
        for (offset, line) in lines {
            let fields = delimiter.fields(line)
            guard fields.count == names.count else {
                throw BinnedTableError.malformed(file: path, line: offset + 1, message: "\(fields.count) columns, \(layout) \(names.count) (\(separated))")
            }
            func fail(_ column: Int, _ problem: String) -> BinnedTableError {
                .malformed(file: path, line: offset + 1, message: "column '\(names[column])': \(problem)")
            }
            func number(_ column: Int) throws -> Double {
                guard let value = Double(fields[column]) else { throw fail(column, "non-numeric value '\(fields[column])'") }
                guard value.isFinite else { throw fail(column, "value '\(fields[column])' is not a finite number") }
                return value
            }
            let s = try number(sColumn), t = try number(tColumn), p = try number(pColumn)
            let count = try number(nColumn)
            guard count == count.rounded(), abs(count) < 0x1p53 else { throw fail(nColumn, "value '\(fields[nColumn])' is not an integer count") }
            guard count >= 0 else { throw fail(nColumn, "value '\(fields[nColumn])' is negative") }
            guard t > 0 else { throw fail(tColumn, "value '\(fields[tColumn])' is not positive (temperatures in energy units, k_B = 1)") }
            guard (0...1).contains(p) else { throw fail(pColumn, "value '\(fields[pColumn])' is outside [0, 1]") }
            cells.append((s, t, Int(count), p, offset + 1))
        }
        guard !cells.isEmpty else { throw BinnedTableError.malformed(file: path, line: nil, message: "no data lines after the header") }
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

    /// The position of each `BinnedColumn` among `names` (a header, or a column list when
    /// `headerLine` is nil).
    /// - Throws: when a column is missing or named twice, listing what was found.
    static func columnIndexes(_ names: [String], file path: String, headerLine: Int?, separated: String,
                              firstLineIsNumeric: Bool) throws -> (s: Int, t: Int, n: Int, p: Int) {
        var index: [BinnedColumn: Int] = [:]
        let source = headerLine == nil ? "the column list" : "the header"
        for (position, name) in names.enumerated() {
            guard let column = BinnedColumn(name: name) else { continue }
            if let earlier = index[column] {
                throw BinnedTableError.malformed(file: path, line: headerLine, message: "\(source) names the \(column.rawValue) twice, '\(names[earlier])' (column \(earlier + 1)) and '\(name)' (column \(position + 1)); \(headerLine == nil ? "mark one of them '-' to ignore it" : "rename or remove one of them")")
            }
            index[column] = position
        }
        if let s = index[.softness], let t = index[.temperature], let n = index[.count], let p = index[.fraction] { return (s, t, n, p) }
        for column in BinnedColumn.allCases where index[column] == nil {
            if headerLine == nil {
                throw BinnedTableError.malformed(file: path, line: nil, message: "the column list \(names.joined(separator: ",")) lacks the \(column.rawValue) (named \(column.aliasList)); entries that are no column name, such as '-', are ignored columns")
            }
            let hint = firstLineIsNumeric ? "; the first line looks like data: give the column names of a file without a header (--columns S,T,count,fraction)" : ""
            throw BinnedTableError.malformed(file: path, line: headerLine, message: "header lacks a column named \(column.aliasList); found \(names) (\(separated))\(hint)")
        }
        throw BinnedTableError.malformed(file: path, line: headerLine, message: "\(source) lacks a column")
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

    /// Reads an HDF5 binned table: datasets `softness` [bins], `temperature` [T], `count`
    /// [bins, T] (integers, or integral floats) and `fraction` [bins, T], under any alias of
    /// `BinnedColumn` (case-insensitive), in `group`, or else at the root, or else in the root's
    /// only group that holds all four.
    /// - Throws: `BinnedTableError.malformed` naming the file and the dataset or group: a
    ///   missing dataset (listing the datasets and groups that were found), a name given twice,
    ///   a shape that is not bins × temperatures, or a count that is not a non-negative integer.
    static func readHDF5(_ path: String, group: String? = nil) throws -> BinnedRearrangementTable {
        let file = try File.open(path)
        defer { file.close() }
        func fail(_ message: String) -> BinnedTableError { .malformed(file: path, line: nil, message: message) }
        let base: Group
        let names: HDF5Names
        if let group {
            guard file.isGroup(group) else {
                let groups = try file.memberNames().filter { file.isGroup($0) }.map { "/" + $0 }
                throw fail("has no group '\(group)'\(file.isDataset(group) ? " (it is a dataset)" : ""); groups at the root: \(groups.isEmpty ? "none" : groups.joined(separator: ", "))")
            }
            base = try file.group(group)
            names = try hdf5Names(in: base, file: path)
            guard names.complete else { throw names.missing }
        } else {
            let root = try hdf5Names(in: file, file: path)
            if root.complete {
                base = file
                names = root
            } else {
                let holding = try file.memberNames().filter { file.isGroup($0) }.compactMap { name -> (Group, HDF5Names)? in
                    let group = try file.group(name)
                    let found = try hdf5Names(in: group, file: path)
                    return found.complete ? (group, found) : nil
                }
                if holding.count > 1 {
                    throw fail("\(holding.map(\.0.objectPath).joined(separator: " and ")) each hold a binned table; choose one (--group \(holding[0].0.objectPath))")
                }
                guard let only = holding.first else { throw root.missing }
                (base, names) = only
            }
        }
        func vector(_ column: BinnedColumn) throws -> [Double] {
            let dataset = try base.dataset(names.name(column))
            let shape = try dataset.shape()
            guard shape.count == 1 else { throw fail("\(dataset.objectPath) has shape \(shape); the \(column.rawValue) must be one-dimensional") }
            return try dataset.read()
        }
        let softness = try vector(.softness), temperatures = try vector(.temperature)
        let count = try base.dataset(names.name(.count)), fraction = try base.dataset(names.name(.fraction))
        for dataset in [count, fraction] where try dataset.shape() != [softness.count, temperatures.count] {
            throw fail("\(dataset.objectPath) has shape \(try dataset.shape()), expected [\(softness.count), \(temperatures.count)] (bins × temperatures, from \(member(names.name(.softness), of: base)) and \(member(names.name(.temperature), of: base)))")
        }
        let t = temperatures.count
        let stored: [Double] = try count.read(), p: [Double] = try fraction.read()
        var n: [Int] = []
        n.reserveCapacity(stored.count)
        for (i, value) in stored.enumerated() {
            guard value.isFinite, value == value.rounded(), abs(value) < 0x1p53 else {
                throw fail("\(count.objectPath)[\(i / max(t, 1)), \(i % max(t, 1))] is \(value), not an integer count")
            }
            n.append(Int(value))
        }
        do {
            return try BinnedRearrangementTable(softness: softness, temperatures: temperatures,
                                                counts: (0..<softness.count).map { Array(n[($0 * t)..<(($0 + 1) * t)]) },
                                                fractionRearranging: (0..<softness.count).map { Array(p[($0 * t)..<(($0 + 1) * t)]) })
        } catch {
            throw fail("\(base.objectPath): \(error.description)")
        }
    }

    /// The absolute path of member `name` of `group`.
    static func member(_ name: String, of group: Group) -> String {
        group.objectPath == "/" ? "/" + name : group.objectPath + "/" + name
    }

    /// The datasets of one HDF5 group that hold the columns of a binned table.
    struct HDF5Names {
        /// Member name per column found.
        var found: [BinnedColumn: String]
        /// The error to throw when a column is missing (it lists what the group holds).
        var missing: BinnedTableError
        /// Whether every column was found.
        var complete: Bool { found.count == BinnedColumn.allCases.count }
        /// The member name of `column` (its canonical name when missing, so the read names it).
        func name(_ column: BinnedColumn) -> String { found[column] ?? column.rawValue }
    }

    /// Finds the datasets of `group` named by a `BinnedColumn` alias.
    /// - Throws: when two datasets name the same column.
    static func hdf5Names(in group: Group, file path: String) throws -> HDF5Names {
        let members = try group.memberNames()
        let datasets = members.filter { group.isDataset($0) }, groups = members.filter { group.isGroup($0) }
        var found: [BinnedColumn: String] = [:]
        for name in datasets {
            guard let column = BinnedColumn(name: name) else { continue }
            if let earlier = found[column] {
                throw BinnedTableError.malformed(file: path, line: nil, message: "\(member(earlier, of: group)) and \(member(name, of: group)) both name the \(column.rawValue); rename or remove one of them")
            }
            found[column] = name
        }
        let lacking = BinnedColumn.allCases.filter { found[$0] == nil }
        let message = "\(group.objectPath) has no dataset named " + lacking.map { column in "\(column.rawValue) (or \(column.aliases.filter { $0 != column.rawValue }.joined(separator: ", ")))" }.joined(separator: ", ")
            + "; found datasets [\(datasets.joined(separator: ", "))] and groups [\(groups.joined(separator: ", "))] (a binned table needs softness [bins], temperature [T], count and fraction [bins, T]; a group path chooses where they are)"
        return HDF5Names(found: found, missing: .malformed(file: path, line: nil, message: message))
    }
}
