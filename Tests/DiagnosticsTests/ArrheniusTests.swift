import Foundation
import Learning
import SeededRandom
import Testing
@testable import Diagnostics

/// DESIGN.md §1 items 5–6: logistic fits and the Arrhenius extraction on exact inputs.
@Suite struct ArrheniusTests {
    /// a(T), b(T) exactly linear in 1/T → ΔE_inf(S) and Σ(S) recovered to rounding.
    @Test func exactLinearCoefficientsAreRecovered() throws {
        let (a0, a1, b0, b1) = (0.7, -1.3, 0.4, -4.2)
        let temperatures = [0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0]
        let a = temperatures.map { a0 + a1 / $0 }
        let b = temperatures.map { b0 + b1 / $0 }
        let grid = ArrheniusFit.evenGrid(low: -2, high: 2, count: 15)
        let fit = try ArrheniusFit(temperatures: temperatures, intercepts: a, slopes: b, softnessGrid: grid)
        #expect(abs(fit.a0 - a0) < 1e-9 && abs(fit.a1 - a1) < 1e-9)
        #expect(abs(fit.b0 - b0) < 1e-9 && abs(fit.b1 - b1) < 1e-9)
        #expect(abs((fit.interceptR2 ?? 0) - 1) < 1e-12 && abs((fit.slopeR2 ?? 0) - 1) < 1e-12)
        #expect(fit.grid.count == 15)
        for point in fit.grid {
            #expect(abs(point.deltaE - (-(a1 + b1 * point.softness))) < 1e-9)
            #expect(abs(point.sigma - (a0 + b0 * point.softness)) < 1e-9)
            #expect(abs((point.r2 ?? 0) - 1) < 1e-9)
        }
        #expect(abs(fit.deltaE(1.5) - (1.3 + 4.2 * 1.5)) < 1e-9)
        #expect(abs(fit.sigma(1.5) - (0.7 + 0.4 * 1.5)) < 1e-9)
        #expect(fit.temperatures == temperatures)
    }

    /// The a(T) and b(T) lines are tested against the logistic fits' errors: an exact line has
    /// χ² = 0 and p = 1; a(T) curved in 1/T by 10 standard errors fails with a warning; the χ²
    /// is the sum of squared standardized residuals; two temperatures cannot be tested.
    @Test func lackOfFitOfTheArrheniusLines() throws {
        let temperatures = [0.4, 0.5, 0.6, 0.8, 1.0]
        let a = temperatures.map { 0.7 - 1.3 / $0 + 0.5 / ($0 * $0) }
        let b = temperatures.map { 0.4 - 4.2 / $0 }
        let errors = [Double](repeating: 0.01, count: 5)
        let fit = try ArrheniusFit(temperatures: temperatures, intercepts: a, slopes: b, interceptErrors: errors, slopeErrors: errors)
        let line = try #require(LeastSquares.line(x: temperatures.map { 1 / $0 }, y: a))
        let chi = zip(temperatures, a).map { t, value in pow((value - line.intercept - line.slope / t) / 0.01, 2) }.reduce(0, +)
        let chiA = try #require(fit.interceptChiSquared), pA = try #require(fit.interceptLackOfFitP)
        let chiB = try #require(fit.slopeChiSquared), pB = try #require(fit.slopeLackOfFitP)
        #expect(abs(chiA - chi) < 1e-9 * chi)
        #expect(abs(pA - Statistics.chiSquaredSurvival(chi, degreesOfFreedom: 3)) < 1e-15)
        #expect(pA < 1e-6)
        #expect(chiB < 1e-12 && abs(pB - 1) < 1e-12)
        #expect(fit.warnings.count == 1 && fit.warnings[0].hasPrefix("a(T) is not a straight line in 1/T"), "\(fit.warnings)")
        // The line in 1/T at each S is tested with the errors of a + b·S: b is exactly linear, so at
        // S = 0 and S = 1 the residuals are a's, with errors 0.01 and 0.01·√2 (no covariance).
        let gridded = try ArrheniusFit(temperatures: temperatures, intercepts: a, slopes: b, softnessGrid: [0, 1],
                                       interceptErrors: errors, slopeErrors: errors)
        let chi0 = try #require(gridded.grid[0].chiSquared), chi1 = try #require(gridded.grid[1].chiSquared)
        #expect(abs(chi0 - chi) < 1e-9 * chi && abs(chi1 - chi / 2) < 1e-9 * chi)
        #expect(abs((gridded.grid[1].lackOfFitP ?? .nan) - Statistics.chiSquaredSurvival(chi / 2, degreesOfFreedom: 3)) < 1e-15)
        #expect(gridded.warnings.contains { $0.hasPrefix("logit P(R|S,T) is not a straight line in 1/T within the logistic errors at 2 of 2 softness values") })
        #expect(gridded.caveats.first?.clause.contains("logit not linear in 1/T at 2 of 2 S values") == true)
        // Without errors there is nothing to test against.
        let untested = try ArrheniusFit(temperatures: temperatures, intercepts: a, slopes: b)
        #expect(untested.interceptLackOfFitP == nil && untested.warnings.isEmpty)
        let two = try ArrheniusFit(temperatures: [0.5, 1.0], intercepts: [0.1, 0.2], slopes: [1, 2], softnessGrid: [0],
                                   interceptErrors: [0.1, 0.1], slopeErrors: [0.1, 0.1])
        #expect(two.interceptR2 == nil && two.slopeR2 == nil && two.grid[0].r2 == nil && two.slopeLackOfFitP == nil)
        #expect(two.warnings.count == 1 && two.warnings[0].contains("two points are always on a line"))
    }

