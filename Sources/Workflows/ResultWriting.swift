import Diagnostics
import HDF5
import Learning
import ParticleTable
import StreamedDiagnostics

/// Writes diagnostic results into a run group (`/results/<run>/` of the results file), as plain
/// datasets and attributes that h5py and h5dump read without custom code; every dataset carries
/// `units` and `description` attributes. The layout is documented in schemas/results-v2.md.
public enum ResultWriting {
    /// Writes the whole barrier diagnostic: standardization, SVM, softness (stored as
    /// `softnessStorage`), per-temperature logistic fits, Arrhenius table, truth check,
    /// accuracies, variance and warnings.
    public static func write(_ result: DiagnosticResult, softnessStorage: FeatureStorage = .float32, to run: Group) throws {
        try write(result, softness: softnessStorage == .float32 ? .float32(result.softness.map { Float($0) }) : .float64(result.softness), to: run)
    }

    /// As `write(_:softnessStorage:to:)` with the per-row softness given apart, already in its
    /// stored precision (an out-of-core run, whose result holds no per-row arrays).
    public static func write(_ result: DiagnosticResult, softness: StoredSoftness, to run: Group) throws {
        try writeModel(standardization: result.standardization, model: result.model, names: result.featureNames, to: run)
        try writeSoftness(softness, to: run)
        let logistic = try run.createGroup("logistic")
        let fits = result.logistic
        try logistic.result("temperature", fits.map(\.temperature), units: ResultUnits.temperature, "temperature of each fit")
        try logistic.result("intercept", fits.map(\.intercept), units: ResultUnits.logit, "a(T) in logit P(R=+1|S,T) = a(T) + b(T) S, fitted on test rows")
        try logistic.result("slope", fits.map(\.slope), units: ResultUnits.logitPerSoftness, "b(T) in logit P(R=+1|S,T) = a(T) + b(T) S")
        try logistic.result("intercept_error", fits.map(\.interceptError), units: ResultUnits.logit, "standard error of a(T) (inverse Fisher information)")
        try logistic.result("slope_error", fits.map(\.slopeError), units: ResultUnits.logitPerSoftness, "standard error of b(T) (inverse Fisher information)")
        try logistic.result("intercept_slope_covariance", fits.map(\.interceptSlopeCovariance), units: ResultUnits.logitPerSoftness, "Cov(a(T), b(T)) (inverse Fisher information)")
        try logistic.result("rows", fits.map(\.rows), units: ResultUnits.rows, "test rows at this temperature")
        try logistic.result("rearranging_fraction", fits.map(\.rearrangingFraction), units: ResultUnits.none, "fraction of those rows with R = +1")
        try logistic.result("converged", fits.map { Int8($0.converged ? 1 : 0) }, units: ResultUnits.none, "1 if the logistic fit converged")
        if let arrhenius = result.arrhenius {
            let group = try run.createGroup("arrhenius")
            for (name, value) in [("A0", arrhenius.a0), ("A1", arrhenius.a1), ("B0", arrhenius.b0), ("B1", arrhenius.b1)] as [(String, Double?)] + [
                                  ("intercept_r2", arrhenius.interceptR2), ("slope_r2", arrhenius.slopeR2),
                                  ("intercept_chi_squared", arrhenius.interceptChiSquared), ("intercept_lack_of_fit_p", arrhenius.interceptLackOfFitP),
                                  ("slope_chi_squared", arrhenius.slopeChiSquared), ("slope_lack_of_fit_p", arrhenius.slopeLackOfFitP),
                                  ("A0_error", arrhenius.errors?.a0), ("A1_error", arrhenius.errors?.a1),
                                  ("B0_error", arrhenius.errors?.b0), ("B1_error", arrhenius.errors?.b1),
                                  ("A1_B1_covariance", arrhenius.errors?.a1b1), ("A0_B0_covariance", arrhenius.errors?.a0b0),
                                  ("intercept_error_scale", arrhenius.errors?.interceptScale), ("slope_error_scale", arrhenius.errors?.slopeScale)] {
                try group.setAttribute(name, .real(value ?? .nan))
            }
            try group.setAttribute("definition", .string("logit P(R=+1|S,T) = a(T) + b(T) S; a = A0 + A1/T, b = B0 + B1/T; delta_E(S) = -(A1 + B1 S), sigma(S) = A0 + B0 S"))
            try group.result("S", arrhenius.grid.map(\.softness), units: ResultUnits.softness, "softness values of the Arrhenius table")
            try group.result("delta_E", arrhenius.grid.map(\.deltaE), units: ResultUnits.energy, "inferred barrier delta_E_inf(S) = -(A1 + B1 S)")
            try group.result("sigma", arrhenius.grid.map(\.sigma), units: ResultUnits.logit, "entropic term sigma(S) = A0 + B0 S")
            try group.result("r2", arrhenius.grid.map { $0.r2 ?? .nan }, units: ResultUnits.none, "R^2 of logit P(R|S,T) against 1/T at this S (NaN for two temperatures)")
            try group.result("delta_E_error", arrhenius.grid.map { $0.deltaEError ?? .nan }, units: ResultUnits.energy, "standard error of delta_E_inf(S) from the logistic fits' covariances, scaled by sqrt(chi2/dof) when > 1")
            try group.result("sigma_error", arrhenius.grid.map { $0.sigmaError ?? .nan }, units: ResultUnits.logit, "standard error of sigma(S), as delta_E_error")
            try group.result("chi_squared", arrhenius.grid.map { $0.chiSquared ?? .nan }, units: ResultUnits.none, "chi2 of logit against 1/T at this S with the errors of a(T) + b(T) S (NaN when untestable)")
            try group.result("lack_of_fit_p", arrhenius.grid.map { $0.lackOfFitP ?? .nan }, units: ResultUnits.none, "P(chi2 with n_T - 2 dof >= chi_squared)")
        }
        if let truth = result.truth {
            let group = try run.createGroup("truth")
            try group.setAttribute("slope", .real(truth.slope))
            try group.setAttribute("intercept", .real(truth.intercept))
            try group.setAttribute("r2", .real(truth.r2))
            try group.setAttribute("rows", .integer(truth.rows))
            try group.setAttribute("true_variance", .real(truth.trueVariance))
            try group.setAttribute("definition", .string("OLS of delta_E_inf(S_i) on the true barrier delta_E_i over test rows at the training temperature; slope 1 means the barrier was learned"))
            if let density = result.truthDensity {
                try group.result("true_delta_E_edges", density.xEdges, units: ResultUnits.energy, "bin edges of the true barrier (columns of density)")
                try group.result("delta_E_inf_edges", density.yEdges, units: ResultUnits.energy, "bin edges of delta_E_inf(S) (rows of density)")
                try group.result("density", density.counts, shape: [density.yEdges.count - 1, density.xEdges.count - 1], units: ResultUnits.rows,
                                 "rows per (delta_E_inf bin, true delta_E bin) over the truth check's rows (paper Fig. 1d)")
            }
        }
        if let rates = result.empiricalRates { try write(rates, to: run) }
        if let histogram = result.softnessHistogram {
            let group = try run.createGroup("distribution")
            try group.result("S_edges", histogram.xEdges, units: ResultUnits.softness, "bin edges of S")
            try group.result("S_counts", histogram.counts, units: ResultUnits.rows, "test rows per S bin (delta_E_inf = -(A1 + B1 S) maps the bins one to one)")
        }
        let accuracy = try run.createGroup("accuracy")
        try accuracy.result("temperature", result.accuracyByTemperature.map(\.temperature), units: ResultUnits.temperature, "temperature")
        let byTemperature = result.accuracyByTemperature
        try accuracy.result("accuracy", byTemperature.map(\.accuracy), units: ResultUnits.none, "fraction of test rows at this temperature whose label sign(S) predicts")
        try accuracy.result("rows", byTemperature.map(\.rows), units: ResultUnits.rows, "test rows at this temperature")
        try accuracy.result("rearranging_fraction", byTemperature.map(\.rearrangingFraction), units: ResultUnits.none, "fraction of those rows with R = +1")
        try accuracy.result("is_training_temperature", byTemperature.map { Int8($0.isTrainingTemperature ? 1 : 0) }, units: ResultUnits.none, "1 if this temperature also has training rows")
        try accuracy.result("variance_delta_E_inf", byTemperature.map { $0.varianceOfInferredBarrier ?? .nan }, units: ResultUnits.energySquared, "Var(delta_E_inf) over the test rows at this temperature only (NaN without Arrhenius fit)")
        try accuracy.setAttribute("training", .real(result.trainingAccuracy))
        try accuracy.setAttribute("test", .real(result.testAccuracy))
        try accuracy.setAttribute("test_rows", .integer(result.testAccuracyRows))
        try accuracy.setAttribute("test_definition", .string("pooled over the test rows at the training temperatures (all test rows if none is at one)"))
        try accuracy.setAttribute("all_test_rows", .real(result.pooledTestAccuracy))
        try run.setAttribute("training_temperatures", .reals(result.trainingTemperatures))
        try run.setAttribute("training_rows", .integer(result.trainingRowCount))
        try run.setAttribute("test_rows", .integer(result.testRowCount))
        if let variance = result.varianceOfInferredBarrier {
            try run.setAttribute("variance_delta_E_inf", .real(variance))
            try run.setAttribute("variance_delta_E_inf_rows", .integer(result.varianceRows))
        }
        if let error = result.varianceError { try run.setAttribute("variance_delta_E_inf_error", .real(error)) }
        try run.result("warnings", strings: result.warnings, "caveats of this run (non-converged fits, skipped temperatures, ...)")
        try run.result("caveats", strings: result.caveats.map { "\($0.kind.rawValue): \($0.clause)" }, "the caveats the verdict names (kind: clause)")
        try run.setAttribute("verdict", .string(Verdict.sentence(for: result)))
        for (name, value) in VerdictRules.table.sorted(by: { $0.key < $1.key }) { try run.setAttribute("rule_" + name, .real(value)) }
    }

