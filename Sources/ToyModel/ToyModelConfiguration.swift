// Toy model of the seed paper (Sec. II, Eqs. 2–4; Appendix A) — configuration and validation.
//
// The data layout produced by `ToyGenerator` is fixed by this configuration alone:
// for each temperature T in `temperatures` (in the given order), first `trainingRows` training rows
// (split = 0) if T is one of `trainingTemperatures`, then `testRows` test rows (split = 1).

import Foundation

/// Which toy data set to generate (paper Sec. II and Appendix A).
///
/// All variants draw x ~ N(0, 1)^n (paper Eq. 2), set the true barrier ΔE = Σ_j α_j x_j (Eq. 3) and
/// draw the label R ∈ {+1, −1} with P(R = +1 | x) = e^{−ΔE/T} / (1 + e^{−ΔE/T}) (Eq. 4).
public enum ToyVariant: String, CaseIterable, Sendable, Codable {
    /// Eqs. 2–4 as written: ΔE is symmetric around zero, so the classes are balanced on average.
    case symmetric
    /// Appendix A / Fig. 7: ΔE = Σ_j α_j x_j + 2·sqrt(Σ_j α_j²) (mean two standard deviations above
    /// zero); rows with ΔE < 0 are discarded; the kept rows are balanced exactly 50/50 between
    /// R = +1 and R = −1 by subsampling the majority class. The features are still the x's.
    case positive
    /// Sec. II ("spurious, correlated input terms", Figs. 4–5): the features are (x_1..x_n, z_1..z_n)
    /// with z_j = x_j² · Σ_k x_k. ΔE and R depend on the x's only (Eqs. 3–4).
    case spurious
}

/// Everything that determines a toy data set (paper Sec. II, Eqs. 2–4; Appendix A).
///
/// Two configurations that compare equal produce bit-identical data, whatever the number of threads
/// or the block sizes used to generate it.
public struct ToyModelConfiguration: Sendable, Equatable, Codable {
    /// Which variant of the model (symmetric, positive barriers, spurious correlated inputs).
    public var variant: ToyVariant
    /// Number of dimensions x_j with α_j = `alpha` (paper: n = 10). Must be ≥ 1.
    public var relevantDimensions: Int
    /// Number of extra dimensions x_j with α_j = 0 (pure noise features). Must be ≥ 0.
    public var noiseDimensions: Int
    /// Coefficient α_j of every relevant dimension in ΔE = Σ_j α_j x_j (paper Eq. 3; paper: 1.2).
    public var alpha: Double
    /// Temperatures T, in output order. Each must be finite and > 0; no duplicates.
    public var temperatures: [Double]
    /// Temperatures (each exactly equal to one of `temperatures`) at which `trainingRows` training rows are produced.
    public var trainingTemperatures: [Double]
    /// Training rows (split = 0) per training temperature.
    public var trainingRows: Int
    /// Test rows (split = 1) per temperature.
    public var testRows: Int
    /// Seed of the counter-based random streams. Same seed → same data.
    public var seed: UInt64

    /// Creates a configuration. Arguments left out take the paper defaults of
    /// `defaults(for: variant)`; `noiseDimensions` defaults to 4, or 0 for `.spurious`.
    public init(
        variant: ToyVariant = .symmetric,
        relevantDimensions: Int = 10,
        noiseDimensions: Int? = nil,
        alpha: Double = 1.2,
        temperatures: [Double] = [0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0],
        trainingTemperatures: [Double] = [0.4],
        trainingRows: Int = 10_000,
        testRows: Int = 10_000,
        seed: UInt64 = 1
    ) {
        self.variant = variant
        self.relevantDimensions = relevantDimensions
        self.noiseDimensions = noiseDimensions ?? (variant == .spurious ? 0 : 4)
        self.alpha = alpha
        self.temperatures = temperatures
        self.trainingTemperatures = trainingTemperatures
        self.trainingRows = trainingRows
        self.testRows = testRows
        self.seed = seed
    }

    /// The paper's defaults for a variant: 10 relevant dimensions with α = 1.2 (Sec. II), 4 noise
    /// dimensions (0 for `.spurious`, which gives the paper's 2·10 = 20 features), temperatures
    /// [0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0], training at T = 0.4, 10 000 training rows and 10 000
    /// test rows per temperature, seed 1.
    public static func defaults(for variant: ToyVariant) -> ToyModelConfiguration {
        ToyModelConfiguration(variant: variant)
    }

