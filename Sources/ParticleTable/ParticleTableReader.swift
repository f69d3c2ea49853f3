import Foundation
import HDF5
import Parallel
import SeededRandom

/// How `/labels` encodes rearrangement. Schema v1 uses ±1; the others are accepted only when the
/// user states them (`--label-encoding`, or `"label_encoding"` in a mapping file), so a mislabelled
/// file is never silently reinterpreted: a mismatch is an error naming the encoding the values look like.
public enum LabelEncoding: String, Sendable, CaseIterable {
    /// +1 rearranges, −1 does not (schema v1); integers, or floats +1.0/−1.0.
    case plusMinusOne = "pm1"
    /// 1 rearranges, 0 does not; integers, or floats 1.0/0.0. Mapped to ±1 on load.
    case zeroOne = "01"
    /// A bool dataset as h5py writes numpy bool (HDF5 enum FALSE = 0 / TRUE = 1): TRUE rearranges.
    case bool = "bool"

    /// Maps a stored integer label to ±1, or nil when the value is not valid in this encoding.
    @inline(__always) public func map(_ value: Int64) -> Double? {
        switch (self, value) {
        case (.plusMinusOne, 1), (.zeroOne, 1): return 1
        case (.plusMinusOne, -1), (.zeroOne, 0): return -1
        default: return nil
        }
    }

    /// Maps a stored integer or float label to ±1, or nil when the value is not valid in this encoding.
    @inline(__always) public func map(_ value: Double) -> Double? {
        switch (self, value) {
        case (.plusMinusOne, 1), (.zeroOne, 1): return 1
        case (.plusMinusOne, -1), (.zeroOne, 0): return -1
        default: return nil
        }
    }

    /// What the encoding accepts, for messages.
    public var expected: String {
        switch self {
        case .plusMinusOne: return "+1 or -1 (--label-encoding pm1)"
        case .zeroOne: return "1 or 0 (--label-encoding 01)"
        case .bool: return "a bool dataset, HDF5 enum FALSE/TRUE as h5py writes numpy bool (--label-encoding bool)"
        }
    }

    /// The encoding a value that is invalid in `self` looks like, if any.
    func suggestion(for value: Double) -> LabelEncoding? {
        switch value {
        case 0 where self != .zeroOne: return .zeroOne
        case -1 where self != .plusMinusOne: return .plusMinusOne
        default: return nil
        }
    }
}

/// A whole particle table in memory, labels as ±1 and features as Double (row-major).
public struct ParticleTableData: Sendable {
    public var path: String
    public var featureNames: [String]
    public var rows: Int
    public var featureCount: Int { featureNames.count }
    public var features: [Double]
    public var labels: [Double]
    public var temperature: [Double]
    /// Split per row (0 train, 1 test), nil when the file has no `/split`.
    public var split: [UInt8]?
    public var energyBarrier: [Double]?
    /// `/balanced` per row (1 = in the balanced training sample of `featurize --balance`), nil
    /// without it (and for mapped layouts).
    public var balanced: [UInt8]?
    /// The root attribute `population` (`TablePopulation`), nil when the table records none.
    public var population: String?
    /// How the features were stored in the file (float32 values are exact as Double).
    public var featureStorage: FeatureStorage = .float64
    /// FNV-1a 64-bit digest of the input datasets' values (see `ParticleTableReader.digest`).
    public var digest: String
}

/// Errors found while loading values (the structural checks are `ParticleTableError`).
public enum ParticleDataError: Error, CustomStringConvertible, Sendable {
    case invalidLabel(file: String, dataset: String, row: Int, value: Int64, encoding: LabelEncoding)
    case nonFinite(file: String, dataset: String, row: Int, column: Int?)
    case invalidSplit(file: String, dataset: String, row: Int, value: Int64)
    /// A finite temperature that is zero or negative (temperatures are in energy units, k_B = 1).
    case invalidTemperature(file: String, dataset: String, row: Int, value: Double)
    /// A mapped dataset is missing or has the wrong shape, or the mapping itself is malformed.
    case mapping(file: String, dataset: String?, message: String)
    /// A label value (integer or float) that the stated encoding does not accept.
    case invalidLabelValue(file: String, dataset: String, row: Int, value: Double, stored: String, encoding: LabelEncoding)
    /// The labels' stored type does not fit the stated encoding (a bool where pm1 or 01 was stated, or numbers where bool was).
    case labelType(file: String, dataset: String, stored: String, encoding: LabelEncoding, looksLike: LabelEncoding?)

