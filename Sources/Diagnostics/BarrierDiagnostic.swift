import Foundation
import Learning

/// What the test rows at one temperature give: accuracy of sign(S), class balance and the
/// variance diagnostic at that temperature alone.
public struct TemperatureAccuracy: Sendable, Equatable, Codable {
    /// Temperature T.
    public var temperature: Double
    /// Fraction of test rows at T with predicted label (+1 iff S > 0) equal to R.
    public var accuracy: Double
    /// Test rows at T.
    public var rows: Int
    /// Fraction of those rows with R = +1.
    public var rearrangingFraction: Double
    /// True when T also has training rows (a "training temperature").
    public var isTrainingTemperature: Bool
    /// Var(ΔE_inf(Sᵢ)) over the test rows at T only (population variance, energy²); nil
    /// without an Arrhenius fit.
    public var varianceOfInferredBarrier: Double?
}

/// A reason to read a verdict with care, with the short clause the verdict sentence appends
/// (the full explanation is in `DiagnosticResult.warnings`).
public struct VerdictCaveat: Sendable, Equatable, Codable {
    /// What kind of caveat.
    public enum Kind: String, Sendable, Codable {
        /// Training rows beyond `VerdictRules.imbalanceLimit`.
        case trainingImbalance
        /// Test rows at a temperature beyond `VerdictRules.imbalanceLimit`.
        case testImbalance
        /// Fewer than `VerdictRules.minimumRowsPerClass` rows of a class at a test temperature.
        case fewRowsPerClass
        /// a(T) or b(T) not a straight line in 1/T (lack-of-fit p below `VerdictRules.poorFitPValue`).
        case poorArrheniusFit
        /// Two temperatures only: the Arrhenius lines cannot be tested.
        case untestableArrhenius
        /// P(R|S,T) fitted on a balanced sample instead of the natural population.
        case balancedTestRows
    }
    /// What kind of caveat.
    public var kind: Kind
    /// The clause, e.g. "the training rows are 96.0% R = +1".
    public var clause: String
}

/// Everything one diagnostic run produces (DESIGN.md §1 items 2–7).
public struct DiagnosticResult: Sendable, Codable {
    /// Indices (into the input's columns) of the features used, in order.
    public var columns: [Int]
    /// Names of those features.
    public var featureNames: [String]
    /// z = (x − mean)/sd with mean and population sd from the training rows only (DESIGN 1.2).
    public var standardization: Standardization
    /// The linear SVM; weights and bias in standardized units (DESIGN 1.3).
    public var model: LinearSVMModel
    /// Sᵢ = (w·zᵢ + b)/‖w‖, signed distance to the hyperplane in standardized units, for EVERY
    /// input row in input order (DESIGN 1.4).
    public var softness: [Double]
    /// logit P(R=+1|S,T) = a(T) + b(T)·S per test temperature, ascending T (DESIGN 1.5).
    public var logistic: [TemperatureLogisticFit]
    /// Test temperatures without a logistic fit (one class only, or separable) and why.
    public var skippedTemperatures: [SkippedTemperature]
    /// a(T), b(T) linear in 1/T → ΔE_inf(S), Σ(S) (DESIGN 1.6); nil when fewer than two
    /// temperatures have fitted test rows (then `warnings` says why).
    public var arrhenius: ArrheniusFit?
    /// ΔE_inf vs true ΔE on test rows at the training temperature(s) (DESIGN 1.7); nil without
    /// `energyBarrier` or without `arrhenius`.
    public var truth: TruthCheck?
    /// Fraction of training rows classified correctly (sign of S).
    public var trainingAccuracy: Double
    /// Fraction of test rows at the training temperature(s) classified correctly (pooled over
    /// them, `testAccuracyRows` rows); if no test row is at a training temperature, over all
    /// test rows (and a warning says so).
    public var testAccuracy: Double
    /// Test rows behind `testAccuracy`.
    public var testAccuracyRows: Int
    /// Fraction of all test rows, at every temperature, classified correctly.
    public var pooledTestAccuracy: Double
    /// Accuracy, class balance and Var(ΔE_inf) of the test rows of each temperature, ascending T.
    public var accuracyByTemperature: [TemperatureAccuracy]
    /// Distinct temperatures with training rows ("training temperatures"), ascending.
    public var trainingTemperatures: [Double]
    /// Distinct temperatures with test rows, ascending.
    public var testTemperatures: [Double]
    /// Training rows used by the SVM.
    public var trainingRowCount: Int
    /// Test rows.
    public var testRowCount: Int
    /// Var(ΔE_inf(Sᵢ)) (population variance, energy² units) pooled over the test rows at the
    /// training temperature(s) (`varianceRows` rows): the paper's variance diagnostic (Sec. V,
    /// Fig. 6; DESIGN 1.8). Per temperature: `accuracyByTemperature`.
    public var varianceOfInferredBarrier: Double?
    /// Test rows behind `varianceOfInferredBarrier` (0 when it is nil).
    public var varianceRows: Int
    /// Bootstrap standard error (sample sd over replicates) of that variance: test rows are
    /// resampled with replacement within every temperature, logistic and Arrhenius fits redone.
    public var varianceError: Double?
    /// Bootstrap replicates that succeeded (a replicate fails if some temperature's resample
    /// cannot be fitted).
    public var bootstrapReplicates: Int
    /// Human-readable caveats (non-converged fits, skipped temperatures, missing Arrhenius …).
    public var warnings: [String]
    /// The caveats the verdict sentence names (imbalance, too few rows, poor or untestable
    /// Arrhenius lines); each also has a full entry in `warnings`.
    public var caveats: [VerdictCaveat]
    /// Binned empirical P_R(S,T) of the test rows (the points under the logistic fits, paper
    /// Fig. 1a/b); nil when the test rows' S is constant, and in RFE steps and scan cells.
    public var empiricalRates: EmpiricalRates?
    /// Distribution of S over all test rows (40 bins); ΔE_inf(S) is its image under the
    /// Arrhenius line; nil in RFE steps and scan cells.
    public var softnessHistogram: Histogram?
    /// Joint density of (true ΔE, ΔE_inf(S)) over the truth check's rows (40 × 40 bins, paper
    /// Fig. 1d); nil without a truth check, and in RFE steps and scan cells.
    public var truthDensity: Histogram?
}

