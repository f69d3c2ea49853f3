import Learning
import Parallel
import SeededRandom

/// The paper's variance diagnostic (Sec. V, Fig. 6; DESIGN.md §1 item 8): Var(ΔE_inf(Sᵢ)) over
/// the test rows at the training temperature(s), with a bootstrap standard error — test rows are
/// resampled with replacement within every temperature and the logistic and Arrhenius fits redone.
enum VarianceDiagnostic {
    /// Population variance of ΔE_inf(S) over `groups` (energy² units).
    static func variance(_ groups: [TemperatureGroup], _ arrhenius: ArrheniusFit) -> Double {
        Statistics.populationVariance { visit in
            for g in groups { g.forEachRow { s, _ in visit(arrhenius.deltaE(s)) } }
        }
    }

    /// Sample sd of the variance over `replicates` bootstrap replicates of the fitted groups,
    /// the number of replicates that could be fitted, and a caveat when some could not.
    static func bootstrapError(_ fitted: [TemperatureGroup], logistic: [TemperatureLogisticFit], replicates: Int,
                               seed: UInt64) -> (error: Double?, replicates: Int, warning: String?) {
        let starts = logistic.map { ($0.intercept, $0.slope) }
        let values = Parallel.map(replicates) { r in
            bootstrapVariance(fitted, starts: starts, replicate: r, seed: seed)
        }.compactMap { $0 }
        let error = values.count >= 2 ? Statistics.meanAndSampleSD(values)?.sd : nil
        let warning = values.count < replicates
            ? "\(replicates - values.count) of \(replicates) bootstrap replicates could not be fitted (a resampled temperature had one class only or was separable)."
            : nil
        return (error, values.count, warning)
    }

    /// One bootstrap replicate: a Poisson resample of each temperature's test rows (row i of the
    /// canonical order appears Poisson(1) times, `ResampledGroup`), refit of the logistic and
    /// Arrhenius lines, Var(ΔE_inf) over the resampled training-temperature rows.
    static func bootstrapVariance(_ groups: [TemperatureGroup], starts: [(Double, Double)], replicate: Int,
                                  seed: UInt64) -> Double? {
        var temperatures: [Double] = [], intercepts: [Double] = [], slopes: [Double] = []
        var training: [ResampledGroup] = []
        for (k, g) in groups.enumerated() {
            let resample = ResampledGroup(group: g, draws: SplitMix64(seed: seed, purpose: .bootstrap, UInt64(replicate), g.temperature.bitPattern))
            let refined = Logistic1D.refine(resample, start: starts[k])
                ?? (try? Logistic1D.fit(resample, start: starts[k]).get()).map { ($0.intercept, $0.slope) }
            guard let (a, b) = refined else { return nil }
            temperatures.append(g.temperature)
            intercepts.append(a)
            slopes.append(b)
            if g.isTraining { training.append(resample) }
        }
        guard let bLine = LeastSquares.line(x: temperatures.map { 1 / $0 }, y: slopes) else { return nil }
        // Var(ΔE_inf) = B1²·Var_w(S): A1 only shifts ΔE_inf.
        var sw = 0.0, ss = 0.0
        for resample in training {
            resample.forEachPiece { _, s, _, w in
                guard let w else { return }
                for i in 0..<s.count { sw += w[i]; ss += w[i] * s[i] }
            }
        }
        guard sw > 0 else { return nil }
        let mean = ss / sw
        var sq = 0.0
        for resample in training {
            resample.forEachPiece { _, s, _, w in
                guard let w else { return }
                for i in 0..<s.count { sq += w[i] * (s[i] - mean) * (s[i] - mean) }
            }
        }
        return bLine.slope * bLine.slope * sq / sw
    }
}

/// A bootstrap resample of a temperature group: row i (canonical order) weighted by its count
/// `draws.poissonOne(at: i)` (the Poisson bootstrap, Hanley & MacGibbon 2006; Chamandy et al.,
/// "Estimating uncertainty for massive data streams", Google 2012). Each count depends only on
/// the replicate, the temperature and i, so the weights are made piece by piece as the rows are
/// read — in memory or from the out-of-core run's temporary file — and are the same either way.
/// A group in memory is drawn once: its rows drawn at least once, with their counts, are kept
/// for every pass of the replicate (a row drawn zero times adds nothing to any sum, so the sums
/// are those over all rows bit for bit); their piece offsets count drawn rows.
struct ResampledGroup: LogisticRows {
    let group: TemperatureGroup
    let draws: SplitMix64
    private let drawn: (s: [Double], y: [Double], w: [Double])?

    init(group: TemperatureGroup, draws: SplitMix64) {
        self.group = group
        self.draws = draws
        guard case let .memory(s, y, _) = group.rows else {
            drawn = nil
            return
        }
        // One pass, without branches: every row is written at the next free slot, which only
        // advances when the row is drawn (so the buffers need one spare slot).
        let n = group.count
        var kept = 0
        var ks = [Double](repeating: 0, count: n + 1), ky = ks, kw = ks
        s.withUnsafeBufferPointer { s in
            y.withUnsafeBufferPointer { y in
                ks.withUnsafeMutableBufferPointer { ks in
                    ky.withUnsafeMutableBufferPointer { ky in
                        kw.withUnsafeMutableBufferPointer { kw in
                            for i in 0..<n {
                                let count = draws.poissonOne(at: i)
                                ks[kept] = s[i]
                                ky[kept] = y[i]
                                kw[kept] = Double(count)
                                kept += count > 0 ? 1 : 0
                            }
                        }
                    }
                }
            }
        }
        ks.removeLast(n + 1 - kept)
        ky.removeLast(n + 1 - kept)
        kw.removeLast(n + 1 - kept)
        drawn = (ks, ky, kw)
    }

    func forEachPiece(_ body: (Int, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>?) -> Void) {
        if let drawn {
            drawn.s.withUnsafeBufferPointer { s in
                drawn.y.withUnsafeBufferPointer { y in drawn.w.withUnsafeBufferPointer { body(0, s, y, $0) } }
            }
            return
        }
        var weights = [Double](repeating: 0, count: min(group.count, group.pieceRows))
        group.forEachPieceWithBarrier { offset, s, y, _ in
            weights.withUnsafeMutableBufferPointer { w in
                for i in 0..<s.count { w[i] = Double(draws.poissonOne(at: offset + i)) }
                body(offset, s, y, UnsafeBufferPointer(rebasing: w[0..<s.count]))
            }
        }
    }
}
