/// Loss functions of the L2-regularized linear SVM, as a function of the margin m = y·(w·x + b).
public enum SVMLoss: String, Sendable, Codable, CaseIterable {
    /// Squared hinge max(0, 1 − m)² (scikit-learn `LinearSVC` default, liblinear `-s 1/2`).
    case squaredHinge
    /// Hinge max(0, 1 − m) (scikit-learn `LinearSVC(loss="hinge")`, liblinear `-s 3`).
    case hinge
}

/// Optimization algorithm for `LinearSVM.fit`.
public enum LinearSVMSolver: String, Sendable, Codable, CaseIterable {
    /// Squared hinge with rows ≥ 20·columns → `.primalNewton`; otherwise `.dualCoordinateDescent`.
    case automatic
    /// Trust-region Newton on the primal (LIBLINEAR's TRON; Lin, Weng & Keerthi, JMLR 9, 627
    /// (2008)); squared hinge only.
    case primalNewton
    /// Dual coordinate descent with shrinking (Hsieh, Chang, Lin, Keerthi & Sundararajan,
    /// ICML 2008); both losses.
    case dualCoordinateDescent
}

/// Why an iterative solver stopped.
public enum StopReason: String, Sendable, Codable {
    /// The stopping criterion (gradient norm / projected-gradient gap / step size) was met.
    case toleranceReached
    /// `maxIterations` was reached before the criterion was met.
    case maxIterationsReached
    /// Further steps cannot decrease the objective in floating point (e.g. TRON's
    /// "actred and prered too small"); the criterion was not necessarily met, see `converged`.
    case noFurtherProgress
}

/// Settings of `LinearSVM.fit`. Defaults equal scikit-learn `LinearSVC()`:
/// C = 1, squared hinge, tol = 1e-4, max_iter = 1000, intercept_scaling = 1.
public struct LinearSVMOptions: Sendable, Equatable, Codable {
    /// Regularization constant C in 0.5·‖w̃‖² + C·Σ loss; finite and > 0.
    public var c: Double
    /// Loss function.
    public var loss: SVMLoss
    /// Solver; `.automatic` picks by loss and shape.
    public var solver: LinearSVMSolver
    /// Stopping tolerance ε. Primal: ‖∇f(w)‖ ≤ ε·max(min(#pos,#neg),1)/l·‖∇f(0)‖ (liblinear).
    /// Dual: max PG − min PG ≤ ε over a full pass (liblinear). Must be > 0.
    public var tolerance: Double
    /// Maximum Newton iterations (primal) or outer passes (dual); must be ≥ 1.
    public var maxIterations: Int
    /// Threads for the primal solver's data passes (nil = all active processors). Results do not
    /// depend on this value (fixed row blocks, reduced in order).
    public var threadCount: Int?
    /// Seed of the per-pass random permutation in dual coordinate descent.
    public var seed: UInt64

    /// Creates options; every parameter defaults to scikit-learn `LinearSVC()`'s value.
    public init(c: Double = 1, loss: SVMLoss = .squaredHinge, solver: LinearSVMSolver = .automatic,
                tolerance: Double = 1e-4, maxIterations: Int = 1000, threadCount: Int? = nil,
                seed: UInt64 = 0) {
        self.c = c
        self.loss = loss
        self.solver = solver
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.threadCount = threadCount
        self.seed = seed
    }
}

/// Diagnostics of one `LinearSVM.fit` call. Check `converged`: a fit that stopped early is
/// returned (with `converged == false` and the reason), never silently passed off as optimal.
public struct FitReport: Sendable, Equatable, Codable {
    /// The solver that actually ran (never `.automatic`).
    public let solver: LinearSVMSolver
    /// The loss that was optimized.
    public let loss: SVMLoss
    /// The regularization constant C of the fit.
    public let c: Double
    /// Newton iterations (primal; accepted steps, like liblinear) or outer passes (dual).
    public let iterations: Int
    /// Final primal objective 0.5·‖w̃‖² + C·Σ loss(yᵢ·w̃·x̃ᵢ), w̃ = (w, b), x̃ = (x, 1).
    public let primalObjective: Double
    /// Primal: ‖∇f(w̃)‖ at the returned weights. Nil for the dual solver.
    public let gradientNorm: Double?
    /// Primal: the criterion's right-hand side ε·max(min(#pos,#neg),1)/l·‖∇f(0)‖. Nil for dual.
    public let gradientNormTarget: Double?
    /// Dual: the dual objective at the returned dual variables. Nil for primal.
    public let dualObjective: Double?
    /// Dual: primal − dual objective (≥ 0, → 0 at the optimum). Nil for primal.
    public let dualityGap: Double?
    /// Dual: max PG − min PG over the last pass (liblinear's criterion). Nil for primal.
    public let projectedGradientViolation: Double?
    /// True when the stopping criterion was met.
    public let converged: Bool
    /// Why the solver stopped.
    public let stopReason: StopReason

