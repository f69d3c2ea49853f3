import Diagnostics
import Foundation
import HDF5
import Learning

/// Rows and feature columns of a particle table to keep, as asked on the command line
/// (`--temperatures`, `--species`, `--frames`, `--columns`, `--exclude-columns`,
/// `--features-from`). Every part is optional; an empty selection keeps everything.
///
/// Rows are kept when they pass every row filter (temperature, species, frame); columns are kept
/// in table order. Each requested temperature, species, column name or pattern must match
/// something in the table, and the selection must leave at least one row and one column,
/// otherwise a `TableSelectionError` says what is wrong and what the table holds.
public struct TableSelection: Sendable, Equatable {
    /// Keep rows at these temperatures (matched within `temperatureTolerance`, relative).
    public var temperatures: [Double]?
    /// Keep rows whose `/species` is one of these: integer codes ("1") or names ("A", looked up in
    /// the `structure_species_names` / `structure_species` root attributes).
    public var species: [String]?
    /// Keep rows with `lowerBound ≤ /frame < upperBound` (see `parseFrames`).
    public var frames: FrameRange?
    /// Keep feature columns whose name equals, or matches as a shell-style glob (`*`, `?`), one of these.
    public var columns: [String]?
    /// Drop feature columns whose name equals, or matches as a glob, one of these.
    public var excludedColumns: [String]?
    /// Keep exactly these feature columns (the recommended set of an `rfe` run).
    public var featuresFrom: RecommendedFeatures?

    /// Relative tolerance of `temperatures`: |T − t| ≤ 1e-9 · max(|T|, |t|).
    public static let temperatureTolerance = 1e-9

    public init(temperatures: [Double]? = nil, species: [String]? = nil, frames: FrameRange? = nil,
                columns: [String]? = nil, excludedColumns: [String]? = nil, featuresFrom: RecommendedFeatures? = nil) {
        self.temperatures = temperatures
        self.species = species
        self.frames = frames
        self.columns = columns
        self.excludedColumns = excludedColumns
        self.featuresFrom = featuresFrom
    }

    /// True when nothing is selected (every row and column is kept).
    public var isEmpty: Bool { !selectsRows && !selectsColumns }
    /// True when a row filter is given.
    public var selectsRows: Bool { temperatures != nil || species != nil || frames != nil }
    /// True when a column filter is given.
    public var selectsColumns: Bool { columns != nil || excludedColumns != nil || featuresFrom != nil }

    /// A half-open frame range `a:b` (either end may be left out: `a:`, `:b`).
    public struct FrameRange: Sendable, Equatable, CustomStringConvertible {
        public var lower: Int64?
        public var upper: Int64?
        public init(lower: Int64?, upper: Int64?) {
            self.lower = lower
            self.upper = upper
        }
        /// True when `lower ≤ frame < upper`.
        public func contains(_ frame: Int64) -> Bool {
            (lower.map { frame >= $0 } ?? true) && (upper.map { frame < $0 } ?? true)
        }
        /// `a:b` as given.
        public var description: String { "\(lower.map(String.init) ?? ""):\(upper.map(String.init) ?? "")" }
    }

    /// The recommended feature names of an `rfe` run and where they were read.
    public struct RecommendedFeatures: Sendable, Equatable {
        /// `FILE:/results/RUN`, for messages and the stored parameters.
        public var source: String
        public var names: [String]
        public init(source: String, names: [String]) {
            self.source = source
            self.names = names
        }
    }

    /// Parses `a:b`, `a:` or `:b` (integers, a < b).
    /// - Throws: `.invalidFrameRange` otherwise.
    public static func parseFrames(_ text: String) throws(TableSelectionError) -> FrameRange {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { throw .invalidFrameRange(text: text, reason: "expected a:b (a ≤ frame < b)") }
        func bound(_ part: String) throws(TableSelectionError) -> Int64? {
            if part.isEmpty { return nil }
            guard let value = Int64(part) else { throw .invalidFrameRange(text: text, reason: "'\(part)' is not an integer") }
            return value
        }
        let range = FrameRange(lower: try bound(parts[0]), upper: try bound(parts[1]))
        if let lower = range.lower, let upper = range.upper, lower >= upper {
            throw .invalidFrameRange(text: text, reason: "the start must be below the end (a ≤ frame < b)")
        }
        return range
    }