/// The paper's diagnostic for one feature set (DESIGN.md §1 items 2–7): standardize, fit the
/// linear SVM on the training rows, compute softness, fit P(R|S,T) per test temperature, extract
/// ΔE_inf(S) and Σ(S) by the Arrhenius fit, and check against the true barrier when known.
public enum BarrierDiagnostic {
    /// Runs the pipeline on `input`.
    /// - Parameters:
    ///   - options: SVM and diagnostic settings.
    ///   - warmStart: a previous model on the same columns, in standardized units (speeds up refits).
    /// - Throws: `DiagnosticError` — invalid input (`validate()`), `.noTrainingRows`,
    ///   `.emptyTestSplit`, `.tooFewTrainingRows`, `.singleClassInTraining`, `.constantFeature`,
    ///   `.invalidRegularization`, `.invalidOption`, `.degenerateModel`, `.learning(…)`.
    public static func run(_ input: DiagnosticInput, options: DiagnosticOptions = .init(),
                           warmStart: LinearSVMModel? = nil) throws(DiagnosticError) -> DiagnosticResult {
        try input.validateUnlessValidated()
        let split = RowSplit(input)
        return try analyze(input, columns: Array(0..<input.featureCount), trainingRows: split.training,
                           testRows: split.test, options: options, warmStart: warmStart,
                           full: true)
    }

