import HDF5
import ParticleTable
import ToyModel

/// Writes the paper's toy model (Sec. II, App. A; `ToyGenerator`) as a particle table.
public enum ToyTable {
    /// Generates every row of `configuration` in blocks of `blockRows` and writes them to `path`
    /// with the true barrier (`/energy_barrier`), the split and the true weights (`/true_weights`).
    /// Memory stays bounded by one block whatever the number of rows. `progress` is called after
    /// each block with (rows written, total rows).
    ///
    /// The root attributes record the model: `toy_variant`, `toy_seed`, `toy_alpha`,
    /// `toy_relevant_dimensions`, `toy_noise_dimensions`, `toy_temperatures`,
    /// `toy_training_temperatures`, `toy_training_rows`, `toy_test_rows`, `toy_barrier_shift` (the
    /// constant added to ΔE in the positive variant, 0 otherwise; `/energy_barrier` includes it).
    public static func write(
        _ configuration: ToyModelConfiguration, to path: String, storage: FeatureStorage = .float64,
        overwrite: Bool = false, threads: Int? = nil, blockRows: Int = 1 << 16,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        try configuration.validate()
        var generator = try threads.map { try ToyGenerator(configuration, threads: $0) } ?? ToyGenerator(configuration)
        let attributes: [String: AttributeValue] = [
            "source": .string("softness generate (toy model of Swain, Ridout & Nemenman, variant \(configuration.variant.rawValue))"),
            "toy_variant": .string(configuration.variant.rawValue),
            "toy_seed": .integer(Int(truncatingIfNeeded: configuration.seed)),
            "toy_alpha": .real(configuration.alpha),
            "toy_relevant_dimensions": .integer(configuration.relevantDimensions),
            "toy_noise_dimensions": .integer(configuration.noiseDimensions),
            "toy_temperatures": .reals(configuration.temperatures),
            "toy_training_temperatures": .reals(configuration.trainingTemperatures),
            "toy_training_rows": .integer(configuration.trainingRows),
            "toy_test_rows": .integer(configuration.testRows),
            "toy_barrier_shift": .real(configuration.barrierShift),
        ]
        let writer = try ParticleTableWriter(
            path: path, featureNames: configuration.featureNames, storage: storage,
            optionalColumns: [.split, .energyBarrier], attributes: attributes, overwrite: overwrite)
        try writer.root?.createDataset("true_weights", values: configuration.trueWeights)
        let total = configuration.totalRows
        progress(0, total)
        while let block = try generator.nextBlock(maxRows: blockRows) {
            try writer.append(ParticleBlock(
                features: block.features, labels: block.labels, temperature: block.temperature,
                split: block.split, energyBarrier: block.energyBarrier))
            progress(writer.rowCount, total)
        }
        try writer.finish()
    }
}
