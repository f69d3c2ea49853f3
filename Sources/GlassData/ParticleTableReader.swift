import Foundation
import HDF5

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
    case invalidLabel(file: String, row: Int, value: Int64, encoding: LabelEncoding)
    case nonFinite(file: String, dataset: String, row: Int, column: Int?)
    case invalidSplit(file: String, row: Int, value: Int64)

    public var description: String {
        switch self {
        case .invalidLabel(let file, let row, let value, let encoding):
            let hint = encoding == .plusMinusOne && (value == 0)
                ? " — the labels look like 0/1; pass --labels 01 to read 1 as rearranging and 0 as not"
                : ""
            return "\(file): /labels: row \(row) holds \(value), expected \(encoding == .plusMinusOne ? "+1 or -1" : "0 or 1")\(hint)"
        case .nonFinite(let file, let dataset, let row, let column):
            return "\(file): \(dataset): non-finite value (NaN or Inf) at row \(row)\(column.map { ", column \($0)" } ?? "")"
        case .invalidSplit(let file, let row, let value):
            return "\(file): /split: row \(row) holds \(value), expected 0 (train) or 1 (test)"
        }
    }
}

/// Reads particle tables (schema v1) for the diagnostic stages.
public enum ParticleTableReader {
    /// Loads every row of the table at `path`, checking the schema, label encoding, split values
    /// and finiteness of features, temperature and barrier. Reads in blocks of `blockRows`.
    public static func load(path: String, labels encoding: LabelEncoding = .plusMinusOne, blockRows: Int = 1 << 18) throws -> ParticleTableData {
        let file = try File.open(path)
        defer { file.close() }
        try ParticleSchema.v1.requireConforming(file)
        let featuresSet = try file.dataset("features")
        let shape = try featuresSet.shape()
        let (rows, d) = (shape[0], shape[1])
        let names = try file.dataset("feature_names").readStrings()
        var digest = FNV1a64()

        var features = [Double]()
        features.reserveCapacity(rows * d)
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + blockRows)
            let block: [Double] = try featuresSet.readRows(range)
            if let bad = block.firstIndex(where: { !$0.isFinite }) {
                throw ParticleDataError.nonFinite(file: path, dataset: "/features", row: start + bad / max(d, 1), column: bad % max(d, 1))
            }
            digest.add(block)
            features += block
            start = range.upperBound
        }
        let rawLabels: [Int64] = try file.dataset("labels").read()
        var labels = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            guard let value = encoding.map(rawLabels[i]) else {
                throw ParticleDataError.invalidLabel(file: path, row: i, value: rawLabels[i], encoding: encoding)
            }
            labels[i] = value
        }
        digest.add(labels)
        let temperature: [Double] = try file.dataset("temperature").read()
        if let bad = temperature.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw ParticleDataError.nonFinite(file: path, dataset: "/temperature (must be positive and finite)", row: bad, column: nil)
        }
        digest.add(temperature)
        var split: [UInt8]?
        if file.isDataset("split") {
            let raw: [Int64] = try file.dataset("split").read()
            if let bad = raw.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw ParticleDataError.invalidSplit(file: path, row: bad, value: raw[bad])
            }
            split = raw.map { UInt8($0) }
            digest.add(raw.map(Double.init))
        }
        var barrier: [Double]?
        if file.isDataset("energy_barrier") {
            let values: [Double] = try file.dataset("energy_barrier").read()
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw ParticleDataError.nonFinite(file: path, dataset: "/energy_barrier", row: bad, column: nil)
            }
            barrier = values
        }
        return ParticleTableData(path: path, featureNames: names, rows: rows, features: features, labels: labels,
                                 temperature: temperature, split: split, energyBarrier: barrier, digest: digest.hex)
    }
}

/// FNV-1a over 64-bit words: a fast, dependency-free fingerprint of the input values, recorded
/// with every result so a run can be matched to the exact data it saw. Not cryptographic.
public struct FNV1a64: Sendable {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ values: [Double]) {
        var h = state
        for value in values {
            h = (h ^ value.bitPattern) &* 0x0000_0100_0000_01b3
        }
        state = h
    }

    public var hex: String { "fnv1a64:" + String(state, radix: 16) }
}