    /// Errors of A0, A1, B0, B1 and of ΔE_inf(S), Σ(S): the least-squares weights applied to the
    /// logistic errors and covariances (checked against the explicit sums), multiplied by
    /// sqrt(χ²/dof) when the line does not fit within its errors, not otherwise.
    @Test func coefficientErrorsArePropagatedAndScaledByLackOfFit() throws {
        let temperatures = [0.4, 0.5, 0.8]
        let x = temperatures.map { 1 / $0 }
        let sa = [0.02, 0.03, 0.05], sb = [0.1, 0.2, 0.4], cov = [0.001, -0.002, 0.004]
        let a = x.map { 0.5 - 2 * $0 }, b = x.map { 1 + 3 * $0 }
        let exact = try ArrheniusFit(temperatures: temperatures, intercepts: a, slopes: b, softnessGrid: [0.7],
                                     interceptErrors: sa, slopeErrors: sb, covariances: cov)
        let e = try #require(exact.errors)
        let mean = x.reduce(0, +) / 3, sxx = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        let c = x.map { ($0 - mean) / sxx }, d = c.map { 1.0 / 3 - mean * $0 }
        func sum(_ f: (Int) -> Double) -> Double { (0..<3).map(f).reduce(0, +) }
        #expect(abs(e.a1 - sum { c[$0] * c[$0] * sa[$0] * sa[$0] }.squareRoot()) < 1e-12)
        #expect(abs(e.b0 - sum { d[$0] * d[$0] * sb[$0] * sb[$0] }.squareRoot()) < 1e-12)
        #expect(abs(e.a1b1 - sum { c[$0] * c[$0] * cov[$0] }) < 1e-12)
        #expect(e.interceptScale == 1 && e.slopeScale == 1)
        let s = 0.7
        let expected = (e.a1 * e.a1 + s * s * e.b1 * e.b1 + 2 * s * e.a1b1).squareRoot()
        #expect(abs((exact.grid[0].deltaEError ?? .nan) - expected) < 1e-12)
        // Bend b(T) by 20 of its errors at the middle temperature: χ²/dof > 1 scales the b errors only.
        var bent = b
        bent[1] += 20 * sb[1]
        let poor = try ArrheniusFit(temperatures: temperatures, intercepts: a, slopes: bent, interceptErrors: sa, slopeErrors: sb, covariances: cov)
        let p = try #require(poor.errors)
        let chi = try #require(poor.slopeChiSquared)
        #expect(chi > 1)
        #expect(abs(p.slopeScale - chi.squareRoot()) < 1e-12 && p.interceptScale == 1)
        #expect(abs(p.b1 - e.b1 * chi.squareRoot()) < 1e-12 && abs(p.a1 - e.a1) < 1e-15)
        #expect(abs(p.a1b1 - e.a1b1 * chi.squareRoot()) < 1e-12)
        #expect(poor.caveats.map(\.kind) == [.poorArrheniusFit])
        #expect(poor.warnings.contains { $0.contains("multiplied by sqrt(χ²/dof) = \(String(format: "%.2f", chi.squareRoot()))") })
        // Without errors, no coefficient errors.
        #expect(try ArrheniusFit(temperatures: temperatures, intercepts: a, slopes: b).errors == nil)
    }

