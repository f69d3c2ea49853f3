import Foundation
import HDF5
import Interchange
import Parallel
import ParticleTable

/// How labels are written in a file being imported. Schema v1 stores R = +1 (rearranges) and
/// −1 (does not); any other encoding must be named, so a 0/1 file is never silently misread.
public enum ImportLabelEncoding: String, Sendable, CaseIterable {
    /// `1`/`+1` rearranges, `-1` does not (also `1.0`, `-1.0`).
    case plusMinusOne = "pm1"
    /// `1` rearranges, `0` does not (also `1.0`, `0.0`, and numpy bool arrays).
    case zeroOne = "01"
    /// `true` rearranges, `false` does not (any case; numpy bool arrays and 0/1 integers too).
    case bool

    /// The schema label (±1) for a text cell, nil when the cell is not valid in this encoding:
    /// `label(bytes:)` on its UTF-8.
    public func label(text: String) -> Int8? {
        var text = text
        return text.withUTF8 { label(bytes: $0) }
    }

    /// The schema label (±1) for the bytes of a text cell (surrounding spaces and tabs ignored),
    /// nil when the cell is not valid in this encoding: `true`/`false` in any case for `bool`,
    /// otherwise a number (`NumberText.double`) that `label(value:)` accepts.
    public func label(bytes: UnsafeBufferPointer<UInt8>) -> Int8? {
        if self == .bool {
            var low = 0, high = bytes.count
            while low < high, bytes[low] == 32 || bytes[low] == 9 { low += 1 }
            while high > low, bytes[high - 1] == 32 || bytes[high - 1] == 9 { high -= 1 }
            func matches(_ word: StaticString) -> Bool {
                guard high - low == word.utf8CodeUnitCount else { return false }
                for i in 0..<word.utf8CodeUnitCount {
                    var byte = bytes[low + i]
                    if byte >= 65 && byte <= 90 { byte += 32 }   // ASCII lower case
                    if byte != word.utf8Start[i] { return false }
                }
                return true
            }
            if matches("true") { return 1 }
            if matches("false") { return -1 }
            return nil
        }
        guard let value = NumberText.double(buffer: bytes) else { return nil }
        return label(value: value)
    }

    /// The schema label (±1) for a numeric value, nil when the value is not valid in this encoding.
    public func label(value: Double) -> Int8? {
        switch (self, value) {
        case (.plusMinusOne, 1), (.zeroOne, 1), (.bool, 1): return 1
        case (.plusMinusOne, -1), (.zeroOne, 0), (.bool, 0): return -1
        default: return nil
        }
    }

    /// What the encoding accepts, for messages.
    var expected: String {
        switch self {
        case .plusMinusOne: return "+1 or -1 (--label-encoding pm1)"
        case .zeroOne: return "1 or 0 (--label-encoding 01)"
        case .bool: return "true or false (--label-encoding bool)"
        }
    }

    /// The encoding a bad value suggests, for the hint in messages.
    static func suggestion(for text: String) -> ImportLabelEncoding? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "true" || trimmed == "false" { return .bool }
        if let value = Double(trimmed), value == 0 { return .zeroOne }
        return nil
    }
}

/// The single array a `.npy` export holds (`--array`).
public enum NPYExportArray: String, Sendable, CaseIterable {
    /// `/features` [N, d], `<f4` or `<f8` as stored.
    case features
    /// `/labels` [N], `|i1` (±1).
    case labels
    /// `/temperature` [N], `<f8`.
    case temperature
    /// `/split` [N], `|u1` (0 train, 1 test).
    case split
    /// `/energy_barrier` [N], `<f8`.
    case energyBarrier = "energy_barrier"
}

/// Options of `softness convert` (`TableConversion.run`).
public struct ConversionOptions: Sendable {
    /// Input format; nil: from the input's extension.
    public var from: InterchangeFormat?
    /// Output format; nil: from the output's extension.
    public var to: InterchangeFormat?
    /// Replace an existing output.
    public var overwrite = false
    /// Rows per block read and written (memory is O(blockRows × d)); nil: 65 536 for exports,
    /// 16 384 for imports (one chunk of the table: parsing the next block overlaps writing this
    /// one, and memory stays near that of an export).
    public var blockRows: Int?

    // Export.
    /// The array a `.npy` export holds.
    public var array: NPYExportArray = .features
    /// Deflate the entries of an `.npz` (as `numpy.savez_compressed`).
    public var compress = false
    /// Imports: store the table's datasets without deflate (shuffle and deflate level 1 otherwise).
    public var uncompressed = false

    // Import.
    /// Column (CSV/TSV) holding the labels.
    public var labelColumn = "label"
    /// How the labels are written.
    public var labelEncoding: ImportLabelEncoding = .plusMinusOne
    /// Column holding the temperature; nil: `temperature` when present.
    public var temperatureColumn: String?
    /// One temperature for every row (energy units, k_B = 1), instead of a column or array.
    public var temperature: Double?
    /// Column holding the split (0 train, 1 test); nil: `split` when present.
    public var splitColumn: String?
    /// `.npy` imports: the labels array [N].
    public var labelsFile: String?
    /// `.npy` imports: the temperature array [N].
    public var temperatureFile: String?
    /// `.npy` imports: the split array [N].
    public var splitFile: String?
    /// Feature storage of the new table; nil: float64 for text, the array's own dtype for NPY/NPZ.
    public var storage: FeatureStorage?
    /// LIBSVM imports: indices start at 0 (scikit-learn's `dump_svmlight_file` default).
    public var zeroBased = false
    /// LIBSVM imports: the number of features d (trailing all-zero columns leave no trace in
    /// the text); nil: the largest index found.
    public var featureCount: Int?

    /// HDF5 exports: read the input through this mapped layout (any HDF5 file) instead of schema v1.
    public var mappedLayout: (mapping: DatasetMapping, labels: LabelEncoding)?

    public init() {}
}

