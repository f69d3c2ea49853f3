import Foundation
import Learning

/// Counts and rearranging fractions per softness bin and temperature (Schoenholz et al., Nature
/// Physics 12, 469 (2016), Fig. 2: P_R(S, T) from bins of S).
public struct BinnedRearrangementTable: Sendable, Equatable, Codable {
    /// Bin centres S_k (standardized softness units), one per bin.
    public var softness: [Double]
    /// Temperatures T_t (> 0), one per column.
    public var temperatures: [Double]
    /// Rows in bin k at temperature t: `counts[k][t]` (≥ 0).
    public var counts: [[Int]]
    /// Fraction of those rows that rearrange, P_R: `fractionRearranging[k][t]` in [0, 1].
    public var fractionRearranging: [[Double]]

    /// Creates and validates a table.
    /// - Throws: `.invalidTable` for ragged shapes, non-finite or non-positive temperatures,
    ///   duplicate temperatures, non-finite softness, negative counts or fractions outside [0, 1].
    public init(softness: [Double], temperatures: [Double], counts: [[Int]],
                fractionRearranging: [[Double]]) throws(DiagnosticError) {
        guard !softness.isEmpty else { throw .invalidTable(reason: "no softness bins") }
        guard !temperatures.isEmpty else { throw .invalidTable(reason: "no temperatures") }
        guard counts.count == softness.count else {
            throw .invalidTable(reason: "counts has \(counts.count) rows for \(softness.count) bins")
        }
        guard fractionRearranging.count == softness.count else {
            throw .invalidTable(reason: "fractionRearranging has \(fractionRearranging.count) rows for \(softness.count) bins")
        }
        for (k, s) in softness.enumerated() where !s.isFinite {
            throw .invalidTable(reason: "softness of bin \(k) is \(s)")
        }
        for (t, temp) in temperatures.enumerated() where !(temp.isFinite && temp > 0) {
            throw .invalidTable(reason: "temperature \(t) is \(temp); temperatures must be finite and > 0")
        }
        guard Set(temperatures).count == temperatures.count else {
            throw .invalidTable(reason: "temperatures contain duplicates \(temperatures)")
        }
        for k in 0..<softness.count {
            guard counts[k].count == temperatures.count else {
                throw .invalidTable(reason: "counts of bin \(k) has \(counts[k].count) entries for \(temperatures.count) temperatures")
            }
            guard fractionRearranging[k].count == temperatures.count else {
                throw .invalidTable(reason: "fractionRearranging of bin \(k) has \(fractionRearranging[k].count) entries for \(temperatures.count) temperatures")
            }
            for t in 0..<temperatures.count {
                guard counts[k][t] >= 0 else { throw .invalidTable(reason: "count of bin \(k) at T = \(temperatures[t]) is negative") }
                let p = fractionRearranging[k][t]
                guard p.isFinite, p >= 0, p <= 1 else {
                    throw .invalidTable(reason: "fraction of bin \(k) at T = \(temperatures[t]) is \(p); it must lie in [0, 1]")
                }
            }
        }
        self.softness = softness
        self.temperatures = temperatures
        self.counts = counts
        self.fractionRearranging = fractionRearranging
    }
}

extension BinnedRearrangementTable {
    /// The table restricted to `wanted` temperatures (each matched within 1e-9 relative), in
    /// ascending order — e.g. the lowest four, as Sharp et al. (2018) fitted.
    /// - Throws: `.invalidOption` naming a wanted temperature the table does not have.
    public func selecting(temperatures wanted: [Double]) throws(DiagnosticError) -> BinnedRearrangementTable {
        var columns: [Int] = []
        for value in wanted {
            guard let column = temperatures.firstIndex(where: { abs($0 - value) <= 1e-9 * max(1, abs(value)) }) else {
                throw .invalidOption(name: "temperatures", reason: "T = \(value) is not in the table (it has \(temperatures.map { String($0) }.joined(separator: ", ")))")
            }
            if !columns.contains(column) { columns.append(column) }
        }
        columns.sort()
        return try BinnedRearrangementTable(softness: softness, temperatures: columns.map { temperatures[$0] },
                                            counts: counts.map { row in columns.map { row[$0] } },
                                            fractionRearranging: fractionRearranging.map { row in columns.map { row[$0] } })
    }
}

