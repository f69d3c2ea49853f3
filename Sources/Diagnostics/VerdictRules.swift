/// Every threshold behind a verdict or a warning of softness, in one place (README, "Reading the
/// verdict"). The CLI, the validator and the results files take their numbers from here.
public enum VerdictRules {
    /// |slope − 1| of ΔE_inf on the true ΔE at or below this counts as "the barrier was learned"
    /// (DESIGN.md §1 item 7). 0.03 is the spread of the slope over seeds at N = 10^4–10^6 in
    /// RESULTS.md, so a slope outside it is a real bias, not noise.
    public static let slopeTolerance = 0.03

    /// A minority class below this fraction of the rows (beyond 80/20) at a temperature: in the
    /// training rows the SVM learns the base rate (validate refuses, diagnose warns); in the
    /// test rows the logistic fit rests on the few minority rows (diagnose warns).
    public static let imbalanceLimit = 0.2

    /// Fewer rows than this in either class at a test temperature make its logistic fit
    /// unreliable: a(T) and b(T) are two parameters, and logistic regression needs about ten
    /// events per parameter (Peduzzi et al., J. Clin. Epidemiol. 49, 1373 (1996)).
    public static let minimumRowsPerClass = 20

    /// A line against 1/T with lack-of-fit p below this (χ² test with the fits' own errors) is
    /// called poor: the verdict and the results say so.
    public static let poorFitPValue = 0.01

    /// Feature elimination recommends the fewest features that stay within this many bootstrap
    /// standard errors (the peak's) of the peak of Var(ΔE_inf) (paper Sec. V).
    public static let rfeStandardErrors = 2.0

    /// A recommended feature set chosen in fewer than this fraction of the bootstrap replicates
    /// is reported as unstable.
    public static let rfeStableFraction = 0.8

    /// Largest P_R for which ln P_R stands in for logit P_R without a warning. The two differ by
    /// −ln(1 − P_R): 0.22 at P_R = 0.2, growing without bound towards 1, so above this the ln P_R
    /// response (Schoenholz 2016, valid for P_R ≪ 1) no longer has the Arrhenius form of the
    /// paper's Eq. 4 and `BinnedArrhenius.fit` warns, naming the largest fitted P_R and where it is.
    public static let logProbabilityLimit = 0.2

    /// The rules by name, for `--json` and the results files.
    public static var table: [String: Double] {
        ["slope_tolerance": slopeTolerance, "imbalance_limit": imbalanceLimit,
         "minimum_rows_per_class": Double(minimumRowsPerClass), "poor_fit_p": poorFitPValue,
         "rfe_standard_errors": rfeStandardErrors, "rfe_stable_fraction": rfeStableFraction,
         "log_probability_limit": logProbabilityLimit]
    }
}
