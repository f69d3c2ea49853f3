import Structure

/// The named structure-function sets of `softness featurize --preset` and `softness batch`.
public enum StructurePreset: String, CaseIterable, Sendable {
    /// Schoenholz et al. 2016 for Kob–Andersen (100 radial + 72 angular; needs a box wider than 14 σ).
    case schoenholz2016
    /// 50 radial + 20 angular functions with species pooled (the benchmark set).
    case pooled
    /// A set for small boxes (half width > 4.6 σ): r0 = 0.5…4.0, δ = 0.1 per species, ξ ∈ {0.8, 1.0, 1.2}, λ = ±1, ζ ∈ {1, 2}.
    case small

    /// The parameters of this set.
    public func parameters() throws -> StructureFunctionParameters {
        switch self {
        case .schoenholz2016: return .schoenholz2016KobAndersen
        case .pooled: return .pooled50Radial20Angular
        case .small:
            return try StructureFunctionParameters(radialCenters: (5...40).map { Double($0) / 10 }, radialWidth: 0.1,
                                                   angularXi: [0.8, 1.0, 1.2], angularLambda: [-1, 1], angularZeta: [1, 2],
                                                   species: [1, 2], speciesNames: ["A", "B"])
        }
    }
}