    /// Per-row data the row filters need beyond the `DiagnosticInput`: `/species` and `/frame`
    /// (nil when the table has none) and the species names (name → code) recorded in the table.
    public struct RowData: Sendable {
        public var species: [Int64]?
        public var frames: [Int64]?
        public var speciesNames: [String: Int64]
        public init(species: [Int64]? = nil, frames: [Int64]? = nil, speciesNames: [String: Int64] = [:]) {
            self.species = species
            self.frames = frames
            self.speciesNames = speciesNames
        }
    }

    /// What a selection kept, for the stderr line and the stored run parameters.
    public struct Outcome: Sendable, Equatable {
        public var selection: TableSelection
        /// Distinct temperatures kept and in the rows considered.
        public var temperaturesKept: Int, temperaturesTotal: Int
        public var columnsKept: Int, columnsTotal: Int
        public var rowsKept: Int, rowsTotal: Int
        /// Names of the kept feature columns, in table order.
        public var columnNames: [String]

        /// "selection: 3 of 5 temperatures, 40 of 108 columns, 12034 of 397707 rows".
        public var summary: String {
            "selection: \(temperaturesKept) of \(temperaturesTotal) temperatures, \(columnsKept) of \(columnsTotal) columns, \(rowsKept) of \(rowsTotal) rows"
        }

        /// Run parameters recording the selection (`selected_temperatures`, `selected_species`,
        /// `selected_frames`, `selected_columns` — the final column names, `excluded_columns`,
        /// `features_from`); only the parts that were given.
        public var parameters: [String: AttributeValue] {
            var p: [String: AttributeValue] = [:]
            if let t = selection.temperatures { p["selected_temperatures"] = .reals(t) }
            if let s = selection.species { p["selected_species"] = .strings(s) }
            if let f = selection.frames { p["selected_frames"] = .string(f.description) }
            if selection.selectsColumns { p["selected_columns"] = .strings(columnNames) }
            if let c = selection.columns { p["column_patterns"] = .strings(c) }
            if let e = selection.excludedColumns { p["excluded_columns"] = .strings(e) }
            if let r = selection.featuresFrom { p["features_from"] = .string(r.source) }
            return p
        }
    }

    /// The selected input.
    public struct Applied: Sendable {
        public var input: DiagnosticInput
        public var outcome: Outcome
    }

    /// Indices (in table order) of the feature columns kept among `names`.
    /// - Throws: `.unknownColumn` for a name or pattern that matches nothing, `.noColumnsLeft`.
    public func columnIndices(of names: [String], file: String) throws(TableSelectionError) -> [Int] {
        var keep = [Bool](repeating: true, count: names.count)
        func matching(_ pattern: String, option: String) throws(TableSelectionError) -> [Int] {
            let hits = names.indices.filter { names[$0] == pattern || TableSelection.glob(pattern, matches: names[$0]) }
            guard !hits.isEmpty else { throw .unknownColumn(file: file, option: option, name: pattern, available: names) }
            return hits
        }
        if let recommended = featuresFrom {
            let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            keep = [Bool](repeating: false, count: names.count)
            for name in recommended.names {
                guard let i = index[name] else {
                    throw .unknownColumn(file: file, option: "--features-from \(recommended.source)", name: name, available: names)
                }
                keep[i] = true
            }
        }
        if let columns {
            var chosen = [Bool](repeating: false, count: names.count)
            for pattern in columns { for i in try matching(pattern, option: "--columns") { chosen[i] = true } }
            for i in names.indices { keep[i] = keep[i] && chosen[i] }
        }
        if let excludedColumns {
            for pattern in excludedColumns { for i in try matching(pattern, option: "--exclude-columns") { keep[i] = false } }
        }
        let kept = names.indices.filter { keep[$0] }
        guard !kept.isEmpty else { throw .noColumnsLeft(file: file) }
        return kept
    }

