import Foundation

/// The report's figures for one run, by what the run holds (paper figure numbers in brackets):
/// diagnose — logit P(R|S,T) against S [1a], against 1/T at the grid S [1b], ΔE_inf(S) and Σ(S)
/// [1c], ΔE_inf against the true ΔE [1d] or the distributions of S and ΔE_inf, accuracy per
/// temperature, SVM weights; rfe — Var(ΔE_inf) and accuracy against features kept [6]; scan —
/// slope, accuracy and Var(ΔE_inf) against C per N [3, 5]; binned arrhenius — the response
/// against 1/T per bin, ΔE(S), Σ(S), χ²/dof per bin.
public enum RunFigures {
    static let softnessAxis = "softness S (standardized feature units)"
    static let energyAxis = "temperature units, k_B = 1"

    /// Every figure the run supports, in reading order.
    public static func charts(for run: RunRecord) -> [Chart] {
        var charts: [Chart] = []
        if let logistic = run.logistic {
            charts.append(logitAgainstSoftness(logistic, rates: run.rates))
            if let arrhenius = run.arrhenius {
                charts.append(logitAgainstInverseTemperature(logistic, arrhenius))
                charts += barrierAndEntropy(arrhenius)
            }
        }
        if let truth = run.truth {
            charts.append(truthDensity(truth))
        } else if let distribution = run.distribution {
            charts += distributions(distribution, arrhenius: run.arrhenius)
        }
        if let accuracy = run.accuracy { charts.append(accuracyChart(accuracy)) }
        if let svm = run.svm { charts.append(weights(svm)) }
        if let rfe = run.rfe { charts += rfeCharts(rfe) }
        if let scan = run.scan { charts += scanCharts(scan) }
        if let binned = run.binned { charts += binnedCharts(binned) }
        return charts
    }

    static func label(_ t: Double) -> String { String(format: "%g", t) }

    /// logit p and its binomial standard error 1/sqrt(n p (1 − p)) (delta method); nil at p = 0, 1.
    static func logit(rearranging: Int, rows: Int) -> (value: Double, error: Double)? {
        guard rows > 0, rearranging > 0, rearranging < rows else { return nil }
        let p = Double(rearranging) / Double(rows)
        return (log(p / (1 - p)), 1 / (Double(rows) * p * (1 - p)).squareRoot())
    }

    /// [1a] Binned logit P_R against S per temperature, with the fitted logistic lines.
    static func logitAgainstSoftness(_ logistic: RunRecord.Logistic, rates: RunRecord.Rates?) -> Chart {
        var layers: [Layer] = []
        let range: [Double] = rates.map { [$0.edges.first ?? -1, $0.edges.last ?? 1] } ?? [-2, 2]
        for (t, temperature) in logistic.temperature.enumerated() {
            let colour = Palette.category(t)
            if let rates, let row = rates.temperature.firstIndex(of: temperature) {
                let centres = (0..<(rates.edges.count - 1)).map { (rates.edges[$0] + rates.edges[$0 + 1]) / 2 }
                let points = centres.indices.compactMap { b in logit(rearranging: rates.rearranging[row][b], rows: rates.rows[row][b]).map { (centres[b], $0) } }
                layers.append(Layer(name: nil, series: "rates-T\(label(temperature))", colour: colour,
                                    .points(x: points.map(\.0), y: points.map(\.1.value), error: points.map(\.1.error))))
            }
            let a = logistic.intercept[t], b = logistic.slope[t]
            layers.append(Layer(name: "T = \(label(temperature))", series: "logistic-T\(label(temperature))", colour: colour,
                                .line(x: range, y: range.map { a + b * $0 }, dashed: false)))
        }
        return Chart(id: "logit-vs-S", title: "logit P(R|S,T) against softness (paper Fig. 1a)", xLabel: softnessAxis,
                     yLabel: "logit P(R = +1 | S, T)", layers: layers,
                     caption: "Points: fraction of test rows that rearrange in each S bin, as logit, ± binomial standard error (bins with P_R = 0 or 1 are not drawn). Lines: the maximum-likelihood logistic fit a(T) + b(T)·S at each temperature. Straight lines through the points mean the logistic form holds.")
    }

