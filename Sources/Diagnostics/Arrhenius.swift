import Learning

/// One softness value of the Arrhenius grid (paper Fig. 1b–c; DESIGN.md §1 item 6).
public struct ArrheniusGridPoint: Sendable, Equatable, Codable {
    /// Softness S (standardized feature units).
    public var softness: Double
    /// ΔE_inf(S) = −(A1 + B1·S), energy units.
    public var deltaE: Double
    /// Σ(S) = A0 + B0·S (dimensionless).
    public var sigma: Double
    /// R² of the straight line through the points (1/T, a(T) + b(T)·S) over the fitted
    /// temperatures, i.e. how Arrhenius-like logit P(R|S,T) looks at this S
    /// (1 when the points are exactly collinear or all equal; nil for two temperatures).
    public var r2: Double?
}

/// The Arrhenius extraction (DESIGN.md §1 item 6, paper Eq. 1 and Fig. 1b–c): at fixed S,
/// logit P(R|S,T) = Σ(S) − ΔE_inf(S)/T. With a(T) = A0 + A1/T and b(T) = B0 + B1/T each fitted
/// by ordinary least squares over the temperatures, ΔE_inf(S) = −(A1 + B1·S) and
/// Σ(S) = A0 + B0·S.
public struct ArrheniusFit: Sendable, Equatable, Codable {
    /// A0: intercept of a(T) vs 1/T (dimensionless).
    public var a0: Double
    /// A1: slope of a(T) vs 1/T (energy units).
    public var a1: Double
    /// B0: intercept of b(T) vs 1/T (per unit softness).
    public var b0: Double
    /// B1: slope of b(T) vs 1/T (energy per unit softness).
    public var b1: Double
    /// R² of the a(T)-vs-1/T line (nil for two temperatures: two points are always on a line).
    public var interceptR2: Double?
    /// R² of the b(T)-vs-1/T line (nil for two temperatures).
    public var slopeR2: Double?
    /// χ² = Σ ((a(T) − A0 − A1/T) / σ_a(T))² of the a(T) line with the logistic fits' standard
    /// errors, and P(χ²_{n−2} ≥ χ²), its lack-of-fit p-value (nil without errors or with two
    /// temperatures). The lines are fitted unweighted, as the paper does; χ² uses the errors.
    public var interceptChiSquared: Double?
    public var interceptLackOfFitP: Double?
    /// The same for the b(T) line.
    public var slopeChiSquared: Double?
    public var slopeLackOfFitP: Double?
    /// The temperatures used (ascending).
    public var temperatures: [Double]
    /// ΔE_inf, Σ and the linearity R² on a grid of softness values.
    public var grid: [ArrheniusGridPoint]

    /// ΔE_inf(S) = −(A1 + B1·S): inferred barrier at softness S (energy units).
    public func deltaE(_ s: Double) -> Double { -(a1 + b1 * s) }

    /// Σ(S) = A0 + B0·S: inferred entropic prefactor (log units) at softness S.
    public func sigma(_ s: Double) -> Double { a0 + b0 * s }