    /// Which of `rows` (indices into `input`, default all) pass the row filters.
    /// - Throws: `.temperatureNotPresent`, `.noSpeciesDataset`, `.unknownSpecies`, `.noFrameDataset`,
    ///   `.noRowsInFrames`, `.noRowsLeft`.
    public func rowIndices(of input: DiagnosticInput, rowData: RowData = RowData(), among rows: [Int]? = nil,
                           file: String) throws(TableSelectionError) -> [Int] {
        let candidates = rows ?? Array(0..<input.rowCount)
        var kept = candidates
        if let temperatures {
            let present = Array(Set(candidates.map { input.temperature[$0] })).sorted()
            func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= Self.temperatureTolerance * max(abs(a), abs(b)) }
            let missing = temperatures.filter { t in !present.contains { same($0, t) } }
            guard missing.isEmpty else { throw .temperatureNotPresent(file: file, requested: missing, present: present) }
            kept = kept.filter { i in temperatures.contains { same(input.temperature[i], $0) } }
        }
        if let species {
            guard let codes = rowData.species else { throw .noSpeciesDataset(file: file) }
            guard codes.count == input.rowCount else {
                throw .lengthMismatch(file: file, dataset: "/species", expected: input.rowCount, actual: codes.count)
            }
            let present = Array(Set(candidates.map { codes[$0] })).sorted()
            var wanted = Set<Int64>()
            for token in species {
                guard let code = Int64(token) ?? rowData.speciesNames[token], present.contains(code) else {
                    throw .unknownSpecies(file: file, species: token, present: present,
                                          names: rowData.speciesNames.sorted { $0.value < $1.value }.map { "\($0.key)=\($0.value)" })
                }
                wanted.insert(code)
            }
            kept = kept.filter { wanted.contains(codes[$0]) }
        }
        if let frames {
            guard let values = rowData.frames else { throw .noFrameDataset(file: file) }
            guard values.count == input.rowCount else {
                throw .lengthMismatch(file: file, dataset: "/frame", expected: input.rowCount, actual: values.count)
            }
            let before = kept
            kept = kept.filter { frames.contains(values[$0]) }
            if kept.isEmpty {
                let present = Set(before.map { values[$0] }).sorted()
                throw .noRowsInFrames(file: file, range: frames.description, framesPresent: present)
            }
        }
        guard !kept.isEmpty else { throw .noRowsLeft(file: file) }
        return kept
    }

    /// Applies the selection to `input`: the rows among `rows` (default all) that pass the row
    /// filters, and the selected columns, gathered in one pass (one copy of the kept values).
    public func apply(to input: DiagnosticInput, rowData: RowData = RowData(), among rows: [Int]? = nil,
                      file: String) throws(TableSelectionError) -> Applied {
        let considered = rows ?? Array(0..<input.rowCount)
        let keptRows = try rowIndices(of: input, rowData: rowData, among: rows, file: file)
        let keptColumns = try columnIndices(of: input.featureNames, file: file)
        let selected: DiagnosticInput
        do {
            selected = try input.selecting(rows: keptRows, columns: keptColumns)
        } catch {
            throw .invalidInput(file: file, reason: "\(error)")
        }
        let outcome = Outcome(selection: self,
                              temperaturesKept: Set(keptRows.map { input.temperature[$0] }).count,
                              temperaturesTotal: Set(considered.map { input.temperature[$0] }).count,
                              columnsKept: keptColumns.count, columnsTotal: input.featureCount,
                              rowsKept: keptRows.count, rowsTotal: considered.count,
                              columnNames: selected.featureNames)
        return Applied(input: selected, outcome: outcome)
    }

    /// Shell-style glob: `*` any run of characters, `?` any one character, everything else literal.
    public static func glob(_ pattern: String, matches name: String) -> Bool {
        let p = Array(pattern), s = Array(name)
        var i = 0, j = 0
        var star = -1, mark = 0
        while j < s.count {
            if i < p.count && (p[i] == "?" || (p[i] != "*" && p[i] == s[j])) {
                i += 1; j += 1
            } else if i < p.count && p[i] == "*" {
                star = i; mark = j; i += 1
            } else if star >= 0 {
                i = star + 1; mark += 1; j = mark
            } else {
                return false
            }
        }
        while i < p.count && p[i] == "*" { i += 1 }
        return i == p.count
    }
}

extension TableSelection {
    /// Reads what the row filters need from the table at `path`: `/species` (with the names in the
    /// `structure_species_names` / `structure_species` root attributes) when `species` is
    /// selected, `/frame` when `frames` is.
    public func readRowData(path: String) throws -> RowData {
        guard species != nil || frames != nil else { return RowData() }
        return try File.withFile(path) { file in
            var data = RowData()
            if species != nil, file.isDataset("species") {
                data.species = try file.dataset("species").read(as: Int64.self)
                if case .strings(let names)? = try file.attribute("structure_species_names"),
                   let codes = try file.attribute("structure_species") {
                    let values: [Int]
                    switch codes {
                    case .integers(let v): values = v
                    case .integer(let v): values = [v]
                    default: values = []
                    }
                    for (name, code) in zip(names, values) { data.speciesNames[name] = Int64(code) }
                }
            }
            if frames != nil, file.isDataset("frame") {
                data.frames = try file.dataset("frame").read(as: Int64.self)
            }
            return data
        }
    }