    /// Through the logistic fits: grouped rows whose rearranging fractions equal the model
    /// probabilities exactly (fractional weights) give the model's a(T), b(T) as the MLE, and the
    /// Arrhenius fit of those gives ΔE(S) = 2 + 3S back.
    @Test func weightedLogisticRecoversExactModel() throws {
        let temperatures = [0.4, 0.5, 0.7, 1.0]
        var intercepts: [Double] = [], slopes: [Double] = []
        let s = ArrheniusFit.evenGrid(low: -2, high: 2, count: 41)
        for t in temperatures {
            // logit P(R|S,T) = Σ(S) − ΔE(S)/T with Σ = 1 − 0.5S, ΔE = 2 + 3S.
            let (a, b) = (1 - 2 / t, -0.5 - 3 / t)
            var xs: [Double] = [], ys: [Double] = [], ws: [Double] = []
            for v in s {
                let p = 1 / (1 + exp(-(a + b * v)))
                xs += [v, v]; ys += [1, -1]; ws += [1000 * p, 1000 * (1 - p)]
            }
            let fit = try Logistic1D.fit(s: xs, y: ys, weights: ws).get()
            #expect(fit.converged)
            #expect(abs(fit.intercept - a) < 1e-9 && abs(fit.slope - b) < 1e-9, "T = \(t): \(fit)")
            intercepts.append(fit.intercept)
            slopes.append(fit.slope)
        }
        let arrhenius = try ArrheniusFit(temperatures: temperatures, intercepts: intercepts, slopes: slopes)
        for v in [-1.0, 0, 0.5, 2] {
            #expect(abs(arrhenius.deltaE(v) - (2 + 3 * v)) < 1e-8)
            #expect(abs(arrhenius.sigma(v) - (1 - 0.5 * v)) < 1e-8)
        }
    }

    @Test func logisticFailuresAreReported() {
        let s = [0.0, 1, 2, 3]
        #expect(throws: Logistic1DFailure.separable) { try Logistic1D.fit(s: s, y: [-1, -1, 1, 1]).get() }
        #expect(throws: Logistic1DFailure.singleClass(label: 1)) { try Logistic1D.fit(s: s, y: [1, 1, 1, 1]).get() }
        #expect(throws: Logistic1DFailure.separable) { try Logistic1D.fit(s: [0, 1, 1, 2], y: [-1, -1, 1, 1]).get() }
        #expect((try? Logistic1D.fit(s: s, y: [-1, 1, -1, 1]).get()) != nil)
    }

    @Test func arrheniusNeedsTwoTemperatures() {
        #expect(throws: DiagnosticError.self) {
            try ArrheniusFit(temperatures: [0.4, 0.4], intercepts: [0, 1], slopes: [1, 2])
        }
        #expect(throws: DiagnosticError.invalidTemperature(row: 1, value: -1)) {
            try ArrheniusFit(temperatures: [0.4, -1], intercepts: [0, 1], slopes: [1, 2])
        }
        #expect(throws: DiagnosticError.lengthMismatch(name: "slopes", expected: 2, actual: 1)) {
            try ArrheniusFit(temperatures: [0.4, 0.5], intercepts: [0, 1], slopes: [1])
        }
    }

    @Test func softnessGridSpansCentralQuantiles() {
        let values = (0...1000).map(Double.init)  // quantiles are exact: q(p) = 1000 p
        let grid = ArrheniusFit.softnessGrid(values.reversed(), count: 5)
        #expect(grid.count == 5)
        #expect(abs(grid[0] - 25) < 1e-12 && abs(grid[4] - 975) < 1e-12 && abs(grid[2] - 500) < 1e-12)
        #expect(ArrheniusFit.softnessGrid(values, count: 0).isEmpty)
    }
}

/// The binned Schoenholz-style route.
@Suite struct BinnedArrheniusTests {
    static let temperatures = [0.6, 0.7, 0.8, 1.0, 1.2]
    static let softness = ArrheniusFit.evenGrid(low: 0, high: 1, count: 11)
    static func deltaE(_ s: Double) -> Double { 2 + 3 * s }
    static func sigma(_ s: Double) -> Double { 1 - 0.5 * s }
    static func probability(_ s: Double, _ t: Double) -> Double { exp(sigma(s) - deltaE(s) / t) }

