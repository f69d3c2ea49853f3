/// A block of consecutive particle-table rows in memory, as written by `ParticleTableWriter`.
/// Features are row-major, `rowCount × featureCount` values.
public struct ParticleBlock: Sendable {
    public var features: [Double]
    public var labels: [Int8]
    public var temperature: [Double]
    public var split: [UInt8]?
    public var energyBarrier: [Double]?
    public var frame: [Int64]?
    public var particleID: [Int64]?
    public var species: [Int32]?
    /// 1 where the row belongs to the balanced training sample (`featurize --balance`), 0 where it
    /// is only part of the natural population.
    public var balanced: [UInt8]?

    public init(features: [Double], labels: [Int8], temperature: [Double], split: [UInt8]? = nil,
                energyBarrier: [Double]? = nil, frame: [Int64]? = nil, particleID: [Int64]? = nil, species: [Int32]? = nil,
                balanced: [UInt8]? = nil) {
        self.features = features
        self.labels = labels
        self.temperature = temperature
        self.split = split
        self.energyBarrier = energyBarrier
        self.frame = frame
        self.particleID = particleID
        self.species = species
        self.balanced = balanced
    }

    /// Number of rows in the block.
    public var rowCount: Int { labels.count }

    /// Appends the rows of `other`, which must carry the same optional columns (a column this
    /// block lacks stays absent).
    public mutating func append(_ other: ParticleBlock) {
        features += other.features
        labels += other.labels
        temperature += other.temperature
        func joined<T>(_ a: [T]?, _ b: [T]?) -> [T]? { a.map { $0 + (b ?? []) } }
        split = joined(split, other.split)
        energyBarrier = joined(energyBarrier, other.energyBarrier)
        frame = joined(frame, other.frame)
        particleID = joined(particleID, other.particleID)
        species = joined(species, other.species)
        balanced = joined(balanced, other.balanced)
    }
}

/// Optional per-row columns of a particle table (schema v1).
public enum OptionalColumn: String, CaseIterable, Sendable {
    case split, energyBarrier = "energy_barrier", frame, particleID = "particle_id", species, balanced

    /// Dataset path in the file.
    public var path: String { "/" + rawValue }
}

/// How features are stored on disk. Computation is always in Double.
public enum FeatureStorage: String, CaseIterable, Sendable {
    case float32, float64
}
