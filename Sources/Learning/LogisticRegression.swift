import Foundation

/// Settings of `LogisticRegression.fit`.
public struct LogisticRegressionOptions: Sendable, Equatable, Codable {
    /// L2 penalty constant: minimize 0.5·‖w‖² + C·NLL (scikit-learn's convention; the intercept
    /// is not penalized). nil (default) = no penalty, plain maximum likelihood.
    public var c: Double?
    /// Stop when the Newton step changes no parameter by more than
    /// tolerance·(1 + max |parameter|). Must be > 0.
    public var tolerance: Double
    /// Maximum Newton iterations (≥ 1).
    public var maxIterations: Int

    /// Creates options (defaults: no penalty, tolerance 1e-10, 100 iterations).
    public init(c: Double? = nil, tolerance: Double = 1e-10, maxIterations: Int = 100) {
        self.c = c
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }
}

/// Diagnostics of a logistic-regression fit.
public struct LogisticRegressionReport: Sendable, Equatable, Codable {
    /// Newton iterations taken.
    public let iterations: Int
    /// True when the step-size criterion was met.
    public let converged: Bool
    /// Why the solver stopped.
    public let stopReason: StopReason
    /// Log-likelihood Σᵢ log P(yᵢ | xᵢ) at the returned parameters (≤ 0).
    public let logLikelihood: Double
    /// Minimized objective: −logLikelihood without penalty, 0.5‖w‖² − C·logLikelihood with it.
    public let objective: Double
    /// max |∂objective/∂parameter| at the returned parameters.
    public let gradientMaxNorm: Double

    /// Creates a report (normally only `LogisticRegression.fit` does this).
    public init(iterations: Int, converged: Bool, stopReason: StopReason, logLikelihood: Double,
                objective: Double, gradientMaxNorm: Double) {
        self.iterations = iterations
        self.converged = converged
        self.stopReason = stopReason
        self.logLikelihood = logLikelihood
        self.objective = objective
        self.gradientMaxNorm = gradientMaxNorm
    }
}

/// A fitted logistic model: logit P(y = +1 | x) = x·coefficients + intercept.
public struct LogisticRegressionModel: Sendable, Equatable, Codable {
    /// Coefficients, one per column.
    public let coefficients: [Double]
    /// Intercept (never penalized).
    public let intercept: Double
    /// How the fit went.
    public let report: LogisticRegressionReport

    /// Wraps given parameters.
    public init(coefficients: [Double], intercept: Double, report: LogisticRegressionReport) {
        self.coefficients = coefficients
        self.intercept = intercept
        self.report = report
    }

    /// logit P(+1 | xᵢ) = xᵢ·coefficients + intercept for every row.
    /// - Throws: `.columnCountMismatch`.
    public func logit(_ x: DenseMatrix) throws(LearningError) -> [Double] {
        guard x.columns == coefficients.count else {
            throw .columnCountMismatch(expected: coefficients.count, actual: x.columns)
        }
        return linearScores(x, weights: coefficients, bias: intercept)
    }

    /// P(+1 | xᵢ) = 1 / (1 + exp(−logit)) for every row.
    /// - Throws: `.columnCountMismatch`.
    public func probability(_ x: DenseMatrix) throws(LearningError) -> [Double] {
        try logit(x).map { 1 / (1 + exp(-$0)) }
    }
}

/// Binary logistic regression, labels +1/−1, by Newton's method (= iteratively reweighted least
/// squares) with Armijo backtracking line search on
///
///     F(β) = s·Σᵢ log(1 + exp(−yᵢ·(w·xᵢ + b))) + (penalized ? 0.5·‖w‖² : 0),
///
/// s = C with a penalty, 1 without; the intercept b is never penalized (as scikit-learn).
/// Without penalty this is the maximum-likelihood fit used for logit P(R|S,T) = a + b·S
/// (DESIGN.md §1 step 5). Separable data make the unpenalized MLE diverge; this is detected
/// (every row classified correctly, or a Newton step that is a recession direction:
/// yᵢ·x̃ᵢ·s ≥ 0 for all rows) and reported as `LearningError.perfectSeparation`.
public enum LogisticRegression {
    /// Fits the model.
    /// - Throws: validation errors (`.noColumns`, `.noRows`, `.labelCountMismatch`,
    ///   `.invalidLabel`, `.singleClass`, `.nonFiniteValue`), `.invalidRegularization` for a
    ///   non-positive C, `.invalidOption`, `.perfectSeparation` (no penalty, separable data),
    ///   `.singularSystem` for collinear columns.
    public static func fit(x: DenseMatrix, labels: [Double],
                           options: LogisticRegressionOptions = LogisticRegressionOptions())
    throws(LearningError) -> LogisticRegressionModel {
        if let c = options.c, !(c.isFinite && c > 0) { throw .invalidRegularization(c) }
        guard options.tolerance > 0, options.tolerance.isFinite else {
            throw .invalidOption(name: "tolerance", reason: "must be finite and > 0 (got \(options.tolerance))")
        }
        guard options.maxIterations >= 1 else {
            throw .invalidOption(name: "maxIterations", reason: "must be ≥ 1 (got \(options.maxIterations))")
        }
        _ = try validateClassificationData(x: x, labels: labels)
        let problem = LogisticProblem(x: x, labels: labels, c: options.c)
        let p = x.columns + 1
        var beta = [Double](repeating: 0, count: p)
        var current = problem.evaluate(beta, withHessian: true)
        var iterations = 0
        var stop: StopReason? = nil
        while stop == nil {
            if options.c == nil && current.minimumMargin > 0 { throw .perfectSeparation(complete: true) }
            if iterations >= options.maxIterations { stop = .maxIterationsReached; break }
            var factor = current.hessian
            guard choleskyFactorize(&factor, size: p, relativePivotTolerance: 1e-14) else {
                if options.c == nil && problem.isRecessionDirection(beta) {
                    throw .perfectSeparation(complete: false)
                }
                throw .singularSystem(context: "logistic regression Hessian")
            }
            let step = choleskySolve(factor, size: p, current.gradient.map { -$0 })
            if options.c == nil && iterations >= 3 && problem.isRecessionDirection(step) {
                throw .perfectSeparation(complete: false)
            }
            let scale = 1 + (beta.map { abs($0) }.max() ?? 0)
            let stepSize = step.map { abs($0) }.max() ?? 0
            if stepSize <= options.tolerance * scale {
                // Converged: take the (tiny) full Newton step without a line search, whose
                // objective comparison would be dominated by rounding at this point.
                for j in 0..<p { beta[j] += step[j] }
                iterations += 1
                current = problem.evaluate(beta, withHessian: false)
                stop = .toleranceReached
                break
            }
            let slope = dot(current.gradient, step)
            var t = 1.0
            var accepted = false
            for _ in 0..<60 {
                let trialBeta = (0..<p).map { beta[$0] + t * step[$0] }
                let trial = problem.evaluate(trialBeta, withHessian: false)
                if trial.objective <= current.objective + 1e-4 * t * slope {
                    accepted = true
                    beta = trialBeta
                    break
                }
                t *= 0.5
            }
            guard accepted else { stop = .noFurtherProgress; break }
            iterations += 1
            current = problem.evaluate(beta, withHessian: true)
        }
        if options.c == nil && current.minimumMargin > 0 { throw .perfectSeparation(complete: true) }
        let converged = stop == .toleranceReached
        let report = LogisticRegressionReport(
            iterations: iterations, converged: converged, stopReason: stop ?? .maxIterationsReached,
            logLikelihood: -current.negativeLogLikelihood, objective: current.objective,
            gradientMaxNorm: current.gradient.map { abs($0) }.max() ?? 0)
        return LogisticRegressionModel(coefficients: Array(beta[0..<(p - 1)]), intercept: beta[p - 1],
                                       report: report)
    }
}