    /// Creates a report (normally only the solvers do this).
    public init(solver: LinearSVMSolver, loss: SVMLoss, c: Double, iterations: Int, primalObjective: Double,
                gradientNorm: Double?, gradientNormTarget: Double?, dualObjective: Double?, dualityGap: Double?,
                projectedGradientViolation: Double?, converged: Bool, stopReason: StopReason) {
        self.solver = solver
        self.loss = loss
        self.c = c
        self.iterations = iterations
        self.primalObjective = primalObjective
        self.gradientNorm = gradientNorm
        self.gradientNormTarget = gradientNormTarget
        self.dualObjective = dualObjective
        self.dualityGap = dualityGap
        self.projectedGradientViolation = projectedGradientViolation
        self.converged = converged
        self.stopReason = stopReason
    }

    /// One line for logs, e.g. "primalNewton: converged in 7 iterations, objective …".
    public var summary: String {
        var text = "\(solver.rawValue) (\(loss.rawValue), C = \(c)): "
        text += converged ? "converged" : "NOT converged (\(stopReason.rawValue))"
        text += " after \(iterations) iterations, primal objective \(primalObjective)"
        if let g = gradientNorm, let t = gradientNormTarget { text += ", |grad| \(g) (target \(t))" }
        if let gap = dualityGap { text += ", duality gap \(gap)" }
        if let pg = projectedGradientViolation { text += ", PG violation \(pg)" }
        return text
    }
}

/// A fitted linear SVM: decision function f(x) = w·x + b, predicted label sign(f) (+1 if f > 0).
public struct LinearSVMModel: Sendable, Equatable, Codable {
    /// Feature weights w (one per column).
    public let weights: [Double]
    /// Intercept b (the weight of liblinear's constant feature, intercept_scaling = 1).
    public let bias: Double
    /// How the fit went.
    public let report: FitReport
    /// Dual variables αᵢ (dual solver only; used to warm-start a dual fit on the same rows).
    public let dualVariables: [Double]?

    /// Wraps given weights (e.g. read back from results).
    public init(weights: [Double], bias: Double, report: FitReport, dualVariables: [Double]? = nil) {
        self.weights = weights
        self.bias = bias
        self.report = report
        self.dualVariables = dualVariables
    }

    /// w·xᵢ + b for every row of `x` (scikit-learn `decision_function`).
    /// - Throws: `.columnCountMismatch` when `x.columns != weights.count`.
    public func decisionFunction(_ x: DenseMatrix) throws(LearningError) -> [Double] {
        guard x.columns == weights.count else {
            throw .columnCountMismatch(expected: weights.count, actual: x.columns)
        }
        return linearScores(x, weights: weights, bias: bias)
    }

    /// Predicted labels: +1 where w·x + b > 0, else −1 (scikit-learn `predict`).
    public func predict(_ x: DenseMatrix) throws(LearningError) -> [Double] {
        try decisionFunction(x).map { $0 > 0 ? 1 : -1 }
    }

    /// Fraction of rows whose predicted label equals `labels` (scikit-learn `score`).
    /// - Throws: `.columnCountMismatch`, `.labelCountMismatch`, `.noRows`.
    public func accuracy(_ x: DenseMatrix, labels: [Double]) throws(LearningError) -> Double {
        guard labels.count == x.rows else { throw .labelCountMismatch(labels: labels.count, rows: x.rows) }
        guard x.rows > 0 else { throw .noRows }
        let predicted = try predict(x)
        var correct = 0
        for i in 0..<labels.count where predicted[i] == labels[i] { correct += 1 }
        return Double(correct) / Double(labels.count)
    }
}

/// L2-regularized linear support vector classification with the objective of scikit-learn
/// `LinearSVC` / liblinear (Fan et al., JMLR 9, 1871 (2008)):
///
///     min over w̃ = (w, b):  0.5·‖w̃‖² + C·Σᵢ loss(yᵢ·w̃·x̃ᵢ),   x̃ᵢ = (xᵢ, 1)
///
/// The intercept is a constant feature of value 1 (intercept_scaling = 1) and is penalized,
/// exactly as in liblinear, so weights can be compared number by number with scikit-learn.
public enum LinearSVM {
    /// Fits the SVM to `x` (rows = samples) and `labels` (+1/−1).
    ///
    /// - Parameters:
    ///   - warmStart: a previous model on the same columns (e.g. at another C). The primal solver
    ///     starts from its weights; the dual solver starts from its `dualVariables` when they
    ///     match the row count, else from the KKT multipliers implied by its weights
    ///     (αᵢ = 2C·max(0, 1 − mᵢ) for squared hinge, C·[mᵢ < 1] for hinge).
    ///     The primal stopping target still uses ‖∇f(0)‖, so warm and cold fits stop at the same
    ///     accuracy.
    /// - Throws: `LearningError` for invalid C/options/labels/values or shape mismatches, or
    ///   `.lossNotSupportedBySolver` for hinge with `.primalNewton`.
    /// - Returns: the model; check `model.report.converged`.
    public static func fit(x: DenseMatrix, labels: [Double], options: LinearSVMOptions = LinearSVMOptions(),
                           warmStart: LinearSVMModel? = nil) throws(LearningError) -> LinearSVMModel {
        try validateOptions(options)
        let counts = try validateClassificationData(x: x, labels: labels)
        return try fitValidated(TrainingView(matrix: x), materialized: x, labels: labels, counts: counts,
                                options: options, warmStart: warmStart)
    }

