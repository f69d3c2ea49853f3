import Foundation
import HDF5

/// Writes a particle table (schema v1) block by block, in bounded memory.
///
/// Crash safety: everything is written to a hidden temporary file beside the output
/// (`AtomicFile`), which is fsync'ed and renamed onto the output path only by `finish()`. A
/// process killed mid-write leaves the output path untouched (at worst a stray partial file).
public final class ParticleTableWriter {
    /// Final output path.
    public let path: String
    /// Number of feature columns.
    public let featureCount: Int
    /// Rows written so far.
    public private(set) var rowCount = 0

    private let output: AtomicHDF5Output
    private let features: Dataset
    private let labels: Dataset?
    private let temperature: Dataset?
    /// In `OptionalColumn.allCases` order: every file gets its datasets created, written and
    /// closed in one order (a Set's order changes from process to process, and with it the bytes).
    private let optional: [(column: OptionalColumn, dataset: Dataset)]

    /// Rows per chunk of every per-row dataset (features chunks are rows × d).
    public static let rowsPerChunk = 16_384

    /// Creates the table. `attributes` go on the root group next to `schema`, `schema_version`,
    /// `creator` and `created`. Throws `.outputExists` if `path` exists and `overwrite` is false.
    /// With `labelled` false the file is a *feature table* (`schema = "softness.features"`): the
    /// same layout without `/labels` and `/temperature`, for features computed before labels exist.
    public init(path: String, featureNames: [String], storage: FeatureStorage, optionalColumns: Set<OptionalColumn>,
                attributes: [String: AttributeValue] = [:], overwrite: Bool = false, deflateLevel: Int? = 1, labelled: Bool = true) throws {
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw ParticleTableError.outputExists(file: path)
        }
        self.path = path
        self.featureCount = featureNames.count
        let schema = ParticleSchema.v1
        let output = try AtomicHDF5Output(path: path, schema: labelled ? schema.schema : "softness.features",
                                          schemaVersion: schema.schemaVersion, attributes: attributes)
        self.output = output
        guard let file = output.file else { throw ParticleTableError.blockMismatch(file: path, message: "the table could not be created") }
        do {
            let rows = DatasetOptions.rowChunked(Self.rowsPerChunk, deflateLevel: deflateLevel)
            switch storage {
            case .float32: features = try file.createDataset("features", of: Float.self, shape: [0, featureNames.count], options: rows)
            case .float64: features = try file.createDataset("features", of: Double.self, shape: [0, featureNames.count], options: rows)
            }
            try file.createStringDataset("feature_names", values: featureNames)
            labels = labelled ? try file.createDataset("labels", of: Int8.self, shape: [0], options: rows) : nil
            temperature = labelled ? try file.createDataset("temperature", of: Double.self, shape: [0], options: rows) : nil
            optional = try OptionalColumn.allCases.filter(optionalColumns.contains).map { column in
                switch column {
                case .split, .balanced: (column, try file.createDataset(column.path, of: UInt8.self, shape: [0], options: rows))
                case .energyBarrier: (column, try file.createDataset(column.path, of: Double.self, shape: [0], options: rows))
                case .frame, .particleID: (column, try file.createDataset(column.path, of: Int64.self, shape: [0], options: rows))
                case .species: (column, try file.createDataset(column.path, of: Int32.self, shape: [0], options: rows))
                }
            }
        } catch {
            throw output.abandon(after: error)
        }
    }

    /// The open file, for extra datasets (for example `/true_weights`) before `finish()`.
    public var root: Group? { output.file }

    /// Appends a block of rows. Every present column must have one entry per row, and the
    /// block must carry exactly the optional columns the table was created with.
    public func append(_ block: ParticleBlock) throws {
        // A feature table has no labels: its row count comes from the features.
        let n = labels == nil ? block.features.count / max(featureCount, 1) : block.rowCount
        func fail(_ message: String) -> ParticleTableError { .blockMismatch(file: path, message: message) }
        guard block.features.count == n * featureCount else {
            throw fail("block has \(block.features.count) feature values for \(n) rows × \(featureCount) features")
        }
        guard labels == nil || block.temperature.count == n else { throw fail("block has \(block.temperature.count) temperatures for \(n) rows") }
        // Check every column before writing any, so a bad block leaves the table unchanged.
        let lengths: [OptionalColumn: Int?] = [
            .split: block.split?.count, .energyBarrier: block.energyBarrier?.count, .frame: block.frame?.count,
            .particleID: block.particleID?.count, .species: block.species?.count, .balanced: block.balanced?.count,
        ]
        for (column, _) in optional where lengths[column] != .some(n) {
            throw fail("block lacks \(n) values of \(column.path)")
        }
        guard output.file != nil else { throw fail(output.abandoned ? "the table was abandoned after an earlier write failed" : "the table is finished") }
        do {
            try features.append(block.features)
            try labels?.append(block.labels)
            try temperature?.append(block.temperature)
            for (column, dataset) in optional {
                switch column {
                case .split: try dataset.append(block.split ?? [])
                case .energyBarrier: try dataset.append(block.energyBarrier ?? [])
                case .frame: try dataset.append(block.frame ?? [])
                case .particleID: try dataset.append(block.particleID ?? [])
                case .species: try dataset.append(block.species ?? [])
                case .balanced: try dataset.append(block.balanced ?? [])
                }
            }
        } catch {
            throw output.abandon(after: error)
        }
        rowCount += n
    }

    /// Flushes, closes and atomically moves the finished table onto `path`; an unfinished
    /// table is removed when the writer goes.
    public func finish() throws {
        if output.abandoned { throw ParticleTableError.blockMismatch(file: path, message: "the table was abandoned after an earlier write failed") }
        try output.finish(closing: [features, labels, temperature].compactMap { $0 } + optional.map(\.dataset))
    }
}

/// Version of this program, written into the files it creates.
public enum SoftnessVersion {
    public static let current = "0.1.0"
}