/// What a conversion did.
public struct ConversionSummary: Sendable, Equatable {
    /// Format read.
    public var from: InterchangeFormat
    /// Format written.
    public var to: InterchangeFormat
    /// Rows converted.
    public var rows: Int
    /// Feature columns converted.
    public var featureCount: Int
    /// Columns or arrays written (CSV header columns, NPZ array names, table datasets).
    public var written: [String]
    /// What the output leaves out, to say on the terminal (e.g. LIBSVM has no temperature).
    public var notes: [String]
}

/// Errors of `softness convert` that are not about the bytes of one file (those are
/// `InterchangeError`) nor the values of a particle table (`ParticleDataError`).
public enum ConversionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The path's extension names no format and no `--from`/`--to` was given.
    case unknownFormat(file: String, option: String)
    /// Neither side is a particle table, or both are.
    case unsupportedPair(from: InterchangeFormat, to: InterchangeFormat)
    /// The output exists and `--force` was not given.
    case outputExists(file: String)
    /// The output is the input.
    case outputIsInput(file: String)
    /// A column or array the conversion needs is missing, or options contradict each other.
    case missing(file: String, message: String)
    /// A bad value at a line (text) or row (arrays).
    case badValue(file: String, location: String, message: String)

    public var description: String {
        switch self {
        case .unknownFormat(let file, let option):
            let ext = URL(fileURLWithPath: file).pathExtension
            let what = ext.isEmpty ? "has no extension" : "has extension '.\(ext)', which names no format"
            return "\(file): \(what); pass \(option) (\(InterchangeFormat.names))" + (ext.lowercased() == "txt" ? " — .txt is LIBSVM text only with \(option) libsvm" : "")
        case .unsupportedPair(let from, let to):
            if from == .h5 && to == .h5 { return "both files are particle tables (h5); convert writes a table to another format or reads one from it" }
            return "cannot convert \(from.rawValue) to \(to.rawValue) directly: one side must be a particle table (h5); go through one, e.g. softness convert in.\(from.rawValue) table.h5 && softness convert table.h5 out.\(to.rawValue)"
        case .outputExists(let file): return "\(file): output file exists; pass --force to replace it"
        case .outputIsInput(let file): return "\(file): is also the input; write the output to another file"
        case .missing(let file, let message): return "\(file): \(message)"
        case .badValue(let file, let location, let message): return "\(file):\(location): \(message)"
        }
    }
}

/// `softness convert`: particle tables (schema v1) to and from CSV/TSV, LIBSVM text, NPY and
/// NPZ, streamed in row blocks through `ParticleTableBlocks` / `ParticleTableWriter`, every output
/// written under a temporary name and renamed into place (`AtomicFile`), the input only read.
public enum TableConversion {
    /// The reserved CSV columns besides the features, in the order they are written.
    public static let reservedColumns = ["label", "temperature", "split", "energy_barrier"]

    /// The formats of `input` and `output`: `options.from`/`to`, else their extensions.
    public static func formats(input: String, output: String, options: ConversionOptions) throws -> (InterchangeFormat, InterchangeFormat) {
        guard let from = options.from ?? InterchangeFormat(extensionOf: input) else {
            throw ConversionError.unknownFormat(file: input, option: "--from")
        }
        guard let to = options.to ?? InterchangeFormat(extensionOf: output) else {
            throw ConversionError.unknownFormat(file: output, option: "--to")
        }
        // h5 → h5 only from a mapped layout (a user's own HDF5 file into a particle table).
        guard (from == .h5) != (to == .h5) || (from == .h5 && options.mappedLayout != nil) else { throw ConversionError.unsupportedPair(from: from, to: to) }
        return (from, to)
    }

    /// Converts `input` to `output`. `progress(done, total)` is called after each block (total
    /// nil while unknown, for text imports).
    public static func run(input: String, output: String, options: ConversionOptions,
                           progress: ((Int, Int?) -> Void)? = nil) throws -> ConversionSummary {
        let (from, to) = try formats(input: input, output: output, options: options)
        if ResultStore.sameFile(input, output) { throw ConversionError.outputIsInput(file: output) }
        if !options.overwrite && FileManager.default.fileExists(atPath: output) { throw ConversionError.outputExists(file: output) }
        if let rows = options.blockRows, rows <= 0 {
            throw ParameterError.invalid(name: "--block-rows", value: String(rows), requirement: "positive")
        }
        if from == .h5 {
            return try export(input: input, output: output, to: to, options: options, progress: progress)
        }
        return try importTable(input: input, output: output, from: from, options: options, progress: progress)
    }

    // MARK: - Export

