import ArgumentParser
import Diagnostics
import Workflows
import Foundation

struct RFE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfe",
        abstract: "Recursive feature elimination with the variance diagnostic (paper Sec. V, Fig. 6).",
        discussion: """
        Fits, records Var(ΔE_inf), test accuracy and weights, drops the feature with the smallest |w_j| (standardized units), \
        and repeats. The peak of Var(ΔE_inf) marks the feature set whose softness is closest to the true barrier. \
        Error bars: --bootstrap B replicates resample training and test rows and refit every step. The recommended set is the \
        smallest one that, with every set between it and the peak, stays within 2 bootstrap errors of the peak's variance; \
        'chosen' says in how many replicates the same rule picked each set.
        """)

    @OptionGroup(title: "Input") var input: InputArguments
    @OptionGroup(title: "SVM and diagnostic") var svm: SVMArguments
    @OptionGroup(title: "Results") var results: ResultOptions

    @Option(name: .customLong("min-features"), help: "Stop when this many features are left.")
    var minFeatures: Int = 1

    @OptionGroup var printing: JSONOption

    @OptionGroup(title: "Memory") var memory: MemoryOptions

    func run() throws {
        let name = results.runName(default: "rfe")
        let store = try results.store(for: input)
        try checkRunName(results, store: store, name: name)
        let replicates = svm.options.bootstrapSamples > 0 ? (3, "the bootstrap replicates' copies of every row (--bootstrap 0: none)") : nil
        if let (table, spare) = try OutOfCore.table(input, memory: memory, softness: results.softnessStorage, seed: svm.seed,
                                                    extra: replicates) {
            let names = table.input.featureNames
            guard minFeatures >= 1, minFeatures <= names.count else {
                throw ValidationError("--min-features must be in 1...\(names.count), got \(minFeatures)")
            }
            let bar = ProgressBar("rfe")
            let (rfe, digest) = try naming(input.file) {
                try table.withDigest { firstPass in
                    try RecursiveFeatureElimination.runStreamed(table.input, options: svm.options, minimumFeatures: minFeatures,
                                                                pieceRows: memory.pieceRows, memory: memory.plan(spare: spare), firstPass: firstPass,
                                                                log: memory.log("rfe", since: Date())) { done, total in bar.update(done, of: total) }
                }
            }
            try report(rfe, names: names)
            var parameters = svm.parameters.merging(["min_features": .integer(minFeatures)]) { $1 }
            parameters["out_of_core_memory_limit"] = .integer(memory.limit)
            try storeRun(results, store: store, digest: digest, name: name, parameters: parameters) { run in
                if let split = table.generatedSplit { try ResultWriting.writeGeneratedSplit(split, to: run) }
                try ResultWriting.write(rfe, featureNames: names, to: run)
            }
            return
        }
        let loaded = try input.load(seed: svm.seed, results: results)
        guard minFeatures >= 1, minFeatures <= loaded.input.featureCount else {
            throw ValidationError("--min-features must be in 1...\(loaded.input.featureCount), got \(minFeatures)")
        }
        let bar = ProgressBar("rfe")
        let rfe = try naming(input.file) {
            try RecursiveFeatureElimination.run(loaded.input, options: svm.options, minimumFeatures: minFeatures) { done, total in
                bar.update(done, of: total)
            }
        }
        try report(rfe, names: loaded.input.featureNames)
        try storeRun(results, store: store, digest: loaded.digest, name: name, parameters: svm.parameters.merging(["min_features": .integer(minFeatures)]) { $1 }, loaded: loaded) { run in
            try ResultWriting.write(rfe, featureNames: loaded.input.featureNames, to: run)
        }
    }

    /// Warnings to stderr, the table (or JSON) to stdout.
    private func report(_ rfe: RFEResult, names: [String]) throws {
        for step in rfe.steps { warnIfNotConverged(step.report, context: "rfe with \(step.kept.count) features") }
        for warning in rfe.warnings { printError("warning: rfe: \(warning)") }
        if printing.json {
            try printJSON(WithVerdict(rfe, verdict: Verdict.sentence(for: rfe)))
        } else {
            print(Self.render(rfe, names: names))
        }
    }

    static func render(_ rfe: RFEResult, names: [String]) -> String {
        var lines = ["kept  Var(ΔE_inf) ± err        test acc   slope    chosen   removed next"]
        for (index, step) in rfe.steps.enumerated() {
            let marker = [index == rfe.peakIndex ? "peak" : nil, index == rfe.recommendedIndex ? "recommended" : nil].compactMap { $0 }.joined(separator: ", ")
            lines.append(String(format: "%4d  %10.4f ± %-10.4f  %7.4f  %7@  %7@  %@%@", step.kept.count, step.variance ?? .nan, step.varianceError ?? .nan,
                                step.testAccuracy, step.slope.map { String(format: "%.3f", $0) } ?? "—",
                                rfe.replicates > 0 ? "\(step.timesChosen)/\(rfe.replicates)" : "—",
                                step.removed.map { names[$0] } ?? "—", marker.isEmpty ? "" : " ← " + marker))
        }
        lines.append("verdict: " + Verdict.sentence(for: rfe))
        return lines.joined(separator: "\n")
    }
}
