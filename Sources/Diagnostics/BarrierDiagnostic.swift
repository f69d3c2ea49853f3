import Foundation
import Learning
import Parallel
import SeededRandom

/// Accuracy of sign(S) against the labels of the test rows at one temperature.
public struct TemperatureAccuracy: Sendable, Equatable, Codable {
    /// Temperature T.
    public var temperature: Double
    /// Fraction of test rows at T with predicted label (+1 iff S > 0) equal to R.
    public var accuracy: Double
    /// Test rows at T.
    public var rows: Int
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
    /// Fraction of test rows at the training temperature(s) classified correctly; if no test
    /// row is at a training temperature, over all test rows (and a warning says so).
    public var testAccuracy: Double
    /// Accuracy on the test rows of each temperature, ascending T.
    public var accuracyByTemperature: [TemperatureAccuracy]
    /// Distinct temperatures with training rows ("training temperatures"), ascending.
    public var trainingTemperatures: [Double]
    /// Distinct temperatures with test rows, ascending.
    public var testTemperatures: [Double]
    /// Training rows used by the SVM.
    public var trainingRowCount: Int
    /// Test rows.
    public var testRowCount: Int
    /// Var(ΔE_inf(Sᵢ)) (population variance, energy² units) over test rows at the training
    /// temperature(s): the paper's variance diagnostic (Sec. V, Fig. 6; DESIGN 1.8).
    public var varianceOfInferredBarrier: Double?
    /// Bootstrap standard error (sample sd over replicates) of that variance: test rows are
    /// resampled with replacement within every temperature, logistic and Arrhenius fits redone.
    public var varianceError: Double?
    /// Bootstrap replicates that succeeded (a replicate fails if some temperature's resample
    /// cannot be fitted).
    public var bootstrapReplicates: Int
    /// Human-readable caveats (non-converged fits, skipped temperatures, missing Arrhenius …).
    public var warnings: [String]
}