    public var description: String {
        switch self {
        case .invalidLabel(let file, let dataset, let row, let value, let encoding):
            let hint = encoding == .plusMinusOne && (value == 0)
                ? " — the labels look like 0/1; pass --label-encoding 01 to read 1 as rearranging and 0 as not"
                : ""
            return "\(file): \(dataset): row \(row) holds \(value), expected \(encoding == .plusMinusOne ? "+1 or -1" : "0 or 1")\(hint)"
        case .nonFinite(let file, let dataset, let row, let column):
            return "\(file): \(dataset): non-finite value (NaN or Inf) at row \(row)\(column.map { ", column \($0)" } ?? "")"
        case .invalidSplit(let file, let dataset, let row, let value):
            return "\(file): \(dataset): row \(row) holds \(value), expected 0 (train) or 1 (test)"
        case .invalidTemperature(let file, let dataset, let row, let value):
            return "\(file): \(dataset): row \(row) holds temperature \(value); temperatures must be positive (k_B = 1, energy units; was 1/T stored by mistake?)"
        case .mapping(let file, let dataset, let message):
            return "\(file)\(dataset.map { ": \($0)" } ?? ""): \(message)"
        case .invalidLabelValue(let file, let dataset, let row, let value, let stored, let encoding):
            let integral = stored.hasPrefix("int") || stored.hasPrefix("uint")
            let shown = integral && value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            let hint = encoding.suggestion(for: value).map { " — the labels look like \($0.rawValue) (\($0.expected)); pass --label-encoding \($0.rawValue) (or \"label_encoding\": \"\($0.rawValue)\" in the mapping file)" }
                ?? " — that is no label in any encoding (pm1: +1/-1, 01: 1/0, bool: TRUE/FALSE)"
            return "\(file): \(dataset) (\(stored)): row \(row) holds \(shown), expected \(encoding.expected)\(hint)"
        case .labelType(let file, let dataset, let stored, let encoding, let looksLike):
            let hint = looksLike.map { " — the labels look like \($0.rawValue); pass --label-encoding \($0.rawValue) (or \"label_encoding\": \"\($0.rawValue)\" in the mapping file)" } ?? ""
            return "\(file): \(dataset) holds \(stored), but the label encoding is \(encoding.rawValue): expected \(encoding.expected)\(hint)"
        }
    }
}

/// Where the datasets of a particle table are inside an HDF5 file: the schema-v1 paths by default,
/// or any layout the user maps (`softness diagnose FILE --features /a --labels /b --temperature 0.5`,
/// or a mapping file), read without copying or changing the source file.
public struct DatasetMapping: Sendable, Equatable {
    /// Temperature per row from a dataset ([N] or [N, 1]), one value for every row, or one value
    /// stored as a scalar attribute `name` of the group or dataset `object` (written `OBJECT@NAME`).
    public enum TemperatureSource: Sendable, Equatable {
        case dataset(String)
        case value(Double)
        case attribute(object: String, name: String)

        /// Parses the command-line / mapping-file text: a number, `OBJECT@NAME` (an attribute; `@T`
        /// alone is attribute T of the root group), or a dataset path.
        public static func parse(_ text: String) -> TemperatureSource {
            if let value = Double(text) { return .value(value) }
            if let at = text.lastIndex(of: "@") {
                let object = String(text[..<at])
                return .attribute(object: object.isEmpty ? "/" : object, name: String(text[text.index(after: at)...]))
            }
            return .dataset(text)
        }
    }

