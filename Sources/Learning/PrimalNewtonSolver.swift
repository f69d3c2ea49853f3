/// Trust-region Newton method for the squared-hinge primal, following LIBLINEAR's TRON
/// (Lin, Weng & Keerthi, "Trust region Newton method for large-scale logistic regression",
/// JMLR 9, 627 (2008); liblinear `tron.cpp`): same acceptance thresholds
/// (η₀ = 1e-4, η₁ = 0.25, η₂ = 0.75), radius factors (σ₁ = 0.25, σ₂ = 0.5, σ₃ = 4), initial
/// radius ‖∇f(w₀)‖, stopping rule ‖∇f(w)‖ ≤ ε·max(min(#pos,#neg),1)/l·‖∇f(0)‖ and
/// "actred and prered too small" safeguard.
///
/// Difference from liblinear (speed only, same optimum): the feature count is small, so the
/// generalized Hessian H = I + 2C·X̃_Aᵀ X̃_A is built explicitly in the same data pass as f and
/// ∇f (`SquaredHingeEvaluator`), and the trust-region subproblem min gᵀs + ½sᵀHs, ‖s‖ ≤ Δ, is
/// solved on the (d+1)×(d+1) matrix: the Cholesky Newton step when it lies inside the region,
/// otherwise Steihaug's truncated conjugate gradients (as TRON's `trcg`) up to the boundary.
/// Each iteration therefore costs one pass over the data.
///
/// The data passes are a `SquaredHingeObjective`: a `TrainingView` in memory (rows/columns of a
/// raw matrix, standardized on the fly, so a subset of a larger matrix is fitted without
/// materializing it) or rows streamed from a file; both give bitwise the same iterates.
struct PrimalNewtonSolver<Objective: SquaredHingeObjective> {
    let objective: Objective
    let options: LinearSVMOptions
    let classCounts: ClassCounts

    func solve(warmStart: LinearSVMModel?) throws(LearningError) -> LinearSVMModel {
        let evaluator = objective
        let p = classCounts.columns + 1, d = classCounts.columns
        var w = [Double](repeating: 0, count: p)
        if let warm = warmStart {
            for j in 0..<d { w[j] = warm.weights[j] }
            w[d] = warm.bias
        }
        var state = try evaluator.evaluate(w)
        let gnorm0 = warmStart == nil ? euclideanNorm(state.gradient) : euclideanNorm(try evaluator.gradientAtZero())
        let l = Double(evaluator.rowCount)
        let epsilon = options.tolerance * Double(max(min(classCounts.positives, classCounts.negatives), 1)) / l
        let target = epsilon * gnorm0
        var gnorm = euclideanNorm(state.gradient)
        var delta = gnorm
        var iterations = 0
        var attempts = 0
        var stop: StopReason? = gnorm <= target ? .toleranceReached : nil

        let eta0 = 1e-4, eta1 = 0.25, eta2 = 0.75
        let sigma1 = 0.25, sigma2 = 0.5, sigma3 = 4.0

        while stop == nil {
            if iterations >= options.maxIterations { stop = .maxIterationsReached; break }
            attempts += 1
            // Safeguard against endless rejected steps (liblinear relies on the tests below).
            if attempts > 50 * options.maxIterations + 100 { stop = .noFurtherProgress; break }
            let (s, reachedBoundary) = trustRegionStep(hessian: state.hessian, gradient: state.gradient,
                                                       radius: delta, size: p)
            var wNew = w
            for j in 0..<p { wNew[j] += s[j] }
            let gs = dot(state.gradient, s)
            let hs = symmetricMultiply(state.hessian, size: p, s)
            let prered = -(gs + 0.5 * dot(s, hs))
            let trial = try evaluator.evaluate(wNew)
            let f = state.objective
            let actred = f - trial.objective
            let snorm = euclideanNorm(s)
            if iterations == 0 { delta = min(delta, snorm) }
            let alpha: Double
            if trial.objective - f - gs <= 0 {
                alpha = sigma3
            } else {
                alpha = max(sigma1, -0.5 * (gs / (trial.objective - f - gs)))
            }
            if actred < eta0 * prered {
                delta = min(alpha * snorm, sigma2 * delta)
            } else if actred < eta1 * prered {
                delta = max(sigma1 * delta, min(alpha * snorm, sigma2 * delta))
            } else if actred < eta2 * prered {
                delta = max(sigma1 * delta, min(alpha * snorm, sigma3 * delta))
            } else if reachedBoundary {
                delta = sigma3 * delta
            } else {
                delta = max(delta, min(alpha * snorm, sigma3 * delta))
            }
            if actred > eta0 * prered {
                iterations += 1
                w = wNew
                state = trial
                gnorm = euclideanNorm(state.gradient)
                if gnorm <= target { stop = .toleranceReached; break }
            }
            if abs(actred) <= 0 && prered <= 0 { stop = .noFurtherProgress; break }
            if abs(actred) <= 1e-12 * abs(state.objective) && abs(prered) <= 1e-12 * abs(state.objective) {
                stop = .noFurtherProgress
                break
            }
        }
        let converged = gnorm <= target
        let report = FitReport(
            solver: .primalNewton, loss: .squaredHinge, c: options.c, iterations: iterations,
            primalObjective: state.objective, gradientNorm: gnorm, gradientNormTarget: target,
            dualObjective: nil, dualityGap: nil, projectedGradientViolation: nil,
            converged: converged, stopReason: converged ? .toleranceReached : (stop ?? .noFurtherProgress))
        return LinearSVMModel(weights: Array(w[0..<d]), bias: w[d], report: report, dualVariables: nil)
    }