    @Test func exactFractionsAreRecovered() throws {
        let counts = Self.softness.map { _ in Self.temperatures.map { _ in 1000 } }
        let fractions = Self.softness.map { s in Self.temperatures.map { Self.probability(s, $0) } }
        let table = try BinnedRearrangementTable(softness: Self.softness, temperatures: Self.temperatures,
                                                 counts: counts, fractionRearranging: fractions)
        let result = try BinnedArrhenius.fit(table)
        #expect(result.points.count == 11 && result.skipped.isEmpty)
        for p in result.points {
            #expect(abs(p.deltaE - Self.deltaE(p.softness)) < 1e-9)
            #expect(abs(p.sigma - Self.sigma(p.softness)) < 1e-9)
            #expect(abs((p.r2 ?? .nan) - 1) < 1e-9)
            #expect(p.temperaturesUsed == 5)
            #expect(p.deltaEError > 0 && p.sigmaError > 0)
        }
    }

    /// ln P_R stands in for logit P_R only where P_R is small: a fitted P_R above
    /// `logProbabilityLimit` gives a warning naming the largest one and where it is; the logit
    /// response, points left out at P_R = 1 and skipped bins give none.
    @Test func lnPWarnsWherePIsNotSmall() throws {
        let temperatures = [0.5, 0.6, 0.9], softness = [-1.0, 0.5, 2.5]
        // P_R = 0.1·(2 + S)·T: largest at S = 2.5, T = 0.9 (0.405); 4 points above 0.2 (S = 0.5 at
        // T = 0.9 and S = 2.5 at every T); all of bin S = −1 stays ≤ 0.09.
        let fractions = softness.map { s in temperatures.map { 0.1 * (2 + s) * $0 } }
        let table = try BinnedRearrangementTable(softness: softness, temperatures: temperatures,
                                                 counts: softness.map { _ in temperatures.map { _ in 500 } }, fractionRearranging: fractions)
        let fit = try BinnedArrhenius.fit(table)
        let above = fractions.flatMap { $0 }.filter { $0 > VerdictRules.logProbabilityLimit }.count
        let largest = try #require(fractions.flatMap { $0 }.max())
        let expected = "ln P_R is used where P_R is not small (max P_R = \(String(format: "%.3g", largest)) at S = 2.5, T = 0.9; "
            + "\(above) of 9 fitted points have P_R > 0.2): ln P ≠ logit there; use --response logit"
        #expect(above == 4 && String(format: "%.3g", largest) == "0.405")
        #expect(fit.warnings.contains(expected), "\(fit.warnings)")
        #expect(try BinnedArrhenius.fit(table, response: .logit).warnings.allSatisfy { !$0.contains("ln P_R is used") })

        // Only bin S = −1 (P_R ≤ 0.09): no warning.
        let quiet = try BinnedRearrangementTable(softness: [softness[0]], temperatures: temperatures, counts: [[500, 500, 500]], fractionRearranging: [fractions[0]])
        #expect(try BinnedArrhenius.fit(quiet).warnings.allSatisfy { !$0.contains("ln P_R is used") })

        // P_R = 1 is left out, and a bin with one usable temperature is skipped: neither counts.
        let edge = try BinnedRearrangementTable(softness: [0, 1], temperatures: temperatures, counts: [[500, 500, 500], [500, 0, 0]],
                                                fractionRearranging: [[0.05, 0.1, 1], [0.9, 0, 0]])
        let edgeFit = try BinnedArrhenius.fit(edge)
        #expect(edgeFit.skipped.count == 1)
        #expect(edgeFit.warnings.allSatisfy { !$0.contains("ln P_R is used") }, "\(edgeFit.warnings)")
        // Just above the limit warns.
        let justAbove = try BinnedRearrangementTable(softness: [0], temperatures: temperatures, counts: [[500, 500, 500]],
                                                     fractionRearranging: [[0.1, 0.15, VerdictRules.logProbabilityLimit + 0.01]])
        #expect(try BinnedArrhenius.fit(justAbove).warnings.contains { $0.contains("(max P_R = 0.21 at S = 0, T = 0.9; 1 of 3 fitted points have P_R > 0.2)") })
    }

