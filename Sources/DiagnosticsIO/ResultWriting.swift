import Diagnostics
import HDF5
import Learning

/// Writes diagnostic results into a run group (`/results/<run>/` of the results file), as plain
/// datasets and attributes that h5py and h5dump read without custom code. The layout is
/// documented in schemas/results-v1.md.
public enum ResultWriting {
    /// Writes the whole barrier diagnostic: standardization, SVM, softness, per-temperature
    /// logistic fits, Arrhenius table, truth check, accuracies, variance and warnings.
    public static func write(_ result: DiagnosticResult, to run: Group) throws {
        try writeModel(standardization: result.standardization, model: result.model, names: result.featureNames, to: run)
        try run.createDataset("softness", values: result.softness, options: .rowChunked(1 << 16))
        let logistic = try run.createGroup("logistic")
        try logistic.createDataset("temperature", values: result.logistic.map(\.temperature))
        try logistic.createDataset("intercept", values: result.logistic.map(\.intercept))
        try logistic.createDataset("slope", values: result.logistic.map(\.slope))
        try logistic.createDataset("intercept_error", values: result.logistic.map(\.interceptError))
        try logistic.createDataset("slope_error", values: result.logistic.map(\.slopeError))
        try logistic.createDataset("rows", values: result.logistic.map(\.rows))
        try logistic.createDataset("rearranging_fraction", values: result.logistic.map(\.rearrangingFraction))
        try logistic.createDataset("converged", values: result.logistic.map { Int8($0.converged ? 1 : 0) })
        if let arrhenius = result.arrhenius {
            let group = try run.createGroup("arrhenius")
            for (name, value) in [("A0", arrhenius.a0), ("A1", arrhenius.a1), ("B0", arrhenius.b0), ("B1", arrhenius.b1),
                                  ("intercept_r2", arrhenius.interceptR2), ("slope_r2", arrhenius.slopeR2)] {
                try group.setAttribute(name, .real(value))
            }
            try group.setAttribute("definition", .string("logit P(R=+1|S,T) = a(T) + b(T) S; a = A0 + A1/T, b = B0 + B1/T; delta_E(S) = -(A1 + B1 S), sigma(S) = A0 + B0 S"))
            try group.createDataset("S", values: arrhenius.grid.map(\.softness))
            try group.createDataset("delta_E", values: arrhenius.grid.map(\.deltaE))
            try group.createDataset("sigma", values: arrhenius.grid.map(\.sigma))
            try group.createDataset("r2", values: arrhenius.grid.map(\.r2))
        }
        if let truth = result.truth {
            let group = try run.createGroup("truth")
            try group.setAttribute("slope", .real(truth.slope))
            try group.setAttribute("intercept", .real(truth.intercept))
            try group.setAttribute("r2", .real(truth.r2))
            try group.setAttribute("rows", .integer(truth.rows))
            try group.setAttribute("true_variance", .real(truth.trueVariance))
        }
        let accuracy = try run.createGroup("accuracy")
        try accuracy.createDataset("temperature", values: result.accuracyByTemperature.map(\.temperature))
        try accuracy.createDataset("accuracy", values: result.accuracyByTemperature.map(\.accuracy))
        try accuracy.setAttribute("training", .real(result.trainingAccuracy))
        try accuracy.setAttribute("test", .real(result.testAccuracy))
        try run.setAttribute("training_temperatures", .reals(result.trainingTemperatures))
        try run.setAttribute("training_rows", .integer(result.trainingRowCount))
        try run.setAttribute("test_rows", .integer(result.testRowCount))
        if let variance = result.varianceOfInferredBarrier { try run.setAttribute("variance_delta_E_inf", .real(variance)) }
        if let error = result.varianceError { try run.setAttribute("variance_delta_E_inf_error", .real(error)) }
        try run.createStringDataset("warnings", values: result.warnings)
    }

    /// Writes the standardization (`standardization/{mean,std}`) and the SVM (`svm/…`): weights
    /// and bias in standardized units, the same hyperplane in raw feature units, and the fit report.
    public static func writeModel(standardization: Standardization, model: LinearSVMModel, names: [String], to run: Group) throws {
        let group = try run.createGroup("standardization")
        try group.createDataset("mean", values: standardization.means)
        try group.createDataset("std", values: standardization.standardDeviations)
        try group.createStringDataset("feature_names", values: names)
        let svm = try run.createGroup("svm")
        try svm.createDataset("weights", values: model.weights)
        try svm.createDataset("bias", values: [model.bias], shape: [])
        let raw = zip(model.weights, standardization.standardDeviations).map { $0 / $1 }
        let rawBias = model.bias - zip(raw, standardization.means).reduce(0) { $0 + $1.0 * $1.1 }
        try svm.createDataset("weights_raw_units", values: raw)
        try svm.createDataset("bias_raw_units", values: [rawBias], shape: [])
        try writeReport(model.report, to: svm)
    }