/// What is fitted linearly in 1/T per bin.
public enum BinnedResponse: String, Sendable, Codable, CaseIterable {
    /// ln P_R = Σ(S) − ΔE(S)/T (Schoenholz 2016; appropriate when P_R ≪ 1). Weights n·P/(1 − P).
    case logProbability
    /// logit P_R = Σ(S) − ΔE(S)/T (the paper's Eq. 4 form, valid for any P_R). Weights n·P·(1 − P).
    case logit
}

/// How the points of one bin are weighted in the fit against 1/T.
public enum BinnedWeighting: String, Sendable, Codable, CaseIterable {
    /// Inverse binomial variances by the delta method (this program's default): errors are
    /// statistical, χ² can be compared with its degrees of freedom.
    case binomial
    /// Every temperature alike: an unweighted straight-line fit of the response on 1/T, the
    /// convention of the published binned barriers (Schoenholz et al. 2016, Sharp et al. 2018:
    /// numpy.polyfit of ln P_R on 1/T). Errors come from the scatter of the points
    /// (residual variance / (n − 2)), so a fit through two temperatures has none (NaN).
    case none
}

/// ΔE(S) and Σ(S) of one softness bin.
public struct BinnedArrheniusPoint: Sendable, Equatable, Codable {
    /// Bin centre S.
    public var softness: Double
    /// ΔE(S) = −(slope of the response vs 1/T), energy units.
    public var deltaE: Double
    /// Standard error of ΔE from the inverse-variance weights (binomial), multiplied by
    /// sqrt(χ²/dof) when that exceeds 1 (`errorsScaledByLackOfFit`).
    public var deltaEError: Double
    /// Σ(S) = intercept of the response vs 1/T.
    public var sigma: Double
    /// Standard error of Σ.
    public var sigmaError: Double
    /// Covariance of ΔE and Σ (energy units; scaled like the errors). ΔE and Σ come from one
    /// line, so they are correlated (strongly when 1/T is far from 0): a band for
    /// P_R(S, T) needs it.
    public var deltaESigmaCovariance: Double
    /// Weighted R² of the line; nil for a line through two temperatures (it cannot be tested).
    public var r2: Double?
    /// χ² = Σ w (y − ŷ)² of the fit; compare with `temperaturesUsed − 2` degrees of freedom
    /// (with `BinnedWeighting.none` the plain residual sum of squares).
    public var chiSquared: Double
    /// Temperatures that entered the fit (count > 0 and 0 < P < 1, or continuity-corrected).
    public var temperaturesUsed: Int
    /// Temperatures with rows in this bin but P = 0 or P = 1: left out (the response is
    /// infinite there), or continuity-corrected; reported so that a fit on few points is not
    /// taken for a fit on many.
    public var temperaturesAtZeroOrOne: Int
    /// P(χ²_{n−2} ≥ χ²): the lack-of-fit p-value of the binomially weighted line (nil for two
    /// temperatures and for unweighted fits, which have no variances to test against).
    public var lackOfFitPValue: Double?
    /// Whether `deltaEError` and `sigmaError` were multiplied by sqrt(χ²/(n − 2)) because the
    /// points scatter more than their binomial errors allow (χ²/(n − 2) > 1).
    public var errorsScaledByLackOfFit: Bool
}

/// A bin left out of the binned fit.
public struct SkippedBin: Sendable, Equatable, Codable {
    /// Bin index in the table.
    public var index: Int
    /// Bin centre S.
    public var softness: Double
    /// Why it was left out.
    public var reason: String
}

/// Result of `BinnedArrhenius.fit`.
public struct BinnedArrheniusResult: Sendable, Equatable, Codable {
    /// Fitted bins, in table order.
    public var points: [BinnedArrheniusPoint]
    /// Bins with fewer than two usable temperatures.
    public var skipped: [SkippedBin]
    /// The response that was fitted.
    public var response: BinnedResponse
    /// How the temperatures of a bin were weighted.
    public var weighting: BinnedWeighting
    /// Whether P = 0 or 1 points entered as (k + ½)/(n + 1).
    public var continuityCorrected: Bool
    /// Warnings about the fit (poor lines, untestable two-point lines, left-out points).
    public var warnings: [String]
}

