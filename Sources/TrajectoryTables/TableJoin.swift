import Foundation
import HDF5
import ParticleTable
import SeededRandom

/// Joins particle tables of several runs (e.g. one per temperature, from `softness featurize
/// --labels`) into one particle table with a train/test split.
public enum TableJoin {
    /// How rows are assigned to the test split.
    public enum SplitRule: String, Sendable, CaseIterable {
        /// Whole frames go to train or test (no particle is seen at the same instant in both).
        case frame
        /// Each row independently.
        case row
    }

    /// Concatenates `inputs` (schema-v1 tables with identical feature names) into `output`,
    /// assigning `/split` with a seeded draw (`testFraction` of frames or rows to test).
    /// Keeps `/frame`, `/particle_id`, `/species`, `/balanced` when every input has them, the
    /// `population` attribute when every input records the same, and the root
    /// attributes `structure_*` (the featurize parameters) when every input records the same.
    /// With `mappedLayout`, every input is any HDF5 file read through that layout (no frame,
    /// particle or species columns, so `rule` must be `.row`). `inputNames` replace the paths in
    /// the recorded `source` (a batch names them relative to its output folder). Returns the row count.
    public static func run(inputs: [String], output: String, testFraction: Double, rule: SplitRule, seed: UInt64,
                           storage: FeatureStorage = .float32, overwrite: Bool = false,
                           mappedLayout: (mapping: DatasetMapping, labels: LabelEncoding)? = nil,
                           inputNames: [String]? = nil) throws -> Int {
        guard !inputs.isEmpty else { throw TrajectoryTableError.noInputs(output: output) }
        guard testFraction > 0, testFraction < 1 else {
            throw ParameterError.invalid(name: "--test-fraction", value: String(testFraction), requirement: "in (0, 1)")
        }
        var names: [String]?
        var carry: Set<OptionalColumn> = [.frame, .particleID, .species, .balanced]
        // How the rows were sampled (`population`, `featurize --balance`) goes along when every input says the same.
        var populations = Set<String>()
        // The structure-function parameters (`structure_*`) go along when every input records the same.
        var structure: [String: AttributeValue]?
        var structureAgrees = true
        if mappedLayout != nil {
            guard rule == .row else {
                throw ParameterError.invalid(name: "--split-by", value: rule.rawValue, requirement: "row for a mapped layout (it has no frame column)")
            }
            carry = []
        }
        func load(_ input: String) throws -> ParticleTableData {
            guard let layout = mappedLayout else { return try ParticleTableReader.load(path: input) }
            return try ParticleTableReader.load(path: input, labels: layout.labels, mapping: layout.mapping)
        }
        for input in inputs where mappedLayout != nil {
            let these = try load(input).featureNames
            if let names, names != these { throw TrajectoryTableError.featureNamesDiffer(file: input, reference: inputs[0]) }
            names = these
        }
        for input in inputs where mappedLayout == nil {
            let file = try File.open(input)
            defer { file.close() }
            try ParticleSchema.v1.requireConforming(file)
            let these = try file.dataset("feature_names").readStrings()
            if let names, names != these {
                throw TrajectoryTableError.featureNamesDiffer(file: input, reference: inputs[0])
            }
            names = these
            for column in carry where !file.isDataset(column.path) { carry.remove(column) }
            var theirs: [String: AttributeValue] = [:]
            for name in TrajectoryFeaturizer.structureAttributeNames {
                if let value = try file.attribute(name) { theirs[name] = value }
            }
            populations.insert((try file.attribute("population"))?.stringValue ?? "")
            if let structure, structure != theirs { structureAgrees = false }
            structure = theirs
        }
        var attributes: [String: AttributeValue] = ["source": .string("softness join " + (inputNames ?? inputs).joined(separator: " ") + (mappedLayout.map { " (mapped: \($0.mapping.summary))" } ?? "")),
                                                    "split_rule": .string(rule.rawValue), "split_seed": .integer(Int(truncatingIfNeeded: seed)),
                                                    "test_fraction": .real(testFraction)]
        if structureAgrees, let structure { attributes.merge(structure) { old, _ in old } }
        if populations.count == 1, let population = populations.first, !population.isEmpty { attributes["population"] = .string(population) }
        if populations.contains(TablePopulation.balancedSampleOnly) && populations.count > 1 {
            attributes["population"] = .string(TablePopulation.balancedSampleOnly + " (some inputs)")
        }
        let writer = try ParticleTableWriter(path: output, featureNames: names ?? [], storage: storage,
                                             optionalColumns: carry.union([.split]),
                                             attributes: attributes,
                                             overwrite: overwrite)
        var generator = SplitMix64(seed: seed)
        for input in inputs {
            let data = try load(input)
            let file = try File.open(input)
            defer { file.close() }
            let frame: [Int64]? = carry.contains(.frame) ? try file.dataset("frame").read() : nil
            var testFrames: [Int64: Bool] = [:]
            let split: [UInt8] = (0..<data.rows).map { row in
                if rule == .frame, let frame {
                    let key = frame[row]
                    if let known = testFrames[key] { return known ? 1 : 0 }
                    let test = Double.random(in: 0..<1, using: &generator) < testFraction
                    testFrames[key] = test
                    return test ? 1 : 0
                }
                return Double.random(in: 0..<1, using: &generator) < testFraction ? 1 : 0
            }
            try writer.append(ParticleBlock(
                features: data.features, labels: data.labels.map { $0 > 0 ? 1 : -1 }, temperature: data.temperature, split: split,
                frame: frame, particleID: carry.contains(.particleID) ? try file.dataset("particle_id").read() : nil,
                species: carry.contains(.species) ? try file.dataset("species").read() : nil,
                balanced: carry.contains(.balanced) ? data.balanced : nil))
        }
        try writer.finish()
        return writer.rowCount
    }
}
