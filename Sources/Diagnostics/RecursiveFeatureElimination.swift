import Learning
import Parallel
import SeededRandom

/// One step of recursive feature elimination: the fit with `kept` features (DESIGN.md §1 item 8).
public struct RFEStep: Sendable, Codable {
    /// Column indices (into the input) of the features kept at this step, ascending.
    public var kept: [Int]
    /// Their names.
    public var keptNames: [String]
    /// Column removed AFTER this step (smallest |w_j| in standardized units); nil at the last step.
    public var removed: Int?
    /// Var(ΔE_inf) over test rows at the training temperature(s) (energy²); nil without Arrhenius fit.
    public var variance: Double?
    /// Bootstrap standard error of `variance` (sample sd over the replicates of `RFEResult`, which
    /// refit the SVM on resampled training rows and the logistic and Arrhenius lines on resampled
    /// test rows); nil with fewer than two replicates.
    public var varianceError: Double?
    /// Test accuracy at the training temperature(s).
    public var testAccuracy: Double
    /// SVM weights of the kept columns (standardized units), same order as `kept`.
    public var weights: [Double]
    /// Truth slope of ΔE_inf on ΔE (when the true barrier is known).
    public var slope: Double?
    /// How the SVM fit went.
    public var report: FitReport
    /// Warnings of this step's diagnostic run.
    public var warnings: [String]
    /// Bootstrap replicates in which the selection rule, applied to that replicate's variance
    /// curve, chose this step.
    public var timesChosen: Int = 0
}

/// Result of recursive feature elimination with the variance diagnostic (paper Sec. V, Fig. 6).
public struct RFEResult: Sendable, Codable {
    /// Steps from all d features down to `minimumFeatures`.
    public var steps: [RFEStep]
    /// Index of the step with the largest Var(ΔE_inf) (largest test accuracy if no variance exists).
    public var peakIndex: Int
    /// Index of the recommended step (`RecursiveFeatureElimination.selectSteps`): the fewest
    /// features such that this step and every step between it and the peak have
    /// Var(ΔE_inf) ≥ peak − `tolerance`. Without variances it equals `peakIndex`.
    public var recommendedIndex: Int
    /// Columns kept at the recommended step.
    public var recommended: [Int]
    /// Their names.
    public var recommendedNames: [String]
    /// `VerdictRules.rfeStandardErrors` × the peak's bootstrap error (energy²);
    /// 0 without bootstrap errors.
    public var tolerance: Double
    /// Bootstrap replicates whose whole variance curve could be fitted (the denominators of
    /// `RFEStep.timesChosen`).
    public var replicates: Int
    /// Caveats about the recommendation (no bootstrap, replicates that failed, an unstable choice).
    public var warnings: [String]
}

/// Recursive feature elimination with the variance diagnostic (paper Sec. V, Fig. 6; Guyon et al.
/// 2002; DESIGN.md §1 item 8): fit, record Var(ΔE_inf), test accuracy and weights; drop the
/// feature with the smallest |w_j| in standardized units; refit (warm-started from the remaining
/// weights); repeat down to `minimumFeatures`. The variance of the inferred barrier is maximal
/// for the feature set whose softness is closest to the true barrier.
///
/// The error bars come from B = `DiagnosticOptions.bootstrapSamples` replicates that resample the
/// training rows (within each training temperature) and the test rows (within each test
/// temperature) with replacement and redo every step's SVM, logistic and Arrhenius fits on the
/// same resample, so they include the noise of the hyperplane, not only of the test rows.
public enum RecursiveFeatureElimination {
    /// Runs RFE.
    /// - Parameters:
    ///   - minimumFeatures: stop when this many features are left (1…d).
    ///   - progress: called after the elimination path and after each batch of bootstrap
    ///     replicates with (work done, total), on the calling thread.
    /// - Throws: as `BarrierDiagnostic.run`, plus `.invalidOption` for a bad `minimumFeatures`.
    public static func run(_ input: DiagnosticInput, options: DiagnosticOptions = .init(), minimumFeatures: Int = 1,
                           progress: (Int, Int) -> Void = { _, _ in }) throws(DiagnosticError) -> RFEResult {
        try input.validateUnlessValidated()
        try options.validate()
        let d = input.featureCount
        guard minimumFeatures >= 1, minimumFeatures <= d else {
            throw .invalidOption(name: "minimumFeatures", reason: "must be between 1 and the number of features \(d) (got \(minimumFeatures))")
        }
        let split = RowSplit(input)
        let pathSteps = d - minimumFeatures + 1
        let total = pathSteps + options.bootstrapSamples
        let (steps, models) = try path(featureNames: input.featureNames, minimumFeatures: minimumFeatures, total: total,
                                       progress: progress) { (kept, warm) throws(DiagnosticError) in
            try BarrierDiagnostic.analyze(input, columns: kept, trainingRows: split.training, testRows: split.test,
                                          options: options, warmStart: warm, full: false)
        }

        // Bootstrap curves, in batches of one replicate per core so progress can be reported.
        let replicates = options.bootstrapSamples
        var curves: [[Double?]] = []
        let batch = Parallel.threadCount()
        while curves.count < replicates {
            let first = curves.count, count = min(batch, replicates - first)
            curves += Parallel.map(count) { k in
                replicateCurve(input, split: split, steps: steps, models: models, options: options, replicate: first + k)
            }
            progress(pathSteps + curves.count, total)
        }
        return finish(steps, curves: curves, replicates: replicates)
    }

