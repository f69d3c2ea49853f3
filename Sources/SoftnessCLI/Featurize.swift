import ArgumentParser
import Foundation
import ParticleTable
import Workflows
import Structure

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

    @Flag(help: "With --labels: keep, per frame, all rearranging pairs and as many quiet pairs drawn at random (balanced classes). Frames with fewer quiet than rearranging pairs keep them all and stay unbalanced: a warning says how many and the resulting fraction R = +1.")
    var balance = false

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

    @Option(help: "Feature storage: float32 or float64.")
    var storage: FeatureStorage = .float32

    @OptionGroup(title: "Performance") var threads: ThreadOptions

    func validate() throws {
        if labels != nil && temperature == nil { throw ValidationError("--labels needs --temperature (the temperature of this run)") }
        if let temperature, !(temperature > 0 && temperature.isFinite) { throw ValidationError("--temperature must be positive, got \(temperature)") }
        guard every >= 1 else { throw ValidationError("--every must be at least 1") }
    }

    /// More radial centres than this would only exhaust memory (Schoenholz et al. use 50 per species).
    static let maximumRadialCenters = 10_000

    func parameters() throws -> StructureFunctionParameters {
        let base = try preset.parameters()
        var centers = base.radialCenters
        if let r0 {
            let parts = r0.split(separator: ":").compactMap { Double($0) }
            guard parts.count == 3, parts[2] > 0, parts[1] >= parts[0] else { throw ValidationError("--r0 must be start:stop:step, got \(r0)") }
            let steps = ((parts[1] - parts[0]) / parts[2]).rounded()
            guard steps.isFinite, steps < Double(Self.maximumRadialCenters) else {
                throw ValidationError("--r0 \(r0) gives \(steps.isFinite ? String(format: "%.0f", steps + 1) : "infinitely many") radial centres; at most \(Self.maximumRadialCenters) are allowed")
            }
            let count = Int(steps) + 1
            centers = (0..<count).map { parts[0] + Double($0) * parts[2] }
        }
        return try StructureFunctionParameters(radialCenters: centers, radialWidth: width ?? base.radialWidth,
                                               angularXi: xi?.values ?? base.angularXi, angularLambda: base.angularLambda,
                                               angularZeta: zeta?.values ?? base.angularZeta, species: base.species,
                                               speciesNames: base.speciesNames, resolveSpecies: base.resolveSpecies)
    }

    func run() throws {
        try file.requireNotAmong([trajectory] + (labels.map { [$0] } ?? []))
        try DamagedFileProbe.check([trajectory] + (labels.map { [$0] } ?? []))
        let parameters = try parameters()
        let selection: TrajectoryFeaturizer.Selection
        if let labels, let temperature {
            var table = try LabelTable.read(path: labels)
            if balance, let imbalance = table.balanceSummary(every: every).imbalance { printError("warning: --balance: \(imbalance)") }
            if balance || every > 1 { table = balance ? table.balanced(seed: seed, every: every) : table.everyFrame(every) }
            selection = .labelled(table, temperature: temperature)
        } else {
            selection = .frames(every: every)
        }
        let bar = ProgressBar("featurize")
        let rows = try TrajectoryFeaturizer.run(trajectory: trajectory, parameters: parameters, selection: selection, output: file.output,
                                                storage: storage, overwrite: file.force, threads: threads.threads) { frames in bar.count(frames, unit: "frames") }
        bar.finish()
        print("wrote \(file.output): \(rows) rows × \(parameters.featureCount) features (\(parameters.radialFeatureCount) radial, \(parameters.angularFeatureCount) angular; cutoffs \(String(format: "%.2f", parameters.radialCutoff)) and \(String(format: "%.2f", parameters.angularCutoff)))")
    }
}
