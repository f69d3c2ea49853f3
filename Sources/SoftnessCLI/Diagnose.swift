import ArgumentParser
import Diagnostics
import Workflows
import Foundation
import HDF5
import Learning
import ParticleTable

struct Diagnose: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The whole diagnostic: SVM, softness, P(R|S,T), Arrhenius barriers, truth check and Var(ΔE_inf).",
        discussion: """
        Standardizes with training-row statistics, fits the linear SVM (scikit-learn LinearSVC objective),
        computes softness S = (w·z + b)/|w|, fits logit P(R=+1|S,T) = a(T) + b(T)·S on the test rows of each
        temperature, and reads ΔE_inf(S) = −(A1 + B1·S) and Σ(S) = A0 + B0·S off a(T), b(T) linear in 1/T.
        With a true barrier in the file (toy data) it regresses ΔE_inf on ΔE: slope 1 means the barrier was learned.
        Results go to the results file beside the input (never into the input).
        """)

    @OptionGroup(title: "Input") var input: InputArguments
    @OptionGroup(title: "SVM and diagnostic") var svm: SVMArguments
    @OptionGroup(title: "Results") var results: ResultOptions

    @OptionGroup var printing: JSONOption

    @OptionGroup(title: "Memory") var memory: MemoryOptions

    func run() throws {
        let name = results.runName(default: "diagnose")
        let store = try results.store(for: input)
        try checkRunName(results, store: store, name: name)
        if let (table, spare) = try OutOfCore.table(input, memory: memory, softness: results.softnessStorage, seed: svm.seed) {
            // A table larger than the limit, streamed from the file (`StreamedTable`).
            let (streamed, digest) = try naming(input.file) {
                try table.diagnose(options: svm.options, softness: results.softnessStorage, pieceRows: memory.pieceRows, memory: memory.plan(spare: spare),
                                   progress: memory.log("diagnose", since: Date()))
            }
            printError(String(format: "diagnose: %d passes over %@ in %.1f s (SVM %.1f s)", streamed.passes, input.file, streamed.seconds, streamed.svmSeconds))
            var parameters = svm.parameters
            parameters["out_of_core_memory_limit"] = .integer(memory.limit)
            try finish(streamed.result, store: store, digest: digest, name: name, parameters: parameters) { run in
                if let split = table.generatedSplit { try ResultWriting.writeGeneratedSplit(split, to: run) }
                try ResultWriting.write(streamed.result, softness: streamed.softness, to: run)
            }
            return
        }
        let loaded = try input.load(seed: svm.seed, results: results)
        let result = try naming(input.file) { try BarrierDiagnostic.run(loaded.input, options: svm.options) }
        try finish(result, store: store, digest: loaded.digest, name: name, parameters: svm.parameters, loaded: loaded) { run in
            try ResultWriting.write(result, softnessStorage: results.softnessStorage, to: run)
        }
    }

    /// Warnings, the printed diagnostic (or JSON), the run written by `write`, exit status 3 without
    /// Arrhenius barriers.
    private func finish(_ result: DiagnosticResult, store: ResultStore, digest: String, name: String,
                        parameters: [String: AttributeValue], loaded: LoadedInput? = nil, write: (Group) throws -> Void) throws {
        warnIfNotConverged(result.model.report, context: "diagnose")
        for warning in result.warnings { printError("warning: \(warning)") }
        if printing.json {
            try printJSON(DiagnosticSummary(result))
        } else {
            print(Self.render(result, file: input.file))
        }
        try storeRun(results, store: store, digest: digest, name: name, parameters: parameters, loaded: loaded, body: write)
        if result.arrhenius == nil {
            printError("\(input.file): no Arrhenius barriers: \(result.warnings.first { $0.contains("Arrhenius") } ?? "test rows at two or more temperatures are needed"); the SVM, softness, logistic fits and accuracies were written.")
            throw ExitCode(3)
        }
    }

    static func render(_ r: DiagnosticResult, file: String) -> String {
        var lines: [String] = []
        lines.append("\(file): \(r.trainingRowCount) training rows at T = \(r.trainingTemperatures.map { String(format: "%g", $0) }.joined(separator: ", ")), \(r.testRowCount) test rows, d = \(r.featureNames.count)")
        lines.append("SVM: \(r.model.report.summary)")
        let trainingTs = r.trainingTemperatures.map { String(format: "%g", $0) }.joined(separator: ", ")
        lines.append(String(format: "accuracy: training %.4f (%d rows); test %.4f (%d test rows at %@); all %d test rows %.4f",
                            r.trainingAccuracy, r.trainingRowCount, r.testAccuracy, r.testAccuracyRows,
                            r.accuracyByTemperature.contains(where: \.isTrainingTemperature) ? "T = " + trainingTs : "every temperature",
                            r.testRowCount, r.pooledTestAccuracy))
        lines.append("test rows per temperature:      rows   R = +1   accuracy   Var(ΔE_inf)")
        for t in r.accuracyByTemperature {
            lines.append(String(format: "  T = %-8g%@  %8d   %5.1f%%   %.4f     %@", t.temperature, t.isTrainingTemperature ? " (training)" : "           ",
                                t.rows, 100 * t.rearrangingFraction, t.accuracy, t.varianceOfInferredBarrier.map { String(format: "%.4f", $0) } ?? "—"))
        }
        lines.append("logit P(R=+1|S,T) = a(T) + b(T)·S on test rows:")
        for fit in r.logistic {
            lines.append(String(format: "  T = %-6g a = %+8.4f ± %.4f   b = %+8.4f ± %.4f   (%d rows, %.1f%% rearranging)",
                                fit.temperature, fit.intercept, fit.interceptError, fit.slope, fit.slopeError, fit.rows, 100 * fit.rearrangingFraction))
        }
        if let a = r.arrhenius {
            if let e = a.errors {
                lines.append(String(format: "Arrhenius: ΔE_inf(S) = (%.4f ± %.4f) %@ (%.4f ± %.4f)·S,  Σ(S) = (%.4f ± %.4f) %@ (%.4f ± %.4f)·S",
                                    -a.a1, e.a1, a.b1 > 0 ? "−" : "+", abs(a.b1), e.b1, a.a0, e.a0, a.b0 < 0 ? "−" : "+", abs(a.b0), e.b0))
                if e.interceptScale > 1 || e.slopeScale > 1 {
                    lines.append(String(format: "  errors multiplied by sqrt(χ²/dof) for lack of fit: a(T) line ×%.2f, b(T) line ×%.2f", e.interceptScale, e.slopeScale))
                }
            } else {
                lines.append(String(format: "Arrhenius: ΔE_inf(S) = %.4f %+.4f·S,  Σ(S) = %.4f %+.4f·S", -a.a1, -a.b1, a.a0, a.b0))
            }
            if a.temperatures.count == 2 {
                lines.append("  two temperatures: the lines in 1/T cannot be tested (no R², no lack-of-fit test)")
            } else {
                let r2 = a.grid.compactMap(\.r2).sorted()
                lines.append(String(format: "  R² of logit vs 1/T at %d S values in [%.2f, %.2f]: median %.4f, at the ends %.4f and %.4f (near S = 0 the line is flat and R² means little)",
                                    a.grid.count, a.grid.first?.softness ?? .nan, a.grid.last?.softness ?? .nan,
                                    r2.isEmpty ? .nan : r2[r2.count / 2], a.grid.first?.r2 ?? .nan, a.grid.last?.r2 ?? .nan))
                let dof = Double(a.temperatures.count - 2)
                if let ca = a.interceptChiSquared, let pa = a.interceptLackOfFitP, let cb = a.slopeChiSquared, let pb = a.slopeLackOfFitP {
                    lines.append(String(format: "  lack of fit (errors of the logistic fits): a(T) χ²/dof = %.2f, p = %.3g; b(T) χ²/dof = %.2f, p = %.3g",
                                        ca / dof, pa, cb / dof, pb))
                    let tested = a.grid.compactMap(\.lackOfFitP)
                    lines.append("  logit vs 1/T at each S: p < \(VerdictRules.poorFitPValue) at \(tested.filter { $0 < VerdictRules.poorFitPValue }.count) of \(tested.count) S values")
                }
            }
        }
        if let variance = r.varianceOfInferredBarrier {
            let n = r.trainingTemperatures.count
            lines.append(String(format: "Var(ΔE_inf) = %.4f ± %.4f pooled over the %d test rows at T = %@ (the training temperature%@; per temperature above)",
                                variance, r.varianceError ?? .nan, r.varianceRows, trainingTs, n == 1 ? "" : "s"))
        }
        lines.append("verdict: " + Verdict.sentence(for: r))
        return lines.joined(separator: "\n")
    }
}

