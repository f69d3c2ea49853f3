import HDF5

/// What `softness inspect` reports about a particle table: schema, sizes, features, counts and
/// class balance per temperature and split, optional datasets and result runs.
public struct ParticleTableSummary: Codable, Sendable {
    /// Row counts for one temperature and split.
    public struct Cell: Codable, Sendable, Equatable {
        public var temperature: Double
        /// "train", "test", or "all" when the file has no `/split`.
        public var split: String
        public var rows: Int
        /// Rows with R = +1.
        public var rearranging: Int
        /// Rows with R = -1.
        public var notRearranging: Int
        /// Rows with any other label value (invalid in schema v1).
        public var otherLabels: Int
        /// Fraction of rows with R = +1.
        public var rearrangingFraction: Double { rows > 0 ? Double(rearranging) / Double(rows) : 0 }

        enum CodingKeys: String, CodingKey {
            case temperature, split, rows, rearranging, notRearranging = "not_rearranging", otherLabels = "other_labels"
        }
    }

    public var file: String
    public var schema: String?
    public var schemaVersion: Int?
    public var rows: Int
    public var featureCount: Int
    public var featureNames: [String]
    /// Stored element type of `/features`, e.g. "float32".
    public var featureStorage: String
    public var optionalDatasets: [String]
    public var cells: [Cell]
    public var resultRuns: [String]
    /// Root attributes other than the schema's own, as text.
    public var attributes: [String: String]

    enum CodingKeys: String, CodingKey {
        case file, schema, schemaVersion = "schema_version", rows, featureCount = "feature_count"
        case featureNames = "feature_names", featureStorage = "feature_storage", optionalDatasets = "optional_datasets"
        case cells = "counts", resultRuns = "result_runs", attributes
    }

    /// Reads the summary of the particle table at `path`, streaming the per-row columns in
    /// blocks of `blockRows`. Throws `ParticleTableError.notAParticleTable` listing every
    /// missing or malformed dataset when the file does not follow the schema.
    public static func read(path: String, blockRows: Int = 1 << 20) throws -> ParticleTableSummary {
        let file = try File.open(path)
        defer { file.close() }
        let schema = ParticleSchema.v1
        try schema.requireConforming(file)
        let features = try file.dataset("features")
        let shape = try features.shape()
        let rows = shape[0]
        let labels = try file.dataset("labels")
        let temperature = try file.dataset("temperature")
        let split = file.isDataset("split") ? try file.dataset("split") : nil

        struct Key: Hashable { let temperature: Double; let split: Int }
        var counts: [Key: Cell] = [:]
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + blockRows)
            let blockLabels: [Int64] = try labels.readRows(range)
            let blockTemperature: [Double] = try temperature.readRows(range)
            let blockSplit: [Int64]? = try split?.readRows(range)
            for i in 0..<range.count {
                let splitValue = blockSplit.map { Int($0[i]) } ?? -1
                let key = Key(temperature: blockTemperature[i], split: splitValue)
                var cell = counts[key] ?? Cell(temperature: key.temperature, split: Self.splitName(splitValue),
                                               rows: 0, rearranging: 0, notRearranging: 0, otherLabels: 0)
                cell.rows += 1
                switch blockLabels[i] {
                case 1: cell.rearranging += 1
                case -1: cell.notRearranging += 1
                default: cell.otherLabels += 1
                }
                counts[key] = cell
            }
            start = range.upperBound
        }
        let cells = counts.sorted { ($0.key.temperature, $0.key.split) < ($1.key.temperature, $1.key.split) }.map(\.value)
        var attributes: [String: String] = [:]
        for name in try file.attributeNames() where !["schema", "schema_version"].contains(name) {
            if let value = try file.attribute(name) { attributes[name] = value.description }
        }
        // Runs live in the results file beside the input (see `ResultStore`), or in the table
        // itself (`--in-place`). A damaged, foreign or newer results file is an error, not "none".
        var runs = file.isGroup("results") ? try file.group("results").memberNames() : []
        let store = ResultStore(inputPath: path)
        runs += try store.runNames().map { "\($0) (\(store.path))" }
        return ParticleTableSummary(
            file: path,
            schema: (try file.attribute("schema"))?.stringValue,
            schemaVersion: (try file.attribute("schema_version"))?.integerValue,
            rows: rows, featureCount: shape[1],
            featureNames: try file.dataset("feature_names").readStrings(),
            featureStorage: try features.elementType().description,
            optionalDatasets: schema.datasets.filter { !$0.required && file.contains($0.path) }.map(\.path),
            cells: cells, resultRuns: runs, attributes: attributes)
    }

    static func splitName(_ value: Int) -> String {
        switch value {
        case -1: return "all"
        case 0: return "train"
        case 1: return "test"
        default: return "split=\(value)"
        }
    }
}
