import ArgumentParser
import Diagnostics
import Workflows
import Foundation
import ParticleTable

extension BinnedResponse: ExpressibleByArgument {}
extension BinnedWeighting: ExpressibleByArgument {}
extension BinnedDelimiter: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { ["comma", "tab", "semicolon", "space"] }
}

struct ArrheniusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arrhenius",
        abstract: "Arrhenius barriers ΔE(S) and Σ(S): from a particle table (logistic and binned routes side by side) or from a binned table.",
        discussion: """
        Binned route (Schoenholz et al. 2016): per softness bin, weighted least squares of ln P_R = Σ(S) − ΔE(S)/T
        (or logit P_R with --response logit); --weighting none fits every temperature alike, as the published binned
        barriers do. Temperatures at P_R = 0 or 1 are left out and counted per bin. A binned table is a CSV with columns S,T,count,fraction (one line per bin
        and temperature; --delimiter and --columns for other layouts) or an HDF5 file with softness [bins], temperature [T], count and
        fraction [bins, T] (at the root, in the root's only group holding them, or in --group). Columns and datasets may also be named
        softness/S, temperature/T, count/n, fraction/p/P_R/fraction_rearranging, in any case.
        """)

    @OptionGroup(title: "Input") var input: InputArguments

    @Flag(help: "FILE is a binned table (CSV or HDF5), not a particle table.")
    var binned = false

    @Option(help: "With --binned, the field separator of a text table: comma, tab, semicolon or space (runs of whitespace). Default: detected from the first line.")
    var delimiter: BinnedDelimiter?

    // --columns (a headerless text table's columns with --binned) is the shared input option.
    private var columns: String? { input.columns }

    @Option(help: "With --binned, the HDF5 group holding softness, temperature, count and fraction. Default: the root, or the root's only group that holds them.")
    var group: String?

    /// How to read the binned table.
    private var tableOptions: BinnedTableOptions {
        BinnedTableOptions(delimiter: delimiter, columns: columns.map(BinnedTableOptions.columnList), group: group)
    }

    @Option(help: "Softness bins for the binned route on a particle table.")
    var bins: Int = 12

    @Option(help: "Binned response: logProbability (ln P_R) or logit.")
    var response: BinnedResponse = .logProbability

    @Option(help: "Weights of the temperatures in each bin's fit: binomial (inverse variances) or none (unweighted, the published convention of Schoenholz 2016 and Sharp 2018).")
    var weighting: BinnedWeighting = .binomial

    @Flag(help: "With --response logit: temperatures at P_R = 0 or 1 enter as (k + 1/2)/(n + 1) instead of being left out.")
    var continuityCorrection = false

    @Option(name: .customLong("fit-temperatures"), help: "Fit only these temperatures of the binned table, comma-separated (e.g. the lowest four, as Sharp et al. 2018).")
    var fitTemperatures: NumberList?

    /// The table restricted to --fit-temperatures, if given.
    private func selected(_ table: BinnedRearrangementTable) throws -> BinnedRearrangementTable {
        guard let fitTemperatures else { return table }
        return try naming(input.file) { try table.selecting(temperatures: fitTemperatures.values) }
    }

    @OptionGroup(title: "SVM and diagnostic") var svm: SVMArguments
    @OptionGroup(title: "Results") var results: ResultOptions

    @OptionGroup var printing: JSONOption

    func run() throws {
        guard bins >= 1 else { throw ValidationError("--bins must be at least 1") }
        if !binned && (delimiter != nil || group != nil) {
            throw ValidationError("--delimiter and --group describe a binned table: add --binned")
        }
        if binned && (input.selectedTemperatures != nil || input.selectedSpecies != nil || input.selectedFrames != nil
                      || input.excludedColumns != nil || input.featuresFrom != nil) {
            throw ValidationError("--temperatures, --species, --frames, --exclude-columns and --features-from select rows and columns of a particle table; with --binned use --fit-temperatures")
        }
        let name = results.runName(default: "arrhenius")
        let file = input.file
        if binned {
            let store = results.store(for: file)
            try checkRunName(results, store: store, name: name)
            let table = try selected(try BinnedTableReading.read(path: file, options: tableOptions))
            let fit = try naming(file) { try BinnedArrhenius.fit(table, response: response, weighting: weighting, continuityCorrection: continuityCorrection) }
            if printing.json { try printJSON(WithVerdict(fit, verdict: Verdict.sentence(for: fit))) } else { print(Self.render(fit) + "\nverdict: " + Verdict.sentence(for: fit)) }
            for warning in fit.warnings { printError("WARNING: \(warning)") }
            try storeRun(results, store: store, digest: "not computed for binned tables", name: name, parameters: ["response": .string(response.rawValue), "weighting": .string(weighting.rawValue),
                                                                                                                   "fit_temperatures": .string(fitTemperatures?.defaultValueDescription ?? "all"), "continuity_correction": .integer(continuityCorrection ? 1 : 0),
                                                                                                                   "delimiter": .string(delimiter?.rawValue ?? "detected"), "columns": .string(columns ?? "header"), "group": .string(group ?? "found")]) { run in
                try ResultWriting.write(fit, table: table, to: run)
            }
            return
        }
        let store = try results.store(for: input)
        try checkRunName(results, store: store, name: name)
        let loaded = try input.load(seed: svm.seed, results: results)
        let result = try naming(file) { try BarrierDiagnostic.run(loaded.input, options: svm.options) }
        warnIfNotConverged(result.model.report, context: "arrhenius")
        let test = loaded.input.isTraining.indices.filter { !loaded.input.isTraining[$0] }
        let table = try selected(try naming(file) { try BinnedArrhenius.table(softness: test.map { result.softness[$0] }, labels: test.map { loaded.input.labels[$0] },
                                              temperature: test.map { loaded.input.temperature[$0] }, bins: bins) })
        let fit = try naming(file) { try BinnedArrhenius.fit(table, response: response, weighting: weighting, continuityCorrection: continuityCorrection) }
        if printing.json {
            try printJSON(["logistic": DiagnosticSummary(result)])
            try printJSON(WithVerdict(fit, verdict: Verdict.sentence(for: fit)))
        } else {
            print("     S    ΔE logistic   ΔE binned ± err       Σ logistic   Σ binned ± err      R² binned")
            for point in fit.points {
                let logistic = result.arrhenius
                print(String(format: "%+6.2f   %10.4f   %9.4f ± %-8.4f   %9.4f   %8.4f ± %-8.4f   %.4f", point.softness,
                             logistic?.deltaE(point.softness) ?? .nan, point.deltaE, point.deltaEError,
                             logistic?.sigma(point.softness) ?? .nan, point.sigma, point.sigmaError, point.r2 ?? .nan))
            }
            for skipped in fit.skipped { print(String(format: "  bin S = %+.2f skipped: %@", skipped.softness, skipped.reason)) }
            print("verdict (binned): " + Verdict.sentence(for: fit))
        }
        for warning in fit.warnings { printError("WARNING: \(warning)") }
        try storeRun(results, store: store, digest: loaded.digest, name: name, parameters: svm.parameters.merging(["bins": .integer(bins), "response": .string(response.rawValue), "weighting": .string(weighting.rawValue),
                                                                                                    "fit_temperatures": .string(fitTemperatures?.defaultValueDescription ?? "all"), "continuity_correction": .integer(continuityCorrection ? 1 : 0)]) { $1 }, loaded: loaded) { run in
            try ResultWriting.write(result, softnessStorage: results.softnessStorage, to: run)
            try ResultWriting.write(fit, table: table, to: run)
        }
    }

    static func render(_ fit: BinnedArrheniusResult) -> String {
        var lines = ["\(fit.weighting == .none ? "unweighted" : "binomially weighted") fit of \(fit.response == .logit ? "logit P_R" : "ln P_R") against 1/T per bin",
                     "     S    ΔE(S) ± err          Σ(S) ± err           R²       χ²/dof    p      temperatures"]
        func number(_ value: Double, _ format: String) -> String { value.isNaN ? "—".padding(toLength: 6, withPad: " ", startingAt: 0) : String(format: format, value) }
        for p in fit.points {
            let excluded = p.temperaturesAtZeroOrOne > 0 ? " (+\(p.temperaturesAtZeroOrOne) at P_R = 0 or 1, left out)" : ""
            let dof = p.temperaturesUsed - 2
            let reduced = dof > 0 ? p.chiSquared / Double(dof) : .nan
            lines.append(String(format: "%+6.2f   %9.4f ± %-8.4f   %9.4f ± %-8.4f   ", p.softness, p.deltaE, p.deltaEError, p.sigma, p.sigmaError)
                         + number(p.r2 ?? .nan, "%.4f") + "   " + number(reduced, "%6.2f") + "   " + number(p.lackOfFitPValue ?? .nan, "%.3f")
                         + "   \(p.temperaturesUsed)" + (p.errorsScaledByLackOfFit ? " (errors × sqrt(χ²/dof))" : "") + excluded)
        }
        for skipped in fit.skipped { lines.append(String(format: "  bin S = %+.2f skipped: %@", skipped.softness, skipped.reason)) }
        return lines.joined(separator: "\n")
    }
}

