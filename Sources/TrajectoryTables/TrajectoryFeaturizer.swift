import Foundation
import HDF5
import ParticleTable
import Structure
import Trajectory

/// Computes structure functions (Schoenholz et al. 2016; `Structure.StructureFunctions`) on the
/// frames of a trajectory and writes them as a particle table.
public enum TrajectoryFeaturizer {
    /// What to featurize.
    public enum Selection: Sendable {
        /// Every `every`-th frame (from frame 0), all particles: a feature table without labels.
        case frames(every: Int)
        /// Exactly the labelled (frame, particle) pairs, with their labels and the run's
        /// temperature: a complete particle table (schema v1). With `sample` (indices into the
        /// labels table, `LabelTable.balancedSample`), the table gets `/balanced` = 1 on those
        /// rows and 0 on the others: every pair is kept as the natural population.
        case labelled(LabelTable, temperature: Double, sample: [Int]? = nil)
    }

    /// Streams `trajectory` and writes `output` (atomically). Rows carry `/frame`, `/particle_id`
    /// and `/species`. Returns the number of rows written. `attributes` are added to the table's
    /// root (provenance such as the balancing). With `species`, only particles of those types are
    /// featurized (their neighbours of every species still count), recorded as `species_selection`.
    /// `progress` gets the frames read so far.
    public static func run(trajectory path: String, parameters: StructureFunctionParameters, selection: Selection,
                           output: String, storage: FeatureStorage = .float32, overwrite: Bool = false, threads: Int? = nil,
                           attributes extra: [String: AttributeValue] = [:], species selected: Set<Int32>? = nil,
                           progress: (Int) -> Void = { _ in }) throws -> Int {
        var byFrame: [Int: [(id: Int64, label: Int8, inSample: Bool)]] = [:]
        var marksSample = false
        var timesteps: [Int: Int64] = [:]
        var temperature = 0.0
        var every = 1
        var labelsFile = "the labels"
        switch selection {
        case .frames(let step):
            guard step >= 1 else { throw ParameterError.invalid(name: "--every", value: String(step), requirement: "at least 1") }
            every = step
        case .labelled(let table, let t, let sample):
            guard t.isFinite, t > 0 else { throw ParameterError.invalid(name: "--temperature", value: String(t), requirement: "positive and finite") }
            temperature = t
            let chosen = Set(sample ?? [])
            marksSample = sample != nil
            for i in table.label.indices { byFrame[table.frame[i], default: []].append((table.particleID[i], table.label[i], chosen.contains(i))) }
            timesteps = table.frameTimesteps
            if let source = table.source { labelsFile = "the labels in \(source)" }
        }
        let labelled: Bool
        if case .labelled = selection { labelled = true } else { labelled = false }
        if labelled && byFrame.isEmpty {
            throw ParameterError.invalid(name: "--labels", value: "a labels file with no pairs left",
                                                 requirement: "a selection with labelled pairs (with --balance, only frames with rearrangements keep pairs; check --every)")
        }
        var attributes = structureAttributes(parameters)
        attributes["source"] = .string(path)
        if labelled { attributes["temperature"] = .real(temperature) }
        if marksSample { attributes["population"] = .string(TablePopulation.natural) }
        attributes.merge(extra) { _, new in new }
        if let selected { attributes["species_selection"] = .integers(selected.sorted().map(Int.init)) }
        let writer = try ParticleTableWriter(path: output, featureNames: parameters.featureNames, storage: storage,
                                             optionalColumns: marksSample ? [.frame, .particleID, .species, .balanced] : [.frame, .particleID, .species], attributes: attributes,
                                             overwrite: overwrite, labelled: labelled)
        var trajectory = try TrajectoryFormat.open(path: path)
        var framesRead = 0
        // Frames are appended a chunk of rows at a time: each append of a few hundred rows would
        // otherwise recompress the chunk it lands in (zlib took most of a labelled featurize).
        var pending: ParticleBlock?
        func flush() throws {
            if let block = pending { try writer.append(block) }
            pending = nil
        }
        while let frame = try trajectory.nextFrame() {
            defer { framesRead += 1; progress(framesRead) }
            var rows: [Int] = []
            var labels: [Int8] = []
            var inSample: [UInt8] = []
            if labelled {
                guard let wanted = byFrame[frame.index] else { continue }
                if let expected = timesteps[frame.index], expected != Int64(frame.timestep) {
                    throw TrajectoryError(.inconsistentParticles, file: path, frame: frame.index, timestep: frame.timestep,
                                          message: "\(labelsFile) of frame \(frame.index) were computed at timestep \(expected), but this trajectory's frame \(frame.index) is at timestep \(frame.timestep) (labels of another trajectory, or of another part of it)")
                }
                for (id, label, sampled) in wanted {
                    guard let row = rowOf(id, in: frame.ids) else {
                        throw TrajectoryError(.inconsistentParticles, file: path, frame: frame.index, timestep: frame.timestep,
                                              message: "\(labelsFile) name particle id \(id), which frame \(frame.index) does not have (labels from another trajectory?)")
                    }
                    if let selected, !selected.contains(frame.species[row]) { continue }
                    rows.append(row)
                    labels.append(label)
                    inSample.append(sampled ? 1 : 0)
                }
            } else {
                guard frame.index % every == 0 else { continue }
                rows = selected.map { wanted in (0..<frame.count).filter { wanted.contains(frame.species[$0]) } } ?? Array(0..<frame.count)
            }
            let positions = frame.positions.map { frame.box.wrap($0).position }
            let species = frame.species.map { Int($0) }
            let values: [Double]
            do {
                values = try StructureFunctions.compute(positions: positions, species: species, box: frame.box,
                                                        parameters: parameters, particles: rows, threads: threads).values
            } catch let error as StructureError {
                throw TrajectoryError(.unsupported, file: path, frame: frame.index, timestep: frame.timestep,
                                      message: "structure functions: \(error); use smaller functions (--preset small, --r0, --xi) or a larger box")
            }
            let block = ParticleBlock(
                features: values, labels: labels, temperature: [Double](repeating: temperature, count: labelled ? rows.count : 0),
                frame: [Int64](repeating: Int64(frame.index), count: rows.count),
                particleID: rows.map { frame.ids[$0] }, species: rows.map { frame.species[$0] }, balanced: marksSample ? inSample : nil)
            if pending == nil { pending = block } else { pending?.append(block) }
            if (pending?.frame?.count ?? 0) >= ParticleTableWriter.rowsPerChunk { try flush() }
        }
        try flush()
        if labelled, let last = byFrame.keys.max(), last >= framesRead {
            let missing = byFrame.filter { $0.key >= framesRead }.reduce(0) { $0 + $1.value.count }
            throw TrajectoryError(.inconsistentParticles, file: path, frame: last, timestep: nil,
                                  message: "\(labelsFile) name frames up to \(last), but the trajectory has \(framesRead) frames: \(missing) labelled pairs have no frame (labels of a longer run?)")
        }
        try writer.finish()
        return writer.rowCount
    }

