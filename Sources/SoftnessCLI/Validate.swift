import ArgumentParser
import Diagnostics
import Foundation
import HDF5
import ParticleTable

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a particle table before the diagnostic: schema, NaN/Inf, constant columns, labels, class balance, standardization.",
        discussion: "Exits with status 2 and the list of problems when the table cannot be used. --balance records a seeded balanced selection of training rows (indices) in the results file; the input is never rewritten.")

    @Argument(help: "Particle-table HDF5 file, or any HDF5 file with --features/--labels/--temperature or --mapping.")
    var file: String

    @OptionGroup(title: "Mapped layout (any HDF5 file)") var layout: MappedLayoutOptions

    @Flag(help: "Record a balanced selection of training rows (majority class subsampled per temperature).")
    var balance = false

    @Option(help: "Seed of the balanced selection.")
    var seed: UInt64 = 1

    @Flag(help: "Accept training rows beyond 80/20 in one class (a warning instead of a problem).")
    var allowImbalance = false

    @OptionGroup(title: "Results") var results: ResultOptions

    @OptionGroup var printing: JSONOption

    func run() throws {
        try DamagedFileProbe.check(file)
        let limit = allowImbalance || balance ? nil : VerdictRules.imbalanceLimit
        let labels = try layout.effectiveLabelEncoding(try layout.datasetMapping())
        let report: ValidationReport
        var mapped: (data: ParticleTableData, mapping: DatasetMapping)?
        if layout.isMapped {
            // A mapped layout is read whole; a value the layout refuses is the one problem reported.
            let loaded: (data: ParticleTableData, mapping: DatasetMapping)
            do { loaded = try layout.load(file) } catch {
                printError("\(file): 1 problem(s):")
                printError("  - \(error)")
                throw ExitCode(2)
            }
            mapped = loaded
            report = try ParticleTableValidator.validate(mapped: loaded.data, mapping: loaded.mapping, trainingImbalanceLimit: limit)
        } else {
            report = try ParticleTableValidator.validate(path: file, labels: labels, trainingImbalanceLimit: limit)
        }
        if printing.json {
            try printJSON(report)
        } else {
            print("\(file): N = \(report.rows), d = \(report.featureCount), features \(report.isStandardized ? "already standardized" : "not standardized (the diagnostic standardizes from training rows)")")
            for cell in report.counts {
                print("  T = " + String(format: "%-8g ", cell.temperature) + cell.split.padding(toLength: 6, withPad: " ", startingAt: 0)
                      + String(format: "%9d rows, %5.1f%% rearranging", cell.rows, 100 * cell.rearrangingFraction))
            }
            for warning in report.warnings { print("warning: \(warning)") }
        }
        guard report.isValid else {
            printError("\(file): \(report.problems.count) problem(s):")
            for problem in report.problems { printError("  - \(problem)") }
            throw ExitCode(2)
        }
        if balance {
            let data = try mapped?.data ?? ParticleTableReader.load(path: file, labels: labels)
            let isTraining = data.split.map { $0.map { $0 == 0 } } ?? [Bool](repeating: true, count: data.rows)
            let indices = BalancedSelection.trainingRows(labels: data.labels, temperature: data.temperature, isTraining: isTraining, seed: seed)
            let name = results.runName(default: "balance")
            if !results.dryRun {
                let store = try results.store(for: file, layout: layout)
                try storeRun(results, store: store, digest: data.digest, name: name,
                             parameters: ["seed": .seed(seed), "label_encoding": .string(labels.rawValue)]) { run in
                    try run.createDataset("balance/indices", values: indices.map(Int64.init))
                }
                print("balanced selection: \(indices.count) training rows → \(store.path):/results/\(name)/balance/indices")
            }
        }
        if !printing.json { print("valid: yes") }
    }
}