    /// [1b] logit P(R|S,T) = a(T) + b(T)·S against 1/T at each grid S, with Σ(S) − ΔE_inf(S)/T.
    static func logitAgainstInverseTemperature(_ logistic: RunRecord.Logistic, _ arrhenius: RunRecord.Arrhenius) -> Chart {
        let inverse = logistic.temperature.map { 1 / $0 }
        let span = [inverse.min() ?? 0, inverse.max() ?? 1]
        var layers: [Layer] = []
        let n = arrhenius.softness.count
        for (k, s) in arrhenius.softness.enumerated() {
            let colour = Palette.sequential(n > 1 ? Double(k) / Double(n - 1) : 0.5)
            let y = logistic.temperature.indices.map { logistic.intercept[$0] + logistic.slope[$0] * s }
            let error = logistic.temperature.indices.map { t in
                (logistic.interceptError[t] * logistic.interceptError[t] + s * s * logistic.slopeError[t] * logistic.slopeError[t]
                 + 2 * s * (logistic.covariance.indices.contains(t) ? logistic.covariance[t] : 0)).squareRoot()
            }
            let r2 = arrhenius.r2[k].isFinite ? String(format: ", R² %.3f", arrhenius.r2[k]) : ""
            layers.append(Layer(name: nil, series: "logit-S\(k)", colour: colour, .points(x: inverse, y: y, error: error)))
            layers.append(Layer(name: String(format: "S = %+.2f%@", s, r2), series: "arrhenius-S\(k)", colour: colour,
                                .line(x: span, y: span.map { arrhenius.sigma[k] - arrhenius.deltaE[k] * $0 }, dashed: false)))
        }
        return Chart(id: "logit-vs-inverse-T", title: "logit P(R|S,T) against 1/T (paper Fig. 1b)", xLabel: "1/T (1 / temperature units)",
                     yLabel: "logit P(R = +1 | S, T)", layers: layers,
                     caption: "Points: a(T) + b(T)·S at each of the grid softness values, ± the standard error from the logistic fit's covariance. Lines: Σ(S) − ΔE_inf(S)/T from the Arrhenius fit; the legend gives R² per S. The slope of each line is −ΔE_inf(S).")
    }

    /// [1c] ΔE_inf(S) and Σ(S) with ±1 standard error bands.
    static func barrierAndEntropy(_ arrhenius: RunRecord.Arrhenius) -> [Chart] {
        let s = arrhenius.softness
        func chart(id: String, title: String, y: [Double], error: [Double], axis: String, series: String, colour: String, caption: String) -> Chart {
            Chart(id: id, title: title, xLabel: softnessAxis, yLabel: axis, layers: [
                Layer(name: "± 1 standard error", series: series + "-error", colour: colour,
                      .band(x: s, low: zip(y, error).map { $0 - $1 }, high: zip(y, error).map { $0 + $1 })),
                Layer(name: nil, series: series, colour: colour, .points(x: s, y: y, error: nil)),
                Layer(name: title.components(separatedBy: " (").first, series: series + "-line", colour: colour, .line(x: s, y: y, dashed: false)),
            ], caption: caption)
        }
        return [
            chart(id: "delta-E-inf", title: "ΔE_inf(S) (paper Fig. 1c)", y: arrhenius.deltaE, error: arrhenius.deltaEError,
                  axis: "ΔE_inf(S) (" + energyAxis + ")", series: "delta-E", colour: Palette.category(0),
                  caption: "Inferred barrier ΔE_inf(S) = −(A1 + B1·S) from the slopes of logit P against 1/T; band: standard error propagated from the logistic fits (scaled by sqrt(χ²/dof) when the lines fit worse than their errors)."),
            chart(id: "sigma", title: "Σ(S)", y: arrhenius.sigma, error: arrhenius.sigmaError, axis: "Σ(S) (1, log-odds)",
                  series: "sigma", colour: Palette.category(1),
                  caption: "Entropic term Σ(S) = A0 + B0·S, the intercepts of logit P against 1/T, with its standard error."),
        ]
    }