/// Objective, gradient and Hessian of the (optionally penalized) logistic negative
/// log-likelihood in one pass.
struct LogisticProblem {
    let x: DenseMatrix
    let labels: [Double]
    let c: Double?

    struct Evaluation {
        var objective: Double
        var negativeLogLikelihood: Double
        var gradient: [Double]
        var hessian: [Double]
        /// min over rows of yᵢ·ηᵢ (> 0 means every row is classified correctly).
        var minimumMargin: Double
    }

    func evaluate(_ beta: [Double], withHessian: Bool) -> Evaluation {
        let n = x.rows, d = x.columns, p = d + 1
        var nll = 0.0
        var g = [Double](repeating: 0, count: p)
        var h = [Double](repeating: 0, count: withHessian ? p * p : 0)
        var minimumMargin = Double.infinity
        x.withUnsafeBufferPointer { v in
            for i in 0..<n {
                let row = i * d
                var eta = beta[d]
                for j in 0..<d { eta += beta[j] * v[row + j] }
                let y = labels[i]
                let m = y * eta
                minimumMargin = min(minimumMargin, m)
                // log(1 + e^{-m}) and σ(−m) = 1/(1 + e^{m}), both overflow-safe.
                let wrong: Double
                if m > 0 {
                    let e = exp(-m)
                    nll += log1p(e)
                    wrong = e / (1 + e)
                } else {
                    let e = exp(m)
                    nll += -m + log1p(e)
                    wrong = 1 / (1 + e)
                }
                let coefficient = -y * wrong
                for j in 0..<d { g[j] += coefficient * v[row + j] }
                g[d] += coefficient
                if withHessian {
                    let weight = wrong * (1 - wrong)
                    for j in 0..<d {
                        let a = weight * v[row + j]
                        for k in j..<d { h[j * p + k] += a * v[row + k] }
                        h[j * p + d] += a
                    }
                    h[d * p + d] += weight
                }
            }
        }
        let scale = c ?? 1
        var objective = scale * nll
        for j in 0..<p { g[j] *= scale }
        if withHessian {
            for j in 0..<p {
                for k in j..<p {
                    h[j * p + k] *= scale
                    h[k * p + j] = h[j * p + k]
                }
            }
        }
        if c != nil {
            for j in 0..<d {
                objective += 0.5 * beta[j] * beta[j]
                g[j] += beta[j]
                if withHessian { h[j * p + j] += 1 }
            }
        }
        return Evaluation(objective: objective, negativeLogLikelihood: nll, gradient: g, hessian: h,
                          minimumMargin: minimumMargin)
    }

    /// True when yᵢ·x̃ᵢ·v ≥ 0 for every row (up to 1e-9 of the largest |yᵢ·x̃ᵢ·v|) and > 0 for
    /// some: along v the likelihood increases forever, a certificate that the classes are
    /// (quasi-)separable and the MLE does not exist.
    func isRecessionDirection(_ v: [Double]) -> Bool {
        let scores = linearScores(x, weights: Array(v[0..<x.columns]), bias: v[x.columns])
        var largest = 0.0, smallest = Double.infinity
        for i in 0..<scores.count {
            let s = labels[i] * scores[i]
            largest = max(largest, abs(s))
            smallest = min(smallest, s)
        }
        return largest > 0 && smallest >= -1e-9 * largest
    }
}
