import Foundation

/// Maximum-likelihood fit of logit P(R=+1|S) = a + b·S (DESIGN.md §1 item 5), specialised to one
/// predictor: Newton's method with Armijo backtracking over contiguous arrays, optional row
/// weights (bootstrap multiplicities), one data pass per accepted step. The same fit as
/// scikit-learn's `LogisticRegression(C=inf)` on one feature (cross-checked in LearningTests).
public struct Logistic1DFit: Sendable, Equatable {
    /// a, in log-odds.
    public var intercept: Double
    /// b, in log-odds per unit of S.
    public var slope: Double
    /// Standard errors from the inverse observed information (meaningful when the weights are
    /// frequencies or absent).
    public var interceptError: Double
    public var slopeError: Double
    /// Cov(a, b) from the same inverse information.
    public var interceptSlopeCovariance: Double
    /// Newton steps taken.
    public var iterations: Int
    /// Whether the Newton decrement fell below the tolerance.
    public var converged: Bool
    /// Σ wᵢ log P(yᵢ | sᵢ) at the fit.
    public var logLikelihood: Double
}

/// Why a 1-D logistic fit has no maximum-likelihood solution.
public enum Logistic1DFailure: Error, Sendable, Equatable {
    /// Every (weighted) row has this label.
    case singleClass(label: Double)
    /// The classes are (quasi-)separated by a threshold on S; the MLE slope diverges.
    case separable
    /// The information matrix is singular (e.g. all S equal).
    case singular

    /// A sentence for the user.
    public var message: String {
        switch self {
        case let .singleClass(label):
            return "all test rows have label \(label), so P(R|S) cannot be fitted"
        case .separable:
            return "the labels are perfectly separated by a softness threshold, so the maximum-likelihood slope is infinite (too few rows?)"
        case .singular:
            return "all test rows have the same softness"
        }
    }
}

private struct Logistic1DState {
    var f = 0.0, ga = 0.0, gb = 0.0, haa = 0.0, hab = 0.0, hbb = 0.0

    /// Adds one row's gradient and Hessian terms, q = σ(−m) being the probability of the wrong label.
    @inline(__always)
    mutating func addDerivatives(q: Double, weight wi: Double, label yi: Double, softness si: Double) {
        let r = -yi * q * wi
        ga += r
        gb += r * si
        let h = wi * q * (1 - q)
        haa += h
        let hs = h * si
        hab += hs
        hbb += hs * si
    }
}

/// The rows of a one-predictor logistic fit, visited in consecutive pieces in one fixed order:
/// the softness s, the labels y (±1) and, optionally, the weights of each piece. Every sum of a
/// fit runs piece after piece in that order, so a fit over pieces equals the fit over the
/// concatenated arrays bit for bit, whatever the piece sizes.
public protocol LogisticRows {
    /// Calls `body` with every piece in order: its first row's position, s, y and the weights
    /// (nil: all 1; a weight of 0 leaves the row out).
    func forEachPiece(_ body: (_ offset: Int, _ s: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>,
                               _ weights: UnsafeBufferPointer<Double>?) -> Void)
}

/// Rows held in arrays: one piece.
public struct LogisticArrays: LogisticRows {
    /// Softness, labels (±1) and optional weights, one entry per row.
    public var s: [Double], y: [Double], weights: [Double]?

    /// Softness `s`, labels `y` (±1, same length) and optional non-negative weights.
    public init(s: [Double], y: [Double], weights: [Double]? = nil) {
        self.s = s
        self.y = y
        self.weights = weights
    }

    /// The arrays as one piece.
    public func forEachPiece(_ body: (Int, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>?) -> Void) {
        s.withUnsafeBufferPointer { sp in
            y.withUnsafeBufferPointer { yp in
                if let weights { weights.withUnsafeBufferPointer { body(0, sp, yp, $0) } } else { body(0, sp, yp, nil) }
            }
        }
    }
}