    /// Fits the SVM to a `TrainingView` — rows and columns of a raw matrix with an optional
    /// per-column standardization applied on the fly — without materializing the view.
    ///
    /// The result is bitwise the model that `fit(x: view.materialize(), labels:options:warmStart:)`
    /// returns (same weights, bias and report), for every thread count. Memory: the squared-hinge
    /// primal solver (`.primalNewton`, which `.automatic` picks for squared hinge with
    /// rows ≥ 20·columns) reads the raw matrix in place and standardizes each row as it loads it
    /// into its row tile, so no copy of the training rows is made. The dual coordinate descent
    /// solver (hinge loss, small problems) still materializes the view first (rowCount ×
    /// columnCount values), since it visits rows in random order many times per pass.
    ///
    /// - Parameters:
    ///   - view: the training rows; `labels[i]` is the label of view row i.
    ///   - warmStart: as in `fit(x:labels:options:warmStart:)`, with weights for the view's columns
    ///     (in standardized units when the view standardizes).
    /// - Throws: as `fit(x:labels:options:warmStart:)`; a `.nonFiniteValue` error gives the view's
    ///   row and column (of the standardized value).
    public static func fit(_ view: TrainingView, labels: [Double], options: LinearSVMOptions = LinearSVMOptions(),
                           warmStart: LinearSVMModel? = nil) throws(LearningError) -> LinearSVMModel {
        try validateOptions(options)
        let counts = try validateClassificationData(view: view, labels: labels, threads: options.threadCount)
        return try fitValidated(view, materialized: nil, labels: labels, counts: counts, options: options,
                                warmStart: warmStart)
    }

    /// Fits the SVM to the rows `rows` and columns `columns` of the raw matrix `x`, standardized on
    /// the fly by `standardization` (z = (x − mean)/sd, exactly as `Standardization.apply`).
    ///
    /// Same as `fit(_:labels:options:warmStart:)` with
    /// `TrainingView(matrix: x, rows: rows, columns: columns, standardization: standardization)`:
    /// bitwise the model of fitting the materialized matrix
    /// `standardization.apply(to: x.selectingRows(rows).selectingColumns(columns))`, without
    /// building it (primal solver; the dual solver materializes it).
    /// - Parameters:
    ///   - rows: row indices into `x` (nil = all rows); `labels[i]` belongs to `rows[i]`.
    ///   - columns: column indices into `x` (nil = all columns).
    ///   - standardization: means and sds of the selected columns, in `columns` order (nil = raw).
    /// - Throws: as `fit(_:labels:options:warmStart:)`, plus `.indexOutOfRange` for bad indices and
    ///   `.columnCountMismatch` for a standardization of the wrong length.
    public static func fit(x: DenseMatrix, rows: [Int]?, columns: [Int]? = nil,
                           standardization: Standardization? = nil, labels: [Double],
                           options: LinearSVMOptions = LinearSVMOptions(),
                           warmStart: LinearSVMModel? = nil) throws(LearningError) -> LinearSVMModel {
        let view = try TrainingView(matrix: x, rows: rows, columns: columns, standardization: standardization)
        return try fit(view, labels: labels, options: options, warmStart: warmStart)
    }

    /// Checks C, tolerance, iteration and thread counts.
    static func validateOptions(_ options: LinearSVMOptions) throws(LearningError) {
        guard options.c.isFinite, options.c > 0 else { throw .invalidRegularization(options.c) }
        guard options.tolerance > 0, options.tolerance.isFinite else {
            throw .invalidOption(name: "tolerance", reason: "must be finite and > 0 (got \(options.tolerance))")
        }
        guard options.maxIterations >= 1 else {
            throw .invalidOption(name: "maxIterations", reason: "must be ≥ 1 (got \(options.maxIterations))")
        }
        if let threads = options.threadCount, threads < 1 {
            throw .invalidOption(name: "threadCount", reason: "must be ≥ 1 or nil (got \(threads))")
        }
    }