    /// Reads the recommended feature names of `rfe` run `run` from the results file at `path`.
    /// - Throws: `TableSelectionError.noSuchRun` or `.notAnRFERun`.
    public static func recommendedFeatures(resultsPath path: String, run: String) throws -> RecommendedFeatures {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TableSelectionError.noSuchRun(file: path, run: run, runs: [])
        }
        return try File.withFile(path) { file in
            guard file.isGroup("results/\(run)") else {
                let runs = file.isGroup("results") ? try file.group("results").memberNames() : []
                throw TableSelectionError.noSuchRun(file: path, run: run, runs: runs)
            }
            guard file.isDataset("results/\(run)/rfe/recommended_names") else {
                throw TableSelectionError.notAnRFERun(file: path, run: run)
            }
            return RecommendedFeatures(source: "\(path):/results/\(run)",
                                       names: try file.dataset("results/\(run)/rfe/recommended_names").readStrings())
        }
    }
}

/// What is wrong with a `TableSelection` for a given table.
public enum TableSelectionError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidFrameRange(text: String, reason: String)
    case temperatureNotPresent(file: String, requested: [Double], present: [Double])
    case noSpeciesDataset(file: String)
    case unknownSpecies(file: String, species: String, present: [Int64], names: [String])
    case noFrameDataset(file: String)
    case noRowsInFrames(file: String, range: String, framesPresent: [Int64])
    case lengthMismatch(file: String, dataset: String, expected: Int, actual: Int)
    case unknownColumn(file: String, option: String, name: String, available: [String])
    case noColumnsLeft(file: String)
    case noRowsLeft(file: String)
    case noSuchRun(file: String, run: String, runs: [String])
    case notAnRFERun(file: String, run: String)
    case invalidInput(file: String, reason: String)

    public var description: String {
        func numbers(_ values: [Double]) -> String { values.map { String(format: "%g", $0) }.joined(separator: ", ") }
        func few<T>(_ values: [T], limit: Int = 8) -> String {
            let shown = values.prefix(limit).map { "\($0)" }.joined(separator: ", ")
            return values.count > limit ? shown + ", … (\(values.count) in all)" : shown
        }
        switch self {
        case .invalidFrameRange(let text, let reason):
            return "--frames \(text): \(reason)"
        case .temperatureNotPresent(let file, let requested, let present):
            return "\(file): --temperatures: no rows at T = \(numbers(requested)); the table holds T = \(numbers(present))"
        case .noSpeciesDataset(let file):
            return "\(file): --species: the table has no /species dataset"
        case .unknownSpecies(let file, let species, let present, let names):
            return "\(file): --species: no rows of species '\(species)'; the table holds species \(few(present))" + (names.isEmpty ? "" : " (names: \(names.joined(separator: ", ")))")
        case .noFrameDataset(let file):
            return "\(file): --frames: the table has no /frame dataset"
        case .noRowsInFrames(let file, let range, let frames):
            let span = frames.isEmpty ? "none" : "\(frames.count) frames from \(frames[0]) to \(frames[frames.count - 1]): \(few(frames))"
            return "\(file): --frames \(range): no rows with a frame in \(range) (a ≤ frame < b); frames present: \(span)"
        case .lengthMismatch(let file, let dataset, let expected, let actual):
            return "\(file): \(dataset) has \(actual) entries, expected one per row (\(expected))"
        case .unknownColumn(let file, let option, let name, let available):
            return "\(file): \(option): no feature column matches '\(name)'; available: \(few(available))"
        case .noColumnsLeft(let file):
            return "\(file): the column selection leaves no feature column"
        case .noRowsLeft(let file):
            return "\(file): the row selection (--temperatures, --species, --frames) leaves no row"
        case .noSuchRun(let file, let run, let runs):
            return "\(file): --features-from: no run '\(run)'" + (runs.isEmpty ? "" : "; runs: \(few(runs))")
        case .notAnRFERun(let file, let run):
            return "\(file): --features-from: run '\(run)' is not an rfe run (it has no rfe/recommended_names)"
        case .invalidInput(let file, let reason):
            return "\(file): \(reason)"
        }
    }
}