    /// [N, d] (or [N] for one feature), any numeric type.
    public var features: String
    /// [d] strings; nil gives names `feature0`, `feature1`, ….
    public var featureNames: String?
    /// [N] integers.
    public var labels: String
    public var temperature: TemperatureSource
    /// [N] 0/1; nil means no split (rows are split at random by the diagnostic stages).
    public var split: String?
    /// [N] true barrier, if known.
    public var energyBarrier: String?
    /// How the labels are encoded, when the mapping file states it (`"label_encoding"`).
    public var labelEncoding: LabelEncoding?
    /// Features are stored [d, N] (one row per feature) and are read transposed.
    public var transpose: Bool
    /// True for the schema-v1 layout, whose optional datasets are used only when present and whose
    /// root attributes and shapes are checked against `ParticleSchema.v1`.
    public var isSchema: Bool

    public init(features: String, featureNames: String? = nil, labels: String, temperature: TemperatureSource,
                split: String? = nil, energyBarrier: String? = nil, labelEncoding: LabelEncoding? = nil, transpose: Bool = false) {
        self.features = features
        self.labelEncoding = labelEncoding
        self.transpose = transpose
        self.featureNames = featureNames
        self.labels = labels
        self.temperature = temperature
        self.split = split
        self.energyBarrier = energyBarrier
        self.isSchema = false
    }

    /// The schema-v1 layout (`/features`, `/feature_names`, `/labels`, `/temperature`, optional
    /// `/split` and `/energy_barrier`).
    public static let schemaV1: DatasetMapping = {
        var mapping = DatasetMapping(features: "/features", featureNames: "/feature_names", labels: "/labels",
                                     temperature: .dataset("/temperature"), split: "/split", energyBarrier: "/energy_barrier")
        mapping.isSchema = true
        return mapping
    }()

    /// One line naming the mapped datasets, e.g. "features /x (transposed), labels /y, temperature @T".
    public var summary: String {
        let t: String
        switch temperature {
        case .value(let value): t = "\(value) for every row"
        case .attribute(let object, let name): t = "\(object == "/" ? "" : object)@\(name)"
        case .dataset(let path): t = path
        }
        var parts = ["features \(features)\(transpose ? " (transposed)" : "")", "labels \(labels)", "temperature \(t)"]
        if let featureNames { parts.append("feature_names \(featureNames)") }
        if let labelEncoding { parts.append("label_encoding \(labelEncoding.rawValue)") }
        return parts.joined(separator: ", ")
    }

