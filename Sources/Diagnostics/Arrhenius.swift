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
    /// Standard errors of ΔE_inf(S) and Σ(S), propagated from the logistic fits' covariances
    /// (see `ArrheniusFit.errorScale`); nil without them.
    public var deltaEError: Double? = nil
    public var sigmaError: Double? = nil
    /// χ² of the line in 1/T at this S against the errors of a(T) + b(T)·S (from the logistic
    /// fits' variances and covariance), and its lack-of-fit p-value with n − 2 degrees of
    /// freedom; nil without errors or with two temperatures.
    public var chiSquared: Double? = nil
    public var lackOfFitP: Double? = nil
}

/// Standard errors and covariances of the Arrhenius coefficients A0, A1, B0, B1.
public struct ArrheniusCoefficientErrors: Sendable, Equatable, Codable {
    /// Standard errors of A0, A1, B0, B1.
    public var a0: Double, a1: Double, b0: Double, b1: Double
    /// Cov(A1, B1) and Cov(A0, B0) (they enter ΔE_inf(S) and Σ(S)).
    public var a1b1: Double, a0b0: Double
    /// Factors sqrt(max(1, χ²/dof)) applied to the errors of the a(T) and of the b(T) line
    /// (1 when the line fits within the logistic errors or cannot be tested).
    public var interceptScale: Double, slopeScale: Double
}

/// The four coefficients of an Arrhenius fit, a(T) = A0 + A1/T and b(T) = B0 + B1/T (e.g. read
/// back from a run's `arrhenius` attributes), and the barrier and prefactor they imply.
public struct ArrheniusCoefficients: Sendable, Equatable, Codable {
    /// A0 (dimensionless), A1 (energy), B0 (per unit softness), B1 (energy per unit softness).
    public var a0, a1, b0, b1: Double

    /// Wraps the four coefficients.
    public init(a0: Double, a1: Double, b0: Double, b1: Double) {
        self.a0 = a0
        self.a1 = a1
        self.b0 = b0
        self.b1 = b1
    }

    /// ΔE_inf(S) = −(A1 + B1·S): inferred barrier at softness S (energy units).
    public func deltaE(_ s: Double) -> Double { -(a1 + b1 * s) }

    /// Σ(S) = A0 + B0·S: inferred entropic prefactor (log units) at softness S.
    public func sigma(_ s: Double) -> Double { a0 + b0 * s }
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
    /// Errors of A0, A1, B0, B1 propagated from the logistic fits' errors and covariances
    /// through the (unweighted) least-squares lines, each line's multiplied by
    /// sqrt(χ²/dof) when that exceeds 1 (lack of fit; the text and warnings say so); nil when
    /// the logistic errors are not given.
    public var errors: ArrheniusCoefficientErrors?
    /// The temperatures used (ascending).
    public var temperatures: [Double]
    /// ΔE_inf, Σ and the linearity R² on a grid of softness values.
    public var grid: [ArrheniusGridPoint]

    /// ΔE_inf(S) = −(A1 + B1·S): inferred barrier at softness S (energy units).
    public func deltaE(_ s: Double) -> Double { coefficients.deltaE(s) }

    /// Σ(S) = A0 + B0·S: inferred entropic prefactor (log units) at softness S.
    public func sigma(_ s: Double) -> Double { coefficients.sigma(s) }

    /// A0, A1, B0, B1 alone.
    public var coefficients: ArrheniusCoefficients { ArrheniusCoefficients(a0: a0, a1: a1, b0: b0, b1: b1) }