    /// Number of x dimensions n = relevant + noise (paper Eq. 2).
    public var dimensions: Int { relevantDimensions + noiseDimensions }

    /// Number of feature columns: n, or 2n for `.spurious` (x's followed by z's).
    public var featureCount: Int { variant == .spurious ? 2 * dimensions : dimensions }

    /// Column names: "x01"…"x14" (zero-padded to at least two digits), followed by "z01"… for
    /// `.spurious`. Relevant dimensions come first, then noise dimensions.
    public var featureNames: [String] {
        let n = dimensions
        let width = max(2, String(max(n, 1)).count)
        func name(_ prefix: String, _ j: Int) -> String {
            let digits = String(j)
            return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var names = (0..<max(n, 0)).map { name("x", $0 + 1) }
        if variant == .spurious { names += (0..<max(n, 0)).map { name("z", $0 + 1) } }
        return names
    }

    /// Total number of rows: trainingRows × (number of training temperatures)
    /// + testRows × (number of temperatures). Saturates at `Int.max` for absurd inputs
    /// (which `validate()` rejects).
    public var totalRows: Int {
        let (a, o1) = max(trainingRows, 0).multipliedReportingOverflow(by: trainingTemperatures.count)
        let (b, o2) = max(testRows, 0).multipliedReportingOverflow(by: temperatures.count)
        let (s, o3) = a.addingReportingOverflow(b)
        return (o1 || o2 || o3) ? Int.max : s
    }

    /// True coefficient of each feature column in ΔE (paper Eq. 3): α for the relevant x's,
    /// 0 for noise x's and for every z column. (For `.positive`, ΔE additionally contains the
    /// constant `barrierShift`.)
    public var trueWeights: [Double] {
        var w = [Double](repeating: alpha, count: relevantDimensions)
        w += [Double](repeating: 0, count: noiseDimensions)
        if variant == .spurious { w += [Double](repeating: 0, count: dimensions) }
        return w
    }

    /// Constant added to ΔE: 2·sqrt(Σ_j α_j²) = 2·|α|·sqrt(relevantDimensions) for `.positive`
    /// (Appendix A: mean of ΔE two standard deviations above zero), 0 otherwise.
    public var barrierShift: Double {
        variant == .positive ? 2 * (alpha * alpha * Double(relevantDimensions)).squareRoot() : 0
    }

    /// Checks the configuration and throws the first problem found as a `ToyModelError`.
    ///
    /// Rejected: relevantDimensions < 1, noiseDimensions < 0, non-finite α, empty temperature list,
    /// temperatures ≤ 0 or non-finite, duplicate temperatures, a training temperature that is not
    /// in `temperatures` (or listed twice), negative row counts, zero rows in total, and a row
    /// total that overflows `Int`.
    public func validate() throws(ToyModelError) {
        if relevantDimensions < 1 { throw .invalidRelevantDimensions(relevantDimensions) }
        if noiseDimensions < 0 { throw .invalidNoiseDimensions(noiseDimensions) }
        if dimensions.multipliedReportingOverflow(by: 2).overflow { throw .invalidNoiseDimensions(noiseDimensions) }
        if !alpha.isFinite { throw .invalidAlpha(alpha) }
        if temperatures.isEmpty { throw .emptyTemperatureList }
        for t in temperatures where !(t.isFinite && t > 0) { throw .invalidTemperature(t) }
        for i in temperatures.indices {
            for k in temperatures.indices where k > i && temperatures[k] == temperatures[i] {
                throw .duplicateTemperature(temperatures[i])
            }
        }
        for (i, t) in trainingTemperatures.enumerated() {
            guard t.isFinite, t > 0 else { throw .invalidTemperature(t) }
            guard temperatures.contains(t) else {
                throw .trainingTemperatureNotInList(t, available: temperatures)
            }
            if trainingTemperatures[..<i].contains(t) { throw .duplicateTemperature(t) }
        }
        if trainingRows < 0 { throw .negativeRowCount(name: "trainingRows", value: trainingRows) }
        if testRows < 0 { throw .negativeRowCount(name: "testRows", value: testRows) }
        if totalRows == Int.max { throw .tooManyRows }
        if totalRows == 0 {
            throw .noRows(trainingRows: trainingRows, trainingTemperatureCount: trainingTemperatures.count,
                          testRows: testRows)
        }
    }
}