    /// Writes the binned empirical P_R(S,T) (`rates/…`, paper Fig. 1a/b points).
    static func write(_ rates: EmpiricalRates, to run: Group) throws {
        let group = try run.createGroup("rates")
        let shape = [rates.temperatures.count, rates.edges.count - 1]
        try group.result("S_edges", rates.edges, units: ResultUnits.softness, "bin edges in S (equal bins between the 2.5% and 97.5% quantiles of the test rows' S)")
        try group.result("S", rates.centres, units: ResultUnits.softness, "bin centres")
        try group.result("temperature", rates.temperatures, units: ResultUnits.temperature, "test temperature of each row of rows, rearranging, P_R")
        try group.result("rows", rates.rows.flatMap { $0 }, shape: shape, units: ResultUnits.rows, "test rows per (temperature, S bin)")
        try group.result("rearranging", rates.rearranging.flatMap { $0 }, shape: shape, units: ResultUnits.rows, "test rows with R = +1 per (temperature, S bin)")
        let fractions = rates.temperatures.indices.flatMap { t in (0..<shape[1]).map { rates.fraction(temperature: t, bin: $0) ?? .nan } }
        try group.result("P_R", fractions, shape: shape, units: ResultUnits.none, "rearranging / rows (NaN for an empty bin)")
        try group.result("outside_rows", rates.outsideRows, units: ResultUnits.rows, "test rows per temperature outside the binned S range")
        try group.setAttribute("description", .string("empirical P(R=+1|S,T) of the test rows in S bins: the points under the logistic fits"))
    }