    /// The root attributes that record `parameters` in a featurized table (`structure_*`; read
    /// back by `parameters(recordedIn:)`, carried by `join`).
    public static func structureAttributes(_ parameters: StructureFunctionParameters) -> [String: AttributeValue] {
        [
            "structure_radial_centers": .reals(parameters.radialCenters),
            "structure_radial_width": .real(parameters.radialWidth),
            "structure_angular_xi": .reals(parameters.angularXi),
            "structure_angular_lambda": .reals(parameters.angularLambda),
            "structure_angular_zeta": .reals(parameters.angularZeta),
            "structure_species": .integers(parameters.species),
            "structure_species_names": .strings(parameters.speciesNames),
            "structure_resolve_species": .integer(parameters.resolveSpecies ? 1 : 0),
            "structure_radial_cutoff": .real(parameters.radialCutoff),
            "structure_angular_cutoff": .real(parameters.angularCutoff),
        ]
    }

    /// The ids of the particles of `species` in the first frame of the trajectory at `path`
    /// (species do not change along a run).
    public static func particles(of species: Set<Int32>, in path: String) throws -> Set<Int64> {
        var trajectory = try TrajectoryFormat.open(path: path)
        guard let frame = try trajectory.nextFrame() else { throw TrajectoryError(.truncated, file: path, message: "holds no frames") }
        let ids = Set(frame.ids.indices.filter { species.contains(frame.species[$0]) }.map { frame.ids[$0] })
        guard !ids.isEmpty else {
            throw ParameterError.invalid(name: "--species", value: species.sorted().map(String.init).joined(separator: ","),
                                                 requirement: "species present in \(path) (it has \(Set(frame.species).sorted().map(String.init).joined(separator: ", ")))")
        }
        return ids
    }