/// The JSON form of a diagnostic result, without per-row arrays.
struct DiagnosticSummary: Encodable {
    var featureNames: [String]
    var weights: [Double]
    var bias: Double
    var report: FitReport
    var trainingAccuracy: Double
    var trainingRows: Int
    var testAccuracy: Double
    var testAccuracyRows: Int
    var pooledTestAccuracy: Double
    var testRows: Int
    var trainingTemperatures: [Double]
    var accuracyByTemperature: [TemperatureAccuracy]
    var logistic: [TemperatureLogisticFit]
    var arrhenius: ArrheniusFit?
    var truth: TruthCheck?
    var varianceOfInferredBarrier: Double?
    var varianceRows: Int
    var varianceError: Double?
    var warnings: [String]
    var caveats: [VerdictCaveat]
    var empiricalRates: EmpiricalRates?
    var verdict: String
    var verdictRules: [String: Double]

    init(_ r: DiagnosticResult) {
        featureNames = r.featureNames
        weights = r.model.weights
        bias = r.model.bias
        report = r.model.report
        trainingAccuracy = r.trainingAccuracy
        trainingRows = r.trainingRowCount
        testAccuracy = r.testAccuracy
        testAccuracyRows = r.testAccuracyRows
        pooledTestAccuracy = r.pooledTestAccuracy
        testRows = r.testRowCount
        trainingTemperatures = r.trainingTemperatures
        accuracyByTemperature = r.accuracyByTemperature
        logistic = r.logistic
        arrhenius = r.arrhenius
        truth = r.truth
        varianceOfInferredBarrier = r.varianceOfInferredBarrier
        varianceRows = r.varianceRows
        varianceError = r.varianceError
        warnings = r.warnings
        empiricalRates = r.empiricalRates
        caveats = r.caveats
        verdict = Verdict.sentence(for: r)
        verdictRules = VerdictRules.table
    }
}
