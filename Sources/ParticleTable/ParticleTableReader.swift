import Foundation
import HDF5
import SeededRandom

/// How `/labels` encodes rearrangement. Schema v1 uses ±1; 0/1 (or bool) is accepted only when
/// the user asks for it, so a mislabelled file is never silently reinterpreted.
public enum LabelEncoding: String, Sendable, CaseIterable {
    /// +1 rearranges, −1 does not (schema v1).
    case plusMinusOne = "pm1"
    /// 1 rearranges, 0 does not (also bool datasets), mapped to ±1 on load.
    case zeroOne = "01"

    /// Maps a stored label to ±1, or nil when the value is not valid in this encoding.
    @inline(__always) public func map(_ value: Int64) -> Double? {
        switch (self, value) {
        case (.plusMinusOne, 1), (.zeroOne, 1): return 1
        case (.plusMinusOne, -1), (.zeroOne, 0): return -1
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
        }
    }
}

/// Where the datasets of a particle table are inside an HDF5 file: the schema-v1 paths by default,
/// or any layout the user maps (`softness diagnose FILE --features /a --labels /b --temperature 0.5`,
/// or a mapping file), read without copying or changing the source file.
public struct DatasetMapping: Sendable, Equatable {
    /// Temperature per row from a dataset, or one value for every row.
    public enum TemperatureSource: Sendable, Equatable {
        case dataset(String)
        case value(Double)
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
    /// True for the schema-v1 layout, whose optional datasets are used only when present and whose
    /// root attributes and shapes are checked against `ParticleSchema.v1`.
    public var isSchema: Bool

    public init(features: String, featureNames: String? = nil, labels: String, temperature: TemperatureSource,
                split: String? = nil, energyBarrier: String? = nil) {
        self.features = features
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

    /// Reads a mapping file: JSON with keys `features`, `labels`, `temperature` (a dataset path or a
    /// number), and optionally `feature_names`, `split`, `energy_barrier`.
    public static func read(file: String) throws -> DatasetMapping {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ParticleDataError.mapping(file: file, dataset: nil, message: "cannot read the mapping file")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ParticleDataError.mapping(file: file, dataset: nil, message: "not a JSON object, e.g. {\"features\": \"/x\", \"labels\": \"/y\", \"temperature\": 0.45}")
        }
        let known: Set<String> = ["features", "feature_names", "labels", "temperature", "split", "energy_barrier"]
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
        case let text as String: temperature = Double(text).map { .value($0) } ?? .dataset(text)
        default: throw ParticleDataError.mapping(file: file, dataset: nil, message: "'temperature' (a dataset path or a number) is required")
        }
        return DatasetMapping(features: features, featureNames: try path("feature_names"), labels: labels, temperature: temperature,
                              split: try path("split"), energyBarrier: try path("energy_barrier"))
    }
}