    private static func export(input: String, output: String, to: InterchangeFormat, options: ConversionOptions,
                               progress: ((Int, Int?) -> Void)?) throws -> ConversionSummary {
        let table: any ParticleRowSource = try options.mappedLayout.map { layout in
            try ParticleTableReader.load(path: input, labels: layout.labels, mapping: layout.mapping)
        } ?? ParticleTableBlocks(path: input)
        let rows = table.rows, step = options.blockRows ?? 65_536
        let float32 = table.storage == .float32
        var summary = ConversionSummary(from: .h5, to: to, rows: rows, featureCount: table.featureCount, written: [], notes: [])
        /// Calls `body` for each block range, reporting progress.
        func blocks(_ body: (Range<Int>) throws -> Void) throws {
            var start = 0
            while start < rows {
                let range = start..<min(rows, start + step)
                try body(range)
                start = range.upperBound
                progress?(start, rows)
            }
        }
        if to == .h5 {
            // A mapped layout into a schema-v1 table (the writer publishes atomically itself).
            let optional: Set<OptionalColumn> = Set([table.hasSplit ? .split : nil, table.hasEnergyBarrier ? .energyBarrier : nil].compactMap { $0 })
            let writer = try ParticleTableWriter(path: output, featureNames: table.featureNames, storage: table.storage, optionalColumns: optional,
                                                 attributes: ["source": .string("softness convert \(input) (mapped layout)")], overwrite: options.overwrite)
            try blocks { range in
                try writer.append(ParticleBlock(features: try table.features(range), labels: try table.labels(range), temperature: try table.temperature(range),
                                                split: try table.split(range), energyBarrier: try table.energyBarrier(range)))
            }
            try writer.finish()
            summary.written = ["/features", "/feature_names", "/labels", "/temperature"] + optional.map(\.path).sorted()
            return summary
        }
        let destination = AtomicFile(destination: output)
        let temporary = destination.temporaryPath
        do {
            switch to {
            case .csv, .tsv:
                if let clash = table.featureNames.first(where: { reservedColumns.contains($0) }) {
                    throw ConversionError.missing(file: input, message: "feature column '\(clash)' has the name of a reserved column (\(reservedColumns.joined(separator: ", "))); a CSV could not be read back")
                }
                var header = table.featureNames + ["label", "temperature"]
                if table.hasSplit { header.append("split") }
                if table.hasEnergyBarrier { header.append("energy_barrier") }
                summary.written = ["\(table.featureCount) feature columns"] + header.dropFirst(table.featureCount)
                let writer = try CSVTable.Writer(path: temporary, delimiter: to == .csv ? .comma : .tab, header: header)
                let d = table.featureCount
                try blocks { range in
                    let features = try table.features(range), labels = try table.labels(range)
                    let temperature = try table.temperature(range), split = try table.split(range)
                    let barrier = try table.energyBarrier(range)
                    for row in 0..<range.count {
                        for j in 0..<d {
                            if float32 { try writer.field(Float(features[row * d + j])) } else { try writer.field(features[row * d + j]) }
                        }
                        try writer.field(Int(labels[row]))
                        try writer.field(temperature[row])
                        if let split { try writer.field(Int(split[row])) }
                        if let barrier { try writer.field(barrier[row]) }
                        try writer.endRow()
                    }
                }
                try writer.close()
            case .libsvm:
                summary.written = ["label", "\(table.featureCount) feature indices"]
                summary.notes = ["LIBSVM text holds labels and features only: temperature\(table.hasSplit ? ", split" : "")\(table.hasEnergyBarrier ? ", energy_barrier" : "") and feature names are not in \(output)"]
                let writer = try LIBSVMText.Writer(path: temporary)
                let d = table.featureCount
                try blocks { range in
                    let features = try table.features(range), labels = try table.labels(range)
                    for row in 0..<range.count {
                        try writer.write(label: Int(labels[row]), features: features[(row * d)..<((row + 1) * d)], float32: float32)
                    }
                }
                try writer.close()
            case .npy:
                let (dtype, shape) = try npyLayout(options.array, table: table, file: input)
                summary.written = [options.array.rawValue]
                let writer = try NPYWriter(path: temporary, dtype: dtype, shape: shape)
                try blocks { range in try writer.append(try values(options.array, table: table, range: range)) }
                try writer.close()
            case .npz:
                let writer = try NPZWriter(path: temporary, compress: options.compress)
                var arrays: [(String, NPYExportArray)] = [("X", .features), ("y", .labels), ("T", .temperature)]
                if table.hasSplit { arrays.append(("split", .split)) }
                if table.hasEnergyBarrier { arrays.append(("energy_barrier", .energyBarrier)) }
                for (index, (name, array)) in arrays.enumerated() {
                    let (dtype, shape) = try npyLayout(array, table: table, file: input)
                    var start = 0
                    try writer.add(name: name, header: NPYHeader(dtype: dtype, shape: shape)) {
                        guard start < rows else { return nil }
                        let range = start..<min(rows, start + step)
                        var bytes: [UInt8] = []
                        NPYEncoding.append(try values(array, table: table, range: range), as: dtype, to: &bytes)
                        start = range.upperBound
                        // One pass per array: report the fraction of all passes done.
                        progress?((index * rows + start) / arrays.count, rows)
                        return bytes
                    }
                }
                let width = table.featureNames.map { $0.unicodeScalars.count }.max() ?? 1
                var names: [UInt8] = []
                let namesType = NPYDType.unicode(characters: width)
                NPYEncoding.append(unicode: table.featureNames, as: namesType, to: &names)
                var namesLeft: [UInt8]? = names
                try writer.add(name: "feature_names", header: NPYHeader(dtype: namesType, shape: [table.featureCount])) {
                    defer { namesLeft = nil }
                    return namesLeft
                }
                writer.close()
                summary.written = arrays.map(\.0) + ["feature_names"]
            case .h5:
                throw ConversionError.unsupportedPair(from: .h5, to: .h5)
            }
            try destination.publish()
        } catch {
            throw destination.abandon(after: naming(error, temporary: temporary, output: output))
        }
        return summary
    }

    /// dtype and shape of an exported array.
    private static func npyLayout(_ array: NPYExportArray, table: any ParticleRowSource, file: String) throws -> (NPYDType, [Int]) {
        switch array {
        case .features: return (table.storage == .float32 ? .float32 : .float64, [table.rows, table.featureCount])
        case .labels: return (.int8, [table.rows])
        case .temperature: return (.float64, [table.rows])
        case .split:
            guard table.hasSplit else { throw ConversionError.missing(file: file, message: "has no /split to export; --array features, labels or temperature") }
            return (.uint8, [table.rows])
        case .energyBarrier:
            guard table.hasEnergyBarrier else { throw ConversionError.missing(file: file, message: "has no /energy_barrier to export (only toy tables have one)") }
            return (.float64, [table.rows])
        }
    }

    /// Values of one array over `range`, as Double (exact for every stored type).
    private static func values(_ array: NPYExportArray, table: any ParticleRowSource, range: Range<Int>) throws -> [Double] {
        switch array {
        case .features: return try table.features(range)
        case .labels: return try table.labels(range).map(Double.init)
        case .temperature: return try table.temperature(range)
        case .split: return try (table.split(range) ?? []).map(Double.init)
        case .energyBarrier: return try table.energyBarrier(range) ?? []
        }
    }

    /// A write error naming the temporary file names the output instead; a full disk becomes
    /// `AtomicFileError.noSpace` (which `AtomicFile.abandon` reports as such).
    private static func naming(_ error: Error, temporary: String, output: String) -> Error {
        guard case .cannotWrite(_, let reason, let code) = error as? InterchangeError else { return error }
        if let space = HDF5Error.spaceProblem(errno: code) { return AtomicFileError.noSpace(file: output, reason: space) }
        return InterchangeError.cannotWrite(file: output, reason: reason.replacingOccurrences(of: temporary, with: output), errno: code)
    }

