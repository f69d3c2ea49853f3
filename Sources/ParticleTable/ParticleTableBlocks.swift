import Foundation
import HDF5

/// Reads a schema-v1 particle table column by column in row blocks, for streaming it out in
/// bounded memory (`softness convert`). Every value read is checked as `ParticleTableReader.load`
/// checks it: finite features, temperature and barrier, labels ±1, split 0/1, positive temperature.
public final class ParticleTableBlocks {
    /// The table file.
    public let path: String
    /// Column names of `/features`.
    public let featureNames: [String]
    /// Number of rows N.
    public let rows: Int
    /// How `/features` is stored (float32 values read as Double are exact).
    public let storage: FeatureStorage
    /// True when the table has `/split`.
    public var hasSplit: Bool { split != nil }
    /// True when the table has `/energy_barrier`.
    public var hasEnergyBarrier: Bool { barrier != nil }
    /// True when the table has `/balanced` (the balanced training sample of `featurize --balance`).
    public var hasBalanced: Bool { balanced != nil }
    /// The table's `population` attribute (`TablePopulation`), nil without one.
    public let population: String?

    private let file: File
    private let features: Dataset
    private let labels: Dataset
    private let temperature: Dataset
    private let split: Dataset?
    private let barrier: Dataset?
    private let balanced: Dataset?

    /// Opens the table and checks it against the schema (shapes of every per-row dataset included).
    public init(path: String) throws {
        self.path = path
        let file = try File.open(path)
        self.file = file
        do {
            try ParticleSchema.v1.requireConforming(file)
            features = try file.dataset("features")
            let shape = try features.shape()
            rows = shape[0]
            let d = shape.count > 1 ? shape[1] : 1
            storage = try features.elementType() == .float(bytes: 4) ? .float32 : .float64
            featureNames = try file.dataset("feature_names").readStrings()
            labels = try file.dataset("labels")
            temperature = try file.dataset("temperature")
            split = file.isDataset("split") ? try file.dataset("split") : nil
            barrier = file.isDataset("energy_barrier") ? try file.dataset("energy_barrier") : nil
            balanced = file.isDataset("balanced") ? try file.dataset("balanced") : nil
            population = (try file.attribute("population"))?.stringValue
            guard featureNames.count == d else {
                throw ParticleDataError.mapping(file: path, dataset: "/feature_names", message: "holds \(featureNames.count) names for \(d) feature columns")
            }
            for (name, set) in [("/labels", labels), ("/temperature", temperature), ("/split", split), ("/energy_barrier", barrier), ("/balanced", balanced)] {
                if let set, try set.shape() != [rows] {
                    throw ParticleDataError.mapping(file: path, dataset: name, message: "has shape \(try set.shape()), expected [\(rows)] (one value per row of /features)")
                }
            }
        } catch {
            file.close()
            throw error
        }
    }

    deinit { file.close() }

    /// Features of `range`, row-major.
    public func features(_ range: Range<Int>) throws -> [Double] {
        let block: [Double] = try features.readRows(range)
        let d = max(featureCount, 1)
        if let bad = block.firstIndex(where: { !$0.isFinite }) {
            throw ParticleDataError.nonFinite(file: path, dataset: "/features", row: range.lowerBound + bad / d, column: bad % d)
        }
        return block
    }

    /// Labels of `range` (±1).
    public func labels(_ range: Range<Int>) throws -> [Int8] {
        let raw: [Int64] = try labels.readRows(range)
        if let bad = raw.firstIndex(where: { $0 != 1 && $0 != -1 }) {
            throw ParticleDataError.invalidLabel(file: path, dataset: "/labels", row: range.lowerBound + bad, value: raw[bad], encoding: .plusMinusOne)
        }
        return raw.map { Int8($0) }
    }

    /// Temperatures of `range` (positive, finite).
    public func temperature(_ range: Range<Int>) throws -> [Double] {
        let values: [Double] = try temperature.readRows(range)
        if let bad = values.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            if values[bad].isFinite {
                throw ParticleDataError.invalidTemperature(file: path, dataset: "/temperature", row: range.lowerBound + bad, value: values[bad])
            }
            throw ParticleDataError.nonFinite(file: path, dataset: "/temperature", row: range.lowerBound + bad, column: nil)
        }
        return values
    }

    /// Split of `range` (0 train, 1 test), nil without `/split`.
    public func split(_ range: Range<Int>) throws -> [UInt8]? {
        guard let split else { return nil }
        let raw: [Int64] = try split.readRows(range)
        if let bad = raw.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw ParticleDataError.invalidSplit(file: path, dataset: "/split", row: range.lowerBound + bad, value: raw[bad])
        }
        return raw.map { UInt8($0) }
    }

    /// `/balanced` of `range` (1 = in the balanced training sample), nil without it.
    public func balanced(_ range: Range<Int>) throws -> [UInt8]? {
        guard let balanced else { return nil }
        let raw: [Double] = try balanced.readRows(range)
        if let bad = raw.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw ParticleDataError.mapping(file: path, dataset: "/balanced", message: "row \(range.lowerBound + bad) holds \(raw[bad]), expected 0 or 1")
        }
        return raw.map { UInt8($0) }
    }

    /// True barriers of `range`, nil without `/energy_barrier`.
    public func energyBarrier(_ range: Range<Int>) throws -> [Double]? {
        guard let barrier else { return nil }
        let values: [Double] = try barrier.readRows(range)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ParticleDataError.nonFinite(file: path, dataset: "/energy_barrier", row: range.lowerBound + bad, column: nil)
        }
        return values
    }
}
