import Learning
import Parallel
import SeededRandom

/// The paper's variance diagnostic (Sec. V, Fig. 6; DESIGN.md §1 item 8): Var(ΔE_inf(Sᵢ)) over
/// the test rows at the training temperature(s), with a bootstrap standard error — test rows are
/// resampled with replacement within every temperature and the logistic and Arrhenius fits redone.
enum VarianceDiagnostic {
    /// Population variance of ΔE_inf(S) over `groups` (energy² units).
    static func variance(_ groups: [TemperatureGroup], _ arrhenius: ArrheniusFit) -> Double {
        Statistics.populationVariance(groups.flatMap { $0.softness.map { arrhenius.deltaE($0) } })
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
            let refined = Logistic1D.refine(s: g.softness, y: g.labels, weights: counts, start: starts[k])
                ?? (try? Logistic1D.fit(s: g.softness, y: g.labels, weights: counts, start: starts[k]).get())
                    .map { ($0.intercept, $0.slope) }
            guard let (a, b) = refined else { return nil }
            temperatures.append(g.temperature)
            intercepts.append(a)
            slopes.append(b)
            if g.isTraining { trainingCounts.append((k, counts)) }
        }
        guard let bLine = LeastSquares.line(x: temperatures.map { 1 / $0 }, y: slopes) else { return nil }
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
}
