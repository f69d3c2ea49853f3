import Learning
import Parallel

/// logit P(R=+1|S,T) = a(T) + b(T)·S fitted on the test rows at one temperature by unpenalized
/// maximum likelihood (paper Sec. II "we estimate P(R|S) using a logistic regression";
/// DESIGN.md §1 item 5). S is the softness (distance to the hyperplane, standardized units).
public struct TemperatureLogisticFit: Sendable, Equatable, Codable {
    /// Temperature T (energy units, k_B = 1).
    public var temperature: Double
    /// a(T): logit P(R=+1|S=0,T).
    public var intercept: Double
    /// b(T): d logit P / dS (per unit softness).
    public var slope: Double
    /// Standard error of a(T) from the inverse Fisher information.
    public var interceptError: Double
    /// Standard error of b(T) from the inverse Fisher information.
    public var slopeError: Double
    /// Cov(a(T), b(T)) from the inverse Fisher information.
    public var interceptSlopeCovariance: Double
    /// Test rows at this temperature.
    public var rows: Int
    /// Fraction of those rows with R = +1.
    public var rearrangingFraction: Double
    /// Newton iterations taken.
    public var iterations: Int
    /// True when Newton's step-size criterion (1e-10 relative) was met.
    public var converged: Bool
    /// Maximized log-likelihood Σ log P(Rᵢ|Sᵢ).
    public var logLikelihood: Double
}

/// A temperature whose test rows could not be fitted (and is left out of the Arrhenius fit).
public struct SkippedTemperature: Sendable, Equatable, Codable {
    /// Temperature T.
    public var temperature: Double
    /// Test rows at T.
    public var rows: Int
    /// Why no logistic fit exists.
    public var reason: String
}

/// Stage 5 of the diagnostic (DESIGN.md §1 item 5): the test rows grouped by temperature and
/// logit P(R=+1|S,T) = a(T) + b(T)·S fitted by maximum likelihood at each temperature
/// (`Learning.Logistic1D`), in parallel.
enum TemperatureLogistic {
    /// The fits, the temperatures that could not be fitted, the indices of the fitted groups
    /// and the caveats.
    struct Fits {
        var fits: [TemperatureLogisticFit] = []
        var skipped: [SkippedTemperature] = []
        var fittedGroups: [Int] = []
        var warnings: [String] = []
    }

    static func fit(_ groups: [TemperatureGroup]) -> Fits {
        let results = Parallel.map(groups.count) { k in Logistic1D.fitLarge(groups[k], count: groups[k].count) }
        var out = Fits()
        for (k, g) in groups.enumerated() {
            let n = g.count
            switch results[k] {
            case let .success(fit):
                out.fits.append(TemperatureLogisticFit(
                    temperature: g.temperature, intercept: fit.intercept, slope: fit.slope,
                    interceptError: fit.interceptError, slopeError: fit.slopeError,
                    interceptSlopeCovariance: fit.interceptSlopeCovariance, rows: n,
                    rearrangingFraction: g.rearrangingFraction, iterations: fit.iterations,
                    converged: fit.converged, logLikelihood: fit.logLikelihood))
                out.fittedGroups.append(k)
                if !fit.converged {
                    out.warnings.append("Logistic fit of P(R|S) at T = \(g.temperature) did not converge after \(fit.iterations) iterations.")
                }
            case let .failure(failure):
                out.skipped.append(SkippedTemperature(temperature: g.temperature, rows: n, reason: failure.message))
                out.warnings.append("T = \(g.temperature) left out of the Arrhenius fit: \(failure.message).")
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
        let temperatures = slot.sorted { $0.value < $1.value }.map(\.key)
        let sorted = Parallel.map(members.count) { k -> TemperatureGroup in
            let rows = members[k]
            var list = [GroupEntry]()
            list.reserveCapacity(rows.count)
            for r in rows { list.append(GroupEntry(s: softness[r], y: labels[r], e: energy?[r] ?? 0)) }
            let t = temperatures[k]
            return TemperatureGroup(t, isTraining: trainingTemperatures.contains(t), hasEnergy: energy != nil, entries: &list)
        }
        members = []
        return sorted.sorted { $0.temperature < $1.temperature }
    }
}
