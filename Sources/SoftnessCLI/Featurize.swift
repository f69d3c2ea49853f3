import ArgumentParser
import Foundation
import HDF5
import ParticleTable
import Structure
import TrajectoryTables

extension BalanceScope: ExpressibleByArgument {}

extension StructurePreset: ExpressibleByArgument {}

struct Featurize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Structure functions G_X(i; r0) and Ψ_XY(i; ξ, λ, ζ) per particle and frame of a trajectory (LAMMPS dump or H5MD).",
        discussion: """
        With --labels (from `softness label`) and --temperature, exactly the labelled (frame, particle) pairs are
        featurized and the output is a complete particle table for `softness diagnose`. Without them every
        --every-th frame is featurized for all particles (a feature table, schema softness.features).
        Periodic boundaries, triclinic boxes and cell lists as in the Structure module; both cores are used.
        """)

    @Argument(help: "Trajectory: LAMMPS text dump (optionally .gz) or H5MD file.")
    var trajectory: String

    @OptionGroup(title: "Output") var file: OutputFileOptions

    @Option(help: "Labels file written by `softness label` for this trajectory.")
    var labels: String?

    @Option(help: "Temperature of this run (required with --labels).")
    var temperature: Double?

    @Option(help: "Featurize only frames whose index is a multiple of n.")
    var every: Int = 1

    @Flag(help: "With --labels: mark a balanced training sample in /balanced (per frame, or per temperature with --balance-by temperature: as many rearranging as quiet pairs, drawn at random) and keep every labelled pair as the natural population, on which diagnose measures P(R|S,T).")
    var balance = false

    @Option(name: .customLong("balance-by"), help: "Where --balance balances: frame (each frame 50/50; frames with one class add nothing) or temperature (the file's frames pooled).")
    var balanceBy: BalanceScope = .frame

    @Flag(name: .customLong("balance-only"), help: "With --balance: write only the balanced sample (smaller tables; P(R|S,T) measured on them is set by the balancing, and diagnose says so).")
    var balanceOnly = false

    @Option(help: "Seed of --balance.")
    var seed: UInt64 = 1

    @Option(help: "Function set: schoenholz2016, pooled, or small (for boxes narrower than ~11 σ).")
    var preset: StructurePreset = .schoenholz2016

    @Option(help: "Override the radial centres r0: start:stop:step (e.g. 0.1:5.0:0.1).")
    var r0: String?

    @Option(help: "Override the radial width δ.")
    var width: Double?

    @Option(help: "Override the angular ξ values, comma-separated.")
    var xi: NumberList?

    @Option(help: "Override the angular ζ values, comma-separated.")
    var zeta: NumberList?

    @Option(help: "Override the angular λ values, comma-separated (each +1 or −1).")
    var lambda: NumberList?

    @Option(help: "Radial cutoff in length units (default: largest r0 + δ·sqrt(2 ln 10^8), where every dropped Gaussian is below 1e-8).")
    var cutoff: Double?

    @Option(name: .customLong("angular-cutoff"), help: "Angular cutoff on r_ij and r_ik in length units (default: largest ξ·sqrt(ln(10^8)/1.5)).")
    var angularCutoff: Double?

    @Option(help: "Featurize only particles of these species, comma-separated: type numbers (1) or the preset's names (A); their neighbours of every species still count. Schoenholz et al. train on A particles only.")
    var species: String?

    @Option(help: "Feature storage: float32 or float64.")
    var storage: FeatureStorage = .float32

    @OptionGroup(title: "Performance") var threads: ThreadOptions

    func validate() throws {
        if labels != nil && temperature == nil { throw ValidationError("--labels needs --temperature (the temperature of this run)") }
        if let temperature, !(temperature > 0 && temperature.isFinite) { throw ValidationError("--temperature must be positive, got \(temperature)") }
        guard every >= 1 else { throw ValidationError("--every must be at least 1") }
        if balanceOnly && !balance { throw ValidationError("--balance-only needs --balance") }
        if balance && labels == nil { throw ValidationError("--balance needs --labels") }
    }

    /// More radial centres than this would only exhaust memory (Schoenholz et al. use 50 per species).
    static let maximumRadialCenters = 10_000

    func parameters() throws -> StructureFunctionParameters {
        let base = try preset.parameters()
        var centers = base.radialCenters
        if let r0 {
            let parts = r0.split(separator: ":").compactMap { Double($0) }
            guard parts.count == 3, parts[2] > 0, parts[1] >= parts[0] else { throw ValidationError("--r0 must be start:stop:step, got \(r0)") }
            centers = try Self.radialCenters(start: parts[0], stop: parts[1], step: parts[2], text: r0)
        }
        return try StructureFunctionParameters(radialCenters: centers, radialWidth: width ?? base.radialWidth,
                                               angularXi: xi?.values ?? base.angularXi, angularLambda: lambda?.values ?? base.angularLambda,
                                               angularZeta: zeta?.values ?? base.angularZeta, species: base.species,
                                               speciesNames: base.speciesNames, resolveSpecies: base.resolveSpecies,
                                               radialCutoff: cutoff, angularCutoff: angularCutoff)
    }

    /// The type codes of --species: numbers as given, names through the function set's species names.
    func selectedSpecies(_ parameters: StructureFunctionParameters) throws -> Set<Int32>? {
        guard let species else { return nil }
        let items = species.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw ValidationError("--species needs at least one type number or name") }
        return Set(try items.map { item -> Int32 in
            if let code = Int32(item) { return code }
            guard let k = parameters.speciesNames.firstIndex(of: item) else {
                throw ValidationError("--species \(item): not a type number, nor one of the function set's species names (\(parameters.speciesNames.joined(separator: ", ")))")
            }
            return Int32(parameters.species[k])
        })
    }

    /// start, start + step, … up to stop and never beyond it (stop itself when it lies on the grid
    /// within 1e-9 of a step, written exactly as given): 0.5:1.05:0.1 gives 0.5 … 1.0.
    static func radialCenters(start: Double, stop: Double, step: Double, text: String) throws -> [Double] {
        let span = (stop - start) / step
        guard span.isFinite, span < Double(maximumRadialCenters) else {
            throw ValidationError("--r0 \(text) gives \(span.isFinite ? String(format: "%.0f", span.rounded(.down) + 1) : "infinitely many") radial centres; at most \(maximumRadialCenters) are allowed")
        }
        let onGrid = abs(span - span.rounded()) < 1e-9
        let count = Int(onGrid ? span.rounded() : span.rounded(.down)) + 1
        return (0..<count).map { k in onGrid && k == count - 1 ? stop : start + Double(k) * step }
    }

    func run() throws {
        try file.requireNotAmong([trajectory] + (labels.map { [$0] } ?? []))
        try DamagedFileProbe.check([trajectory] + (labels.map { [$0] } ?? []))
        let parameters = try parameters()
        let selection: TrajectoryFeaturizer.Selection
        var extra: [String: AttributeValue] = [:]
        let species = try selectedSpecies(parameters)
        if let labels, let temperature {
            let choice = try LabelledSelection(every: every, balance: balance ? balanceBy : nil, balanceOnly: balanceOnly, seed: seed, species: species)
                .choose(from: try LabelTable.read(path: labels), trajectory: trajectory, temperature: temperature)
            if let summary = choice.balance {
                printError("--balance: \(summary.description)")
                if let warning = summary.warning { printError("warning: --balance: \(warning)") }
            }
            selection = choice.selection
            extra = choice.attributes
        } else {
            if let species { _ = try TrajectoryFeaturizer.particles(of: species, in: trajectory) }
            selection = .frames(every: every)
        }
        let bar = ProgressBar("featurize")
        let rows = try TrajectoryFeaturizer.run(trajectory: trajectory, parameters: parameters, selection: selection, output: file.output,
                                                storage: storage, overwrite: file.force, threads: threads.threads, attributes: extra,
                                                species: species) { frames in bar.count(frames, unit: "frames") }
        bar.finish()
        print("wrote \(file.output): \(rows) rows × \(parameters.featureCount) features (\(parameters.radialFeatureCount) radial, \(parameters.angularFeatureCount) angular; cutoffs \(String(format: "%.2f", parameters.radialCutoff)) and \(String(format: "%.2f", parameters.angularCutoff)))")
    }
}