    /// Reads a mapping file: JSON with keys `features`, `labels`, `temperature` (a dataset path, a
    /// number, or `OBJECT@NAME` for a scalar attribute), and optionally `feature_names`, `split`,
    /// `energy_barrier`, `label_encoding` ("pm1", "01", "bool") and `transpose` (true for [d, N] features).
    public static func read(file: String) throws -> DatasetMapping {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ParticleDataError.mapping(file: file, dataset: nil, message: "cannot read the mapping file")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ParticleDataError.mapping(file: file, dataset: nil, message: "not a JSON object, e.g. {\"features\": \"/x\", \"labels\": \"/y\", \"temperature\": 0.45}")
        }
        let known: Set<String> = ["features", "feature_names", "labels", "temperature", "split", "energy_barrier", "label_encoding", "transpose"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw ParticleDataError.mapping(file: file, dataset: nil, message: "unknown key '\(unknown)'; known keys: \(known.sorted().joined(separator: ", "))")
        }
        func path(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value as? String, !text.isEmpty else {
                throw ParticleDataError.mapping(file: file, dataset: nil, message: "'\(key)' must be a dataset path")
            }
            return text
        }
        guard let features = try path("features"), let labels = try path("labels") else {
            throw ParticleDataError.mapping(file: file, dataset: nil, message: "'features' and 'labels' are required")
        }
        let temperature: TemperatureSource
        switch object["temperature"] {
        case let number as NSNumber: temperature = .value(number.doubleValue)
        case let text as String where !text.isEmpty: temperature = TemperatureSource.parse(text)
        default: throw ParticleDataError.mapping(file: file, dataset: nil, message: "'temperature' (a dataset path, a number, or OBJECT@ATTRIBUTE such as \"/@T\") is required")
        }
        var encoding: LabelEncoding?
        if let value = object["label_encoding"] {
            guard let text = value as? String, let parsed = LabelEncoding(rawValue: text) else {
                throw ParticleDataError.mapping(file: file, dataset: nil, message: "'label_encoding' must be one of \(LabelEncoding.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            encoding = parsed
        }
        var transpose = false
        if let value = object["transpose"] {
            guard let flag = value as? Bool else {
                throw ParticleDataError.mapping(file: file, dataset: nil, message: "'transpose' must be true or false")
            }
            transpose = flag
        }
        return DatasetMapping(features: features, featureNames: try path("feature_names"), labels: labels, temperature: temperature,
                              split: try path("split"), energyBarrier: try path("energy_barrier"), labelEncoding: encoding, transpose: transpose)
    }
}

/// Reads particle tables (schema v1, or any mapped layout) for the diagnostic stages.
public enum ParticleTableReader {
    /// Loads every row of the table at `path`, checking the layout, label encoding, split values
    /// and finiteness of features, temperature and barrier. Reads features in blocks of `blockRows`.
    /// A mapping whose paths hold globs reads every matching group and concatenates them (`GroupGlob`).
    public static func load(path: String, labels encoding: LabelEncoding = .plusMinusOne, mapping: DatasetMapping = .schemaV1,
                            blockRows: Int = 1 << 16) throws -> ParticleTableData {
        let file = try File.open(path)
        defer { file.close() }
        if mapping.isSchema { try ParticleSchema.v1.requireConforming(file) }
        if !mapping.isSchema, GroupGlob.isPattern(mapping) {
            let groups = try GroupGlob.expand(mapping, in: file, path: path)
            file.close()
            return try loadGroups(groups, path: path, labels: encoding, blockRows: blockRows)
        }
        func dataset(_ name: String) throws -> Dataset {
            guard file.isDataset(name) else {
                throw ParticleDataError.mapping(file: path, dataset: name, message: file.hasLink(name) ? "is not a dataset (a group, or a broken link)" : "no such dataset")
            }
            return try file.dataset(name)
        }
        /// Throws unless `set` holds `count` values, one per row: shape [count] or [count, 1].
        func requireLength(_ set: Dataset, _ count: Int, _ what: String = "one value per row of \(mapping.features)") throws {
            let shape = try set.shape()
            guard shape == [count] || shape == [count, 1] else {
                throw ParticleDataError.mapping(file: path, dataset: set.objectPath, message: "has shape \(shape), expected [\(count)] or [\(count), 1] (\(what))")
            }
        }
        let featuresSet = try dataset(mapping.features)
        let shape = try featuresSet.shape()
        let labelsSet = try dataset(mapping.labels)
        let labelShape = try labelsSet.shape()
        if mapping.transpose {
            guard shape.count == 2 else {
                throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "has shape \(shape); with --transpose (\"transpose\": true) the features must be [d, N], one row per feature")
            }
            if labelShape.first == shape[0] && labelShape.first != shape[1] && shape[0] > shape[1] {
                throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "has shape \(shape) and \(mapping.labels) has \(shape[0]) rows: the features are already [N, d]; drop --transpose (\"transpose\": true)")
            }
        } else {
            guard shape.count == 1 || shape.count == 2 else {
                throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "has shape \(shape); features must be [N, d] (or [N] for one feature)")
            }
            if shape.count == 2, let n = labelShape.first, labelShape.count <= 2, shape[0] != n, shape[1] == n, shape[0] < shape[1] {
                throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "has shape \(shape) but \(mapping.labels) has \(n) rows: the features look stored as [d, N] (one row per feature); pass --transpose (or \"transpose\": true in the mapping file) to read them as [N, d]")
            }
        }
        let rows = mapping.transpose ? shape[1] : shape[0], d = mapping.transpose ? shape[0] : (shape.count == 2 ? shape[1] : 1)
        let (values, overflow) = rows.multipliedReportingOverflow(by: max(d, 1))
        if overflow || !InputLimits.fitsInMemory(values, stride: MemoryLayout<Double>.stride) {
            throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "holds \(rows) × \(d) values (\(String(format: "%.1f GB", Double(rows) * Double(max(d, 1)) * 8 / 1e9)) in memory as float64), more than \(InputLimits.memoryBudgetDescription); use a subset of the rows, a machine with more memory, or (schema-v1 tables) diagnose, rfe or scan, which run out of core")
        }
        let featureType = try featuresSet.elementType()
        guard featureType.isFloatingPoint || featureType.isInteger else {
            throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "holds \(featureType); features must be numbers (integers or floats)")
        }
        var names = (0..<d).map { "feature\($0)" }
        if let namesPath = mapping.featureNames, !mapping.isSchema || file.hasLink(namesPath) {
            let set = try dataset(namesPath)
            try requireLength(set, d, "one name per feature column")
            names = try set.readStrings()
        }
        var digest = FNV1a64()

        // Every per-row dataset is read in blocks of `blockRows` rows straight into its final
        // array, so no whole-table transient (raw Int64 labels or split, converted copies) is
        // ever alive beside the feature matrix. Transposed features are read [d, block] at a
        // time and transposed into the final array.
        let blockStep = max(blockRows, 1)
        let features = try [Double](unsafeUninitializedCapacity: rows * d) { buffer, initialized in
            initialized = 0
            LargeBuffer.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            func block(_ range: Range<Int>) -> UnsafeMutableBufferPointer<Double> {
                UnsafeMutableBufferPointer(rebasing: buffer[(range.lowerBound * d)..<(range.upperBound * d)])
            }
            func read(_ range: Range<Int>) throws {
                if mapping.transpose {
                    let stored: [Double] = try featuresSet.readColumns(range)
                    let width = range.count, target = block(range)
                    for k in 0..<width { for j in 0..<d { target[k * d + j] = stored[j * width + k] } }
                } else {
                    try featuresSet.readRows(range, into: block(range))
                }
            }
            // The next block is read (on all cores) while the digest runs over this one.
            try Parallel.pipelined(rows: rows, blockRows: blockStep, read: { range, _ in try read(range) }) { range, _ in
                if let bad = digest.addCheckingFinite(UnsafeBufferPointer(block(range))) {
                    throw ParticleDataError.nonFinite(file: path, dataset: mapping.features, row: range.lowerBound + bad / max(d, 1), column: bad % max(d, 1))
                }
            }
            initialized = rows * d
        }
        try requireLength(labelsSet, rows)
        let labels = try readLabels(labelsSet, rows: rows, encoding: encoding, path: path, blockStep: blockStep)
        digest.add(labels)
        let temperature: [Double]
        switch mapping.temperature {
        case .value(let value):
            guard value.isFinite && value > 0 else {
                throw ParticleDataError.mapping(file: path, dataset: nil, message: "temperature \(value) must be positive and finite")
            }
            temperature = [Double](repeating: value, count: rows)
        case .attribute(let objectPath, let name):
            let value = try temperatureAttribute(file, object: objectPath, name: name, path: path)
            guard value.isFinite && value > 0 else {
                throw ParticleDataError.mapping(file: path, dataset: "\(objectPath)@\(name)", message: "temperature \(value) must be positive and finite (k_B = 1, energy units)")
            }
            temperature = [Double](repeating: value, count: rows)
        case .dataset(let name):
            let set = try dataset(name)
            try requireLength(set, rows)
            let type = try set.elementType()
            guard type.isFloatingPoint || type.isInteger else {
                throw ParticleDataError.mapping(file: path, dataset: name, message: "holds \(type); temperatures must be numbers")
            }
            temperature = try set.read()
            if let bad = temperature.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
                if temperature[bad].isFinite {
                    throw ParticleDataError.invalidTemperature(file: path, dataset: name, row: bad, value: temperature[bad])
                }
                throw ParticleDataError.nonFinite(file: path, dataset: name, row: bad, column: nil)
            }
        }
        digest.add(temperature)
        /// A per-row 0/1 column, read as Double so that floats (0.0/1.0, as numpy often writes
        /// them) are accepted too; `bad` makes the error for a row holding another value.
        func flags(_ name: String, bad: (Int, Double) -> ParticleDataError) throws -> [UInt8] {
            let set = try dataset(name)
            try requireLength(set, rows)
            var values = [UInt8](repeating: 0, count: rows)
            var start = 0
            while start < rows {
                let range = start..<min(rows, start + blockStep)
                let raw: [Double] = try set.readRows(range)
                if let k = raw.firstIndex(where: { $0 != 0 && $0 != 1 }) { throw bad(start + k, raw[k]) }
                for (offset, value) in raw.enumerated() { values[start + offset] = UInt8(value) }
                start = range.upperBound
            }
            return values
        }
        var split: [UInt8]?
        if let name = mapping.split, !mapping.isSchema || file.hasLink(name) {
            let values = try flags(name) { row, value in
                value.rounded() == value && abs(value) < 9e15
                    ? .invalidSplit(file: path, dataset: name, row: row, value: Int64(value))
                    : .mapping(file: path, dataset: name, message: "row \(row) holds \(value), expected 0 (train) or 1 (test)")
            }
            digest.add(values)
            split = values
        }
        // The balanced training sample of featurize --balance (schema v1 only).
        let balanced = mapping.isSchema && file.hasLink("/balanced")
            ? try flags("/balanced") { row, value in .mapping(file: path, dataset: "/balanced", message: "row \(row) holds \(value), expected 0 or 1") }
            : nil
        let population = mapping.isSchema ? (try file.attribute("population"))?.stringValue : nil
        var barrier: [Double]?
        if let name = mapping.energyBarrier, !mapping.isSchema || file.hasLink(name) {
            let set = try dataset(name)
            try requireLength(set, rows)
            let values: [Double] = try set.read()
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw ParticleDataError.nonFinite(file: path, dataset: name, row: bad, column: nil)
            }
            barrier = values
        }
        return ParticleTableData(path: path, featureNames: names, rows: rows, features: features, labels: labels,
                                 temperature: temperature, split: split, energyBarrier: barrier, balanced: balanced, population: population,
                                 featureStorage: featureType == .float(bytes: 4) ? .float32 : .float64, digest: digest.hex)
    }

    /// Reads the labels as ±1 in the stated encoding: integers or floats for pm1 and 01, a bool
    /// enum (FALSE/TRUE, as h5py writes numpy bool) for bool. Any mismatch is an error.
    static func readLabels(_ set: Dataset, rows: Int, encoding: LabelEncoding, path: String, blockStep: Int) throws -> [Double] {
        let name = set.objectPath
        var labels = [Double](repeating: 0, count: rows)
        if let members = try set.enumMembers() {
            let listed = members.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
            guard let yes = members.first(where: { $0.name.uppercased() == "TRUE" }), let no = members.first(where: { $0.name.uppercased() == "FALSE" }), members.count == 2 else {
                throw ParticleDataError.mapping(file: path, dataset: name, message: "holds an enum (\(listed)); labels must be numbers or a bool (enum FALSE/TRUE, as h5py writes numpy bool)")
            }
            guard encoding == .bool else {
                throw ParticleDataError.labelType(file: path, dataset: name, stored: "a bool (HDF5 enum \(listed), as h5py writes numpy bool)", encoding: encoding, looksLike: .bool)
            }
            var start = 0
            while start < rows {
                let range = start..<min(rows, start + blockStep)
                for (offset, code) in try set.readEnumRows(range).enumerated() {
                    switch code {
                    case yes.value: labels[start + offset] = 1
                    case no.value: labels[start + offset] = -1
                    default:
                        throw ParticleDataError.mapping(file: path, dataset: name, message: "row \(start + offset) holds \(code), which is neither TRUE (\(yes.value)) nor FALSE (\(no.value))")
                    }
                }
                start = range.upperBound
            }
            return labels
        }
        let stored = try set.elementType()
        guard stored.isInteger || stored.isFloatingPoint else {
            throw ParticleDataError.mapping(file: path, dataset: name, message: "holds \(stored); labels must be integers, floats or a bool")
        }
        guard encoding != .bool else {
            // Say which encoding the numbers look like, from the first block.
            let first: [Double] = try set.readRows(0..<min(rows, blockStep))
            let looks: LabelEncoding? = first.allSatisfy { $0 == 0 || $0 == 1 } ? .zeroOne : first.allSatisfy { $0 == 1 || $0 == -1 } ? .plusMinusOne : nil
            throw ParticleDataError.labelType(file: path, dataset: name, stored: "\(stored) numbers, not a bool", encoding: encoding, looksLike: looks)
        }
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + blockStep)
            let raw: [Double] = try set.readRows(range)
            for (offset, value) in raw.enumerated() {
                guard let label = encoding.map(value) else {
                    throw ParticleDataError.invalidLabelValue(file: path, dataset: name, row: start + offset, value: value, stored: stored.description, encoding: encoding)
                }
                labels[start + offset] = label
            }
            start = range.upperBound
        }
        return labels
    }

    /// The temperature stored as the scalar attribute `name` of the group or dataset `object`.
    static func temperatureAttribute(_ file: File, object: String, name: String, path: String) throws -> Double {
        let holder: any AttributeHolder
        if file.isGroup(object) {
            holder = try file.group(object)
        } else if file.isDataset(object) {
            holder = try file.dataset(object)
        } else {
            throw ParticleDataError.mapping(file: path, dataset: object, message: "no such group or dataset (the temperature was given as the attribute '\(name)' of \(object), written \(object)@\(name))")
        }
        guard let value = try holder.attribute(name) else {
            let present = try holder.attributeNames()
            throw ParticleDataError.mapping(file: path, dataset: object, message: "has no attribute '\(name)' (the temperature \(object)@\(name)); its attributes: \(present.isEmpty ? "none" : present.joined(separator: ", "))")
        }
        guard let number = value.realValue else {
            throw ParticleDataError.mapping(file: path, dataset: "\(object)@\(name)", message: "holds \(value.description), expected one number (the temperature)")
        }
        return number
    }
}

