import Diagnostics
import Foundation
import Learning
import ParticleTable
import TrajectoryTables

/// How each trajectory is featurized (the `softness featurize --labels` options).
public struct FeaturizeSettings: Sendable, Equatable {
    /// Structure-function set.
    public var preset: StructurePreset = .schoenholz2016
    /// Featurize only labelled pairs of frames whose index is a multiple of `every`.
    public var every = 1
    /// Keep all rearranging pairs per frame and as many quiet ones drawn at random.
    public var balance = false
    /// Seed of `balance`.
    public var seed: UInt64 = 1
    /// Feature storage of the per-file tables.
    public var storage: FeatureStorage = .float32

    /// The defaults (those of the single commands).
    public init() {}
}

/// How the per-file tables of a group are joined (the `softness join` options).
public struct JoinSettings: Sendable, Equatable {
    /// Fraction of frames (or rows) in the test split.
    public var testFraction = 0.5
    /// Whole frames or single rows to the test split.
    public var splitBy: TableJoin.SplitRule = .frame
    /// Seed of the split.
    public var seed: UInt64 = 1

    /// The defaults (those of the single commands).
    public init() {}
}

/// The diagnostic of each group (the `softness diagnose` options, and `rfe` when `rfe` is set).
public struct DiagnoseSettings: Sendable, Equatable {
    /// SVM cost parameter C.
    public var c = 1.0
    /// SVM stopping tolerance.
    public var tolerance = 1e-4
    /// SVM iteration cap.
    public var maxIterations = 1000
    /// S values of the Arrhenius table.
    public var grid = 15
    /// Bootstrap replicates for the error of Var(ΔE_inf) (and of each RFE step).
    public var bootstrap = 20
    /// Seed of bootstrap and subsampling.
    public var seed: UInt64 = 1
    /// Also run recursive feature elimination into the group's results file.
    public var rfe = false
    /// RFE stops when this many features are left.
    public var minFeatures = 1

    /// The defaults (those of the single commands).
    public init() {}

    /// The options of `BarrierDiagnostic.run` and `RecursiveFeatureElimination.run`.
    public func options(threads: Int?) -> DiagnosticOptions {
        DiagnosticOptions(svm: LinearSVMOptions(c: c, tolerance: tolerance, maxIterations: maxIterations, threadCount: threads),
                          softnessGridCount: grid, bootstrapSamples: bootstrap, seed: seed)
    }
}

/// Per-trajectory overrides of the label and featurize settings (manifest columns or keys
/// `half_window`, `p_c`, `quiet_window`, `every`, `balance`, `seed`, `preset`).
public struct FileParameters: Sendable, Equatable, Codable {
    public var halfWindow: Int?
    public var threshold: Double?
    public var quietWindow: Int?
    public var every: Int?
    public var balance: Bool?
    public var seed: UInt64?
    public var preset: String?

    /// Overrides; nil leaves a setting as configured.
    public init(halfWindow: Int? = nil, threshold: Double? = nil, quietWindow: Int? = nil, every: Int? = nil,
                balance: Bool? = nil, seed: UInt64? = nil, preset: String? = nil) {
        self.halfWindow = halfWindow
        self.threshold = threshold
        self.quietWindow = quietWindow
        self.every = every
        self.balance = balance
        self.seed = seed
        self.preset = preset
    }

    /// The keys a manifest may use for them.
    static let keys: Set<String> = ["half_window", "p_c", "quiet_window", "every", "balance", "seed", "preset"]

    /// Reads the overrides present in `table`.
    static func read(_ table: DocumentTable) throws -> FileParameters {
        var parameters = FileParameters(halfWindow: try table.integer("half_window"), threshold: try table.double("p_c"),
                                        quietWindow: try table.integer("quiet_window"), every: try table.integer("every"),
                                        balance: try table.bool("balance"), preset: try table.string("preset"))
        if let seed = try table.integer("seed") {
            guard seed >= 0 else { throw CampaignError.invalidEntry(file: table.file, location: table.location, reason: "'seed' must be zero or positive, got \(seed)") }
            parameters.seed = UInt64(seed)
        }
        return parameters
    }
}