/// The binned (Schoenholz 2016) Arrhenius route: per softness bin, weighted least squares of
/// ln P_R (or logit P_R) against 1/T gives ΔE(S) and Σ(S) with errors — to compare with the
/// unbinned logistic route of `BarrierDiagnostic` (DESIGN.md §1 items 5–6).
public enum BinnedArrhenius {
    /// Weighted least squares of y = Σ(S) − ΔE(S)/T per bin, y = ln P (default) or logit P.
    /// Weights are inverse binomial variances of y by the delta method: n·P/(1 − P) for ln P,
    /// n·P·(1 − P) for logit P. Temperatures with count 0, P = 0 or P = 1 are skipped; a bin
    /// needs ≥ 2 usable temperatures, else it is listed in `skipped`. Errors are
    /// sqrt(diag((XᵀWX)⁻¹)), scaled by sqrt(χ²/dof) when the points scatter more than that
    /// (lack of fit, p-value in each point; Bevington & Robinson §6.5).
    /// - Throws: `.invalidTable` if no bin can be fitted.
    /// With `weighting: .none` every temperature has weight 1 and the errors are rescaled by the
    /// residual variance (`BinnedWeighting.none`).
    ///
    /// With `continuityCorrection` (logit only), a temperature at P = 0 or 1 enters with
    /// P = (k + ½)/(n + 1), k = P·n rearranging rows of n, instead of being left out.
    public static func fit(_ table: BinnedRearrangementTable, response: BinnedResponse = .logProbability,
                           weighting: BinnedWeighting = .binomial,
                           continuityCorrection: Bool = false) throws(DiagnosticError) -> BinnedArrheniusResult {
        if continuityCorrection && response != .logit {
            throw .invalidOption(name: "continuity correction", reason: "applies to the logit response only (ln P_R of a corrected 0 is an artefact of the correction)")
        }
        var points: [BinnedArrheniusPoint] = []
        var skipped: [SkippedBin] = []
        var fitted = FittedFractions()
        for k in 0..<table.softness.count {
            var x: [Double] = [], y: [Double] = [], w: [Double] = []
            var atZeroOrOne = 0
            var bin = FittedFractions()
            for t in 0..<table.temperatures.count {
                let n = Double(table.counts[k][t])
                guard n > 0 else { continue }
                var p = table.fractionRearranging[k][t]
                if p <= 0 || p >= 1 {
                    atZeroOrOne += 1
                    guard continuityCorrection else { continue }
                    p = ((p * n).rounded() + 0.5) / (n + 1)
                }
                x.append(1 / table.temperatures[t])
                bin.add(p, softness: table.softness[k], temperature: table.temperatures[t])
                switch response {
                case .logProbability:
                    y.append(log(p)); w.append(n * p / (1 - p))
                case .logit:
                    y.append(log(p / (1 - p))); w.append(n * p * (1 - p))
                }
            }
            guard x.count >= 2, var line = LeastSquares.line(x: x, y: y, weights: weighting == .binomial ? w : nil) else {
                skipped.append(SkippedBin(index: k, softness: table.softness[k],
                                          reason: "only \(x.count) temperature(s) with 0 < P_R < 1 and a non-zero count; 2 are needed"
                                              + (atZeroOrOne > 0 ? " (\(atZeroOrOne) at P_R = 0 or 1)" : "")))
                continue
            }
            fitted.merge(bin)
            let degreesOfFreedom = x.count - 2
            var pValue: Double? = nil, scaled = false
            switch weighting {
            case .none:
                // Unit weights carry no variance: the scatter about the line estimates it.
                let scale = degreesOfFreedom > 0 ? (line.residualSumOfSquares / Double(degreesOfFreedom)).squareRoot() : .nan
                line.slopeError *= scale
                line.interceptError *= scale
                line.slopeInterceptCovariance *= scale * scale
            case .binomial where degreesOfFreedom > 0:
                pValue = Statistics.chiSquaredSurvival(line.residualSumOfSquares, degreesOfFreedom: degreesOfFreedom)
                let reduced = line.residualSumOfSquares / Double(degreesOfFreedom)
                if reduced > 1 {
                    line.slopeError *= reduced.squareRoot()
                    line.interceptError *= reduced.squareRoot()
                    line.slopeInterceptCovariance *= reduced
                    scaled = true
                }
            case .binomial: break
            }
            points.append(BinnedArrheniusPoint(
                softness: table.softness[k], deltaE: -line.slope, deltaEError: line.slopeError,
                sigma: line.intercept, sigmaError: line.interceptError, deltaESigmaCovariance: -line.slopeInterceptCovariance, r2: degreesOfFreedom > 0 ? line.rSquared : nil,
                chiSquared: line.residualSumOfSquares, temperaturesUsed: x.count, temperaturesAtZeroOrOne: atZeroOrOne,
                lackOfFitPValue: pValue, errorsScaledByLackOfFit: scaled))
        }
        guard !points.isEmpty else {
            throw .invalidTable(reason: "no bin has two or more temperatures with 0 < P_R < 1; use wider bins or more rows")
        }
        var warnings = warnings(points, temperatures: table.temperatures, continuityCorrected: continuityCorrection)
        if response == .logProbability, let warning = fitted.logProbabilityWarning { warnings.append(warning) }
        return BinnedArrheniusResult(points: points, skipped: skipped, response: response, weighting: weighting,
                                     continuityCorrected: continuityCorrection, warnings: warnings)
    }

