/// Rows of a particle table, read block by block with every value checked: the schema-v1 file
/// streamed from disk (`ParticleTableBlocks`) or a table already loaded through a mapped layout
/// (`ParticleTableData`). Writers that stream a table out (`softness convert`) read through this.
public protocol ParticleRowSource {
    /// The file the rows come from (for messages).
    var path: String { get }
    /// Column names of the features.
    var featureNames: [String] { get }
    /// Number of rows N.
    var rows: Int { get }
    /// How the features are stored (float32 values read as Double are exact).
    var storage: FeatureStorage { get }
    /// True when the table has a split.
    var hasSplit: Bool { get }
    /// True when the table has true barriers.
    var hasEnergyBarrier: Bool { get }
    /// Features of `range`, row-major, finite.
    func features(_ range: Range<Int>) throws -> [Double]
    /// Labels of `range` (±1).
    func labels(_ range: Range<Int>) throws -> [Int8]
    /// Temperatures of `range` (positive, finite).
    func temperature(_ range: Range<Int>) throws -> [Double]
    /// Split of `range` (0 train, 1 test), nil without one.
    func split(_ range: Range<Int>) throws -> [UInt8]?
    /// True barriers of `range`, nil without them.
    func energyBarrier(_ range: Range<Int>) throws -> [Double]?
}

extension ParticleRowSource {
    /// Number of feature columns d.
    public var featureCount: Int { featureNames.count }
}

extension ParticleTableBlocks: ParticleRowSource {}

/// A loaded table (values already checked by `ParticleTableReader.load`) as a row source.
extension ParticleTableData: ParticleRowSource {
    public var storage: FeatureStorage { featureStorage }
    public var hasSplit: Bool { split != nil }
    public var hasEnergyBarrier: Bool { energyBarrier != nil }
    public func features(_ range: Range<Int>) throws -> [Double] {
        Array(features[range.lowerBound * featureCount..<range.upperBound * featureCount])
    }
    public func labels(_ range: Range<Int>) throws -> [Int8] { labels[range].map { $0 > 0 ? 1 : -1 } }
    public func temperature(_ range: Range<Int>) throws -> [Double] { Array(temperature[range]) }
    public func split(_ range: Range<Int>) throws -> [UInt8]? { split.map { Array($0[range]) } }
    public func energyBarrier(_ range: Range<Int>) throws -> [Double]? { energyBarrier.map { Array($0[range]) } }
}