    // MARK: - Import

    private static func importTable(input: String, output: String, from: InterchangeFormat, options: ConversionOptions,
                                    progress: ((Int, Int?) -> Void)?) throws -> ConversionSummary {
        if options.temperature != nil && (options.temperatureColumn != nil || options.temperatureFile != nil) {
            throw ConversionError.missing(file: input, message: "--temperature gives one temperature for every row; it cannot be combined with --temperature-column or --temperature-file")
        }
        if let t = options.temperature, !(t.isFinite && t > 0) {
            throw ParameterError.invalid(name: "--temperature", value: String(t), requirement: "positive and finite (energy units, k_B = 1)")
        }
        var scratch: URL?
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        let source: RowSource
        switch from {
        case .csv, .tsv: source = try CSVSource(path: input, delimiter: from == .csv ? .comma : .tab, options: options)
        case .libsvm: source = try LIBSVMSource(path: input, options: options)
        case .npy: source = try ArraySource(features: NPYReader(path: input), names: nil, options: options, arrays: { name in
                let file: String?
                switch name {
                case "y": file = options.labelsFile
                case "T": file = options.temperatureFile
                case "split": file = options.splitFile
                default: file = nil
                }
                return try file.map { try NPYReader(path: $0) }
            }, labelsHint: "pass --labels-file y.npy (or convert an .npz holding X and y)")
        case .npz:
            if options.labelsFile != nil || options.temperatureFile != nil || options.splitFile != nil {
                throw ConversionError.missing(file: input, message: "--labels-file, --temperature-file and --split-file are for .npy features; an .npz carries y, T and split itself")
            }
            let archive = try NPZReader(path: input)
            guard archive.contains("X") else { throw InterchangeError.missingArray(file: input, name: "X", found: archive.arrayNames) }
            // Extracted entries live beside OUT; a killed import's folder is removed by the next one.
            let folder = try AtomicFile.scratchFolder(beside: output, suffix: "npz")
            scratch = folder
            let names = archive.contains("feature_names") ? try archive.open("feature_names", extractingInto: folder).readStrings() : nil
            source = try ArraySource(features: archive.open("X", extractingInto: folder), names: names, options: options, arrays: { name in
                archive.contains(name) ? try archive.open(name, extractingInto: folder) : nil
            }, labelsHint: "numpy.savez(path, X=..., y=..., T=...) writes them")
        case .h5:
            throw ConversionError.unsupportedPair(from: .h5, to: .h5)
        }
        let writer = try ParticleTableWriter(path: output, featureNames: source.featureNames, storage: source.storage,
                                             optionalColumns: source.optionalColumns,
                                             attributes: ["source": .string("softness convert \(input)")], overwrite: options.overwrite,
                                             deflateLevel: options.uncompressed ? nil : 1)
        var rows = 0
        // The next block is parsed while this one is compressed and written.
        let blocks = BlockPrefetch(source: source, maxRows: options.blockRows ?? ParticleTableWriter.rowsPerChunk)
        defer { blocks.finish() }
        while let block = try blocks.next() {
            try writer.append(block)
            rows += block.rowCount
            progress?(rows, source.totalRows)
        }
        guard rows > 0 else { throw ConversionError.missing(file: input, message: "holds no rows") }
        try writer.finish()
        var written = ["/features", "/feature_names", "/labels", "/temperature"]
        written += source.optionalColumns.map(\.path).sorted()
        return ConversionSummary(from: from, to: .h5, rows: rows, featureCount: source.featureNames.count, written: written, notes: source.notes)
    }
}

/// Reads the blocks of a `RowSource` one ahead on another thread, so that parsing block k + 1
/// overlaps compressing and writing block k. Blocks and errors come out in order: an error of
/// the source is thrown by the `next()` that would have returned its block, after every block
/// before it was handed out, as when reading in line.
private final class BlockPrefetch: @unchecked Sendable {
    private let source: RowSource
    private let maxRows: Int
    private var pending: DispatchGroup?
    private var result: Result<ParticleBlock?, Error> = .success(nil)
    private var done = false

    init(source: RowSource, maxRows: Int) {
        self.source = source
        self.maxRows = maxRows
        start()
    }

    private func start() {
        let group = DispatchGroup()
        group.enter()
        pending = group
        // `source` and `result` are only touched by the reading thread until `wait()` returns.
        Thread.detachNewThread { [self] in
            result = Result { try source.next(maxRows: maxRows) }
            group.leave()
        }
    }

    /// The next block (waiting for it), nil at the end; starts reading the one after.
    func next() throws -> ParticleBlock? {
        guard !done, let pending else { return nil }
        pending.wait()
        self.pending = nil
        let block = try result.get()
        if block == nil { done = true } else { start() }
        return block
    }

    /// Waits for a block still being read (the source is not used after this returns).
    func finish() {
        pending?.wait()
        pending = nil
        done = true
    }
}

/// Rows of a file being imported, in blocks ready for `ParticleTableWriter`.
private protocol RowSource: AnyObject {
    var featureNames: [String] { get }
    var storage: FeatureStorage { get }
    var optionalColumns: Set<OptionalColumn> { get }
    /// Total rows when known before reading them.
    var totalRows: Int? { get }
    var notes: [String] { get }
    func next(maxRows: Int) throws -> ParticleBlock?
}

/// CSV/TSV rows: features are every column but the label, temperature, split and barrier ones.
/// Lines are read in blocks and parsed on all cores (`CSVRowParser`, in parts of consecutive
/// lines); the first bad line of the file is the one reported, as when reading line by line.
private final class CSVSource: RowSource {
    let featureNames: [String]
    let storage: FeatureStorage
    let optionalColumns: Set<OptionalColumn>
    let totalRows: Int? = nil
    var notes: [String] = []
    private let reader: CSVTable.Reader
    private let parser: CSVRowParser

