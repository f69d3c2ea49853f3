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

    private let destination: AtomicFile
    private var file: File?
    /// Set when a write failed and the temporary file was removed.
    private var abandoned = false
    private let features: Dataset
    private let labels: Dataset?
    private let temperature: Dataset?
    private let optional: [OptionalColumn: Dataset]

    /// Rows per chunk of every per-row dataset (features chunks are rows × d).
    public static let rowsPerChunk = 16_384

    /// Creates the table. `attributes` go on the root group next to `schema`, `schema_version`,
    /// `creator` and `created`. Throws `.outputExists` if `path` exists and `overwrite` is false.
    /// With `labelled` false the file is a *feature table* (`schema = "softness.features"`): the
    /// same layout without `/labels` and `/temperature`, for features computed before labels exist.
    public init(path: String, featureNames: [String], storage: FeatureStorage, optionalColumns: Set<OptionalColumn>,
                attributes: [String: AttributeValue] = [:], overwrite: Bool = false, deflateLevel: Int? = 1,
                labelled: Bool = true) throws {
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            throw ParticleTableError.outputExists(file: path)
        }
        self.path = path
        self.featureCount = featureNames.count
        let destination = AtomicFile(destination: path)
        self.destination = destination
        let file: File
        do {
            file = try File.create(destination.temporaryPath, mode: .truncate)
        } catch {
            throw destination.abandon(after: error)
        }
        self.file = file
        do {
            let schema = ParticleSchema.v1
            try file.setAttribute("schema", .string(labelled ? schema.schema : "softness.features"))
            try file.setAttribute("schema_version", .integer(schema.schemaVersion))
            try file.setAttribute("creator", .string("softness \(SoftnessVersion.current)"))
            try file.setAttribute("created", .string(ISO8601DateFormatter().string(from: Date())))
            for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
                try file.setAttribute(name, value)
            }
            let rows = DatasetOptions.rowChunked(Self.rowsPerChunk, deflateLevel: deflateLevel)
            switch storage {
            case .float32: features = try file.createDataset("features", of: Float.self, shape: [0, featureNames.count], options: rows)
            case .float64: features = try file.createDataset("features", of: Double.self, shape: [0, featureNames.count], options: rows)
            }
            try file.createStringDataset("feature_names", values: featureNames)
            labels = labelled ? try file.createDataset("labels", of: Int8.self, shape: [0], options: rows) : nil
            temperature = labelled ? try file.createDataset("temperature", of: Double.self, shape: [0], options: rows) : nil
            var optional: [OptionalColumn: Dataset] = [:]
            for column in optionalColumns {
                switch column {
                case .split: optional[column] = try file.createDataset(column.path, of: UInt8.self, shape: [0], options: rows)
                case .energyBarrier: optional[column] = try file.createDataset(column.path, of: Double.self, shape: [0], options: rows)
                case .frame, .particleID: optional[column] = try file.createDataset(column.path, of: Int64.self, shape: [0], options: rows)
                case .species: optional[column] = try file.createDataset(column.path, of: Int32.self, shape: [0], options: rows)
                }
            }
            self.optional = optional
        } catch {
            file.close()
            throw destination.abandon(after: error)
        }
    }

    /// The open file, for extra datasets (for example `/true_weights`) before `finish()`.
    public var root: Group? { file }

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
            .particleID: block.particleID?.count, .species: block.species?.count,
        ]
        for column in optional.keys.sorted(by: { $0.rawValue < $1.rawValue }) where lengths[column] != .some(n) {
            throw fail("block lacks \(n) values of \(column.path)")
        }
        guard let file else { throw fail(abandoned ? "the table was abandoned after an earlier write failed" : "the table is finished") }
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
                }
            }
        } catch {
            file.close()
            self.file = nil
            abandoned = true
            throw destination.abandon(after: error)
        }
        rowCount += n
    }

    /// Flushes, closes and atomically moves the finished table onto `path`.
    public func finish() throws {
        guard let file else {
            if abandoned { throw ParticleTableError.blockMismatch(file: path, message: "the table was abandoned after an earlier write failed") }
            return
        }
        self.file = nil
        do {
            for dataset in [features, labels, temperature].compactMap({ $0 }) + Array(optional.values) { dataset.close() }
            try file.closeAfterWriting()
        } catch {
            throw destination.abandon(after: error)
        }
        try destination.publish()
    }

    /// Abandons an unfinished table (removes the temporary file).
    deinit {
        file?.close()
        destination.discard()
    }
}

/// Version of this program, written into the files it creates.
public enum SoftnessVersion {
    public static let current = "0.1.0"
}