    @Test func sampledCountsAreRecoveredWithinErrors() throws {
        let n = 40_000
        var rng = SplitMix64(seed: 113)
        var counts: [[Int]] = [], fractions: [[Double]] = []
        for s in Self.softness {
            var row: [Int] = [], frac: [Double] = []
            for t in Self.temperatures {
                let p = Self.probability(s, t)
                var hits = 0
                for _ in 0..<n where Double(rng.next() >> 11) * 0x1p-53 < p { hits += 1 }
                row.append(n)
                frac.append(Double(hits) / Double(n))
            }
            counts.append(row)
            fractions.append(frac)
        }
        let table = try BinnedRearrangementTable(softness: Self.softness, temperatures: Self.temperatures,
                                                 counts: counts, fractionRearranging: fractions)
        let result = try BinnedArrhenius.fit(table)
        var pulls: [Double] = []
        for p in result.points {
            let pullE = (p.deltaE - Self.deltaE(p.softness)) / p.deltaEError
            let pullS = (p.sigma - Self.sigma(p.softness)) / p.sigmaError
            #expect(abs(pullE) < 4 && abs(pullS) < 4, "S = \(p.softness): ΔE \(p.deltaE) ± \(p.deltaEError)")
            pulls.append(pullE)
        }
        let meanSquare = pulls.map { $0 * $0 }.reduce(0, +) / Double(pulls.count)
        print("binned ΔE pulls \(pulls), mean square \(meanSquare)")
        #expect(meanSquare > 0.2 && meanSquare < 3, "the reported errors should match the scatter")
        // Drawn from an Arrhenius law: the lack-of-fit p-values are not small (at most one of 11 below 0.01).
        #expect(result.points.filter { ($0.lackOfFitPValue ?? 1) < 0.01 }.count <= 1, "\(result.points.map(\.lackOfFitPValue))")
        #expect(result.points.count + result.skipped.count == 11)
    }