extension LogisticRows {
    /// One pass: negative log-likelihood, gradient and Hessian at (a, b).
    fileprivate func pass(_ a: Double, _ b: Double) -> Logistic1DState {
        var st = Logistic1DState()
        forEachPiece { _, s, y, w in
            for i in 0..<s.count {
                let wi = w?[i] ?? 1
                guard wi != 0 else { continue }
                let si = s[i]
                let yi = y[i]
                let m = yi * (a + b * si)
                let q: Double  // σ(−m), probability of the wrong label
                if m > 0 {
                    let e = exp(-m)
                    st.f += wi * log1p(e)
                    q = e / (1 + e)
                } else {
                    let e = exp(m)
                    st.f += wi * (log1p(e) - m)
                    q = 1 / (1 + e)
                }
                st.addDerivatives(q: q, weight: wi, label: yi, softness: si)
            }
        }
        return st
    }

    /// One pass: gradient and Hessian only (one exp per row, no log) at (a, b).
    fileprivate func derivativePass(_ a: Double, _ b: Double) -> Logistic1DState {
        var st = Logistic1DState()
        forEachPiece { _, s, y, w in
            for i in 0..<s.count {
                let wi = w?[i] ?? 1
                guard wi != 0 else { continue }
                let si = s[i]
                let yi = y[i]
                let q = 1 / (1 + exp(yi * (a + b * si)))  // σ(−m); exp overflow gives q = 0, correct
                st.addDerivatives(q: q, weight: wi, label: yi, softness: si)
            }
        }
        return st
    }
}

/// The one-predictor logistic fits used by the diagnostics.
public enum Logistic1D {
    /// Pure Newton iterations from a start inside the region of quadratic convergence (e.g. a
    /// bootstrap replicate started at the full-data fit): gradient/Hessian passes only. Returns nil
    /// when the steps do not shrink (the caller then uses the safeguarded `fit`).
    public static func refine(s: [Double], y: [Double], weights: [Double]?, start: (Double, Double),
                              tolerance: Double = 1e-10, maxIterations: Int = 20) -> (Double, Double)? {
        refine(LogisticArrays(s: s, y: y, weights: weights), start: start, tolerance: tolerance, maxIterations: maxIterations)
    }

    /// `refine` over rows in pieces.
    public static func refine(_ rows: some LogisticRows, start: (Double, Double), tolerance: Double = 1e-10,
                              maxIterations: Int = 20) -> (Double, Double)? {
        var (a, b) = start
        var previous = Double.infinity
        for _ in 0..<maxIterations {
            let st = rows.derivativePass(a, b)
            let det = st.haa * st.hbb - st.hab * st.hab
            guard det > 0, det.isFinite else { return nil }
            let da = -(st.hbb * st.ga - st.hab * st.gb) / det
            let db = -(st.haa * st.gb - st.hab * st.ga) / det
            let size = max(abs(da), abs(db))
            guard size.isFinite, size < previous || size <= 1e-12 else { return nil }
            previous = size
            a += da
            b += db
            if size <= tolerance * (1 + max(abs(a), abs(b))) { return (a, b) }
        }
        return nil
    }

    /// Fits logit P(y = +1 | s) = a + b·s by unpenalized maximum likelihood.
    /// - Parameters:
    ///   - s, y: softness and labels (±1), same length.
    ///   - weights: optional non-negative multiplicities (bootstrap counts).
    ///   - start: starting (a, b); default (log(n₊/n₋), 0).
    public static func fit(s: [Double], y: [Double], weights: [Double]? = nil, start: (Double, Double)? = nil,
                           tolerance: Double = 1e-10, maxIterations: Int = 100) -> Result<Logistic1DFit, Logistic1DFailure> {
        fit(LogisticArrays(s: s, y: y, weights: weights), start: start, tolerance: tolerance, maxIterations: maxIterations)
    }