/// FNV-1a over 64-bit words, each word first passed through the SplitMix64 finalizer: a fast
/// fingerprint of the input values, recorded with every result so a run can be matched to the
/// exact data it saw. Not cryptographic. (Plain FNV-1a on whole words does not diffuse high bits:
/// flipping a sign bit — a label +1 ↔ −1 — changed only the top bit of the digest.)
public struct FNV1a64: Sendable {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Adds `values` in order (the digest of a sequence is that of its pieces added in order).
    public mutating func add(_ values: [Double]) {
        var h = state
        for value in values {
            h = (h ^ mix64(value.bitPattern)) &* 0x0000_0100_0000_01b3
        }
        state = h
    }

    /// Adds `values` in order, as `add(_:)`, and returns the index of the first NaN or ±Inf among
    /// them (nil: all finite): the reader's digest and finiteness check in one pass.
    mutating func addCheckingFinite(_ values: UnsafeBufferPointer<Double>) -> Int? {
        let exponent: UInt64 = 0x7ff0_0000_0000_0000  // all ones only for ±Inf and NaN
        var h = state, top: UInt64 = 0
        for value in values {
            h = (h ^ mix64(value.bitPattern)) &* 0x0000_0100_0000_01b3
            top = max(top, value.bitPattern & exponent)
        }
        guard top == exponent else {
            state = h
            return nil
        }
        return values.firstIndex { !$0.isFinite }
    }

    /// The same as `add(values.map(Double.init))`, without the Double copy.
    public mutating func add(_ values: [UInt8]) {
        var h = state
        for value in values {
            h = (h ^ mix64(Double(value).bitPattern)) &* 0x0000_0100_0000_01b3
        }
        state = h
    }

    public var hex: String { "fnv1a64m:" + String(state, radix: 16) }
}