    /// The fractions that entered the fits: how many, how many above `VerdictRules.logProbabilityLimit`,
    /// and the largest with its bin and temperature.
    struct FittedFractions {
        var count = 0
        var aboveLimit = 0
        var largest: (p: Double, softness: Double, temperature: Double)?

        mutating func add(_ p: Double, softness: Double, temperature: Double) {
            count += 1
            if p > VerdictRules.logProbabilityLimit { aboveLimit += 1 }
            if p > largest?.p ?? -.infinity { largest = (p, softness, temperature) }
        }

        mutating func merge(_ other: FittedFractions) {
            count += other.count
            aboveLimit += other.aboveLimit
            if let theirs = other.largest, theirs.p > largest?.p ?? -.infinity { largest = theirs }
        }

        /// The warning for the ln P_R response, nil when no fitted P_R exceeds the limit.
        var logProbabilityWarning: String? {
            guard aboveLimit > 0, let largest else { return nil }
            func short(_ value: Double) -> String { String(format: "%.3g", value) }
            return "ln P_R is used where P_R is not small (max P_R = \(short(largest.p)) at S = \(short(largest.softness)), T = \(short(largest.temperature)); "
                + "\(aboveLimit) of \(count) fitted points have P_R > \(VerdictRules.logProbabilityLimit)): ln P ≠ logit there; use --response logit"
        }
    }


    /// Below this every temperature of a table whose barriers all come out negative looks like
    /// an inverse temperature (1/T in kelvin is ~0.003; LJ temperatures are ~0.3–2).
    public static let inverseTemperatureHint = 0.1

    /// The warnings of a fit: poor lines (p < `poorFitPValue`), lines through two temperatures,
    /// points left out at P_R = 0 or 1, and temperatures that look like 1/T.
    static func warnings(_ points: [BinnedArrheniusPoint], temperatures: [Double], continuityCorrected: Bool) -> [String] {
        var warnings: [String] = []
        if let highest = temperatures.max(), highest < inverseTemperatureHint, points.allSatisfy({ $0.deltaE < 0 }) {
            warnings.append("every temperature is below \(inverseTemperatureHint) (highest \(highest)) and every barrier is negative: are the temperatures given as 1/T? The T column must hold temperatures in energy units (k_B = 1)")
        }
        let poor = points.filter { ($0.lackOfFitPValue ?? 1) < VerdictRules.poorFitPValue }
        if let worst = poor.map({ $0.chiSquared / Double($0.temperaturesUsed - 2) }).max() {
            warnings.append("\(poor.count) of \(points.count) bins are not straight lines in 1/T within their binomial errors (lack-of-fit p < \(VerdictRules.poorFitPValue), χ²/dof up to \(String(format: "%.1f", worst))): their errors are scaled by sqrt(χ²/dof), and an Arrhenius law may not describe them")
        }
        let two = points.filter { $0.temperaturesUsed == 2 }.count
        if two > 0 {
            warnings.append("\(two) of \(points.count) bins have only two usable temperatures: a line through two points cannot be tested (R² and p-value not given)")
        }
        let excluded = points.map(\.temperaturesAtZeroOrOne).reduce(0, +)
        if excluded > 0 {
            warnings.append(continuityCorrected
                ? "\(excluded) (bin, temperature) points with P_R = 0 or 1 entered as (k + 1/2)/(n + 1) (continuity correction)"
                : "\(excluded) (bin, temperature) points with P_R = 0 or 1 were left out of the fits")
        }
        return warnings
    }