/// Everything `softness batch` does to a campaign, from `--config batch.toml` and the command
/// line: p_hop labels, featurization, join, diagnostic, temperature pattern and jobs.
///
/// ```toml
/// temperature_from = "T([0-9.]+)"   # optional
/// jobs = 2                          # optional
/// [label]     half_window = 5, p_c = 0.2, quiet_window = 10
/// [featurize] preset = "small", every = 1, balance = true, seed = 1, storage = "float32"
/// [join]      test_fraction = 0.5, split_by = "frame", seed = 1
/// [diagnose]  C = 1.0, bootstrap = 20, grid = 15, seed = 1, tolerance = 1e-4, max_iterations = 1000, rfe = false, min_features = 1
/// ```
public struct CampaignSettings: Sendable, Equatable {
    public var label = PhopLabelSettings()
    public var featurize = FeaturizeSettings()
    public var join = JoinSettings()
    public var diagnose = DiagnoseSettings()
    /// Regular expression whose first capture group (or whole match) on a trajectory's path is its temperature.
    public var temperatureFrom: String?
    /// Files processed at once (threads per file = cores / jobs).
    public var jobs: Int?
    /// The configuration file's text as read, kept with the results for provenance (nil without `--config`).
    public var configText: String?

    /// The defaults (those of the single commands).
    public init() {}

    /// Reads a batch configuration (TOML, or JSON with the same keys).
    public static func read(path: String) throws -> CampaignSettings {
        let document = try CampaignDocument.read(path: path)
        var settings = try CampaignSettings(document: document)
        settings.configText = try CampaignDocument.readText(path)
        return settings
    }

    /// The settings of a parsed configuration document; unknown keys and bad values are errors.
    public init(document: CampaignDocument) throws {
        let root = DocumentTable(file: document.file, location: "top level", values: document.root)
        try root.requireKnownKeys(["label", "featurize", "join", "diagnose", "temperature_from", "jobs"])
        temperatureFrom = try root.string("temperature_from")
        jobs = try root.integer("jobs")
        if let jobs, jobs < 1 { throw CampaignError.invalidEntry(file: document.file, location: "top level", reason: "'jobs' must be at least 1, got \(jobs)") }
        if let table = try root.table("label") {
            try table.requireKnownKeys(["half_window", "p_c", "quiet_window"])
            label.halfWindow = try table.integer("half_window") ?? label.halfWindow
            label.threshold = try table.double("p_c") ?? label.threshold
            label.quietWindow = try table.integer("quiet_window") ?? label.quietWindow
        }
        if let table = try root.table("featurize") {
            try table.requireKnownKeys(["preset", "every", "balance", "seed", "storage"])
            if let name = try table.string("preset") { featurize.preset = try Self.preset(name, file: table.file, location: table.location) }
            featurize.every = try table.integer("every") ?? featurize.every
            featurize.balance = try table.bool("balance") ?? featurize.balance
            featurize.seed = try Self.seed(table, "seed") ?? featurize.seed
            if let name = try table.string("storage") {
                guard let storage = FeatureStorage(rawValue: name) else {
                    throw CampaignError.invalidEntry(file: table.file, location: table.location, reason: "'storage' must be float32 or float64, got '\(name)'")
                }
                featurize.storage = storage
            }
        }
        if let table = try root.table("join") {
            try table.requireKnownKeys(["test_fraction", "split_by", "seed"])
            join.testFraction = try table.double("test_fraction") ?? join.testFraction
            if let name = try table.string("split_by") {
                guard let rule = TableJoin.SplitRule(rawValue: name) else {
                    throw CampaignError.invalidEntry(file: table.file, location: table.location, reason: "'split_by' must be frame or row, got '\(name)'")
                }
                join.splitBy = rule
            }
            join.seed = try Self.seed(table, "seed") ?? join.seed
        }
        if let table = try root.table("diagnose") {
            try table.requireKnownKeys(["C", "tolerance", "max_iterations", "grid", "bootstrap", "seed", "rfe", "min_features"])
            diagnose.c = try table.double("C") ?? diagnose.c
            diagnose.tolerance = try table.double("tolerance") ?? diagnose.tolerance
            diagnose.maxIterations = try table.integer("max_iterations") ?? diagnose.maxIterations
            diagnose.grid = try table.integer("grid") ?? diagnose.grid
            diagnose.bootstrap = try table.integer("bootstrap") ?? diagnose.bootstrap
            diagnose.seed = try Self.seed(table, "seed") ?? diagnose.seed
            diagnose.rfe = try table.bool("rfe") ?? diagnose.rfe
            diagnose.minFeatures = try table.integer("min_features") ?? diagnose.minFeatures
        }
        try validate(file: document.file)
    }