    /// Writes per-row softness S = (w·z + b)/‖w‖ (`softness` [N]), computed in float64 and
    /// stored as float32 by default (half the bytes; a relative rounding of at most 6·10⁻⁸, far
    /// below any physical resolution of S) or as float64. Every fit of the run used the float64
    /// values; `softness apply` recomputes them from the stored model.
    public static func writeSoftness(_ softness: [Double], storage: FeatureStorage = .float32, to run: Group) throws {
        try writeSoftness(storage == .float32 ? .float32(softness.map { Float($0) }) : .float64(softness), to: run)
    }

    /// As `writeSoftness(_:storage:to:)` for values already rounded to their stored precision.
    public static func writeSoftness(_ softness: StoredSoftness, to run: Group) throws {
        let description = "softness S = (w.z + b)/|w| of every input row (signed distance to the SVM hyperplane), stored as "
        switch softness {
        case let .float32(values):
            try run.result("softness", values, units: ResultUnits.softness, description + "float32", options: .rowChunked(1 << 16))
        case let .float64(values):
            try run.result("softness", values, units: ResultUnits.softness, description + "float64", options: .rowChunked(1 << 16))
        }
    }

    /// Writes the standardization (`standardization/{mean,std}`) and the SVM (`svm/…`): weights
    /// and bias in standardized units, the same hyperplane in raw feature units, and the fit report.
    public static func writeModel(standardization: Standardization, model: LinearSVMModel, names: [String], to run: Group) throws {
        let group = try run.createGroup("standardization")
        try group.result("mean", standardization.means, units: ResultUnits.rawFeature, "mean of each feature over the training rows")
        try group.result("std", standardization.standardDeviations, units: ResultUnits.rawFeature, "population standard deviation of each feature over the training rows")
        try group.result("feature_names", strings: names, "feature columns, in the order of mean, std and the weights")
        let svm = try run.createGroup("svm")
        try svm.result("weights", model.weights, units: ResultUnits.none, "SVM weights w on standardized features z = (x - mean)/std")
        try svm.result("bias", [model.bias], shape: [], units: ResultUnits.none, "SVM bias b (decision function w.z + b)")
        let raw = zip(model.weights, standardization.standardDeviations).map { $0 / $1 }
        let rawBias = model.bias - zip(raw, standardization.means).reduce(0) { $0 + $1.0 * $1.1 }
        try svm.result("weights_raw_units", raw, units: "1 / units of the input's features", "the same hyperplane on raw features: w_j / std_j")
        try svm.result("bias_raw_units", [rawBias], shape: [], units: ResultUnits.none, "the same hyperplane on raw features: b - sum_j w_j mean_j / std_j")
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
        let steps = rfe.steps
        try group.result("n_kept", steps.map { $0.kept.count }, units: ResultUnits.none, "features kept at this step")
        try group.result("removed", steps.map { $0.removed ?? -1 }, units: ResultUnits.none, "column removed after this step (smallest |w_j|), -1 at the last")
        try group.result("removed_name", strings: steps.map { $0.removed.map { featureNames[$0] } ?? "" }, "name of the removed column")
        try group.result("variance", steps.map { $0.variance ?? .nan }, units: ResultUnits.energySquared, "Var(delta_E_inf) over test rows at the training temperature")
        try group.result("variance_error", steps.map { $0.varianceError ?? .nan }, units: ResultUnits.energySquared, "bootstrap standard error of that variance (training and test rows resampled, every fit redone)")
        try group.result("times_chosen", steps.map(\.timesChosen), units: ResultUnits.none, "bootstrap replicates in which the selection rule chose this step")
        try group.result("accuracy", steps.map(\.testAccuracy), units: ResultUnits.none, "test accuracy")
        try group.result("slope", steps.map { $0.slope ?? .nan }, units: ResultUnits.none, "slope of delta_E_inf on the true barrier (toy data; NaN otherwise)")
        try group.result("converged", steps.map { Int8($0.report.converged ? 1 : 0) }, units: ResultUnits.none, "1 if the SVM fit of this step converged")
        var weights = [Double](repeating: .nan, count: steps.count * d)
        for (index, step) in steps.enumerated() {
            for (position, column) in step.kept.enumerated() where position < step.weights.count {
                weights[index * d + column] = step.weights[position]
            }
        }
        try group.result("weights", weights, shape: [steps.count, d], units: ResultUnits.none, "standardized SVM weights per step and column, NaN where removed")
        try group.result("feature_names", strings: featureNames, "columns of weights")
        try group.setAttribute("peak_index", .integer(rfe.peakIndex))
        try group.setAttribute("recommended_index", .integer(rfe.recommendedIndex))
        try group.setAttribute("replicates", .integer(rfe.replicates))
        try group.setAttribute("tolerance", .real(rfe.tolerance))
        try group.setAttribute("recommendation_rule", .string("fewest features such that it and every step between it and the peak have variance >= peak variance - \(VerdictRules.rfeStandardErrors) x peak variance_error"))
        try group.result("warnings", strings: rfe.warnings, "caveats about the recommendation")
        try group.result("recommended", rfe.recommended, units: ResultUnits.none, "columns of the recommended feature set")
        try group.result("recommended_names", strings: rfe.recommendedNames, "names of the recommended feature set")
        try run.setAttribute("verdict", .string(Verdict.sentence(for: rfe)))
    }

