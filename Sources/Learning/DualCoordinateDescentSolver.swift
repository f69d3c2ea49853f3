import SeededRandom
/// Dual coordinate descent with shrinking for the L2-regularized hinge and squared-hinge SVM
/// (Hsieh, Chang, Lin, Keerthi & Sundararajan, "A dual coordinate descent method for
/// large-scale linear SVM", ICML 2008, Algorithm 3; liblinear `solve_l2r_l1l2_svc`).
///
/// Dual problem: min_α ½ αᵀQ̄α − eᵀα, 0 ≤ αᵢ ≤ U, with Q̄ᵢⱼ = yᵢyⱼ x̃ᵢ·x̃ⱼ + Dᵢᵢ δᵢⱼ, where
/// hinge: U = C, D = 0; squared hinge: U = ∞, D = 1/(2C). The primal solution is
/// w̃ = Σ αᵢ yᵢ x̃ᵢ (maintained incrementally). Each outer iteration visits the active
/// variables in a fresh random order (seeded), shrinks variables stuck at a bound using the
/// previous pass's projected-gradient extremes, and stops when max PG − min PG ≤ ε over a full
/// (unshrunk) pass, exactly as liblinear.
struct DualCoordinateDescentSolver {
    let x: DenseMatrix
    let labels: [Double]
    let options: LinearSVMOptions

    func solve(warmStart: LinearSVMModel?) -> LinearSVMModel {
        let n = x.rows, d = x.columns, p = d + 1
        let c = options.c
        let isSquared = options.loss == .squaredHinge
        let diag = isSquared ? 0.5 / c : 0
        let upper = isSquared ? Double.infinity : c
        var alpha = initialDualVariables(warmStart: warmStart, upper: upper)
        var w = [Double](repeating: 0, count: p)
        var qd = [Double](repeating: 0, count: n)
        var index = Array(0..<n)
        var rng = SplitMix64(seed: options.seed)
        var iterations = 0
        var converged = false

        x.withUnsafeBufferPointer { xBuffer in
            labels.withUnsafeBufferPointer { y in
                guard let xBase = xBuffer.baseAddress else { return }
                for i in 0..<n {
                    let row = xBase + i * d
                    var norm = 1.0  // the constant feature
                    for j in 0..<d { norm += row[j] * row[j] }
                    qd[i] = diag + norm
                    let a = alpha[i] * y[i]
                    if a != 0 {
                        for j in 0..<d { w[j] += a * row[j] }
                        w[d] += a
                    }
                }
                var activeSize = n
                var pgMaxOld = Double.infinity
                var pgMinOld = -Double.infinity
                while iterations < options.maxIterations {
                    var pgMaxNew = -Double.infinity
                    var pgMinNew = Double.infinity
                    for k in 0..<activeSize {
                        let j = k + Int(rng.next() % UInt64(activeSize - k))
                        index.swapAt(k, j)
                    }
                    var s = 0
                    while s < activeSize {
                        let i = index[s]
                        let yi = y[i]
                        let row = xBase + i * d
                        var score = w[d]
                        for j in 0..<d { score += w[j] * row[j] }
                        let g = yi * score - 1 + alpha[i] * diag
                        var pg = 0.0
                        if alpha[i] == 0 {
                            if g > pgMaxOld {
                                activeSize -= 1
                                index.swapAt(s, activeSize)
                                continue
                            } else if g < 0 {
                                pg = g
                            }
                        } else if alpha[i] == upper {
                            if g < pgMinOld {
                                activeSize -= 1
                                index.swapAt(s, activeSize)
                                continue
                            } else if g > 0 {
                                pg = g
                            }
                        } else {
                            pg = g
                        }
                        pgMaxNew = max(pgMaxNew, pg)
                        pgMinNew = min(pgMinNew, pg)
                        if abs(pg) > 1e-12 {
                            let old = alpha[i]
                            alpha[i] = min(max(old - g / qd[i], 0), upper)
                            let step = (alpha[i] - old) * yi
                            for j in 0..<d { w[j] += step * row[j] }
                            w[d] += step
                        }
                        s += 1
                    }
                    iterations += 1
                    if pgMaxNew - pgMinNew <= options.tolerance {
                        if activeSize == n {
                            converged = true
                            break
                        }
                        activeSize = n
                        pgMaxOld = .infinity
                        pgMinOld = -.infinity
                        continue
                    }
                    pgMaxOld = pgMaxNew
                    pgMinOld = pgMinNew
                    if pgMaxOld <= 0 { pgMaxOld = .infinity }
                    if pgMinOld >= 0 { pgMinOld = -.infinity }
                }
            }
        }

        // Measure the returned point over ALL rows: projected-gradient spread, both objectives.
        var pgMax = -Double.infinity, pgMin = Double.infinity
        var lossSum = 0.0, alphaSum = 0.0, alphaSquares = 0.0
        x.withUnsafeBufferPointer { xBuffer in
            guard let xBase = xBuffer.baseAddress else { return }
            for i in 0..<n {
                let row = xBase + i * d
                var score = w[d]
                for j in 0..<d { score += w[j] * row[j] }
                let margin = labels[i] * score
                let slack = max(0, 1 - margin)
                lossSum += isSquared ? slack * slack : slack
                let g = margin - 1 + alpha[i] * diag
                var pg = g
                if alpha[i] == 0 { pg = min(g, 0) } else if alpha[i] == upper { pg = max(g, 0) }
                pgMax = max(pgMax, pg)
                pgMin = min(pgMin, pg)
                alphaSum += alpha[i]
                alphaSquares += alpha[i] * alpha[i]
            }
        }
        let ww = dot(w, w)
        let primal = 0.5 * ww + c * lossSum
        let dual = alphaSum - 0.5 * ww - 0.5 * diag * alphaSquares
        let report = FitReport(
            solver: .dualCoordinateDescent, loss: options.loss, c: c, iterations: iterations,
            primalObjective: primal, gradientNorm: nil, gradientNormTarget: nil,
            dualObjective: dual, dualityGap: primal - dual, projectedGradientViolation: pgMax - pgMin,
            converged: converged, stopReason: converged ? .toleranceReached : .maxIterationsReached)
        return LinearSVMModel(weights: Array(w[0..<d]), bias: w[d], report: report, dualVariables: alpha)
    }

    /// Starting α: zeros; a warm model's own dual variables, rescaled by C_new / C_old, when
    /// they fit these rows; for the squared hinge otherwise the KKT multipliers implied by its
    /// weights, αᵢ = 2C·max(0, 1 − yᵢ·w̃·x̃ᵢ).
    private func initialDualVariables(warmStart: LinearSVMModel?, upper: Double) -> [Double] {
        let n = x.rows
        let zeros = [Double](repeating: 0, count: n)
        guard let warm = warmStart else { return zeros }
        if let stored = warm.dualVariables, stored.count == n {
            let ratio = warm.report.c > 0 && warm.report.c.isFinite ? options.c / warm.report.c : 1
            return stored.map { $0.isFinite ? min(max($0 * ratio, 0), upper) : 0 }
        }
        guard options.loss == .squaredHinge else { return zeros }
        let scores = linearScores(x, weights: warm.weights, bias: warm.bias)
        return (0..<n).map { i in 2 * options.c * max(0, 1 - labels[i] * scores[i]) }
    }
}