    /// The elimination path: `analyzeStep(kept, warmStart)` on every column, then on one column
    /// fewer each step (the smallest |w_j| dropped, ties to the higher column index), warm-started
    /// from the remaining weights, down to `minimumFeatures`; the steps and their models.
    package static func path(featureNames: [String], minimumFeatures: Int, total: Int, progress: (Int, Int) -> Void,
                     analyzeStep: ([Int], LinearSVMModel?) throws(DiagnosticError) -> DiagnosticResult)
        throws(DiagnosticError) -> (steps: [RFEStep], models: [LinearSVMModel]) {
        var kept = Array(featureNames.indices)
        var warm: LinearSVMModel? = nil
        var steps: [RFEStep] = [], models: [LinearSVMModel] = []
        while true {
            let result = try analyzeStep(kept, warm)
            let w = result.model.weights
            var step = RFEStep(kept: kept, keptNames: kept.map { featureNames[$0] }, removed: nil,
                               variance: result.varianceOfInferredBarrier, varianceError: nil,
                               testAccuracy: result.testAccuracy, weights: w, slope: result.truth?.slope,
                               report: result.model.report, warnings: result.warnings)
            models.append(result.model)
            if kept.count > minimumFeatures {
                // Smallest |w_j|; ties go to the higher column index (later features first).
                var drop = 0
                for k in 1..<w.count where abs(w[k]) <= abs(w[drop]) { drop = k }
                step.removed = kept[drop]
                var remaining = w
                remaining.remove(at: drop)
                kept.remove(at: drop)
                warm = LinearSVMModel(weights: remaining, bias: result.model.bias, report: result.model.report)
            }
            steps.append(step)
            progress(steps.count, total)
            if step.removed == nil { break }
        }
        return (steps, models)
    }

    /// Error bars from the bootstrap `curves` (one Var(ΔE_inf) per step per replicate), the peak,
    /// the recommended step and how often each step was chosen.
    package static func finish(_ steps: [RFEStep], curves: [[Double?]], replicates: Int) -> RFEResult {
        var steps = steps
        for k in steps.indices {
            let values = curves.compactMap { $0[k] }
            steps[k].varianceError = values.count >= 2 ? Statistics.meanAndSampleSD(values)?.sd : nil
        }

        let (peak, recommended) = selectSteps(steps)
        let tolerance = VerdictRules.rfeStandardErrors * (steps[peak].varianceError ?? 0)
        var warnings: [String] = []
        let complete = curves.compactMap { curve -> [Double]? in
            let values = curve.compactMap { $0 }
            return values.count == curve.count ? values : nil
        }
        for curve in complete {
            if let chosen = chosenStep(curve, tolerance: tolerance) { steps[chosen].timesChosen += 1 }
        }
        if steps[peak].variance != nil {
            if replicates < 2 {
                warnings.append("no bootstrap error (--bootstrap \(replicates)): the recommended set is simply the peak; use --bootstrap 20 or more")
            } else if complete.count < replicates {
                warnings.append("\(replicates - complete.count) of \(replicates) bootstrap replicates could not be fitted at every step (a resampled temperature had one class only or was separable)")
            }
            if !complete.isEmpty, Double(steps[recommended].timesChosen) < VerdictRules.rfeStableFraction * Double(complete.count) {
                warnings.append("the recommended set of \(steps[recommended].kept.count) features was chosen in only \(steps[recommended].timesChosen) of \(complete.count) bootstrap replicates: the recommendation is unstable; see how often each set was chosen")
            }
        }
        return RFEResult(steps: steps, peakIndex: peak, recommendedIndex: recommended,
                         recommended: steps[recommended].kept, recommendedNames: steps[recommended].keptNames,
                         tolerance: tolerance, replicates: complete.count, warnings: warnings)
    }

