import HDF5
import ParticleTable
import Structure
import Trajectory

/// Which labelled (frame, particle) pairs a labelled featurize writes, shared by `softness
/// featurize --labels` and `softness batch`: every `every`-th frame, only `species`, and with
/// `balance` an exactly 50/50 training sample (`LabelTable.balancedSample`) either marked in
/// `/balanced` beside every pair (the natural population) or, with `balanceOnly`, alone.
public struct LabelledSelection: Sendable, Equatable {
    /// Frames whose index is a multiple of this.
    public var every: Int
    /// Balance per frame or per temperature; nil for no balancing.
    public var balance: BalanceScope?
    /// Write the balanced sample alone (P(R|S,T) measured on it is set by the balancing).
    public var balanceOnly: Bool
    /// Seed of the balanced sample.
    public var seed: UInt64
    /// Particle types to keep (selected before balancing); nil for all.
    public var species: Set<Int32>?

    /// A choice of pairs.
    public init(every: Int = 1, balance: BalanceScope? = nil, balanceOnly: Bool = false, seed: UInt64 = 1, species: Set<Int32>? = nil) {
        self.every = every
        self.balance = balance
        self.balanceOnly = balanceOnly
        self.seed = seed
        self.species = species
    }

    /// What to pass to `TrajectoryFeaturizer.run`: the selection, the root attributes recording
    /// the choice, and the balanced sample's summary (nil without balancing).
    public struct Choice: Sendable {
        public var selection: TrajectoryFeaturizer.Selection
        public var attributes: [String: AttributeValue]
        public var balance: BalanceSummary?
        /// Rearranging and quiet pairs written.
        public var rearranging: Int, quiet: Int
    }

    /// The pairs of `labels` (for `trajectory` at `temperature`) this choice writes.
    /// - Throws: `ParameterError.invalid` for species absent from the trajectory or a
    ///   labels file with nothing to balance (one class only).
    public func choose(from labels: LabelTable, trajectory: String, temperature: Double) throws -> Choice {
        var table = labels
        if let species {
            let ids = try TrajectoryFeaturizer.particles(of: species, in: trajectory)
            table = table.subset(table.particleID.indices.filter { ids.contains(table.particleID[$0]) })
        }
        guard let scope = balance else {
            if every > 1 { table = table.everyFrame(every) }
            return Choice(selection: .labelled(table, temperature: temperature), attributes: [:], balance: nil,
                          rearranging: table.label.filter { $0 > 0 }.count, quiet: table.label.filter { $0 < 0 }.count)
        }
        let sample = table.balancedSample(seed: seed, every: every, scope: scope)
        guard sample.summary.kept > 0 else {
            throw ParameterError.invalid(name: "--balance", value: labels.source ?? "the labels",
                                                 requirement: "labels of both classes (\(sample.summary.warning ?? "nothing to balance"))")
        }
        var attributes: [String: AttributeValue] = ["balance": .string(scope.rawValue), "balance_seed": .integer(Int(truncatingIfNeeded: seed)),
                                                    "balanced_pairs_per_class": .integer(sample.summary.kept)]
        if balanceOnly {
            attributes["population"] = .string(TablePopulation.balancedSampleOnly)
            return Choice(selection: .labelled(table.subset(sample.rows), temperature: temperature), attributes: attributes,
                          balance: sample.summary, rearranging: sample.summary.kept, quiet: sample.summary.kept)
        }
        // Every labelled pair of the chosen frames, the sample marked in /balanced.
        let kept = table.label.indices.filter { table.frame[$0] % max(every, 1) == 0 }
        let position = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
        return Choice(selection: .labelled(table.subset(kept), temperature: temperature, sample: sample.rows.compactMap { position[$0] }),
                      attributes: attributes, balance: sample.summary,
                      rearranging: sample.summary.naturalRearranging, quiet: sample.summary.naturalQuiet)
    }
}