    /// Names of the attributes `structureAttributes` writes.
    public static let structureAttributeNames = ["structure_radial_centers", "structure_radial_width", "structure_angular_xi",
                                                 "structure_angular_lambda", "structure_angular_zeta", "structure_species",
                                                 "structure_species_names", "structure_resolve_species",
                                                 "structure_radial_cutoff", "structure_angular_cutoff"]

    /// The structure-function parameters recorded on `group` (a featurized or joined table's
    /// root) by `structureAttributes`, nil when it records none. Tables written before
    /// `structure_species_names` and `structure_resolve_species` existed get them from
    /// `featureNames` (the table's `/feature_names`).
    /// - Throws: `TrajectoryTableError.unrecoverableStructure` when the attributes are incomplete or
    ///   describe a set that does not write `featureNames`.
    public static func parameters(recordedIn group: Group, file: String, featureNames: [String]) throws -> StructureFunctionParameters? {
        let present = Set(try group.attributeNames())
        let required = ["structure_radial_centers", "structure_radial_width", "structure_angular_xi", "structure_angular_lambda",
                        "structure_angular_zeta", "structure_species", "structure_radial_cutoff", "structure_angular_cutoff"]
        guard required.contains(where: present.contains) else { return nil }
        func fail(_ reason: String) -> TrajectoryTableError { .unrecoverableStructure(file: file, reason: reason) }
        if let missing = required.first(where: { !present.contains($0) }) { throw fail("root attribute '\(missing)' is missing") }
        func reals(_ name: String) throws -> [Double] {
            switch try group.attribute(name) {
            case .reals(let values)?: return values
            case .real(let value)?: return [value]
            case .integers(let values)?: return values.map(Double.init)
            case .integer(let value)?: return [Double(value)]
            default: throw fail("root attribute '\(name)' is not a list of numbers")
            }
        }
        func real(_ name: String) throws -> Double {
            guard let value = try reals(name).first, try reals(name).count == 1 else { throw fail("root attribute '\(name)' is not one number") }
            return value
        }
        let species: [Int]
        switch try group.attribute("structure_species") {
        case .integers(let values)?: species = values
        case .integer(let value)?: species = [value]
        default: throw fail("root attribute 'structure_species' is not a list of integers")
        }
        var names: [String]?
        var resolve: Bool?
        if present.contains("structure_species_names") {
            switch try group.attribute("structure_species_names") {
            case .strings(let values)?: names = values
            case .string(let value)?: names = [value]
            default: throw fail("root attribute 'structure_species_names' is not a list of strings")
            }
        }
        if present.contains("structure_resolve_species") {
            guard let value = try group.attribute("structure_resolve_species")?.integerValue else {
                throw fail("root attribute 'structure_resolve_species' is not 0 or 1")
            }
            resolve = value != 0
        }
        if names == nil || resolve == nil, let parsed = try? StructureFunctionParameters(parsingFeatureNames: featureNames, species: species) {
            names = names ?? parsed.speciesNames
            resolve = resolve ?? parsed.resolveSpecies
        }
        let parameters: StructureFunctionParameters
        do {
            parameters = try StructureFunctionParameters(
                radialCenters: try reals("structure_radial_centers"), radialWidth: try real("structure_radial_width"),
                angularXi: try reals("structure_angular_xi"), angularLambda: try reals("structure_angular_lambda"),
                angularZeta: try reals("structure_angular_zeta"), species: species, speciesNames: names,
                resolveSpecies: resolve ?? true, radialCutoff: try real("structure_radial_cutoff"),
                angularCutoff: try real("structure_angular_cutoff"))
        } catch let error as StructureError {
            throw fail("the structure_* attributes are not a valid parameter set: \(error)")
        }
        guard parameters.featureNames == featureNames else {
            let first = zip(parameters.featureNames, featureNames).first { $0.0 != $0.1 }
            throw fail("the structure_* attributes describe \(parameters.featureCount) functions that do not match /feature_names"
                       + (first.map { " ('\($0.0)' where the table has '\($0.1)')" } ?? " (\(featureNames.count) names)"))
        }
        return parameters
    }

    /// Row of particle `id` in a frame whose ids are sorted ascending (binary search).
    public static func rowOf(_ id: Int64, in ids: [Int64]) -> Int? {
        var low = 0, high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if ids[mid] < id { low = mid + 1 } else { high = mid }
        }
        return low < ids.count && ids[low] == id ? low : nil
    }
}