    /// [1d] Joint density of (true ΔE, ΔE_inf) with the OLS line and the identity.
    static func truthDensity(_ truth: RunRecord.Truth) -> Chart {
        let span = [truth.trueEdges.first ?? 0, truth.trueEdges.last ?? 1]
        return Chart(id: "truth-density", title: "ΔE_inf against the true ΔE (paper Fig. 1d)", xLabel: "true ΔE (" + energyAxis + ")",
                     yLabel: "ΔE_inf(S) (" + energyAxis + ")", layers: [
                        Layer(name: "test rows (density)", series: "truth-density", colour: Palette.sequential(0.6),
                              .cells(xEdges: truth.trueEdges, yEdges: truth.inferredEdges, counts: truth.density)),
                        Layer(name: String(format: "OLS, slope %.3f", truth.slope), series: "truth-ols", colour: Palette.category(1),
                              .line(x: span, y: span.map { truth.intercept + truth.slope * $0 }, dashed: false)),
                        Layer(name: "identity (slope 1)", series: "identity", colour: "#000000", .line(x: span, y: span, dashed: true)),
                     ],
                     caption: String(format: "Density of the %d test rows at the training temperature(s), log colour scale. Slope %.3f, R² %.3f: a slope below 1 means the softness under-estimates the barrier scale even where accuracy is high.",
                                     truth.rows, truth.slope, truth.r2))
    }

    /// Without a true barrier: the distribution of S and, through the Arrhenius line, of ΔE_inf.
    static func distributions(_ distribution: RunRecord.Distribution, arrhenius: RunRecord.Arrhenius?) -> [Chart] {
        let edges = distribution.edges
        guard edges.count >= 2 else { return [] }
        let centres = (0..<(edges.count - 1)).map { (edges[$0] + edges[$0 + 1]) / 2 }
        let width = edges[1] - edges[0]
        let counts = distribution.counts.map(Double.init)
        var charts = [Chart(id: "softness-distribution", title: "Distribution of S over the test rows", xLabel: softnessAxis,
                            yLabel: "test rows per bin", layers: [
                                Layer(name: nil, series: "softness-counts", colour: Palette.category(0), .bars(x: centres, y: counts, width: width, error: nil)),
                            ], caption: "Histogram of the softness of every test row.")]
        if let a = arrhenius {
            let mapped = centres.map { -(a.a1 + a.b1 * $0) }
            charts.append(Chart(id: "delta-E-inf-distribution", title: "Distribution of ΔE_inf over the test rows",
                                xLabel: "ΔE_inf(S) (" + energyAxis + ")", yLabel: "test rows per bin", layers: [
                                    Layer(name: nil, series: "delta-E-counts", colour: Palette.category(2),
                                          .bars(x: mapped, y: counts, width: abs(a.b1) * width, error: nil)),
                                ], caption: "The same rows through ΔE_inf(S) = −(A1 + B1·S): no true barrier is known, so this is the spread the variance diagnostic measures."))
        }
        return charts
    }

    /// Test accuracy per temperature, training temperatures marked.
    static func accuracyChart(_ accuracy: RunRecord.Accuracy) -> Chart {
        let training = accuracy.temperature.indices.filter { accuracy.isTraining[$0] }
        let other = accuracy.temperature.indices.filter { !accuracy.isTraining[$0] }
        return Chart(id: "accuracy", title: "Test accuracy per temperature", xLabel: "temperature T (temperature units)",
                     yLabel: "accuracy of sign(S) (1)", layers: [
                        Layer(name: "training temperature", series: "accuracy-training", colour: Palette.category(1),
                              .points(x: training.map { accuracy.temperature[$0] }, y: training.map { accuracy.accuracy[$0] }, error: nil)),
                        Layer(name: "other test temperature", series: "accuracy-other", colour: Palette.category(0),
                              .points(x: other.map { accuracy.temperature[$0] }, y: other.map { accuracy.accuracy[$0] }, error: nil)),
                     ],
                     caption: String(format: "Fraction of test rows whose label sign(S) predicts, per temperature (training accuracy %.4f, pooled test accuracy %.4f). High accuracy does not mean the barrier is right (paper Sec. IV).",
                                     accuracy.training, accuracy.test))
    }

    /// SVM weights per feature (standardized units).
    static func weights(_ svm: RunRecord.SVM) -> Chart {
        var chart = Chart(id: "svm-weights", title: "SVM weights per feature", xLabel: "feature", yLabel: "weight w_j (standardized features)",
                          layers: [Layer(name: nil, series: "svm-weights", colour: Palette.category(0),
                                         .bars(x: svm.weights.indices.map(Double.init), y: svm.weights, width: 0.8, error: nil))],
                          caption: "Weights of the hyperplane on standardized features z = (x − mean)/sd; their magnitudes order the recursive feature elimination.")
        chart.xCategories = svm.featureNames
        return chart
    }

