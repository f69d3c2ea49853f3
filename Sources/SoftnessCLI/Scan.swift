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

    @OptionGroup(title: "Memory") var memory: MemoryOptions

    func run() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        let ns = sizes.values.map { Int($0) }
        guard !ns.isEmpty, ns.allSatisfy({ $0 > 0 }) else { throw ValidationError("--n needs positive training-set sizes") }
        guard !cValues.values.isEmpty, cValues.values.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ValidationError("--c-values must be positive") }
        let name = results.runName(default: "scan")
        let store = try results.store(for: input)
        try checkRunName(results, store: store, name: name)
        var parameters = svm.parameters
        parameters["n"] = .integers(ns)
        parameters["c_values"] = .reals(cValues.values)
        parameters["seeds"] = .integer(seeds)
        let bar = ProgressBar("scan")
        let seedList = (1...seeds).map(UInt64.init)
        if let (table, spare) = try OutOfCore.table(input, memory: memory, softness: results.softnessStorage, seed: svm.seed,
                                                    extra: (seeds + 8, "a role byte per seed and the training rows' indices twice")) {
            let (cells, digest) = try naming(input.file) {
                try table.withDigest { firstPass in
                    try Diagnostics.Scan.runStreamed(table.input, trainingSizes: ns, cValues: cValues.values, seeds: seedList, options: svm.options,
                                                     pieceRows: memory.pieceRows, memory: memory.plan(spare: spare), firstPass: firstPass,
                                                     log: memory.log("scan", since: Date())) { done, total in bar.update(done, of: total) }
                }
            }
            try show(cells)
            parameters["out_of_core_memory_limit"] = .integer(memory.limit)
            try storeRun(results, store: store, digest: digest, name: name, parameters: parameters) { run in
                if let split = table.generatedSplit { try ResultWriting.writeGeneratedSplit(split, to: run) }
                try ResultWriting.write(cells, to: run)
            }
            return
        }
        let loaded = try input.load(seed: svm.seed, results: results)
        let cells = try naming(input.file) { try Diagnostics.Scan.run(loaded.input, trainingSizes: ns, cValues: cValues.values, seeds: seedList,
                                             options: svm.options) { done, total in bar.update(done, of: total) } }
        try show(cells)
        try storeRun(results, store: store, digest: loaded.digest, name: name, parameters: parameters, loaded: loaded) { run in
            try ResultWriting.write(cells, to: run)
        }
    }

    /// Prints the cells as JSON or as a table.
    private func show(_ cells: [ScanCell]) throws {
        guard !printing.json else { return try printJSON(cells) }
        var lines = ["     N          C   slope (mean ± sd)   accuracy (mean ± sd)   Var(ΔE_inf)   converged"]
        for cell in cells {
            lines.append(String(format: "%6d %10g   %7@ ± %-7@    %.4f ± %.4f        %8@      %d/%d", cell.n, cell.c,
                                cell.slopeMean.map { String(format: "%.4f", $0) } ?? "—", cell.slopeSD.map { String(format: "%.4f", $0) } ?? "—",
                                cell.accuracyMean, cell.accuracySD, cell.varianceMean.map { String(format: "%.3f", $0) } ?? "—",
                                cell.converged.filter { $0 }.count, cell.converged.count))
        }
        print(lines.joined(separator: "\n"))
    }
}