    /// The pipeline on a subset of columns and training rows of an already validated input.
    /// `full` is the top-level run: it adds the bootstrap error of Var(ΔE_inf) and the stored
    /// distributions (empirical rates, histograms); RFE steps, their replicates and scan cells,
    /// which keep only numbers, skip them.
    static func analyze(_ input: DiagnosticInput, columns: [Int], trainingRows: some RandomAccessCollection<Int>,
                        testRows: some RandomAccessCollection<Int>, options: DiagnosticOptions, warmStart: LinearSVMModel?,
                        full: Bool) throws(DiagnosticError) -> DiagnosticResult {
        try options.validate()
        guard !columns.isEmpty else { throw .noFeatures }
        guard !testRows.isEmpty else { throw .emptyTestSplit }

        // 1–3. Standardization, linear SVM, softness of every row (DESIGN 1.2–1.4).
        let trained = try Softness.train(input, columns: columns, trainingRows: trainingRows, options: options.svm, warmStart: warmStart)
        var positives = 0
        for r in trainingRows where input.labels[r] > 0 { positives += 1 }

        // 4. Test rows grouped by temperature.
        var trainingTemperatureSet = Set<Double>()
        for r in trainingRows { trainingTemperatureSet.insert(input.temperature[r]) }
        let groups = TemperatureLogistic.groupTestRows(input, testRows: testRows, softness: trained.softness,
                                                       trainingTemperatures: trainingTemperatureSet)
        return try conclude(trained, featureNames: columns.map { input.featureNames[$0] }, trainingPositives: positives,
                            trainingTemperatures: trainingTemperatureSet, groups: groups, testPopulation: input.testPopulation,
                            hasEnergyBarrier: input.energyBarrier != nil, options: options, full: full)
    }