    /// [6] Var(ΔE_inf) ± bootstrap error and accuracy against features kept.
    static func rfeCharts(_ rfe: RunRecord.RFE) -> [Chart] {
        let kept = rfe.kept.map(Double.init)
        var marks: [Layer] = []
        if let peak = rfe.peakIndex, rfe.kept.indices.contains(peak) {
            marks.append(Layer(name: "peak (\(rfe.kept[peak]) kept)", series: "rfe-peak", colour: Palette.category(1), .rule(x: kept[peak], label: "peak")))
        }
        if let chosen = rfe.recommendedIndex, rfe.kept.indices.contains(chosen) {
            marks.append(Layer(name: "recommended (\(rfe.kept[chosen]) kept)", series: "rfe-recommended", colour: Palette.category(2),
                               .rule(x: kept[chosen], label: "recommended")))
        }
        return [
            Chart(id: "rfe-variance", title: "Var(ΔE_inf) under recursive feature elimination (paper Fig. 6a)", xLabel: "features kept",
                  yLabel: "Var(ΔE_inf) (energy², temperature units)", layers: [
                    Layer(name: "Var(ΔE_inf) ± sd", series: "rfe-variance", colour: Palette.category(0),
                          .points(x: kept, y: rfe.variance, error: rfe.varianceError)),
                  ] + marks,
                  caption: "Variance of the inferred barrier over the test rows at the training temperature after each elimination step; error bars: standard deviation over \(rfe.replicates) bootstrap replicates that refit every step. The peak marks the features that carry the barrier."),
            Chart(id: "rfe-accuracy", title: "Test accuracy under recursive feature elimination (paper Fig. 6b)", xLabel: "features kept",
                  yLabel: "test accuracy (1)", layers: [
                    Layer(name: "test accuracy", series: "rfe-accuracy", colour: Palette.category(0), .points(x: kept, y: rfe.accuracy, error: nil)),
                  ] + marks,
                  caption: "Test accuracy after each step: its peak is broader than the variance's."),
        ]
    }

    /// [3, 5] Slope, accuracy and Var(ΔE_inf) against C for each training-set size N.
    static func scanCharts(_ scan: RunRecord.Scan) -> [Chart] {
        let sizes = Array(Set(scan.n)).sorted()
        func chart(id: String, title: String, axis: String, mean: [Double], sd: [Double], caption: String) -> Chart {
            var layers: [Layer] = []
            for (k, n) in sizes.enumerated() {
                let cells = scan.n.indices.filter { scan.n[$0] == n }.sorted { scan.c[$0] < scan.c[$1] }
                let colour = Palette.category(k)
                layers.append(Layer(name: "N = \(n)", series: "\(id)-N\(n)", colour: colour,
                                    .points(x: cells.map { scan.c[$0] }, y: cells.map { mean[$0] }, error: cells.map { sd[$0] })))
                layers.append(Layer(name: nil, series: "\(id)-N\(n)-line", colour: colour, .line(x: cells.map { scan.c[$0] }, y: cells.map { mean[$0] }, dashed: false)))
            }
            var chart = Chart(id: id, title: title, xLabel: "SVM cost C", yLabel: axis, layers: layers, caption: caption)
            chart.xKind = .logarithmic
            return chart
        }
        let seeds = "mean ± sd over \(scan.seeds) seed\(scan.seeds == 1 ? "" : "s")"
        return [
            chart(id: "scan-slope", title: "Slope of ΔE_inf on the true ΔE against C (paper Figs. 3a, 5a)", axis: "slope (1)",
                  mean: scan.slopeMean, sd: scan.slopeSD, caption: "Slope of the truth check per training-set size N and cost C, \(seeds); 1 means the barrier is learned."),
            chart(id: "scan-accuracy", title: "Test accuracy against C (paper Figs. 3b, 5b)", axis: "test accuracy (1)",
                  mean: scan.accuracyMean, sd: scan.accuracySD, caption: "Test accuracy per N and C, \(seeds): it barely moves where the slope does."),
            chart(id: "scan-variance", title: "Var(ΔE_inf) against C", axis: "Var(ΔE_inf) (energy², temperature units)",
                  mean: scan.varianceMean, sd: scan.varianceSD, caption: "Variance of the inferred barrier per N and C, \(seeds)."),
        ]
    }