    /// Writes an N × C scan (`scan/…`): one entry per cell, per-seed values as cells × seeds.
    public static func write(_ cells: [ScanCell], to run: Group) throws {
        let group = try run.createGroup("scan")
        try group.result("n", cells.map(\.n), units: ResultUnits.rows, "training rows N of the cell")
        try group.result("c", cells.map(\.c), units: ResultUnits.none, "SVM cost parameter C of the cell")
        try group.result("slope_mean", cells.map { $0.slopeMean ?? .nan }, units: ResultUnits.none, "mean over seeds of the slope of delta_E_inf on the true barrier")
        try group.result("slope_sd", cells.map { $0.slopeSD ?? .nan }, units: ResultUnits.none, "standard deviation over seeds of that slope")
        try group.result("accuracy_mean", cells.map(\.accuracyMean), units: ResultUnits.none, "mean test accuracy over seeds")
        try group.result("accuracy_sd", cells.map(\.accuracySD), units: ResultUnits.none, "standard deviation of test accuracy over seeds")
        try group.result("variance_mean", cells.map { $0.varianceMean ?? .nan }, units: ResultUnits.energySquared, "mean Var(delta_E_inf) over seeds")
        try group.result("variance_sd", cells.map { $0.varianceSD ?? .nan }, units: ResultUnits.energySquared, "standard deviation of Var(delta_E_inf) over seeds")
        let seeds = cells.first?.seeds.count ?? 0
        if seeds > 0 {
            func matrix(_ values: (ScanCell) -> [Double]) -> [Double] {
                cells.flatMap { cell in (0..<seeds).map { index in index < values(cell).count ? values(cell)[index] : .nan } }
            }
            let shape = [cells.count, seeds]
            try group.result("slopes", matrix(\.slopes), shape: shape, units: ResultUnits.none, "slope per cell and seed")
            try group.result("accuracies", matrix(\.accuracies), shape: shape, units: ResultUnits.none, "test accuracy per cell and seed")
            try group.result("variances", matrix(\.variances), shape: shape, units: ResultUnits.energySquared, "Var(delta_E_inf) per cell and seed")
            try group.result("seeds", (cells.first?.seeds ?? []).map { Int(truncatingIfNeeded: $0) }, units: ResultUnits.none, "seeds of the columns")
        }
    }