    init(path: String, delimiter: CSVTable.Delimiter, options: ConversionOptions) throws {
        reader = try CSVTable.Reader(path: path, delimiter: delimiter)
        let header = reader.header
        var seen: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            if let first = seen[name] {
                throw ConversionError.missing(file: path, message: "line 1: columns \(first + 1) and \(index + 1) are both named '\(name)'")
            }
            seen[name] = index
        }
        let columnList = header.map { "'\($0)'" }.joined(separator: ", ")
        func column(_ name: String, option: String) throws -> Int {
            guard let index = seen[name] else {
                throw ConversionError.missing(file: path, message: "no column '\(name)' (columns: \(columnList)); name it with \(option)")
            }
            return index
        }
        let labelColumn = try column(options.labelColumn, option: "--label-column")
        let temperatureColumn: Int?, constantTemperature: Double?
        if let t = options.temperature {
            constantTemperature = t
            temperatureColumn = nil
        } else if let name = options.temperatureColumn {
            temperatureColumn = try column(name, option: "--temperature-column")
            constantTemperature = nil
        } else if let index = seen["temperature"] {
            temperatureColumn = index
            constantTemperature = nil
        } else {
            throw ConversionError.missing(file: path, message: "no column 'temperature' (columns: \(columnList)); pass --temperature-column NAME or one --temperature VALUE for every row")
        }
        let splitColumn: Int?
        if let name = options.splitColumn { splitColumn = try column(name, option: "--split-column") } else { splitColumn = seen["split"] }
        let barrierColumn = seen["energy_barrier"]
        // pandas' to_csv writes its index as a first column without a name.
        let indexColumn: Int? = header.first == "" || header.first == "Unnamed: 0" ? 0 : nil
        if indexColumn != nil { notes.append("column 1 has no name (a pandas index) and was left out") }
        let taken = Set([labelColumn, temperatureColumn, splitColumn, barrierColumn, indexColumn].compactMap { $0 })
        let featureColumns = header.indices.filter { !taken.contains($0) }
        guard !featureColumns.isEmpty else {
            throw ConversionError.missing(file: path, message: "no feature columns (columns: \(columnList)); every column but label, temperature, split and energy_barrier is a feature")
        }
        featureNames = featureColumns.map { header[$0] }
        storage = options.storage ?? .float64
        var optional: Set<OptionalColumn> = []
        if splitColumn != nil { optional.insert(.split) }
        if barrierColumn != nil { optional.insert(.energyBarrier) }
        optionalColumns = optional
        parser = CSVRowParser(path: path, header: header, delimiter: delimiter, featureColumns: featureColumns,
                              labelColumn: labelColumn, temperatureColumn: temperatureColumn,
                              constantTemperature: constantTemperature, splitColumn: splitColumn,
                              barrierColumn: barrierColumn, encoding: options.labelEncoding, float32: storage == .float32)
    }

    func next(maxRows: Int) throws -> ParticleBlock? {
        var block = parser.emptyBlock(capacity: maxRows)
        let parser = self.parser
        while block.rowCount < maxRows, let lines = try reader.nextLines(maximum: min(LineParts.linesPerRead, maxRows - block.rowCount)) {
            let parts = try LineParts.map(lines) { range in
                var partial = parser.emptyBlock(capacity: range.count)
                var fields: [Range<Int>] = []
                for index in range {
                    try parser.parse(lines.bytes[lines.lines[index]], number: lines.firstLineNumber + index, into: &partial, fields: &fields)
                }
                return partial
            }
            for partial in parts { block.append(partial) }
        }
        return block.rowCount == 0 ? nil : block
    }
}

/// Parallel parsing of a block of text lines: the lines are cut into parts of consecutive lines,
/// parsed on all cores, and the results come back in file order. When several parts fail, the
/// error of the first is thrown: the first bad line of the block, as when reading line by line.
enum LineParts {
    /// Lines per part; smaller blocks are parsed in one part, on the calling thread.
    static let linesPerPart = 4_096
    /// Lines read into memory at a time (a block of rows may take several reads): enough for a
    /// part per core, few enough that the text stays a few MB.
    static let linesPerRead = 16_384

    /// `body(range of line indices)` for each part of `lines`, in order.
    static func map<T>(_ lines: TextLines.LineBlock, _ body: (Range<Int>) throws -> T) throws -> [T] {
        let count = lines.lines.count
        let parts = min(2 * Parallel.threadCount(), max(1, count / linesPerPart))
        let results = Parallel.map(parts) { part -> Result<T, Error> in
            Result { try body((count * part / parts)..<(count * (part + 1) / parts)) }
        }
        return try results.map { try $0.get() }
    }
}

/// The checks and values of one CSV/TSV line, in the order (and with the messages) of reading
/// the file line by line: field count, features left to right, label, temperature, split,
/// energy barrier. Pure, so lines can be parsed on many threads.
private struct CSVRowParser: Sendable {
    let path: String
    let header: [String]
    let delimiter: CSVTable.Delimiter
    let featureColumns: [Int]
    let labelColumn: Int
    let temperatureColumn: Int?
    let constantTemperature: Double?
    let splitColumn: Int?
    let barrierColumn: Int?
    let encoding: ImportLabelEncoding
    let float32: Bool
    /// Whether each column is a feature.
    let isFeature: [Bool]

    /// The parser of a file with `header`, its columns found by `CSVSource`.
    init(path: String, header: [String], delimiter: CSVTable.Delimiter, featureColumns: [Int], labelColumn: Int,
         temperatureColumn: Int?, constantTemperature: Double?, splitColumn: Int?, barrierColumn: Int?,
         encoding: ImportLabelEncoding, float32: Bool) {
        self.path = path
        self.header = header
        self.delimiter = delimiter
        self.featureColumns = featureColumns
        self.labelColumn = labelColumn
        self.temperatureColumn = temperatureColumn
        self.constantTemperature = constantTemperature
        self.splitColumn = splitColumn
        self.barrierColumn = barrierColumn
        self.encoding = encoding
        self.float32 = float32
        var isFeature = [Bool](repeating: false, count: header.count)
        for column in featureColumns { isFeature[column] = true }
        self.isFeature = isFeature
    }