/// Test rows of one temperature in canonical order (ascending S, then label), so that results,
/// including the bootstrap, do not depend on the order of the input rows.
struct TemperatureGroup: Sendable {
    var temperature: Double
    var isTraining: Bool
    var softness: [Double]
    var labels: [Double]
    var energy: [Double]?
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
        try input.validate()
        let split = RowSplit(input)
        return try analyze(input, columns: Array(0..<input.featureCount), trainingRows: split.training,
                           testRows: split.test, options: options, warmStart: warmStart,
                           bootstrap: true)
    }

    /// The pipeline on a subset of columns and training rows of an already validated input.
    static func analyze(_ input: DiagnosticInput, columns: [Int], trainingRows: some RandomAccessCollection<Int>,
                        testRows: some RandomAccessCollection<Int>, options: DiagnosticOptions, warmStart: LinearSVMModel?,
                        bootstrap: Bool) throws(DiagnosticError) -> DiagnosticResult {
        try options.validate()
        let d = columns.count
        guard d > 0 else { throw .noFeatures }
        guard !trainingRows.isEmpty else { throw .noTrainingRows }
        guard !testRows.isEmpty else { throw .emptyTestSplit }
        guard trainingRows.count >= d + 2 else {
            throw .tooFewTrainingRows(needed: d + 2, actual: trainingRows.count, features: d)
        }
        var positives = 0
        for r in trainingRows where input.labels[r] == 1 { positives += 1 }
        if positives == 0 { throw .singleClassInTraining(label: -1, rows: trainingRows.count) }
        if positives == trainingRows.count { throw .singleClassInTraining(label: 1, rows: trainingRows.count) }
        var warnings: [String] = []

        // 1. Standardization from the training rows (DESIGN 1.2), applied on the fly: the SVM reads
        //    the training rows of the raw features through a view, never a standardized copy.
        let standardization = try standardize(input, columns: columns, rows: trainingRows)
        let yTrain = trainingRows.map { input.labels[$0] }

        // 2. Linear SVM (DESIGN 1.3).
        let model = try learning { () throws(LearningError) in
            let zTrain = try trainingView(input, columns: columns, rows: trainingRows, standardization)
            return try LinearSVM.fit(zTrain, labels: yTrain, options: options.svm, warmStart: warmStart)
        }
        if !model.report.converged { warnings.append("SVM did not converge: \(model.report.summary)") }

        // 3. Softness for every row (DESIGN 1.4), straight from the raw features.
        let norm = model.weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite, model.bias.isFinite else { throw .degenerateModel(weightNorm: norm) }
        let softness = computeSoftness(input, columns: columns, standardization, model, norm: norm)

        var correctTraining = 0
        for r in trainingRows where (softness[r] > 0 ? 1.0 : -1.0) == input.labels[r] { correctTraining += 1 }
        let trainingAccuracy = Double(correctTraining) / Double(trainingRows.count)

        // 4. Group the test rows by temperature.
        var trainingTemperatureSet = Set<Double>()
        for r in trainingRows { trainingTemperatureSet.insert(input.temperature[r]) }
        let trainingTemperatures = trainingTemperatureSet.sorted()
        let groups = groupTestRows(input, testRows: testRows, softness: softness,
                                   trainingTemperatures: trainingTemperatureSet)
        let testTemperatures = groups.map(\.temperature)
        var accuracyByTemperature: [TemperatureAccuracy] = []
        var correctAtTraining = 0, rowsAtTraining = 0, correctAll = 0
        for g in groups {
            var correct = 0
            for i in 0..<g.softness.count where (g.softness[i] > 0 ? 1.0 : -1.0) == g.labels[i] { correct += 1 }
            accuracyByTemperature.append(TemperatureAccuracy(temperature: g.temperature,
                                                             accuracy: Double(correct) / Double(g.softness.count),
                                                             rows: g.softness.count))
            correctAll += correct
            if g.isTraining { correctAtTraining += correct; rowsAtTraining += g.softness.count }
        }
        let testAccuracy: Double
        if rowsAtTraining > 0 {
            testAccuracy = Double(correctAtTraining) / Double(rowsAtTraining)
        } else {
            testAccuracy = Double(correctAll) / Double(testRows.count)
            warnings.append("No test rows at the training temperature(s) \(trainingTemperatures); testAccuracy is over all test rows, and Var(ΔE_inf) and the truth check are not computed.")
        }

        // 5. Logistic fits per temperature (DESIGN 1.5), in parallel.
        let fits = Parallel.map(groups.count) { k in fitLogistic1DLarge(s: groups[k].softness, y: groups[k].labels) }
        var logistic: [TemperatureLogisticFit] = []
        var skipped: [SkippedTemperature] = []
        var fittedGroups: [Int] = []
        for (k, g) in groups.enumerated() {
            let n = g.labels.count
            switch fits[k] {
            case let .success(fit):
                let plus = g.labels.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
                logistic.append(TemperatureLogisticFit(
                    temperature: g.temperature, intercept: fit.intercept, slope: fit.slope,
                    interceptError: fit.interceptError, slopeError: fit.slopeError, rows: n,
                    rearrangingFraction: Double(plus) / Double(n), iterations: fit.iterations,
                    converged: fit.converged, logLikelihood: fit.logLikelihood))
                fittedGroups.append(k)
                if !fit.converged {
                    warnings.append("Logistic fit of P(R|S) at T = \(g.temperature) did not converge after \(fit.iterations) iterations.")
                }
            case let .failure(failure):
                skipped.append(SkippedTemperature(temperature: g.temperature, rows: n, reason: failure.message))
                warnings.append("T = \(g.temperature) left out of the Arrhenius fit: \(failure.message).")
            }
        }

        // 6. Arrhenius (DESIGN 1.6).
        var arrhenius: ArrheniusFit? = nil
        if logistic.count >= 2 {
            let grid = ArrheniusFit.softnessGrid(groups.flatMap(\.softness), count: options.softnessGridCount)
            arrhenius = try ArrheniusFit(logistic: logistic, softnessGrid: grid)
        } else {
            let found = logistic.map { String($0.temperature) }.joined(separator: ", ")
            warnings.append("Arrhenius extraction needs test rows at two or more temperatures; found only T = \(found.isEmpty ? "none" : found) with a logistic fit, so ΔE_inf, Σ, Var(ΔE_inf) and the truth check are not computed.")
        }

        // 7. Variance diagnostic and truth check on the test rows at the training temperature(s).
        var variance: Double? = nil
        var truth: TruthCheck? = nil
        if let fit = arrhenius, rowsAtTraining > 0 {
            let atTraining = groups.filter(\.isTraining)
            let inferred = atTraining.flatMap { $0.softness.map { fit.deltaE($0) } }
            variance = populationVariance(inferred)
            if input.energyBarrier != nil {
                let trueBarrier = atTraining.flatMap { $0.energy ?? [] }
                if let line = fitLine(x: trueBarrier, y: inferred) {
                    truth = TruthCheck(slope: line.slope, intercept: line.intercept,
                                       r2: max(0, line.rSquared.isFinite ? line.rSquared : 0),
                                       rows: inferred.count, trueVariance: populationVariance(trueBarrier))
                } else {
                    warnings.append("Truth check skipped: the true ΔE is constant over the test rows at the training temperature(s).")
                }
            }
        }

        // 8. Bootstrap error of the variance.
        var varianceError: Double? = nil
        var replicates = 0
        if bootstrap, variance != nil, options.bootstrapSamples > 0 {
            let fitted = fittedGroups.map { groups[$0] }
            let starts = logistic.map { ($0.intercept, $0.slope) }
            let values = Parallel.map(options.bootstrapSamples) { r in
                bootstrapVariance(fitted, starts: starts, replicate: r, seed: options.seed)
            }.compactMap { $0 }
            replicates = values.count
            if values.count >= 2, let stats = meanAndSampleSD(values) {
                varianceError = stats.sd
            }
            if values.count < options.bootstrapSamples {
                warnings.append("\(options.bootstrapSamples - values.count) of \(options.bootstrapSamples) bootstrap replicates could not be fitted (a resampled temperature had one class only or was separable).")
            }
        }

        return DiagnosticResult(
            columns: columns, featureNames: columns.map { input.featureNames[$0] },
            standardization: standardization, model: model, softness: softness, logistic: logistic,
            skippedTemperatures: skipped, arrhenius: arrhenius, truth: truth,
            trainingAccuracy: trainingAccuracy, testAccuracy: testAccuracy,
            accuracyByTemperature: accuracyByTemperature, trainingTemperatures: trainingTemperatures,
            testTemperatures: testTemperatures, trainingRowCount: trainingRows.count,
            testRowCount: testRows.count, varianceOfInferredBarrier: variance,
            varianceError: varianceError, bootstrapReplicates: replicates, warnings: warnings)
    }

    /// One bootstrap replicate: multinomial resample of each temperature's test rows, refit of
    /// the logistic and Arrhenius lines, Var(ΔE_inf) over the resampled training-temperature rows.
    static func bootstrapVariance(_ groups: [TemperatureGroup], starts: [(Double, Double)], replicate: Int,
                                  seed: UInt64) -> Double? {
        var temperatures: [Double] = [], intercepts: [Double] = [], slopes: [Double] = []
        var trainingCounts: [(group: Int, counts: [Double])] = []
        for (k, g) in groups.enumerated() {
            let n = g.softness.count
            var rng = SplitMix64(seed: seed, purpose: .bootstrap, UInt64(replicate), g.temperature.bitPattern)
            var counts = [Double](repeating: 0, count: n)
            for _ in 0..<n { counts[rng.nextInt(below: n)] += 1 }
            let refined = refineLogistic1D(s: g.softness, y: g.labels, weights: counts, start: starts[k])
                ?? (try? fitLogistic1D(s: g.softness, y: g.labels, weights: counts, start: starts[k]).get())
                    .map { ($0.intercept, $0.slope) }
            guard let (a, b) = refined else { return nil }
            temperatures.append(g.temperature)
            intercepts.append(a)
            slopes.append(b)
            if g.isTraining { trainingCounts.append((k, counts)) }
        }
        guard let bLine = fitLine(x: temperatures.map { 1 / $0 }, y: slopes) else { return nil }
        // Var(ΔE_inf) = B1²·Var_w(S): A1 only shifts ΔE_inf.
        var sw = 0.0, ss = 0.0
        for (k, counts) in trainingCounts {
            let s = groups[k].softness
            for i in 0..<s.count { sw += counts[i]; ss += counts[i] * s[i] }
        }
        guard sw > 0 else { return nil }
        let mean = ss / sw
        var sq = 0.0
        for (k, counts) in trainingCounts {
            let s = groups[k].softness
            for i in 0..<s.count { sq += counts[i] * (s[i] - mean) * (s[i] - mean) }
        }
        return bLine.slope * bLine.slope * sq / sw
    }

    /// Mean and population sd of the selected columns over the training rows (two-pass, as
    /// `Learning.Standardization`), with feature names in the constant-column error.
    static func standardize(_ input: DiagnosticInput, columns: [Int],
                            rows: some RandomAccessCollection<Int>) throws(DiagnosticError) -> Standardization {
        let d = columns.count, stride = input.featureCount
        var mean = [Double](repeating: 0, count: d)
        var sumSquares = [Double](repeating: 0, count: d)
        input.features.withUnsafeBufferPointer { v in
            columns.withUnsafeBufferPointer { cols in
                mean.withUnsafeMutableBufferPointer { m in
                    for r in rows {
                        let base = r * stride
                        for k in 0..<d { m[k] += v[base + cols[k]] }
                    }
                    for k in 0..<d { m[k] /= Double(rows.count) }
                    sumSquares.withUnsafeMutableBufferPointer { q in
                        for r in rows {
                            let base = r * stride
                            for k in 0..<d {
                                let delta = v[base + cols[k]] - m[k]
                                q[k] += delta * delta
                            }
                        }
                    }
                }
            }
        }
        var sd = [Double](repeating: 0, count: d)
        for k in 0..<d {
            sd[k] = (sumSquares[k] / Double(rows.count)).squareRoot()
            if !(sd[k] > 1e-12 * abs(mean[k])) || sd[k] == 0 {
                throw .constantFeature(column: columns[k], name: input.featureNames[columns[k]])
            }
        }
        return try learning { () throws(LearningError) in try Standardization(means: mean, standardDeviations: sd) }
    }

    /// The standardized training rows × selected columns as a view of the raw features: z =
    /// (x − mean)·(1/sd), the reciprocal rounded once per column. The primal SVM solver
    /// standardizes each row as it reads it, so no copy of the training rows is made; the dual
    /// solver (hinge loss or fewer than 20 rows per feature) materializes the view itself.
    static func trainingView(_ input: DiagnosticInput, columns: [Int], rows: some RandomAccessCollection<Int>,
                             _ st: Standardization) throws(LearningError) -> TrainingView {
        if let indices = rows as? RowIndices {
            if let narrow = indices.narrowStorage {
                return try TrainingView(matrix: input.features, rows: narrow, columns: columns,
                                        standardization: st, arithmetic: .reciprocalMultiplication)
            }
        }
        if input.rowCount <= Int(UInt32.max) {
            return try TrainingView(matrix: input.features, rows: rows.map { UInt32(truncatingIfNeeded: $0) },
                                    columns: columns, standardization: st, arithmetic: .reciprocalMultiplication)
        }
        return try TrainingView(matrix: input.features, rows: Array(rows), columns: columns,
                                standardization: st, arithmetic: .reciprocalMultiplication)
    }

    /// Sᵢ = (w·zᵢ + b)/‖w‖ for every row, with z computed on the fly from the raw features.
    static func computeSoftness(_ input: DiagnosticInput, columns: [Int], _ st: Standardization,
                                _ model: LinearSVMModel, norm: Double) -> [Double] {
        let n = input.rowCount, stride = input.featureCount, d = columns.count
        let mean = st.means
        let scaled = (0..<d).map { model.weights[$0] / st.standardDeviations[$0] }
        let bias = model.bias
        var out = [Double](repeating: 0, count: n)
        input.features.withUnsafeBufferPointer { v in
            scaled.withUnsafeBufferPointer { w in
                columns.withUnsafeBufferPointer { cols in
                    mean.withUnsafeBufferPointer { m in
                        out.withUnsafeMutableBufferPointer { o in
                            for i in 0..<n {
                                let base = i * stride
                                var s = 0.0
                                for k in 0..<d { s += w[k] * (v[base + cols[k]] - m[k]) }
                                o[i] = (s + bias) / norm
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Test rows grouped by temperature (ascending), each sorted by (S, label, ΔE).
    ///
    /// Built from row indices (counted first, so every list is allocated once at its final size);
    /// each group's (S, R, ΔE) entries exist only while that group is sorted.
    static func groupTestRows(_ input: DiagnosticInput, testRows: some RandomAccessCollection<Int>, softness: [Double],
                              trainingTemperatures: Set<Double>) -> [TemperatureGroup] {
        var slot: [Double: Int] = [:]
        var counts: [Int] = []
        for r in testRows {
            let t = input.temperature[r]
            if let k = slot[t] {
                counts[k] += 1
            } else {
                slot[t] = counts.count
                counts.append(1)
            }
        }
        var members = counts.map { RowIndices(capacity: $0, rowCount: input.rowCount) }
        for r in testRows { members[slot[input.temperature[r]]!].append(r) }
        let energy = input.energyBarrier
        let labels = input.labels
        let sorted = Parallel.map(members.count) { k -> (s: [Double], y: [Double], e: [Double]?) in
            let rows = members[k]
            var list = [GroupEntry]()
            list.reserveCapacity(rows.count)
            for r in rows { list.append(GroupEntry(s: softness[r], y: labels[r], e: energy?[r] ?? 0)) }
            list.sort { p, q in
                if p.s != q.s { return p.s < q.s }
                if p.y != q.y { return p.y < q.y }
                return p.e < q.e
            }
            return (list.map(\.s), list.map(\.y), energy == nil ? nil : list.map(\.e))
        }
        members = []
        return slot.sorted { $0.key < $1.key }.map { t, k in
            TemperatureGroup(temperature: t, isTraining: trainingTemperatures.contains(t),
                             softness: sorted[k].s, labels: sorted[k].y, energy: sorted[k].e)
        }
    }
}

/// (S, R, ΔE) of one test row while its temperature group is sorted.
private struct GroupEntry { var s: Double; var y: Double; var e: Double }

/// Training and test row indices of an input, in input order.
struct RowSplit {
    var training: RowIndices
    var test: RowIndices

    init(_ input: DiagnosticInput) {
        let n = input.rowCount
        var trainingCount = 0
        for i in 0..<n where input.isTraining[i] { trainingCount += 1 }
        training = RowIndices(capacity: trainingCount, rowCount: n)
        test = RowIndices(capacity: n - trainingCount, rowCount: n)
        for i in 0..<n {
            if input.isTraining[i] { training.append(i) } else { test.append(i) }
        }
    }
}

/// Row indices in a fixed order, stored as 32-bit integers (half the memory of `[Int]`) whenever
/// every row index fits.
struct RowIndices: RandomAccessCollection, Sendable {
    private var narrow: [UInt32] = []
    private var wide: [Int] = []
    private let isWide: Bool

    /// Empty list with room for `capacity` indices below `rowCount`.
    init(capacity: Int, rowCount: Int) {
        isWide = rowCount > Int(UInt32.max)
        if isWide { wide.reserveCapacity(capacity) } else { narrow.reserveCapacity(capacity) }
    }

    /// The 32-bit index array (shared, not copied), or nil when the indices are stored as `Int`.
    var narrowStorage: [UInt32]? { isWide ? nil : narrow }

    mutating func append(_ row: Int) {
        if isWide { wide.append(row) } else { narrow.append(UInt32(truncatingIfNeeded: row)) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { isWide ? wide.count : narrow.count }

    @inline(__always) subscript(position: Int) -> Int {
        isWide ? wide[position] : Int(narrow[position])
    }
}