    /// Var(ΔE_inf) of every step on one bootstrap resample (nil where a fit fails): training
    /// rows resampled within each training temperature and test rows within each test
    /// temperature, the same rows for every step; each step's SVM is refit warm from its model.
    static func replicateCurve(_ input: DiagnosticInput, split: RowSplit, steps: [RFEStep], models: [LinearSVMModel],
                               options: DiagnosticOptions, replicate: Int) -> [Double?] {
        let training = resample(split.training, temperatures: input.temperature, seed: options.seed, replicate: replicate, stream: 0)
        let test = resample(split.test, temperatures: input.temperature, seed: options.seed, replicate: replicate, stream: 1)
        return steps.indices.map { k in
            try? BarrierDiagnostic.analyze(input, columns: steps[k].kept, trainingRows: training, testRows: test,
                                           options: options, warmStart: models[k], full: false).varianceOfInferredBarrier
        }
    }

    /// `rows` resampled with replacement within each temperature (each temperature keeps its
    /// count), in the order of `rows`, every row repeated as often as it was drawn
    /// (`resampleCounts`).
    static func resample(_ rows: RowIndices, temperatures: [Double], seed: UInt64, replicate: Int, stream: UInt64) -> RowIndices {
        let counts = resampleCounts(rows.lazy.map { temperatures[$0] }, seed: seed, replicate: replicate, stream: stream)
        var out = RowIndices(capacity: rows.count, rowCount: temperatures.count)
        for (k, r) in rows.enumerated() {
            for _ in 0..<counts[k] { out.append(r) }
        }
        return out
    }

    /// How often each of a list of rows appears in bootstrap replicate `replicate`: the rows of
    /// each temperature (`temperatures`, one per row, in list order) are resampled with
    /// replacement, as many draws as that temperature has rows, uniform over its rows in list
    /// order, from a stream keyed by seed, replicate, `stream` (0: training rows, 1: test rows)
    /// and the temperature. The counts depend only on the list, not on where its rows are kept,
    /// so the in-memory RFE and the out-of-core one (which reads the rows again in table order
    /// for every pass) draw the same resample. A count cannot reach 255 in practice (P < n/255!).
    package static func resampleCounts(_ temperatures: some Collection<Double>, seed: UInt64, replicate: Int,
                                       stream: UInt64) -> [UInt8] {
        var slot: [Double: Int] = [:], sizes: [Int] = [], keys: [Double] = []
        for t in temperatures {
            if let g = slot[t] {
                sizes[g] += 1
            } else {
                slot[t] = keys.count
                keys.append(t)
                sizes.append(1)
            }
        }
        let drawn = keys.indices.map { g -> [UInt8] in
            var counts = [UInt8](repeating: 0, count: sizes[g])
            var rng = SplitMix64(seed: seed, purpose: .rfeBootstrap, UInt64(replicate), stream, keys[g].bitPattern)
            for _ in 0..<sizes[g] {
                let k = rng.nextInt(below: sizes[g])
                if counts[k] < .max { counts[k] += 1 }
            }
            return counts
        }
        var next = [Int](repeating: 0, count: keys.count)
        var out = [UInt8]()
        out.reserveCapacity(temperatures.count)
        for t in temperatures {
            let g = slot[t] ?? 0
            out.append(drawn[g][next[g]])
            next[g] += 1
        }
        return out
    }

    /// (peak, recommended) step indices of `steps`; see `RFEResult`.
    static func selectSteps(_ steps: [RFEStep]) -> (Int, Int) {
        let variances = steps.map(\.variance)
        guard let peak = peakIndex(variances) else {
            var best = 0
            for k in steps.indices where steps[k].testAccuracy > steps[best].testAccuracy { best = k }
            return (best, best)
        }
        let tolerance = VerdictRules.rfeStandardErrors * (steps[peak].varianceError ?? 0)
        return (peak, lastWithin(variances, from: peak, tolerance: tolerance))
    }

    /// The step the rule chooses on one replicate's complete variance curve.
    static func chosenStep(_ curve: [Double], tolerance: Double) -> Int? {
        guard let peak = peakIndex(curve) else { return nil }
        return lastWithin(curve, from: peak, tolerance: tolerance)
    }

    /// Index of the largest variance (the first one on ties); nil when none exists.
    static func peakIndex(_ variances: [Double?]) -> Int? {
        var peak: Int? = nil
        for (k, v) in variances.enumerated() {
            guard let v else { continue }
            if let p = peak, let pv = variances[p], pv >= v { continue }
            peak = k
        }
        return peak
    }

    /// The last index k ≥ `peak` such that every variance in peak...k is at least
    /// variances[peak] − tolerance (steps after the peak keep fewer features).
    static func lastWithin(_ variances: [Double?], from peak: Int, tolerance: Double) -> Int {
        guard let top = variances[peak] else { return peak }
        var k = peak
        while k + 1 < variances.count, let next = variances[k + 1], next >= top - tolerance { k += 1 }
        return k
    }
}