    /// An empty block with this file's optional columns, room reserved for `capacity` rows.
    func emptyBlock(capacity: Int) -> ParticleBlock {
        var block = ParticleBlock(features: [], labels: [], temperature: [], split: splitColumn == nil ? nil : [],
                                  energyBarrier: barrierColumn == nil ? nil : [])
        block.features.reserveCapacity(capacity * featureColumns.count)
        block.labels.reserveCapacity(capacity)
        block.temperature.reserveCapacity(capacity)
        block.split?.reserveCapacity(capacity)
        block.energyBarrier?.reserveCapacity(capacity)
        return block
    }

    /// Appends the row of `line` (line `number` of the file) to `block`; a blank line adds
    /// nothing. `fields` is scratch space for the byte ranges of the fields.
    func parse(_ line: ArraySlice<UInt8>, number: Int, into block: inout ParticleBlock, fields: inout [Range<Int>]) throws {
        fields.removeAll(keepingCapacity: true)
        var blank = true, quoted = false
        let separator = Int32(delimiter.rawValue)
        try line.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            // Blank: nothing but spaces and tabs (usually decided by the first byte).
            blank = !bytes.contains { $0 != 32 && $0 != 9 }
            quoted = memchr(base, 34, bytes.count) != nil
            if blank || quoted { return }
            if fastFields(bytes, &fields, &block) {
                try otherValues(bytes, fields, number, &block)
                return
            }
            fields.removeAll(keepingCapacity: true)
            var start = 0
            while let hit = memchr(base + start, separator, bytes.count - start) {
                let index = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                fields.append(start..<index)
                start = index + 1
            }
            fields.append(start..<bytes.count)
            guard fields.count == header.count else {
                throw InterchangeError.ragged(file: path, line: number, fields: fields.count, expected: header.count)
            }
            try values(bytes, fields, number, &block)
        }
        guard quoted && !blank else { return }
        // Quoted fields: unquote them, then read their bytes the same way.
        let strings = try CSVTable.Reader.fields(of: line, delimiter: delimiter, file: path, line: number)
        guard strings.count == header.count else {
            throw InterchangeError.ragged(file: path, line: number, fields: strings.count, expected: header.count)
        }
        var joined: [UInt8] = []
        fields.removeAll(keepingCapacity: true)
        for text in strings {
            let from = joined.count
            joined.append(contentsOf: text.utf8)
            fields.append(from..<joined.count)
        }
        try joined.withUnsafeBufferPointer { try values($0, fields, number, &block) }
    }

    /// One pass over an unquoted line: the field ranges into `fields` and the features onto
    /// `block`, when every feature is an ordinary decimal (`NumberText.doublePrefix`) that ends at
    /// its delimiter and the line has the header's field count. False, with nothing appended,
    /// when the line needs the checked path (which then finds the same values or the error).
    @inline(__always)
    private func fastFields(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: inout [Range<Int>], _ block: inout ParticleBlock) -> Bool {
        guard !float32, let base = bytes.baseAddress else { return false }
        let mark = block.features.count, count = bytes.count, separator = delimiter.rawValue
        var start = 0
        for column in 0..<header.count {
            let end: Int
            if isFeature[column] {
                guard let (value, length) = NumberText.doublePrefix(buffer: UnsafeBufferPointer(start: base + start, count: count - start)),
                      value.isFinite, start + length == count || base[start + length] == separator else {
                    block.features.removeSubrange(mark...)
                    return false
                }
                block.features.append(value)
                end = start + length
            } else {
                end = memchr(base + start, Int32(separator), count - start).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
            }
            fields.append(start..<end)
            // The last field ends the line; every other one ends at a delimiter.
            guard (column == header.count - 1) == (end == count) else {
                block.features.removeSubrange(mark...)
                return false
            }
            start = end + 1
        }
        return true
    }

    /// The text of field `column`.
    private func text(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ column: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[fields[column]]), as: UTF8.self)
    }

    /// Field `column` as a finite number, or the error naming line, column and value.
    private func number(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ column: Int, _ line: Int, float: Bool = false) throws -> Double {
        let cell = UnsafeBufferPointer(rebasing: bytes[fields[column]])
        let value = float ? NumberText.float(buffer: cell).map(Double.init) : NumberText.double(buffer: cell)
        guard let value, value.isFinite else {
            let text = text(bytes, fields, column)
            let problem = text.trimmingCharacters(in: .whitespaces).isEmpty ? "empty cell (a missing value) instead of a number" : (value == nil ? "non-numeric value" : "non-finite value")
            throw InterchangeError.nonNumeric(file: path, line: line, column: column + 1, name: header[column], value: text, problem: problem)
        }
        return value
    }

    /// The values of one row whose fields are `fields` in `bytes`.
    private func values(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ line: Int, _ block: inout ParticleBlock) throws {
        for column in featureColumns { block.features.append(try number(bytes, fields, column, line, float: float32)) }
        try otherValues(bytes, fields, line, &block)
    }

    /// The label, temperature, split and barrier of a row whose features are read.
    private func otherValues(_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ line: Int, _ block: inout ParticleBlock) throws {
        func cell(_ column: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[fields[column]]) }
        func text(_ column: Int) -> String { self.text(bytes, fields, column) }
        func number(_ column: Int) throws -> Double { try self.number(bytes, fields, column, line) }
        guard let label = encoding.label(bytes: cell(labelColumn)) else {
            let labelText = text(labelColumn)
            let hint = ImportLabelEncoding.suggestion(for: labelText).map { " — pass --label-encoding \($0.rawValue) if that is how the file writes them" } ?? ""
            throw ConversionError.badValue(file: path, location: "\(line)", message: "column \(labelColumn + 1) '\(header[labelColumn])': label '\(labelText)' is not \(encoding.expected)\(hint)")
        }
        block.labels.append(label)
        if let temperatureColumn {
            let t = try number(temperatureColumn)
            guard t > 0 else {
                throw ConversionError.badValue(file: path, location: "\(line)", message: "column \(temperatureColumn + 1) '\(header[temperatureColumn])': temperature \(text(temperatureColumn)) is not positive (energy units, k_B = 1; was 1/T stored?)")
            }
            block.temperature.append(t)
        } else {
            block.temperature.append(constantTemperature ?? 0)
        }
        if let splitColumn {
            guard let s = NumberText.double(buffer: cell(splitColumn)), s == 0 || s == 1 else {
                throw ConversionError.badValue(file: path, location: "\(line)", message: "column \(splitColumn + 1) '\(header[splitColumn])': split '\(text(splitColumn))' is not 0 (train) or 1 (test)")
            }
            block.split?.append(UInt8(s))
        }
        if let barrierColumn { block.energyBarrier?.append(try number(barrierColumn)) }
    }
}