    /// Stages 4–8 once the softness is trained: accuracy per temperature, logistic fits, Arrhenius
    /// lines, Var(ΔE_inf) with its bootstrap error and the truth check, from the test rows grouped
    /// by temperature (`TemperatureGroup`, canonical order). In-memory and out-of-core runs share it.
    package static func conclude(_ trained: SoftnessModel, featureNames: [String], trainingPositives: Int,
                         trainingTemperatures trainingTemperatureSet: Set<Double>, groups: [TemperatureGroup],
                         testPopulation: TestPopulation, hasEnergyBarrier: Bool, options: DiagnosticOptions,
                         full: Bool, progress: ((String) -> Void)? = nil) throws(DiagnosticError) -> DiagnosticResult {
        var stageStarted = Date()
        /// A progress line with the seconds since the previous one.
        func stage(_ line: String) {
            guard let progress else { return }
            progress(String(format: "%@ (%.1f s)", line, Date().timeIntervalSince(stageStarted)))
            stageStarted = Date()
        }
        var warnings: [String] = [], caveats: [VerdictCaveat] = []
        let model = trained.model
        if !model.report.converged { warnings.append("SVM did not converge: \(model.report.summary)") }
        if let (warning, caveat) = Self.trainingImbalance(positives: trainingPositives, rows: trained.trainingRowCount) {
            warnings.append(warning)
            caveats.append(caveat)
        }
        let trainingTemperatures = trainingTemperatureSet.sorted()
        let testRowCount = groups.reduce(0) { $0 + $1.count }
        var accuracyByTemperature = groups.map { group in
            TemperatureAccuracy(temperature: group.temperature, accuracy: Double(group.correct) / Double(group.count),
                                rows: group.count, rearrangingFraction: group.rearrangingFraction,
                                isTrainingTemperature: group.isTraining, varianceOfInferredBarrier: nil)
        }
        let balance = Self.testBalance(groups, natural: testPopulation == .natural)
        warnings += balance.warnings
        caveats += balance.caveats
        if testPopulation == .balancedSample {
            warnings.append("P(R|S,T) is estimated on a balanced sample of the test frames, not on their natural population: the rearranging fraction, and with it a(T), the constant terms of ΔE_inf(S) and Σ(S) and P_R itself, are set by the balancing (Schoenholz et al. measure P_R on all particles of held-out frames); featurize with --balance (without --balance-only) to keep the natural population")
            caveats.append(VerdictCaveat(kind: .balancedTestRows, clause: "P(R|S,T) from balanced test rows"))
        }
        let atTraining = groups.filter(\.isTraining)
        func pooledAccuracy(_ include: (TemperatureGroup) -> Bool) -> (accuracy: Double, rows: Int) {
            let chosen = groups.filter(include)
            let rows = chosen.reduce(0) { $0 + $1.count }
            return (Double(chosen.reduce(0) { $0 + $1.correct }) / Double(rows), rows)
        }
        let pooled = pooledAccuracy { _ in true }
        let testAccuracy: (accuracy: Double, rows: Int)
        if atTraining.isEmpty {
            testAccuracy = pooled
            warnings.append("No test rows at the training temperature(s) \(trainingTemperatures); testAccuracy is over all test rows, and Var(ΔE_inf) and the truth check are not computed.")
        } else {
            testAccuracy = pooledAccuracy(\.isTraining)
        }

        // 5. Logistic fits per temperature (DESIGN 1.5).
        let logistic = TemperatureLogistic.fit(groups)
        warnings += logistic.warnings
        stage("logistic fits at \(logistic.fits.count) temperatures")

        // 6. Arrhenius (DESIGN 1.6).
        var arrhenius: ArrheniusFit? = nil
        let softnessRange = Self.softnessQuantiles(groups)
        if logistic.fits.count >= 2 {
            let grid = ArrheniusFit.evenGrid(low: softnessRange.low, high: softnessRange.high, count: options.softnessGridCount)
            let fit = try ArrheniusFit(logistic: logistic.fits, softnessGrid: grid)
            arrhenius = fit
            warnings += fit.warnings
            caveats += fit.caveats
        } else {
            let found = logistic.fits.map { String($0.temperature) }.joined(separator: ", ")
            warnings.append("Arrhenius extraction needs test rows at two or more temperatures; found only T = \(found.isEmpty ? "none" : found) with a logistic fit, so ΔE_inf, Σ, Var(ΔE_inf) and the truth check are not computed.")
        }

        // 7–8. Variance diagnostic with its bootstrap error, and the truth check, on the test rows
        //      at the training temperature(s).
        var variance: Double? = nil, varianceError: Double? = nil, replicates = 0
        var truth: TruthCheck? = nil, truthDensity: Histogram? = nil
        if let fit = arrhenius {
            for k in groups.indices { accuracyByTemperature[k].varianceOfInferredBarrier = VarianceDiagnostic.variance([groups[k]], fit) }
        }
        if let fit = arrhenius, !atTraining.isEmpty {
            variance = VarianceDiagnostic.variance(atTraining, fit)
            if hasEnergyBarrier {
                // (true ΔE, ΔE_inf) of every test row at the training temperature(s), in order.
                let pairs: ((Double, Double) -> Void) -> Void = { visit in
                    for g in atTraining { g.forEachRow { s, e in visit(e, fit.deltaE(s)) } }
                }
                truth = TruthCheck(pairs)
                if truth != nil, full { truthDensity = Histogram.of(pairs, bins: Self.histogramBins) }
                if truth == nil { warnings.append("Truth check skipped: the true ΔE is constant over the test rows at the training temperature(s).") }
            }
            stage("Arrhenius lines, Var(ΔE_inf)\(truth == nil ? "" : " and the truth check")")
            if full, options.bootstrapSamples > 0 {
                defer { stage("bootstrap: \(options.bootstrapSamples) replicates") }
                let bootstrapped = VarianceDiagnostic.bootstrapError(logistic.fittedGroups.map { groups[$0] }, logistic: logistic.fits,
                                                                     replicates: options.bootstrapSamples, seed: options.seed)
                varianceError = bootstrapped.error
                replicates = bootstrapped.replicates
                if let warning = bootstrapped.warning { warnings.append(warning) }
            }
        }

        for group in groups { try group.checkStorage() }
        return DiagnosticResult(
            columns: trained.columns, featureNames: featureNames,
            standardization: trained.standardization, model: model, softness: trained.softness,
            logistic: logistic.fits, skippedTemperatures: logistic.skipped, arrhenius: arrhenius, truth: truth,
            trainingAccuracy: trained.trainingAccuracy, testAccuracy: testAccuracy.accuracy,
            testAccuracyRows: testAccuracy.rows, pooledTestAccuracy: pooled.accuracy,
            accuracyByTemperature: accuracyByTemperature, trainingTemperatures: trainingTemperatures,
            testTemperatures: groups.map(\.temperature), trainingRowCount: trained.trainingRowCount,
            testRowCount: testRowCount, varianceOfInferredBarrier: variance,
            varianceRows: variance == nil ? 0 : atTraining.reduce(0) { $0 + $1.count },
            varianceError: varianceError, bootstrapReplicates: replicates, warnings: warnings, caveats: caveats,
            empiricalRates: full ? EmpiricalRates.count(groups, range: softnessRange, binCount: options.softnessGridCount) : nil,
            softnessHistogram: full ? Histogram.of({ visit in for g in groups { g.forEachRow { s, _ in visit(s) } } }, bins: Self.histogramBins) : nil, truthDensity: truthDensity)
    }

