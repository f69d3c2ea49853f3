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

        var counter = CellCounter()
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + blockRows)
            counter.add(labels: try labels.readRows(range), temperature: try temperature.readRows(range), split: try split?.readRows(range))
            start = range.upperBound
        }
        let cells = counter.cells
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

    /// The summary of a table read through a mapped layout (`ParticleTableReader.load` with a
    /// `DatasetMapping`): the same counts, the mapped datasets as "optional datasets", no schema.
    public static func mapped(_ data: ParticleTableData, mapping: DatasetMapping) throws -> ParticleTableSummary {
        var counter = CellCounter()
        counter.add(labels: data.labels.map { Int64($0) }, temperature: data.temperature, split: data.split?.map { Int64($0) })
        let store = ResultStore(inputPath: data.path)
        return ParticleTableSummary(file: data.path, schema: nil, schemaVersion: nil, rows: data.rows, featureCount: data.featureCount,
                  featureNames: data.featureNames, featureStorage: data.featureStorage.rawValue,
                  optionalDatasets: [mapping.split.map { "split \($0)" }, mapping.energyBarrier.map { "energy_barrier \($0)" }].compactMap { $0 },
                  cells: counter.cells, resultRuns: try store.runNames().map { "\($0) (\(store.path))" },
                  attributes: ["layout": mapping.summary])
    }

    /// Counts rows per (temperature, split) and class, block by block.
    struct CellCounter {
        struct Key: Hashable { let temperature: Double; let split: Int }
        private var slots: [Key: Int] = [:]
        private var keys: [Key] = []
        private var tallies: [Cell] = []

        /// Counts the first `count` rows of the arrays (all of them when nil).
        mutating func add(labels: [Int64], temperature: [Double], split: [Int64]?, count: Int? = nil) {
            // Rows come in runs of one (temperature, split): look the cell up when the key changes.
            var last: Key? = nil, slot = 0
            for i in 0..<(count ?? labels.count) {
                let splitValue = split.map { Int($0[i]) } ?? -1
                let key = Key(temperature: temperature[i], split: splitValue)
                if key != last {
                    if let known = slots[key] {
                        slot = known
                    } else {
                        slot = tallies.count
                        slots[key] = slot
                        keys.append(key)
                        tallies.append(Cell(temperature: key.temperature, split: ParticleTableSummary.splitName(splitValue),
                                            rows: 0, rearranging: 0, notRearranging: 0, otherLabels: 0))
                    }
                    last = key
                }
                tallies[slot].rows += 1
                switch labels[i] {
                case 1: tallies[slot].rearranging += 1
                case -1: tallies[slot].notRearranging += 1
                default: tallies[slot].otherLabels += 1
                }
            }
        }

        /// The cells in (temperature, split) order.
        var cells: [Cell] {
            tallies.indices.sorted { (keys[$0].temperature, keys[$0].split) < (keys[$1].temperature, keys[$1].split) }.map { tallies[$0] }
        }
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