/// LIBSVM rows: a first pass checks every line and finds N and d, the second fills dense blocks.
/// Both read blocks of lines and parse them on all cores (`LineParts`).
private final class LIBSVMSource: RowSource {
    let featureNames: [String]
    let storage: FeatureStorage
    let optionalColumns: Set<OptionalColumn> = []
    let totalRows: Int?
    let notes: [String]
    private let reader: LIBSVMText.Reader
    private let path: String
    private let zeroBased: Bool
    private let float32: Bool
    private let temperature: Double
    private let encoding: ImportLabelEncoding
    /// Whether a first pass checked every line (no `--features`).
    private let scanned: Bool

    /// The schema label of a LIBSVM label, or the error naming its line.
    private static func label(_ label: Double, encoding: ImportLabelEncoding, file: String, line: Int) throws -> Int8 {
        guard let encoded = encoding.label(value: label) else {
            let hint = label == 0 ? " — pass --label-encoding 01 if the file writes 0/1 labels" : ""
            throw ConversionError.badValue(file: file, location: "\(line)", message: "label \(label) is not \(encoding.expected)\(hint)")
        }
        return encoded
    }

    init(path: String, options: ConversionOptions) throws {
        if options.temperatureColumn != nil || options.splitColumn != nil || options.labelsFile != nil || options.temperatureFile != nil || options.splitFile != nil {
            throw ConversionError.missing(file: path, message: "LIBSVM text has no named columns or side arrays; pass one --temperature VALUE (the split is left out)")
        }
        guard let t = options.temperature else {
            throw ConversionError.missing(file: path, message: "LIBSVM text holds no temperature; pass --temperature VALUE (energy units, k_B = 1) for its rows")
        }
        temperature = t
        storage = options.storage ?? .float64
        let encoding = options.labelEncoding
        self.encoding = encoding
        let float32 = storage == .float32, zeroBased = options.zeroBased
        self.path = path
        self.zeroBased = zeroBased
        self.float32 = float32
        var rows = 0, width = 0
        if let d = options.featureCount {
            // d is known: no first pass; every line is checked while the table is written.
            width = d
            scanned = false
        } else {
            let scan = try LIBSVMText.Reader(path: path, zeroBased: zeroBased, float32: float32)
            while let lines = try scan.nextLines(maximum: LineParts.linesPerRead) {
                // Per part: rows and width; every line checked, the label against the encoding too.
                let parts = try LineParts.map(lines) { range -> (rows: Int, width: Int) in
                    var rows = 0, width = 0
                    for index in range {
                        let number = lines.firstLineNumber + index
                        var last = -1
                        guard let label = try LIBSVMText.Reader.parse(lines.bytes[lines.lines[index]], number: number, file: path,
                                                                      zeroBased: zeroBased, float32: float32, feature: { column, _ in last = column }) else { continue }
                        _ = try Self.label(label, encoding: encoding, file: path, line: number)
                        rows += 1
                        width = max(width, last + 1)
                    }
                    return (rows, width)
                }
                for part in parts {
                    rows += part.rows
                    width = max(width, part.width)
                }
            }
            guard rows > 0 else { throw ConversionError.missing(file: path, message: "holds no rows") }
            scanned = true
        }
        guard width > 0 else { throw ConversionError.missing(file: path, message: "no row has a feature (every value is zero or missing); pass --features D") }
        totalRows = scanned ? rows : nil
        featureNames = (1...width).map { "feature\($0)" }
        notes = ["LIBSVM text has no feature names: columns are named feature1…feature\(width) after their LIBSVM index"]
        reader = try LIBSVMText.Reader(path: path, zeroBased: zeroBased, float32: float32)
    }

    func next(maxRows: Int) throws -> ParticleBlock? {
        let d = featureNames.count
        var block = ParticleBlock(features: [], labels: [], temperature: [])
        block.features.reserveCapacity(maxRows * d)
        let path = self.path, zeroBased = self.zeroBased, float32 = self.float32, encoding = self.encoding, temperature = self.temperature
        let scanned = self.scanned
        while block.rowCount < maxRows, let lines = try reader.nextLines(maximum: min(LineParts.linesPerRead, maxRows - block.rowCount)) {
            let parts = try LineParts.map(lines) { range -> ParticleBlock in
                var partial = ParticleBlock(features: [], labels: [], temperature: [])
                partial.features.reserveCapacity(range.count * d)
                for index in range {
                    let base = partial.features.count, number = lines.firstLineNumber + index
                    partial.features.append(contentsOf: repeatElement(0, count: d))
                    var beyond: Int?
                    let label = try LIBSVMText.Reader.parse(lines.bytes[lines.lines[index]], number: number, file: path,
                                                            zeroBased: zeroBased, float32: float32) { column, value in
                        if column < d { partial.features[base + column] = value } else if beyond == nil { beyond = column }
                    }
                    guard let label else {
                        partial.features.removeSubrange(base...)
                        continue
                    }
                    if let beyond {
                        // Without --features the first pass checked every line: the file changed since.
                        throw ConversionError.badValue(file: path, location: "\(number)", message: scanned
                            ? "differs from the first pass over the file (did it change while it was read?)"
                            : "feature index \(zeroBased ? beyond : beyond + 1) is beyond --features \(d)")
                    }
                    let encoded = try Self.label(label, encoding: encoding, file: path, line: number)
                    partial.labels.append(encoded)
                    partial.temperature.append(temperature)
                }
                return partial
            }
            for partial in parts { block.append(partial) }
        }
        return block.rowCount == 0 ? nil : block
    }
}