    static func writeReport(_ report: FitReport, to group: Group) throws {
        try group.setAttribute("solver", .string(report.solver.rawValue))
        try group.setAttribute("loss", .string(report.loss.rawValue))
        try group.setAttribute("C", .real(report.c))
        try group.setAttribute("iterations", .integer(report.iterations))
        try group.setAttribute("objective", .real(report.primalObjective))
        try group.setAttribute("converged", .integer(report.converged ? 1 : 0))
        try group.setAttribute("stop_reason", .string(report.stopReason.rawValue))
        if let value = report.gradientNorm { try group.setAttribute("gradient_norm", .real(value)) }
        if let value = report.dualityGap { try group.setAttribute("duality_gap", .real(value)) }
        if let value = report.projectedGradientViolation { try group.setAttribute("projected_gradient_violation", .real(value)) }
    }

    /// Writes recursive feature elimination (`rfe/…`): one entry per step from d kept features
    /// down; `weights` is steps × d with NaN for columns already removed.
    public static func write(_ rfe: RFEResult, featureNames: [String], to run: Group) throws {
        let group = try run.createGroup("rfe")
        let d = featureNames.count
        try group.createDataset("n_kept", values: rfe.steps.map { $0.kept.count })
        try group.createDataset("removed", values: rfe.steps.map { $0.removed ?? -1 })
        try group.createStringDataset("removed_name", values: rfe.steps.map { $0.removed.map { featureNames[$0] } ?? "" })
        try group.createDataset("variance", values: rfe.steps.map { $0.variance ?? .nan })
        try group.createDataset("variance_error", values: rfe.steps.map { $0.varianceError ?? .nan })
        try group.createDataset("accuracy", values: rfe.steps.map(\.testAccuracy))
        try group.createDataset("slope", values: rfe.steps.map { $0.slope ?? .nan })
        try group.createDataset("converged", values: rfe.steps.map { Int8($0.report.converged ? 1 : 0) })
        var weights = [Double](repeating: .nan, count: rfe.steps.count * d)
        for (index, step) in rfe.steps.enumerated() {
            for (position, column) in step.kept.enumerated() where position < step.weights.count {
                weights[index * d + column] = step.weights[position]
            }
        }
        try group.createDataset("weights", values: weights, shape: [rfe.steps.count, d])
        try group.createStringDataset("feature_names", values: featureNames)
        try group.setAttribute("peak_index", .integer(rfe.peakIndex))
        try group.setAttribute("recommended_index", .integer(rfe.recommendedIndex))
        try group.createDataset("recommended", values: rfe.recommended)
        try group.createStringDataset("recommended_names", values: rfe.recommendedNames)
    }

    /// Writes an N × C scan (`scan/…`): one entry per cell, per-seed values as cells × seeds.
    public static func write(_ cells: [ScanCell], to run: Group) throws {
        let group = try run.createGroup("scan")
        try group.createDataset("n", values: cells.map(\.n))
        try group.createDataset("c", values: cells.map(\.c))
        try group.createDataset("slope_mean", values: cells.map { $0.slopeMean ?? .nan })
        try group.createDataset("slope_sd", values: cells.map { $0.slopeSD ?? .nan })
        try group.createDataset("accuracy_mean", values: cells.map(\.accuracyMean))
        try group.createDataset("accuracy_sd", values: cells.map(\.accuracySD))
        try group.createDataset("variance_mean", values: cells.map { $0.varianceMean ?? .nan })
        try group.createDataset("variance_sd", values: cells.map { $0.varianceSD ?? .nan })
        let seeds = cells.first?.seeds.count ?? 0
        if seeds > 0 {
            func matrix(_ values: (ScanCell) -> [Double]) -> [Double] {
                cells.flatMap { cell in (0..<seeds).map { index in index < values(cell).count ? values(cell)[index] : .nan } }
            }
            try group.createDataset("slopes", values: matrix(\.slopes), shape: [cells.count, seeds])
            try group.createDataset("accuracies", values: matrix(\.accuracies), shape: [cells.count, seeds])
            try group.createDataset("variances", values: matrix(\.variances), shape: [cells.count, seeds])
            try group.createDataset("seeds", values: (cells.first?.seeds ?? []).map { Int(truncatingIfNeeded: $0) })
        }
    }

    /// Writes the binned Arrhenius route (`arrhenius_binned/…`).
    public static func write(_ binned: BinnedArrheniusResult, to run: Group) throws {
        let group = try run.createGroup("arrhenius_binned")
        try group.createDataset("S", values: binned.points.map(\.softness))
        try group.createDataset("delta_E", values: binned.points.map(\.deltaE))
        try group.createDataset("delta_E_error", values: binned.points.map(\.deltaEError))
        try group.createDataset("sigma", values: binned.points.map(\.sigma))
        try group.createDataset("sigma_error", values: binned.points.map(\.sigmaError))
        try group.createDataset("r2", values: binned.points.map(\.r2))
        try group.createDataset("temperatures_used", values: binned.points.map(\.temperaturesUsed))
        try group.createStringDataset("skipped", values: binned.skipped.map { "S = \($0.softness): \($0.reason)" })
        try group.setAttribute("response", .string(binned.response.rawValue))
    }
}
