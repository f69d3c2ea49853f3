// Swift side of the diagnostics benchmark (the numpy/scikit-learn side is benchmarks/sklearn_bench.py).
// Both read the SAME particle table written by `softness generate`.
//
// Usage:
//   DiagnosticsBenchmark svm      FILE [repeats] [tol]   LinearSVM.fit (C = 1, squared hinge) on the standardized training rows
//                                                        (SOFTNESS_BENCH_THREADS=1: solver on one thread)
//   DiagnosticsBenchmark pipeline FILE [repeats] [B]     LoadedInput.load + BarrierDiagnostic.run with B bootstrap replicates
//   DiagnosticsBenchmark rfe      FILE [repeats] [B]     RecursiveFeatureElimination.run d → 1 (warm-started refits)
//
// Run one mode per process: peak RSS (getrusage ru_maxrss) is a process high-water mark.
// Prints one machine-readable line per result: key=value pairs, first token "swift".
import Diagnostics
import Workflows
import Foundation
import ParticleTable
import HDF5
import Learning

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux: KiB
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("DiagnosticsBenchmark: \(message)\n".utf8))
    exit(2)
}

func format(_ value: Double?, _ spec: String = "%.6f") -> String {
    guard let value else { return "nan" }
    return String(format: spec, value)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    fail("usage: DiagnosticsBenchmark svm|pipeline|rfe FILE [repeats] [tol|bootstrap]")
}
let mode = arguments[1], path = arguments[2]
let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
let extra = arguments.count > 4 ? arguments[4] : nil
let tag = (path as NSString).lastPathComponent
let threads = ProcessInfo.processInfo.activeProcessorCount

do {
    switch mode {
    case "svm":
        let tolerance = extra.flatMap(Double.init) ?? 1e-4
        let data = try ParticleTableReader.load(path: path)
        let d = data.featureCount
        let featureMB = Double(data.rows * d * 8) / 1048576
        guard let split = data.split else { fail("\(path) has no /split") }
        let training = (0..<data.rows).filter { split[$0] == 0 }
        // Standardize with training-row mean and population sd (two-pass), into one n × d matrix.
        var mean = [Double](repeating: 0, count: d), sumSquares = [Double](repeating: 0, count: d)
        for r in training { for k in 0..<d { mean[k] += data.features[r * d + k] } }
        for k in 0..<d { mean[k] /= Double(training.count) }
        for r in training { for k in 0..<d { let e = data.features[r * d + k] - mean[k]; sumSquares[k] += e * e } }
        let inverseSD = sumSquares.map { 1 / ($0 / Double(training.count)).squareRoot() }
        var z = [Double](repeating: 0, count: training.count * d)
        for (i, r) in training.enumerated() { for k in 0..<d { z[i * d + k] = (data.features[r * d + k] - mean[k]) * inverseSD[k] } }
        let x = try DenseMatrix(rows: training.count, columns: d, values: z)
        z = []
        let labels = training.map { data.labels[$0] }
        // SOFTNESS_BENCH_THREADS=1 runs the solver on one thread (liblinear is single-threaded).
        let solverThreads = ProcessInfo.processInfo.environment["SOFTNESS_BENCH_THREADS"].flatMap { Int($0) }
        let options = LinearSVMOptions(c: 1, loss: .squaredHinge, solver: .automatic, tolerance: tolerance,
                                       threadCount: solverThreads)
        var best = Double.infinity
        var model: LinearSVMModel? = nil
        for _ in 0..<repeats {
            let start = now()
            model = try LinearSVM.fit(x: x, labels: labels, options: options)
            best = min(best, now() - start)
        }
        let m = model!
        let objective = try LinearSVM.primalObjective(weights: m.weights, bias: m.bias, x: x, labels: labels, c: 1, loss: .squaredHinge)
        print("swift svm file=\(tag) rows=\(x.rows) d=\(d) tol=\(tolerance) best_s=\(format(best, "%.4f")) repeats=\(repeats) "
              + "solver=\(m.report.solver.rawValue) iterations=\(m.report.iterations) converged=\(m.report.converged) "
              + "objective=\(format(objective, "%.12e")) reported_objective=\(format(m.report.primalObjective, "%.12e")) "
              + "grad_norm=\(format(m.report.gradientNorm, "%.3e")) grad_target=\(format(m.report.gradientNormTarget, "%.3e")) "
              + "threads=\(solverThreads ?? threads) peak_rss_mb=\(format(peakRSSMegabytes(), "%.1f")) feature_mb=\(format(featureMB, "%.1f"))")

    case "pipeline":
        let bootstrap = extra.flatMap(Int.init) ?? 20
        var best = Double.infinity
        var result: DiagnosticResult? = nil
        var featureMB = 0.0
        for _ in 0..<repeats {
            result = nil
            let start = now()
            let loaded = try LoadedInput.load(path: path)
            result = try BarrierDiagnostic.run(loaded.input, options: DiagnosticOptions(bootstrapSamples: bootstrap))
            best = min(best, now() - start)
            featureMB = Double(loaded.input.rowCount * loaded.input.featureCount * 8) / 1048576
        }
        let r = result!
        print("swift pipeline file=\(tag) bootstrap=\(bootstrap) best_s=\(format(best, "%.4f")) repeats=\(repeats) "
              + "objective=\(format(r.model.report.primalObjective, "%.12e")) iterations=\(r.model.report.iterations) "
              + "slope=\(format(r.truth?.slope)) variance=\(format(r.varianceOfInferredBarrier)) "
              + "variance_error=\(format(r.varianceError)) accuracy=\(format(r.testAccuracy)) "
              + "threads=\(threads) peak_rss_mb=\(format(peakRSSMegabytes(), "%.1f")) feature_mb=\(format(featureMB, "%.1f"))")

    case "rfe":
        let bootstrap = extra.flatMap(Int.init) ?? 0
        let loaded = try LoadedInput.load(path: path)
        let featureMB = Double(loaded.input.rowCount * loaded.input.featureCount * 8) / 1048576
        var best = Double.infinity
        var rfe: RFEResult? = nil
        for _ in 0..<repeats {
            let start = now()
            rfe = try RecursiveFeatureElimination.run(loaded.input, options: DiagnosticOptions(bootstrapSamples: bootstrap))
            best = min(best, now() - start)
        }
        let steps = rfe!.steps
        let peak = steps[rfe!.peakIndex]
        let iterations = steps.reduce(0) { $0 + $1.report.iterations }
        print("swift rfe file=\(tag) bootstrap=\(bootstrap) steps=\(steps.count) best_s=\(format(best, "%.4f")) repeats=\(repeats) "
              + "newton_iterations=\(iterations) peak_kept=\(peak.kept.count) peak_variance=\(format(peak.variance)) "
              + "objective_first=\(format(steps.first!.report.primalObjective, "%.12e")) "
              + "objective_last=\(format(steps.last!.report.primalObjective, "%.12e")) "
              + "threads=\(threads) peak_rss_mb=\(format(peakRSSMegabytes(), "%.1f")) feature_mb=\(format(featureMB, "%.1f"))")
        for step in steps {
            print("swift rfe_step kept=\(step.kept.count) variance=\(format(step.variance)) accuracy=\(format(step.testAccuracy)) "
                  + "slope=\(format(step.slope)) objective=\(format(step.report.primalObjective, "%.12e")) "
                  + "iterations=\(step.report.iterations) converged=\(step.report.converged)")
        }

    default:
        fail("unknown mode \(mode); use svm, pipeline or rfe")
    }
} catch {
    fail("\(error)")
}