    /// Fits a(T) = A0 + A1/T and b(T) = B0 + B1/T by least squares and evaluates the grid;
    /// with the errors of a(T) and b(T), tests both lines for lack of fit.
    /// - Parameters:
    ///   - temperatures: T of each logistic fit (> 0, at least two distinct values).
    ///   - intercepts: a(T); - slopes: b(T); one per temperature.
    ///   - softnessGrid: S values at which to tabulate ΔE_inf, Σ and R².
    /// - Throws: `.lengthMismatch`, `.nonFiniteValue`, `.invalidTemperature`,
    ///   `.invalidOption` when fewer than two distinct temperatures are given.
    ///   - interceptErrors, slopeErrors: standard errors of a(T) and b(T), for the lack-of-fit test.
    public init(temperatures: [Double], intercepts: [Double], slopes: [Double],
                softnessGrid: [Double] = [], interceptErrors: [Double]? = nil, slopeErrors: [Double]? = nil) throws(DiagnosticError) {
        let n = temperatures.count
        guard intercepts.count == n else { throw .lengthMismatch(name: "intercepts", expected: n, actual: intercepts.count) }
        guard slopes.count == n else { throw .lengthMismatch(name: "slopes", expected: n, actual: slopes.count) }
        for i in 0..<n {
            guard temperatures[i].isFinite else { throw .nonFiniteValue(name: "temperatures", row: i, value: temperatures[i]) }
            guard temperatures[i] > 0 else { throw .invalidTemperature(row: i, value: temperatures[i]) }
            guard intercepts[i].isFinite else { throw .nonFiniteValue(name: "intercepts", row: i, value: intercepts[i]) }
            guard slopes[i].isFinite else { throw .nonFiniteValue(name: "slopes", row: i, value: slopes[i]) }
        }
        for i in 0..<softnessGrid.count where !softnessGrid[i].isFinite {
            throw .nonFiniteValue(name: "softnessGrid", row: i, value: softnessGrid[i])
        }
        let inverse = temperatures.map { 1 / $0 }
        guard let aLine = LeastSquares.line(x: inverse, y: intercepts), let bLine = LeastSquares.line(x: inverse, y: slopes) else {
            throw .invalidOption(name: "temperatures",
                                 reason: "the Arrhenius fit needs logistic fits at two or more distinct temperatures (got \(Set(temperatures).sorted()))")
        }
        a0 = aLine.intercept
        a1 = aLine.slope
        b0 = bLine.intercept
        b1 = bLine.slope
        let testable = n > 2
        interceptR2 = testable ? aLine.rSquared : nil
        slopeR2 = testable ? bLine.rSquared : nil
        /// χ² of `line` through (1/T, values) with `errors`, and its p-value; nil when untestable.
        func lackOfFit(_ line: LineFit, _ values: [Double], _ errors: [Double]?) -> (Double?, Double?) {
            guard testable, let errors, errors.count == n, errors.allSatisfy({ $0.isFinite && $0 > 0 }) else { return (nil, nil) }
            var chi = 0.0
            for i in 0..<n {
                let residual = (values[i] - line.intercept - line.slope * inverse[i]) / errors[i]
                chi += residual * residual
            }
            return (chi, Statistics.chiSquaredSurvival(chi, degreesOfFreedom: n - 2))
        }
        (interceptChiSquared, interceptLackOfFitP) = lackOfFit(aLine, intercepts, interceptErrors)
        (slopeChiSquared, slopeLackOfFitP) = lackOfFit(bLine, slopes, slopeErrors)
        let order = temperatures.indices.sorted { temperatures[$0] < temperatures[$1] }
        self.temperatures = order.map { temperatures[$0] }
        var grid: [ArrheniusGridPoint] = []
        grid.reserveCapacity(softnessGrid.count)
        for s in softnessGrid {
            let logits = (0..<n).map { intercepts[$0] + slopes[$0] * s }
            let r2 = testable ? LeastSquares.line(x: inverse, y: logits)?.rSquared ?? 1 : nil
            grid.append(ArrheniusGridPoint(softness: s, deltaE: -(a1 + b1 * s), sigma: a0 + b0 * s, r2: r2))
        }
        self.grid = grid
    }

    /// Builds the fit from per-temperature logistic fits.
    /// - Throws: as `init(temperatures:intercepts:slopes:softnessGrid:)`.
    public init(logistic: [TemperatureLogisticFit], softnessGrid: [Double] = []) throws(DiagnosticError) {
        try self.init(temperatures: logistic.map(\.temperature), intercepts: logistic.map(\.intercept),
                      slopes: logistic.map(\.slope), softnessGrid: softnessGrid,
                      interceptErrors: logistic.map(\.interceptError), slopeErrors: logistic.map(\.slopeError))
    }

    /// Below this lack-of-fit p-value a line of a(T) or b(T) against 1/T is called poor (the
    /// same threshold as `BinnedArrhenius.poorFitPValue`).
    public static var poorFitPValue: Double { BinnedArrhenius.poorFitPValue }

    /// Warnings about the Arrhenius lines: untestable (two temperatures) or poor (p below
    /// `poorFitPValue`).
    public var warnings: [String] {
        if temperatures.count == 2 {
            return ["The Arrhenius lines a(T) and b(T) against 1/T go through two temperatures: two points are always on a line, so whether logit P(R|S,T) is Arrhenius-like cannot be tested (R² not given); use three or more temperatures."]
        }
        var warnings: [String] = []
        for (name, chi, p) in [("a(T)", interceptChiSquared, interceptLackOfFitP), ("b(T)", slopeChiSquared, slopeLackOfFitP)] {
            guard let chi, let p, p < Self.poorFitPValue else { continue }
            warnings.append(String(format: "%@ is not a straight line in 1/T within the errors of the logistic fits (χ²/dof = %.1f, lack-of-fit p = %.2g): ΔE_inf and Σ from it describe an average, not an Arrhenius law.", name, chi / Double(temperatures.count - 2), p))
        }
        return warnings
    }

    /// `count` softness values evenly spaced between the 2.5 % and 97.5 % quantiles (numpy's
    /// linear interpolation) of `softness` (paper Fig. 1b uses 15). Empty for count 0 or no data;
    /// the midpoint for count 1.
    public static func softnessGrid(_ softness: [Double], count: Int,
                                    lowerQuantile: Double = 0.025, upperQuantile: Double = 0.975) -> [Double] {
        guard count > 0, !softness.isEmpty else { return [] }
        let sorted = softness.sorted()
        return evenGrid(low: Statistics.sortedQuantile(sorted, lowerQuantile), high: Statistics.sortedQuantile(sorted, upperQuantile),
                        count: count)
    }

    static func evenGrid(low: Double, high: Double, count: Int) -> [Double] {
        guard count > 0 else { return [] }
        if count == 1 { return [(low + high) / 2] }
        return (0..<count).map { low + (high - low) * Double($0) / Double(count - 1) }
    }
}