    /// Fits a(T) = A0 + A1/T and b(T) = B0 + B1/T by least squares and evaluates the grid;
    /// with the errors of a(T) and b(T), tests both lines for lack of fit.
    /// - Parameters:
    ///   - temperatures: T of each logistic fit (> 0, at least two distinct values).
    ///   - intercepts: a(T); - slopes: b(T); one per temperature.
    ///   - softnessGrid: S values at which to tabulate ΔE_inf, Σ and R².
    /// - Throws: `.lengthMismatch`, `.nonFiniteValue`, `.invalidTemperature`,
    ///   `.invalidOption` when fewer than two distinct temperatures are given.
    ///   - interceptErrors, slopeErrors: standard errors of a(T) and b(T), for the lack-of-fit test
    ///     and the coefficient errors; covariances: Cov(a(T), b(T)) (0 when not given).
    public init(temperatures: [Double], intercepts: [Double], slopes: [Double],
                softnessGrid: [Double] = [], interceptErrors: [Double]? = nil, slopeErrors: [Double]? = nil,
                covariances: [Double]? = nil) throws(DiagnosticError) {
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
        errors = Self.propagate(inverse: inverse, interceptErrors: interceptErrors, slopeErrors: slopeErrors,
                                covariances: covariances, interceptChiSquared: interceptChiSquared, slopeChiSquared: slopeChiSquared)
        let order = temperatures.indices.sorted { temperatures[$0] < temperatures[$1] }
        self.temperatures = order.map { temperatures[$0] }
        var grid: [ArrheniusGridPoint] = []
        grid.reserveCapacity(softnessGrid.count)
        for s in softnessGrid {
            let logits = (0..<n).map { intercepts[$0] + slopes[$0] * s }
            let r2 = testable ? LeastSquares.line(x: inverse, y: logits)?.rSquared ?? 1 : nil
            var point = ArrheniusGridPoint(softness: s, deltaE: -(a1 + b1 * s), sigma: a0 + b0 * s, r2: r2)
            if let sa = interceptErrors, let sb = slopeErrors, sa.count == n, sb.count == n,
               let line = LeastSquares.line(x: inverse, y: logits) {
                let cov = covariances.flatMap { $0.count == n ? $0 : nil } ?? [Double](repeating: 0, count: n)
                let pointErrors = (0..<n).map { max(0, sa[$0] * sa[$0] + s * s * sb[$0] * sb[$0] + 2 * s * cov[$0]).squareRoot() }
                (point.chiSquared, point.lackOfFitP) = lackOfFit(line, logits, pointErrors)
            }
            if let e = errors {
                point.deltaEError = max(0, e.a1 * e.a1 + s * s * e.b1 * e.b1 + 2 * s * e.a1b1).squareRoot()
                point.sigmaError = max(0, e.a0 * e.a0 + s * s * e.b0 * e.b0 + 2 * s * e.a0b0).squareRoot()
            }
            grid.append(point)
        }
        self.grid = grid
    }

    /// Builds the fit from per-temperature logistic fits.
    /// - Throws: as `init(temperatures:intercepts:slopes:softnessGrid:)`.
    public init(logistic: [TemperatureLogisticFit], softnessGrid: [Double] = []) throws(DiagnosticError) {
        try self.init(temperatures: logistic.map(\.temperature), intercepts: logistic.map(\.intercept),
                      slopes: logistic.map(\.slope), softnessGrid: softnessGrid,
                      interceptErrors: logistic.map(\.interceptError), slopeErrors: logistic.map(\.slopeError),
                      covariances: logistic.map(\.interceptSlopeCovariance))
    }