    /// Builds a binned table from per-row softness, labels (±1) and temperature: `bins`
    /// equal-width bins between the `lowerQuantile` and `upperQuantile` of the softness (numpy
    /// linear quantiles; rows outside are left out), temperatures = distinct values ascending,
    /// fraction = rows with label +1 / rows (0 for an empty cell).
    /// - Throws: `.lengthMismatch`, `.invalidLabel`, `.nonFiniteValue`, `.invalidTemperature`,
    ///   `.invalidOption` (bins < 1, bad quantiles, or all softness equal), `.noRows`.
    public static func table(softness: [Double], labels: [Double], temperature: [Double], bins: Int,
                             lowerQuantile: Double = 0.025,
                             upperQuantile: Double = 0.975) throws(DiagnosticError) -> BinnedRearrangementTable {
        let n = softness.count
        guard n > 0 else { throw .noRows }
        guard labels.count == n else { throw .lengthMismatch(name: "labels", expected: n, actual: labels.count) }
        guard temperature.count == n else { throw .lengthMismatch(name: "temperature", expected: n, actual: temperature.count) }
        guard bins >= 1 else { throw .invalidOption(name: "bins", reason: "must be ≥ 1 (got \(bins))") }
        guard lowerQuantile >= 0, upperQuantile <= 1, lowerQuantile < upperQuantile else {
            throw .invalidOption(name: "quantiles", reason: "need 0 ≤ lower < upper ≤ 1 (got \(lowerQuantile), \(upperQuantile))")
        }
        for i in 0..<n {
            guard softness[i].isFinite else { throw .nonFiniteValue(name: "softness", row: i, value: softness[i]) }
            guard labels[i] == 1 || labels[i] == -1 else { throw .invalidLabel(row: i, value: labels[i]) }
            guard temperature[i].isFinite else { throw .nonFiniteValue(name: "temperature", row: i, value: temperature[i]) }
            guard temperature[i] > 0 else { throw .invalidTemperature(row: i, value: temperature[i]) }
        }
        let sorted = softness.sorted()
        let low = Statistics.sortedQuantile(sorted, lowerQuantile), high = Statistics.sortedQuantile(sorted, upperQuantile)
        guard high > low else {
            throw .invalidOption(name: "softness", reason: "the softness range between the quantiles is empty (all values equal?)")
        }
        let temps = Set(temperature).sorted()
        var column: [Double: Int] = [:]
        for (t, value) in temps.enumerated() { column[value] = t }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: temps.count), count: bins)
        var plus = counts
        let width = (high - low) / Double(bins)
        for i in 0..<n {
            let s = softness[i]
            guard s >= low, s <= high, let t = column[temperature[i]] else { continue }
            let k = min(Int(((s - low) / width).rounded(.down)), bins - 1)
            counts[k][t] += 1
            if labels[i] == 1 { plus[k][t] += 1 }
        }
        let fractions = (0..<bins).map { k in
            (0..<temps.count).map { t in counts[k][t] > 0 ? Double(plus[k][t]) / Double(counts[k][t]) : 0 }
        }
        let centres = (0..<bins).map { low + (Double($0) + 0.5) * width }
        return try BinnedRearrangementTable(softness: centres, temperatures: temps, counts: counts,
                                            fractionRearranging: fractions)
    }
}