    /// The fit after the data were validated; `materialized` is the view as a matrix when the
    /// caller already has it (the dual solver needs one).
    private static func fitValidated(_ view: TrainingView, materialized: DenseMatrix?, labels: [Double],
                                     counts: ClassCounts, options: LinearSVMOptions,
                                     warmStart: LinearSVMModel?) throws(LearningError) -> LinearSVMModel {
        let rows = view.rowCount, columns = view.columnCount
        if let warm = warmStart, warm.weights.count != columns {
            throw .columnCountMismatch(expected: columns, actual: warm.weights.count)
        }
        let solver = resolvedSolver(options.solver, loss: options.loss, rows: rows, columns: columns)
        if solver == .primalNewton && options.loss == .hinge {
            throw .lossNotSupportedBySolver(loss: .hinge, solver: .primalNewton)
        }
        switch solver {
        case .primalNewton, .automatic:
            let objective = SquaredHingeEvaluator(x: view, labels: labels, c: options.c, threads: options.threadCount)
            return try PrimalNewtonSolver(objective: objective, options: options, classCounts: counts)
                .solve(warmStart: warmStart)
        case .dualCoordinateDescent:
            let x = materialized ?? (view.isIdentity ? view.matrix : view.materialize())
            return DualCoordinateDescentSolver(x: x, labels: labels, options: options)
                .solve(warmStart: warmStart)
        }
    }

    /// The solver `.automatic` resolves to for this loss and shape.
    public static func resolvedSolver(_ solver: LinearSVMSolver, loss: SVMLoss, rows: Int,
                                      columns: Int) -> LinearSVMSolver {
        guard solver == .automatic else { return solver }
        return loss == .squaredHinge && rows >= 20 * columns ? .primalNewton : .dualCoordinateDescent
    }

    /// The primal objective 0.5·(‖w‖² + b²) + C·Σᵢ loss(yᵢ·(w·xᵢ + b)) that `fit` minimizes.
    /// - Throws: `.columnCountMismatch`, `.labelCountMismatch`.
    public static func primalObjective(weights: [Double], bias: Double, x: DenseMatrix, labels: [Double],
                                       c: Double, loss: SVMLoss) throws(LearningError) -> Double {
        guard x.columns == weights.count else {
            throw .columnCountMismatch(expected: weights.count, actual: x.columns)
        }
        guard labels.count == x.rows else { throw .labelCountMismatch(labels: labels.count, rows: x.rows) }
        let scores = linearScores(x, weights: weights, bias: bias)
        var sum = 0.0
        for i in 0..<labels.count {
            let slack = max(0, 1 - labels[i] * scores[i])
            sum += loss == .squaredHinge ? slack * slack : slack
        }
        return 0.5 * (dot(weights, weights) + bias * bias) + c * sum
    }
}

/// Positive/negative label counts of validated classification data.
struct ClassCounts: Sendable {
    let positives: Int
    let negatives: Int
    /// Feature columns d of the fit.
    let columns: Int
}

/// Checks shapes, labels in {+1, −1}, both classes present and finite features.
func validateClassificationData(x: DenseMatrix, labels: [Double]) throws(LearningError) -> ClassCounts {
    try validateClassificationData(view: TrainingView(matrix: x), labels: labels, threads: nil)
}

/// As `validateClassificationData(x:labels:)` for a view (finiteness of the standardized values).
func validateClassificationData(view: TrainingView, labels: [Double], threads: Int?) throws(LearningError) -> ClassCounts {
    guard view.columnCount > 0 else { throw .noColumns }
    guard view.rowCount > 0 else { throw .noRows }
    guard labels.count == view.rowCount else { throw .labelCountMismatch(labels: labels.count, rows: view.rowCount) }
    var positives = 0
    for (i, label) in labels.enumerated() {
        if label == 1 { positives += 1 } else if label != -1 { throw .invalidLabel(row: i, value: label) }
    }
    if positives == 0 { throw .singleClass(label: -1) }
    if positives == labels.count { throw .singleClass(label: 1) }
    if let bad = view.firstNonFiniteValue(threads: threads) { throw .nonFiniteValue(row: bad.row, column: bad.column) }
    return ClassCounts(positives: positives, negatives: labels.count - positives, columns: view.columnCount)
}

/// w·xᵢ + b for every row (no shape checks).
func linearScores(_ x: DenseMatrix, weights: [Double], bias: Double) -> [Double] {
    let d = x.columns
    var out = [Double](repeating: 0, count: x.rows)
    x.withUnsafeBufferPointer { v in
        weights.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<x.rows {
                    var s = 0.0
                    let row = i * d
                    for j in 0..<d { s += w[j] * v[row + j] }
                    o[i] = s + bias
                }
            }
        }
    }
    return out
}