    /// Checks every value's range; `file` names where they came from.
    public func validate(file: String) throws {
        func check(_ ok: Bool, _ location: String, _ reason: String) throws {
            if !ok { throw CampaignError.invalidEntry(file: file, location: location, reason: reason) }
        }
        try check(label.halfWindow >= 1, "[label]", "half_window must be at least 1 frame, got \(label.halfWindow)")
        try check(label.threshold > 0 && label.threshold.isFinite, "[label]", "p_c must be positive, got \(label.threshold)")
        try check(label.quietWindow >= 0, "[label]", "quiet_window must be zero or positive, got \(label.quietWindow)")
        try check(featurize.every >= 1, "[featurize]", "every must be at least 1, got \(featurize.every)")
        try check(join.testFraction > 0 && join.testFraction < 1, "[join]", "test_fraction must be in (0, 1), got \(join.testFraction)")
        try check(diagnose.c > 0 && diagnose.c.isFinite, "[diagnose]", "C must be positive and finite, got \(diagnose.c)")
        try check(diagnose.tolerance > 0, "[diagnose]", "tolerance must be positive, got \(diagnose.tolerance)")
        try check(diagnose.maxIterations > 0, "[diagnose]", "max_iterations must be positive, got \(diagnose.maxIterations)")
        try check(diagnose.grid >= 2, "[diagnose]", "grid must be at least 2, got \(diagnose.grid)")
        try check(diagnose.bootstrap >= 0, "[diagnose]", "bootstrap must be zero or positive, got \(diagnose.bootstrap)")
        try check(diagnose.minFeatures >= 1, "[diagnose]", "min_features must be at least 1, got \(diagnose.minFeatures)")
    }

    static func preset(_ name: String, file: String, location: String) throws -> StructurePreset {
        guard let preset = StructurePreset(rawValue: name) else {
            throw CampaignError.invalidEntry(file: file, location: location,
                                             reason: "'preset' must be one of \(StructurePreset.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
        }
        return preset
    }

    private static func seed(_ table: DocumentTable, _ key: String) throws -> UInt64? {
        guard let value = try table.integer(key) else { return nil }
        guard value >= 0 else { throw CampaignError.invalidEntry(file: table.file, location: table.location, reason: "'\(key)' must be zero or positive, got \(value)") }
        return UInt64(value)
    }

    /// The label and featurize settings of one trajectory: these settings with its overrides.
    public func effective(for parameters: FileParameters, file: String) throws -> (label: PhopLabelSettings, featurize: FeaturizeSettings) {
        var label = self.label
        var featurize = self.featurize
        label.halfWindow = parameters.halfWindow ?? label.halfWindow
        label.threshold = parameters.threshold ?? label.threshold
        label.quietWindow = parameters.quietWindow ?? label.quietWindow
        featurize.every = parameters.every ?? featurize.every
        featurize.balance = parameters.balance ?? featurize.balance
        featurize.seed = parameters.seed ?? featurize.seed
        if let name = parameters.preset { featurize.preset = try Self.preset(name, file: file, location: "per-file parameters") }
        var copy = self
        copy.label = label
        copy.featurize = featurize
        try copy.validate(file: file)
        return (label, featurize)
    }
}

/// Canonical text of the parameters that decide each output, hashed into the digests the
/// sidecars record: an output is reused only when its digest is unchanged.
public enum ParameterDigest {
    /// Bumped when the per-file pipeline changes what it writes for the same parameters.
    public static let pipelineVersion = 1

    /// The labels file depends on the p_hop settings only.
    public static func labels(_ settings: PhopLabelSettings) -> String {
        hash("labels v\(pipelineVersion) h=\(settings.halfWindow) p_c=\(settings.threshold.bitPattern) q=\(settings.quietWindow)")
    }

    /// The per-file table depends on the labels, the featurize settings and the temperature.
    public static func table(labels: String, featurize: FeaturizeSettings, temperature: Double) -> String {
        hash("table v\(pipelineVersion) labels=\(labels) preset=\(featurize.preset.rawValue) every=\(featurize.every) balance=\(featurize.balance) seed=\(featurize.seed) storage=\(featurize.storage.rawValue) T=\(temperature.bitPattern)")
    }

    /// A group's results depend on its tables (in join order), the join and the diagnostic settings.
    public static func group(tables: [String], join: JoinSettings, diagnose: DiagnoseSettings) -> String {
        hash("group v\(pipelineVersion) tables=\(tables.joined(separator: ",")) test=\(join.testFraction.bitPattern) split=\(join.splitBy.rawValue) jseed=\(join.seed) C=\(diagnose.c.bitPattern) tol=\(diagnose.tolerance.bitPattern) it=\(diagnose.maxIterations) grid=\(diagnose.grid) B=\(diagnose.bootstrap) seed=\(diagnose.seed) rfe=\(diagnose.rfe) min=\(diagnose.minFeatures)")
    }

    /// FNV-1a 64 of `text`, as 16 hex digits.
    public static func hash(_ text: String) -> String { FNV1a.hex(Array(text.utf8)) }
}

/// FNV-1a 64-bit hashing (digests of headers and parameter texts; not cryptographic).
enum FNV1a {
    static func hash<C: Collection>(_ bytes: C, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 where C.Element == UInt8 {
        var value = seed
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        return value
    }

    static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let value = hash(bytes)
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