    /// Writes the random split a run used (`split`: 0 train, 1 test per row of the input).
    public static func writeGeneratedSplit(_ split: [UInt8], to run: Group) throws {
        try run.result("split", split, units: ResultUnits.none,
                       "train/test split drawn at random for this run because the input has no /split: 0 train, 1 test, one entry per input row",
                       options: .rowChunked(1 << 16))
    }

    /// Writes the binned Arrhenius route (`arrhenius_binned/…`) and the binned table it fitted
    /// (`arrhenius_binned/table/…`, so the points against 1/T can be drawn again).
    public static func write(_ binned: BinnedArrheniusResult, table: BinnedRearrangementTable, to run: Group) throws {
        let group = try run.createGroup("arrhenius_binned")
        let input = try group.createGroup("table")
        let shape = [table.softness.count, table.temperatures.count]
        try input.result("S", table.softness, units: ResultUnits.softness, "bin centres of the fitted table")
        try input.result("temperature", table.temperatures, units: ResultUnits.temperature, "temperatures of the fitted table (columns of counts, P_R)")
        try input.result("counts", table.counts.flatMap { $0 }, shape: shape, units: ResultUnits.rows, "rows per (S bin, temperature)")
        try input.result("P_R", table.fractionRearranging.flatMap { $0 }, shape: shape, units: ResultUnits.none, "fraction rearranging per (S bin, temperature)")
        let points = binned.points
        try group.result("S", points.map(\.softness), units: ResultUnits.softness, "softness of the bin")
        try group.result("delta_E", points.map(\.deltaE), units: ResultUnits.energy, "barrier from the slope of the response against 1/T in this bin")
        try group.result("delta_E_error", points.map(\.deltaEError), units: ResultUnits.energy, "standard error of delta_E")
        try group.result("sigma", points.map(\.sigma), units: ResultUnits.logit, "intercept of the response against 1/T in this bin")
        try group.result("sigma_error", points.map(\.sigmaError), units: ResultUnits.logit, "standard error of sigma")
        try group.result("delta_E_sigma_covariance", points.map(\.deltaESigmaCovariance), units: ResultUnits.energy, "covariance of delta_E and sigma (one line gives both)")
        try group.result("r2", points.map { $0.r2 ?? .nan }, units: ResultUnits.none, "R^2 of the fit against 1/T")
        try group.result("temperatures_used", points.map(\.temperaturesUsed), units: ResultUnits.none, "temperatures with a usable P_R in this bin")
        try group.result("temperatures_at_zero_or_one", points.map(\.temperaturesAtZeroOrOne), units: ResultUnits.none, "temperatures with rows in this bin but P_R = 0 or 1, left out of the fit")
        try group.result("chi_squared", points.map(\.chiSquared), units: ResultUnits.none, "weighted residual sum of squares of the line (plain for weighting none)")
        try group.result("lack_of_fit_p", points.map { $0.lackOfFitPValue ?? .nan }, units: ResultUnits.none, "P(chi2 with temperatures_used - 2 dof >= chi_squared); NaN for two temperatures or weighting none")
        try group.result("errors_scaled", points.map { $0.errorsScaledByLackOfFit ? 1 : 0 } as [Int], units: ResultUnits.none, "1 where the errors were multiplied by sqrt(chi2/dof) > 1")
        try group.result("skipped", strings: binned.skipped.map { "S = \($0.softness): \($0.reason)" }, "bins left out and why")
        try group.result("warnings", strings: binned.warnings, "warnings about the binned fits")
        try group.setAttribute("response", .string(binned.response.rawValue))
        try group.setAttribute("weighting", .string(binned.weighting.rawValue))
        try group.setAttribute("continuity_correction", .integer(binned.continuityCorrected ? 1 : 0))
        try group.setAttribute("verdict", .string(Verdict.sentence(for: binned)))
    }
}
