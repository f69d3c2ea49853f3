import ArgumentParser
import Diagnostics
import Workflows
import Foundation

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Slope, accuracy and Var(ΔE_inf) over training-set size N × C × seeds (paper Figs. 3 and 5).",
        discussion: "For each seed, N training rows are drawn without replacement from the file's training rows; the test rows stay the same.")

    @OptionGroup(title: "Input") var input: InputArguments
    @OptionGroup(title: "SVM and diagnostic") var svm: SVMArguments
    @OptionGroup(title: "Results") var results: ResultOptions

    @Option(name: .customLong("n"), help: "Training-set sizes, comma-separated.")
    var sizes = NumberList([1000, 10000])

    @Option(name: .customLong("c-values"), help: "C values, comma-separated.")
    var cValues = NumberList([0.01, 1, 100])

    @Option(help: "Number of seeds per cell (seeds 1...k).")
    var seeds: Int = 5

    @OptionGroup var printing: JSONOption

    func run() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        let ns = sizes.values.map { Int($0) }
        guard !ns.isEmpty, ns.allSatisfy({ $0 > 0 }) else { throw ValidationError("--n needs positive training-set sizes") }
        guard !cValues.values.isEmpty, cValues.values.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ValidationError("--c-values must be positive") }
        let name = results.runName(default: "scan")
        let store = try results.store(for: input)
        try checkRunName(results, store: store, name: name)
        let loaded = try input.load(seed: svm.seed, results: results)
        let bar = ProgressBar("scan")
        let cells = try naming(input.file) { try Diagnostics.Scan.run(loaded.input, trainingSizes: ns, cValues: cValues.values, seeds: (1...seeds).map(UInt64.init),
                                             options: svm.options) { done, total in bar.update(done, of: total) } }
        if printing.json {
            try printJSON(cells)
        } else {
            print("     N          C   slope (mean ± sd)   accuracy (mean ± sd)   Var(ΔE_inf)   converged")
            for cell in cells {
                print(String(format: "%6d %10g   %7@ ± %-7@    %.4f ± %.4f        %8@      %d/%d", cell.n, cell.c,
                             cell.slopeMean.map { String(format: "%.4f", $0) } ?? "—", cell.slopeSD.map { String(format: "%.4f", $0) } ?? "—",
                             cell.accuracyMean, cell.accuracySD, cell.varianceMean.map { String(format: "%.3f", $0) } ?? "—",
                             cell.converged.filter { $0 }.count, cell.converged.count))
            }
        }
        var parameters = svm.parameters
        parameters["n"] = .integers(ns)
        parameters["c_values"] = .reals(cValues.values)
        parameters["seeds"] = .integer(seeds)
        try storeRun(results, store: store, digest: loaded.digest, name: name, parameters: parameters, loaded: loaded) { run in
            try ResultWriting.write(cells, to: run)
        }
    }
}