    /// Approximate minimizer of gᵀs + ½sᵀHs subject to ‖s‖ ≤ radius, and whether it lies on the
    /// boundary. Newton step by Cholesky if inside; otherwise Steihaug–Toint CG.
    private func trustRegionStep(hessian: [Double], gradient: [Double], radius: Double,
                                 size p: Int) -> ([Double], Bool) {
        var factor = hessian
        if choleskyFactorize(&factor, size: p) {
            let newton = choleskySolve(factor, size: p, gradient.map { -$0 })
            if euclideanNorm(newton) <= radius { return (newton, false) }
        }
        // Steihaug CG from s = 0 (exact arithmetic would take ≤ p steps; allow a few more).
        var s = [Double](repeating: 0, count: p)
        var r = gradient.map { -$0 }
        var direction = r
        var rr = dot(r, r)
        let tolerance = 1e-12 * rr.squareRoot()
        for _ in 0..<(2 * p + 10) {
            if rr.squareRoot() <= tolerance { break }
            let hd = symmetricMultiply(hessian, size: p, direction)
            let dhd = dot(direction, hd)
            if !(dhd > 0) { break }
            let alpha = rr / dhd
            var next = s
            for j in 0..<p { next[j] += alpha * direction[j] }
            if euclideanNorm(next) > radius {
                // Move along `direction` to the boundary: ‖s + τ·direction‖ = radius, τ ≥ 0.
                let sd = dot(s, direction), dd = dot(direction, direction)
                let ss = dot(s, s)
                let rad = max(sd * sd + dd * (radius * radius - ss), 0).squareRoot()
                let tau = sd >= 0 ? (radius * radius - ss) / (sd + rad) : (rad - sd) / dd
                for j in 0..<p { s[j] += tau * direction[j] }
                return (s, true)
            }
            s = next
            for j in 0..<p { r[j] -= alpha * hd[j] }
            let rrNew = dot(r, r)
            let beta = rrNew / rr
            rr = rrNew
            for j in 0..<p { direction[j] = r[j] + beta * direction[j] }
        }
        return (s, false)
    }
}