/// Rows of numpy arrays: X [N, d] (or [N]) with y, T, split and energy_barrier [N] from side
/// files or the same `.npz`.
private final class ArraySource: RowSource {
    let featureNames: [String]
    let storage: FeatureStorage
    let optionalColumns: Set<OptionalColumn>
    let totalRows: Int?
    let notes: [String] = []
    private let features: NPYReader
    private let labels: NPYReader
    private let temperature: NPYReader?
    private let constantTemperature: Double?
    private let split: NPYReader?
    private let barrier: NPYReader?
    private let encoding: ImportLabelEncoding
    private var start = 0

    init(features: NPYReader, names: [String]?, options: ConversionOptions, arrays: (String) throws -> NPYReader?, labelsHint: String) throws {
        self.features = features
        let shape = features.header.shape
        guard shape.count == 1 || shape.count == 2 else {
            throw InterchangeError.badArray(file: features.name, message: "has shape \(shape); features must be [N, d] (or [N] for one feature)")
        }
        guard features.header.dtype.isNumeric else {
            throw InterchangeError.unsupportedDType(file: features.name, dtype: features.header.dtype.descr, hint: "features must be numbers (float32 or float64)")
        }
        let rows = shape[0], d = shape.count == 2 ? shape[1] : 1
        guard d > 0 else { throw InterchangeError.badArray(file: features.name, message: "has shape \(shape): no feature columns") }
        totalRows = rows
        if let names {
            guard names.count == d else {
                throw InterchangeError.badArray(file: features.name, message: "has \(d) columns but feature_names holds \(names.count) names")
            }
            featureNames = names
        } else {
            featureNames = (0..<d).map { "feature\($0)" }
        }
        storage = options.storage ?? (features.header.dtype == .float32 || features.header.dtype == NPYDType(kind: .float, size: 4, bigEndian: true) ? .float32 : .float64)
        func perRow(_ reader: NPYReader?, _ what: String) throws -> NPYReader? {
            guard let reader else { return nil }
            guard reader.header.shape == [rows] || reader.header.shape == [rows, 1] else {
                throw InterchangeError.badArray(file: reader.name, message: "has shape \(reader.header.shape), expected [\(rows)] (one \(what) per row of \(features.name))")
            }
            guard reader.header.dtype.isNumeric else {
                throw InterchangeError.unsupportedDType(file: reader.name, dtype: reader.header.dtype.descr, hint: "\(what) must be numbers")
            }
            return reader
        }
        guard let labels = try perRow(arrays("y"), "label") else {
            throw ConversionError.missing(file: features.name, message: "no labels: \(labelsHint)")
        }
        self.labels = labels
        encoding = options.labelEncoding
        if let t = options.temperature {
            constantTemperature = t
            temperature = nil
        } else if let t = try perRow(arrays("T"), "temperature") {
            temperature = t
            constantTemperature = nil
        } else {
            throw ConversionError.missing(file: features.name, message: "no temperature: pass one --temperature VALUE for every row\(options.temperatureFile == nil ? ", --temperature-file T.npy" : "") or save T in the .npz")
        }
        split = try perRow(arrays("split"), "split value")
        barrier = try perRow(arrays("energy_barrier"), "barrier")
        var optional: Set<OptionalColumn> = []
        if split != nil { optional.insert(.split) }
        if barrier != nil { optional.insert(.energyBarrier) }
        optionalColumns = optional
    }

    func next(maxRows: Int) throws -> ParticleBlock? {
        let rows = features.rows
        guard start < rows else { return nil }
        let range = start..<min(rows, start + maxRows)
        var values = try features.readDoubles(rows: range)
        if storage == .float32 { values = values.map { Double(Float($0)) } }
        let d = featureNames.count
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ConversionError.badValue(file: features.name, location: "row \(range.lowerBound + bad / d), column \(bad % d)", message: "non-finite value \(values[bad])")
        }
        var labels: [Int8] = []
        labels.reserveCapacity(range.count)
        for (offset, raw) in try self.labels.readDoubles(rows: range).enumerated() {
            guard let label = encoding.label(value: raw) else {
                let hint = raw == 0 ? " — pass --label-encoding 01 (or bool) if 0 means 'does not rearrange'" : ""
                throw ConversionError.badValue(file: self.labels.name, location: "row \(range.lowerBound + offset)", message: "label \(raw) is not \(encoding.expected)\(hint)")
            }
            labels.append(label)
        }
        let temperature: [Double]
        if let reader = self.temperature {
            temperature = try reader.readDoubles(rows: range)
            if let bad = temperature.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
                throw ConversionError.badValue(file: reader.name, location: "row \(range.lowerBound + bad)", message: "temperature \(temperature[bad]) is not positive and finite (energy units, k_B = 1)")
            }
        } else {
            temperature = [Double](repeating: constantTemperature ?? 0, count: range.count)
        }
        var split: [UInt8]?
        if let reader = self.split {
            let raw = try reader.readDoubles(rows: range)
            if let bad = raw.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw ConversionError.badValue(file: reader.name, location: "row \(range.lowerBound + bad)", message: "split \(raw[bad]) is not 0 (train) or 1 (test)")
            }
            split = raw.map { UInt8($0) }
        }
        var barrier: [Double]?
        if let reader = self.barrier {
            barrier = try reader.readDoubles(rows: range)
            if let bad = barrier?.firstIndex(where: { !$0.isFinite }) {
                throw ConversionError.badValue(file: reader.name, location: "row \(range.lowerBound + bad)", message: "non-finite barrier")
            }
        }
        start = range.upperBound
        return ParticleBlock(features: values, labels: labels, temperature: temperature, split: split, energyBarrier: barrier)
    }
}