/// Reads particle tables (schema v1, or any mapped layout) for the diagnostic stages.
public enum ParticleTableReader {
    /// Loads every row of the table at `path`, checking the layout, label encoding, split values
    /// and finiteness of features, temperature and barrier. Reads features in blocks of `blockRows`.
    public static func load(path: String, labels encoding: LabelEncoding = .plusMinusOne, mapping: DatasetMapping = .schemaV1,
                            blockRows: Int = 1 << 16) throws -> ParticleTableData {
        let file = try File.open(path)
        defer { file.close() }
        if mapping.isSchema { try ParticleSchema.v1.requireConforming(file) }
        func dataset(_ name: String) throws -> Dataset {
            guard file.isDataset(name) else {
                throw ParticleDataError.mapping(file: path, dataset: name, message: file.hasLink(name) ? "is not a dataset (a group, or a broken link)" : "no such dataset")
            }
            return try file.dataset(name)
        }
        /// Throws unless `set` is one-dimensional with `count` entries.
        func requireLength(_ set: Dataset, _ count: Int, _ what: String = "one value per row of \(mapping.features)") throws {
            let shape = try set.shape()
            guard shape == [count] else {
                throw ParticleDataError.mapping(file: path, dataset: set.objectPath, message: "has shape \(shape), expected [\(count)] (\(what))")
            }
        }
        let featuresSet = try dataset(mapping.features)
        let shape = try featuresSet.shape()
        guard shape.count == 1 || shape.count == 2 else {
            throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "has shape \(shape); features must be [N, d] (or [N] for one feature)")
        }
        let rows = shape[0], d = shape.count == 2 ? shape[1] : 1
        let (values, overflow) = rows.multipliedReportingOverflow(by: max(d, 1))
        if overflow || !InputLimits.fitsInMemory(values, stride: MemoryLayout<Double>.stride) {
            throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "holds \(rows) × \(d) values (\(String(format: "%.1f GB", Double(rows) * Double(max(d, 1)) * 8 / 1e9)) in memory as float64), more than \(InputLimits.memoryBudgetDescription); use a subset of the rows or a machine with more memory")
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
        // ever alive beside the feature matrix.
        let blockStep = max(blockRows, 1)
        var features = [Double]()
        features.reserveCapacity(rows * d)
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + blockStep)
            let block: [Double] = try featuresSet.readRows(range)
            if let bad = block.firstIndex(where: { !$0.isFinite }) {
                throw ParticleDataError.nonFinite(file: path, dataset: mapping.features, row: start + bad / max(d, 1), column: bad % max(d, 1))
            }
            digest.add(block)
            features += block
            start = range.upperBound
        }
        let labelsSet = try dataset(mapping.labels)
        try requireLength(labelsSet, rows)
        var labels = [Double](repeating: 0, count: rows)
        start = 0
        while start < rows {
            let range = start..<min(rows, start + blockStep)
            let rawLabels: [Int64] = try labelsSet.readRows(range)
            for (offset, raw) in rawLabels.enumerated() {
                guard let value = encoding.map(raw) else {
                    throw ParticleDataError.invalidLabel(file: path, dataset: mapping.labels, row: start + offset, value: raw, encoding: encoding)
                }
                labels[start + offset] = value
            }
            start = range.upperBound
        }
        digest.add(labels)
        let temperature: [Double]
        switch mapping.temperature {
        case .value(let value):
            guard value.isFinite && value > 0 else {
                throw ParticleDataError.mapping(file: path, dataset: nil, message: "temperature \(value) must be positive and finite")
            }
            temperature = [Double](repeating: value, count: rows)
        case .dataset(let name):
            let set = try dataset(name)
            try requireLength(set, rows)
            temperature = try set.read()
            if let bad = temperature.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
                if temperature[bad].isFinite {
                    throw ParticleDataError.invalidTemperature(file: path, dataset: name, row: bad, value: temperature[bad])
                }
                throw ParticleDataError.nonFinite(file: path, dataset: name, row: bad, column: nil)
            }
        }
        digest.add(temperature)
        var split: [UInt8]?
        if let name = mapping.split, !mapping.isSchema || file.hasLink(name) {
            let set = try dataset(name)
            try requireLength(set, rows)
            var values = [UInt8](repeating: 0, count: rows)
            var start = 0
            while start < rows {
                let range = start..<min(rows, start + blockStep)
                let raw: [Int64] = try set.readRows(range)
                if let bad = raw.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                    throw ParticleDataError.invalidSplit(file: path, dataset: name, row: start + bad, value: raw[bad])
                }
                for (offset, value) in raw.enumerated() { values[start + offset] = UInt8(value) }
                start = range.upperBound
            }
            digest.add(values)
            split = values
        }
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
                                 temperature: temperature, split: split, energyBarrier: barrier, digest: digest.hex)
    }
}

/// FNV-1a over 64-bit words, each word first passed through the SplitMix64 finalizer: a fast
/// fingerprint of the input values, recorded with every result so a run can be matched to the
/// exact data it saw. Not cryptographic. (Plain FNV-1a on whole words does not diffuse high bits:
/// flipping a sign bit — a label +1 ↔ −1 — changed only the top bit of the digest.)
public struct FNV1a64: Sendable {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ values: [Double]) {
        var h = state
        for value in values {
            h = (h ^ mix64(value.bitPattern)) &* 0x0000_0100_0000_01b3
        }
        state = h
    }

    /// The same as `add(values.map(Double.init))`, without the Double copy.
    mutating func add(_ values: [UInt8]) {
        var h = state
        for value in values {
            h = (h ^ mix64(Double(value).bitPattern)) &* 0x0000_0100_0000_01b3
        }
        state = h
    }

    public var hex: String { "fnv1a64m:" + String(state, radix: 16) }
}