    @Test func zeroAndOneFractionsAreSkipped() throws {
        let table = try BinnedRearrangementTable(
            softness: [0, 1], temperatures: [0.5, 1.0], counts: [[10, 10], [10, 0]],
            fractionRearranging: [[0.1, 0.3], [0.0, 0.0]])
        let result = try BinnedArrhenius.fit(table)
        #expect(result.points.count == 1 && result.skipped.map(\.index) == [1])
        #expect(throws: DiagnosticError.self) {
            try BinnedRearrangementTable(softness: [0], temperatures: [0.5], counts: [[1, 2]], fractionRearranging: [[0.5]])
        }
        #expect(throws: DiagnosticError.self) {
            try BinnedRearrangementTable(softness: [0], temperatures: [0.5], counts: [[1]], fractionRearranging: [[1.5]])
        }
    }

    /// The published convention (numpy.polyfit of ln P_R on 1/T): an unweighted line, with
    /// errors from the scatter, checked against the closed-form OLS of the same points.
    @Test func unweightedFitIsPlainLeastSquares() throws {
        let temperatures = [0.5, 0.6, 0.8, 1.0]
        let fractions: [[Double]] = [[0.012, 0.031, 0.09, 0.14], [0.0, 0.02, 0.05, 0.11]]
        let table = try BinnedRearrangementTable(softness: [-1, 1], temperatures: temperatures,
                                                 counts: [[900, 1000, 50, 20], [10, 10, 10, 10]], fractionRearranging: fractions)
        let result = try BinnedArrhenius.fit(table, weighting: .none)
        #expect(result.weighting == .none)
        for (k, point) in result.points.enumerated() {
            let used = temperatures.indices.filter { fractions[k][$0] > 0 }
            let x = used.map { 1 / temperatures[$0] }, y = used.map { log(fractions[k][$0]) }
            let n = Double(x.count), mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
            let sxx = x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +)
            let slope = zip(x, y).map { ($0 - mx) * ($1 - my) }.reduce(0, +) / sxx
            let intercept = my - slope * mx
            let rss = zip(x, y).map { pow($1 - intercept - slope * $0, 2) }.reduce(0, +)
            #expect(abs(point.deltaE + slope) < 1e-12 && abs(point.sigma - intercept) < 1e-12)
            #expect(abs(point.deltaEError - (rss / (n - 2) / sxx).squareRoot()) < 1e-12)
            #expect(point.temperaturesUsed == used.count)
            #expect(point.temperaturesAtZeroOrOne == 4 - used.count)
        }
        // The counts do not matter without weights, but they do with them.
        let weighted = try BinnedArrhenius.fit(table)
        #expect(abs(weighted.points[0].deltaE - result.points[0].deltaE) > 1e-3)
        // Two temperatures: a line through them, no error to estimate.
        let two = try BinnedArrhenius.fit(try BinnedRearrangementTable(softness: [0], temperatures: [0.5, 1.0], counts: [[10, 10]],
                                                                        fractionRearranging: [[0.1, 0.3]]), weighting: .none)
        #expect(two.points[0].deltaEError.isNaN && abs(two.points[0].deltaE - log(3)) < 1e-12)
    }

    /// A bin that is not a line in 1/T (here ln P curved in 1/T) with large counts is flagged:
    /// tiny p-value, errors scaled by sqrt(χ²/dof), a warning; lines through two temperatures
    /// have no R² and are named; data drawn from an Arrhenius law pass.
    @Test func lackOfFitIsTestedAndReported() throws {
        let temperatures = [0.5, 0.6, 0.7, 0.8, 1.0]
        let curved = temperatures.map { t in exp(-1 - 0.8 / t - 0.9 / (t * t)) }
        let straight = temperatures.map { t in exp(-1 - 2 / t) }
        let table = try BinnedRearrangementTable(softness: [0, 1], temperatures: temperatures,
                                                 counts: [[Int]](repeating: [Int](repeating: 100_000, count: 5), count: 2),
                                                 fractionRearranging: [curved, straight])
        let result = try BinnedArrhenius.fit(table)
        let bad = result.points[0], good = result.points[1]
        #expect((bad.lackOfFitPValue ?? 1) < 1e-6 && bad.errorsScaledByLackOfFit)
        let line = try #require(LeastSquares.line(x: temperatures.map { 1 / $0 }, y: curved.map { log($0) },
                                                  weights: curved.map { 100_000 * $0 / (1 - $0) }))
        #expect(abs(bad.chiSquared - line.residualSumOfSquares) < 1e-9 * line.residualSumOfSquares)
        #expect(abs(bad.deltaEError - line.slopeError * (line.residualSumOfSquares / 3).squareRoot()) < 1e-12 * bad.deltaEError)
        #expect(abs((good.lackOfFitPValue ?? .nan) - 1) < 1e-9 && !good.errorsScaledByLackOfFit, "an exact line: χ² = 0, p = 1")
        #expect(result.warnings.contains { $0.hasPrefix("1 of 2 bins are not straight lines in 1/T") }, "\(result.warnings)")

        let two = try BinnedArrhenius.fit(try BinnedRearrangementTable(softness: [0], temperatures: [0.5, 1.0], counts: [[10, 10]],
                                                                        fractionRearranging: [[0.1, 0.3]]))
        #expect(two.points[0].r2 == nil && two.points[0].lackOfFitPValue == nil)
        #expect(two.warnings.contains { $0.contains("only two usable temperatures: a line through two points cannot be tested") })
    }

    /// Cov(ΔE, Σ) is the off-diagonal of (XᵀWX)⁻¹ for X = [1, 1/T] (sign flipped with ΔE = −slope);
    /// the continuity correction puts P = 0 in as (k + ½)/(n + 1), the same fit as that value given.
    @Test func covarianceAndContinuityCorrection() throws {
        let temperatures = [0.5, 0.6, 0.8, 1.0]
        let table = try BinnedRearrangementTable(softness: [0], temperatures: temperatures, counts: [[200, 300, 400, 500]],
                                                 fractionRearranging: [[0.0, 0.05, 0.12, 0.2]])
        let corrected = try BinnedArrhenius.fit(table, response: .logit, continuityCorrection: true)
        let p0 = 0.5 / 201
        let given = try BinnedArrhenius.fit(try BinnedRearrangementTable(softness: [0], temperatures: temperatures, counts: [[200, 300, 400, 500]],
                                                                          fractionRearranging: [[p0, 0.05, 0.12, 0.2]]), response: .logit)
        let a = corrected.points[0], b = given.points[0]
        #expect(a.temperaturesUsed == 4 && a.temperaturesAtZeroOrOne == 1 && corrected.continuityCorrected)
        #expect(abs(a.deltaE - b.deltaE) < 1e-12 && abs(a.sigma - b.sigma) < 1e-12)
        #expect(corrected.warnings.contains { $0.contains("entered as (k + 1/2)/(n + 1)") })
        #expect(throws: DiagnosticError.self) { try BinnedArrhenius.fit(table, continuityCorrection: true) }
        // (XᵀWX)⁻¹ by hand, then scaled like the errors.
        let p = [p0, 0.05, 0.12, 0.2], n = [200.0, 300, 400, 500]
        let w = (0..<4).map { n[$0] * p[$0] * (1 - p[$0]) }, x = temperatures.map { 1 / $0 }
        let s0 = w.reduce(0, +), s1 = zip(w, x).map(*).reduce(0, +), s2 = zip(w, x).map { $0 * $1 * $1 }.reduce(0, +)
        let determinant = s0 * s2 - s1 * s1
        let scale = b.errorsScaledByLackOfFit ? b.chiSquared / 2 : 1
        #expect(abs(b.deltaESigmaCovariance - s1 / determinant * scale) < 1e-12 * abs(b.deltaESigmaCovariance))
        #expect(abs(b.deltaEError * b.deltaEError - s0 / determinant * scale) < 1e-12 * s0 / determinant * scale)
    }

    /// Selecting temperatures keeps their columns; temperatures given as 1/T are suspected.
    @Test func temperatureSelectionAndInverseTemperatureHint() throws {
        let counts = Self.softness.map { _ in Self.temperatures.map { _ in 1000 } }
        let fractions = Self.softness.map { s in Self.temperatures.map { Self.probability(s, $0) } }
        let table = try BinnedRearrangementTable(softness: Self.softness, temperatures: Self.temperatures,
                                                 counts: counts, fractionRearranging: fractions)
        let low = try table.selecting(temperatures: [0.8, 0.6, 0.7, 0.6000000000001])
        #expect(low.temperatures == [0.6, 0.7, 0.8])
        #expect(low.fractionRearranging[3] == Array(fractions[3].prefix(3)))
        #expect(throws: DiagnosticError.self) { try table.selecting(temperatures: [0.65]) }
        let fit = try BinnedArrhenius.fit(low)
        #expect(fit.points.allSatisfy { abs($0.deltaE - Self.deltaE($0.softness)) < 1e-9 })
        #expect(!fit.warnings.contains { $0.contains("1/T") })
        // The same data with 1/T (in kelvin-like units) in the T column: negative barriers, a warning.
        let inverse = try BinnedRearrangementTable(softness: Self.softness, temperatures: Self.temperatures.map { 0.01 / $0 },
                                                   counts: counts, fractionRearranging: fractions)
        let wrong = try BinnedArrhenius.fit(inverse)
        #expect(wrong.points.allSatisfy { $0.deltaE < 0 })
        #expect(wrong.warnings.contains { $0.contains("are the temperatures given as 1/T?") }, "\(wrong.warnings)")
    }

    /// Table builder: the logit route on binned toy-like data agrees with the generating model.
    @Test func tableFromRowsAndLogitRoute() throws {
        var rng = SplitMix64(seed: 59)
        var s: [Double] = [], labels: [Double] = [], temps: [Double] = []
        for t in [0.5, 0.7, 1.0] {
            for _ in 0..<30_000 {
                let v = Double(rng.next() >> 11) * 0x1p-53 * 2 - 1  // uniform on [−1, 1)
                let p = 1 / (1 + exp((2 + 3 * v) / t - (1 - 0.5 * v)))
                s.append(v); temps.append(t)
                labels.append(Double(rng.next() >> 11) * 0x1p-53 < p ? 1 : -1)
            }
        }
        let table = try BinnedArrhenius.table(softness: s, labels: labels, temperature: temps, bins: 8,
                                              lowerQuantile: 0, upperQuantile: 1)
        #expect(table.temperatures == [0.5, 0.7, 1.0] && table.softness.count == 8)
        #expect(table.counts.flatMap { $0 }.reduce(0, +) == s.count)
        let result = try BinnedArrhenius.fit(table, response: .logit)
        for p in result.points {
            // finite bin width (0.25) bends the binned logit a little; allow the errors plus 0.15.
            #expect(abs(p.deltaE - (2 + 3 * p.softness)) < 4 * p.deltaEError + 0.15, "\(p)")
        }
    }
}