    /// The 2.5 % and 97.5 % quantiles of the test rows' S (numpy's linear interpolation, as
    /// `ArrheniusFit.softnessGrid`): the range of the Arrhenius grid and of the empirical rates.
    static func softnessQuantiles(_ groups: [TemperatureGroup]) -> (low: Double, high: Double) {
        let n = groups.reduce(0) { $0 + $1.count }
        func quantile(_ p: Double) -> Double {
            Statistics.sortedQuantile(count: n, p) { unionOrderStatistic(groups, rank: $0) }
        }
        return (quantile(0.025), quantile(0.975))
    }

    /// Bins per axis of the stored distributions (softness histogram, truth density).
    static let histogramBins = 40

    /// The warning and caveat for training labels (±1) whose minority class is below
    /// `VerdictRules.imbalanceLimit`, nil otherwise.
    public static func trainingImbalance(labels: [Double]) -> (warning: String, caveat: VerdictCaveat)? {
        trainingImbalance(positives: labels.filter { $0 > 0 }.count, rows: labels.count)
    }

    /// As `trainingImbalance(labels:)` from the counts: `positives` of `rows` training rows have R = +1.
    public static func trainingImbalance(positives plus: Int, rows: Int) -> (warning: String, caveat: VerdictCaveat)? {
        guard rows > 0 else { return nil }
        let minority = Double(min(plus, rows - plus)) / Double(rows)
        guard minority < VerdictRules.imbalanceLimit else { return nil }
        let percent = 100 * Double(plus) / Double(rows)
        let warning = String(format: "the %d training rows are %.1f%% R = +1 (beyond %@): an accuracy near the majority fraction %.1f%% says nothing about the barrier; balance the training set (`softness validate --balance`, then --selection)",
                             rows, percent, imbalanceName, 100 * (1 - minority))
        return (warning, VerdictCaveat(kind: .trainingImbalance, clause: String(format: "the training rows are %.1f%% R = +1", percent)))
    }

    /// "80/20" for `VerdictRules.imbalanceLimit` = 0.2.
    static var imbalanceName: String {
        String(format: "%.0f/%.0f", 100 * (1 - VerdictRules.imbalanceLimit), 100 * VerdictRules.imbalanceLimit)
    }

    /// Warnings and caveats for test temperatures beyond `VerdictRules.imbalanceLimit` or with
    /// fewer than `VerdictRules.minimumRowsPerClass` rows of a class (their logistic fits rest
    /// on a few rows).
    /// With `natural` (test rows are the natural population), imbalance is the rate itself and
    /// only too few rows of a class count.
    static func testBalance(_ groups: [TemperatureGroup], natural: Bool = false) -> (warnings: [String], caveats: [VerdictCaveat]) {
        var warnings: [String] = [], imbalanced: [String] = [], sparse: [String] = []
        for g in groups {
            let plus = g.positives, n = g.count
            let minority = min(plus, n - plus)
            let t = String(format: "%g", g.temperature)
            if minority < VerdictRules.minimumRowsPerClass {
                sparse.append(t)
                warnings.append("the test rows at T = \(t) have \(plus) rows with R = +1 and \(n - plus) with R = −1: fewer than \(VerdictRules.minimumRowsPerClass) of a class (about ten per fitted parameter), so a(T) and b(T) there are unreliable; add frames at this temperature or leave it out")
            } else if !natural, Double(minority) < VerdictRules.imbalanceLimit * Double(n) {
                imbalanced.append(t)
                warnings.append(String(format: "the test rows at T = %@ are %.1f%% R = +1 (beyond %@): their logistic fit rests on the %d rows of the minority class", t, 100 * g.rearrangingFraction, imbalanceName, minority))
            }
        }
        var caveats: [VerdictCaveat] = []
        if !imbalanced.isEmpty {
            caveats.append(VerdictCaveat(kind: .testImbalance, clause: "test rows beyond \(imbalanceName) at T = \(imbalanced.joined(separator: ", "))"))
        }
        if !sparse.isEmpty {
            caveats.append(VerdictCaveat(kind: .fewRowsPerClass, clause: "fewer than \(VerdictRules.minimumRowsPerClass) rows of a class at T = \(sparse.joined(separator: ", "))"))
        }
        return (warnings, caveats)
    }
}
