import ArgumentParser
import Foundation
import ParticleTable
import Structure
import TrajectoryTables

extension TableJoin.SplitRule: ExpressibleByArgument {}

/// `softness join`.
struct Join: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join particle tables of several runs (e.g. one per temperature) into one table with a train/test split.")

    @Argument(help: "Particle tables (from `softness featurize --labels … --temperature …`), or HDF5 files of one mapped layout (--mapping or --features/--labels/--temperature).")
    var inputs: [String]

    @OptionGroup(title: "Output (particle table)") var file: OutputFileOptions

    @Option(name: .customLong("test-fraction"), help: "Fraction of frames (or rows) in the test split.")
    var testFraction: Double = 0.5

    @Option(name: .customLong("split-by"), help: "frame (whole frames to train or test) or row.")
    var splitBy: TableJoin.SplitRule = .frame

    @Option(help: "Seed of the split.")
    var seed: UInt64 = 1

    @OptionGroup(title: "Mapped layout (the same for every input)") var layout: MappedLayoutOptions

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one input table") }
    }

    func run() throws {
        try DamagedFileProbe.check(inputs)
        try file.requireNotAmong(inputs)
        var mapped: (mapping: DatasetMapping, labels: LabelEncoding)?
        if layout.isMapped {
            let mapping = try layout.datasetMapping()
            mapped = (mapping, try layout.effectiveLabelEncoding(mapping))
        }
        let rows = try TableJoin.run(inputs: inputs, output: file.output, testFraction: testFraction, rule: splitBy, seed: seed, overwrite: file.force,
                                     mappedLayout: mapped)
        print("wrote \(file.output): \(rows) rows from \(inputs.count) tables (split by \(splitBy.rawValue), \(Int(testFraction * 100))% test)")
    }
}