    /// `fit` over rows in pieces (one pass per trial step).
    public static func fit(_ rows: some LogisticRows, start: (Double, Double)? = nil, tolerance: Double = 1e-10,
                           maxIterations: Int = 100) -> Result<Logistic1DFit, Logistic1DFailure> {
        // Existence of the MLE: both classes present and not separated by a threshold in s.
        var wPos = 0.0, wNeg = 0.0
        var minPos = Double.infinity, maxPos = -Double.infinity
        var minNeg = Double.infinity, maxNeg = -Double.infinity
        rows.forEachPiece { _, s, y, weights in
            for i in 0..<s.count {
                let wi = weights?[i] ?? 1
                guard wi > 0 else { continue }
                if y[i] > 0 {
                    wPos += wi; minPos = min(minPos, s[i]); maxPos = max(maxPos, s[i])
                } else {
                    wNeg += wi; minNeg = min(minNeg, s[i]); maxNeg = max(maxNeg, s[i])
                }
            }
        }
        if wPos == 0 { return .failure(.singleClass(label: -1)) }
        if wNeg == 0 { return .failure(.singleClass(label: 1)) }
        if minPos == maxPos && minNeg == maxNeg && minPos == minNeg { return .failure(.singular) }
        if maxNeg <= minPos || maxPos <= minNeg { return .failure(.separable) }

        var a = start?.0 ?? log(wPos / wNeg)
        var b = start?.1 ?? 0
        var cur = rows.pass(a, b)
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            let det = cur.haa * cur.hbb - cur.hab * cur.hab
            guard det > 0, det.isFinite else { return .failure(.singular) }
            let da = -(cur.hbb * cur.ga - cur.hab * cur.gb) / det
            let db = -(cur.haa * cur.gb - cur.hab * cur.ga) / det
            // Newton decrement λ² = −∇f·Δ (twice the predicted decrease of −log L).
            let decrement = cur.ga * da + cur.gb * db
            let smallStep = max(abs(da), abs(db)) <= tolerance * (1 + max(abs(a), abs(b)))
            // Inside the quadratic-convergence region the predicted decrease is below the
            // rounding noise of Σ log(1 + e^{−m}) (~1e-16·f·√n): take the full Newton step
            // without a line search, whose comparison would be dominated by rounding.
            if smallStep || -decrement <= 1e-12 * max(1, cur.f) {
                a += da
                b += db
                iterations += 1
                cur = rows.pass(a, b)
                converged = true
                break
            }
            var t = 1.0
            var accepted = false
            for _ in 0..<40 {
                let trial = rows.pass(a + t * da, b + t * db)
                if trial.f <= cur.f + 1e-4 * t * decrement {
                    a += t * da
                    b += t * db
                    cur = trial
                    accepted = true
                    break
                }
                t *= 0.5
            }
            if !accepted {
                // At the optimum up to rounding: the Newton decrement is negligible.
                converged = -decrement <= 1e-12 * max(1, abs(cur.f))
                break
            }
            iterations += 1
        }
        let det = cur.haa * cur.hbb - cur.hab * cur.hab
        guard det > 0, det.isFinite, a.isFinite, b.isFinite else { return .failure(.singular) }
        return .success(Logistic1DFit(intercept: a, slope: b,
                                      interceptError: (cur.hbb / det).squareRoot(),
                                      slopeError: (cur.haa / det).squareRoot(),
                                      interceptSlopeCovariance: -cur.hab / det,
                                      iterations: iterations, converged: converged,
                                      logLikelihood: -cur.f))
    }

    /// `fit` for large groups: a fit on a systematic subsample (every k-th row of ~4096)
    /// supplies the starting point, so the full-data Newton loop needs only a few passes. The result
    /// is the same maximum-likelihood fit (to the stopping tolerance).
    public static func fitLarge(s: [Double], y: [Double]) -> Result<Logistic1DFit, Logistic1DFailure> {
        fitLarge(LogisticArrays(s: s, y: y), count: s.count)
    }

    /// `fitLarge` over `count` unweighted rows in pieces (one extra pass picks the subsample).
    public static func fitLarge(_ rows: some LogisticRows, count n: Int) -> Result<Logistic1DFit, Logistic1DFailure> {
        var start: (Double, Double)? = nil
        if n >= 16_384 {
            let k = n / 4096
            var ps: [Double] = [], py: [Double] = []
            rows.forEachPiece { offset, s, y, _ in
                // Rows k/2, k/2 + k, … of the whole sequence.
                var i = offset <= k / 2 ? k / 2 - offset : (k - (offset - k / 2) % k) % k
                while i < s.count {
                    ps.append(s[i])
                    py.append(y[i])
                    i += k
                }
            }
            if case let .success(rough) = fit(s: ps, y: py, tolerance: 1e-6) {
                start = (rough.intercept, rough.slope)
            }
        }
        return fit(rows, start: start)
    }
}