    /// Errors of the least-squares coefficients: with cᵢ = (xᵢ − x̄)/Sxx and dᵢ = 1/n − x̄cᵢ
    /// (x = 1/T), slope = Σcᵢyᵢ and intercept = Σdᵢyᵢ, so Var(A1) = Σcᵢ²σ_a,ᵢ²,
    /// Cov(A1, B1) = Σcᵢ² Cov(aᵢ, bᵢ), and so on; then each line's errors are scaled by
    /// sqrt(max(1, χ²/dof)) (the cross terms by the product of both factors).
    static func propagate(inverse x: [Double], interceptErrors: [Double]?, slopeErrors: [Double]?, covariances: [Double]?,
                          interceptChiSquared: Double?, slopeChiSquared: Double?) -> ArrheniusCoefficientErrors? {
        let n = x.count
        guard let sa = interceptErrors, let sb = slopeErrors, sa.count == n, sb.count == n,
              (sa + sb).allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let cov = covariances.flatMap { $0.count == n && $0.allSatisfy(\.isFinite) ? $0 : nil } ?? [Double](repeating: 0, count: n)
        let mean = x.reduce(0, +) / Double(n)
        let sxx = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        guard sxx > 0 else { return nil }
        let c = x.map { ($0 - mean) / sxx }, d = c.map { 1 / Double(n) - mean * $0 }
        func sum(_ f: (Int) -> Double) -> Double { (0..<n).reduce(0) { $0 + f($1) } }
        let dof = Double(n - 2)
        let fa = n > 2 ? max(1, (interceptChiSquared ?? 0) / dof) : 1
        let fb = n > 2 ? max(1, (slopeChiSquared ?? 0) / dof) : 1
        return ArrheniusCoefficientErrors(
            a0: (fa * sum { d[$0] * d[$0] * sa[$0] * sa[$0] }).squareRoot(), a1: (fa * sum { c[$0] * c[$0] * sa[$0] * sa[$0] }).squareRoot(),
            b0: (fb * sum { d[$0] * d[$0] * sb[$0] * sb[$0] }).squareRoot(), b1: (fb * sum { c[$0] * c[$0] * sb[$0] * sb[$0] }).squareRoot(),
            a1b1: (fa * fb).squareRoot() * sum { c[$0] * c[$0] * cov[$0] }, a0b0: (fa * fb).squareRoot() * sum { d[$0] * d[$0] * cov[$0] },
            interceptScale: fa.squareRoot(), slopeScale: fb.squareRoot())
    }

    /// The caveats the verdict names: two temperatures (untestable) or a poor line.
    public var caveats: [VerdictCaveat] {
        if temperatures.count == 2 {
            return [VerdictCaveat(kind: .untestableArrhenius, clause: "two temperatures only, so the Arrhenius law is untested")]
        }
        var poor = [("a(T)", interceptLackOfFitP), ("b(T)", slopeLackOfFitP)].compactMap { name, p -> String? in
            guard let p, p < VerdictRules.poorFitPValue else { return nil }
            return String(format: "%@ not linear in 1/T (p = %.2g)", name, p)
        }
        let poorGrid = grid.filter { ($0.lackOfFitP ?? 1) < VerdictRules.poorFitPValue }.count
        if poorGrid > 0 { poor.append("logit not linear in 1/T at \(poorGrid) of \(grid.count) S values") }
        return poor.isEmpty ? [] : [VerdictCaveat(kind: .poorArrheniusFit, clause: poor.joined(separator: ", ") + ", errors scaled")]
    }

    /// Warnings about the Arrhenius lines: untestable (two temperatures) or poor (p below
    /// `VerdictRules.poorFitPValue`).
    public var warnings: [String] {
        if temperatures.count == 2 {
            return ["The Arrhenius lines a(T) and b(T) against 1/T go through two temperatures: two points are always on a line, so whether logit P(R|S,T) is Arrhenius-like cannot be tested (R² not given); use three or more temperatures."]
        }
        var warnings: [String] = []
        for (name, chi, p) in [("a(T)", interceptChiSquared, interceptLackOfFitP), ("b(T)", slopeChiSquared, slopeLackOfFitP)] {
            guard let chi, let p, p < VerdictRules.poorFitPValue else { continue }
            let dof = Double(temperatures.count - 2)
            warnings.append(String(format: "%@ is not a straight line in 1/T within the errors of the logistic fits (χ²/dof = %.1f, lack-of-fit p = %.2g): ΔE_inf and Σ from it describe an average, not an Arrhenius law; their errors are multiplied by sqrt(χ²/dof) = %.2f.", name, chi / dof, p, (chi / dof).squareRoot()))
        }
        let poorGrid = grid.filter { ($0.lackOfFitP ?? 1) < VerdictRules.poorFitPValue }
        if !poorGrid.isEmpty {
            let s = poorGrid.map { String(format: "%.2f", $0.softness) }.joined(separator: ", ")
            warnings.append("logit P(R|S,T) is not a straight line in 1/T within the logistic errors at \(poorGrid.count) of \(grid.count) softness values (lack-of-fit p < \(VerdictRules.poorFitPValue) at S = \(s)).")
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