    /// Binned route: the response against 1/T per bin with its line, ΔE(S), Σ(S), χ²/dof.
    static func binnedCharts(_ binned: RunRecord.Binned) -> [Chart] {
        let isLogit = binned.response == "logit"
        var charts: [Chart] = []
        if !binned.tableSoftness.isEmpty, !binned.tableTemperature.isEmpty {
            let inverse = binned.tableTemperature.map { 1 / $0 }
            let span = [inverse.min() ?? 0, inverse.max() ?? 1]
            var layers: [Layer] = []
            let n = binned.tableSoftness.count
            for (k, s) in binned.tableSoftness.enumerated() {
                let colour = Palette.sequential(n > 1 ? Double(k) / Double(n - 1) : 0.5)
                var x: [Double] = [], y: [Double] = [], error: [Double] = []
                for t in inverse.indices {
                    let p = binned.tableFraction[k][t], rows = Double(binned.tableCounts[k][t])
                    guard p > 0, p < 1, rows > 0 else { continue }
                    x.append(inverse[t])
                    y.append(isLogit ? log(p / (1 - p)) : log(p))
                    error.append(isLogit ? 1 / (rows * p * (1 - p)).squareRoot() : ((1 - p) / (rows * p)).squareRoot())
                }
                layers.append(Layer(name: nil, series: "binned-points-\(k)", colour: colour, .points(x: x, y: y, error: error)))
                if let fitted = binned.softness.firstIndex(of: s) {
                    layers.append(Layer(name: String(format: "S = %+.2f", s), series: "binned-line-\(k)", colour: colour,
                                        .line(x: span, y: span.map { binned.sigma[fitted] - binned.deltaE[fitted] * $0 }, dashed: false)))
                }
            }
            charts.append(Chart(id: "binned-vs-inverse-T", title: "\(isLogit ? "logit" : "ln") P_R against 1/T per softness bin",
                                xLabel: "1/T (1 / temperature units)", yLabel: "\(isLogit ? "logit" : "ln") P_R (1)", layers: layers,
                                caption: "Points: the binned table's P_R per bin and temperature ± binomial standard error (P_R = 0 or 1 not drawn). Lines: Σ(S) − ΔE(S)/T fitted per bin."))
        }
        let s = binned.softness
        charts.append(Chart(id: "binned-delta-E", title: "ΔE(S) from the binned fits", xLabel: softnessAxis, yLabel: "ΔE(S) (" + energyAxis + ")",
                            layers: [Layer(name: "ΔE(S) ± standard error", series: "binned-delta-E", colour: Palette.category(0),
                                           .points(x: s, y: binned.deltaE, error: binned.deltaEError))],
                            caption: "Barrier per bin from the slope against 1/T; errors scaled by sqrt(χ²/dof) where the line fits worse than its binomial errors."))
        charts.append(Chart(id: "binned-sigma", title: "Σ(S) from the binned fits", xLabel: softnessAxis, yLabel: "Σ(S) (1)",
                            layers: [Layer(name: "Σ(S) ± standard error", series: "binned-sigma", colour: Palette.category(1),
                                           .points(x: s, y: binned.sigma, error: binned.sigmaError))],
                            caption: "Intercept per bin of the response against 1/T."))
        let dof = binned.temperaturesUsed.map { Double($0 - 2) }
        let reduced = zip(binned.chiSquared, dof).map { $1 > 0 ? $0 / $1 : .nan }
        let width = s.count > 1 ? 0.7 * ((s.max() ?? 0) - (s.min() ?? 0)) / Double(s.count - 1) : 0.5
        charts.append(Chart(id: "binned-chi2", title: "χ²/dof of the line per bin", xLabel: softnessAxis, yLabel: "χ² / (temperatures − 2)",
                            layers: [Layer(name: nil, series: "binned-chi2", colour: Palette.category(3), .bars(x: s, y: reduced, width: width, error: nil))],
                            caption: "Near 1 where the Arrhenius line is as good as the binomial errors allow; much larger values mean a curved (non-Arrhenius) response. Bins with two temperatures have no test."))
        return charts
    }
}
