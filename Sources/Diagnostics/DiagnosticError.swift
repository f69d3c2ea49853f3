import Learning

/// Every error the `Diagnostics` module throws.
///
/// `description` says what is wrong with the data or options and what to change, in terms a
/// physicist running the pipeline can act on.
public enum DiagnosticError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An array that must have one entry per row (or per feature) has the wrong length.
    case lengthMismatch(name: String, expected: Int, actual: Int)
    /// The feature matrix has no columns (d = 0).
    case noFeatures
    /// The input has no rows at all.
    case noRows
    /// A NaN or infinite feature value.
    case nonFiniteFeature(row: Int, column: Int, name: String)
    /// A NaN or infinite value in a per-row array ("temperature", "energyBarrier", "softness" …).
    case nonFiniteValue(name: String, row: Int, value: Double)
    /// A label that is not +1 or −1.
    case invalidLabel(row: Int, value: Double)
    /// A temperature ≤ 0 (Arrhenius fits use 1/T).
    case invalidTemperature(row: Int, value: Double)
    /// No row is marked as a training row.
    case noTrainingRows
    /// No row is marked as a test row (P(R|S,T) and the Arrhenius fit use test rows only).
    case emptyTestSplit
    /// Fewer training rows than d + 2 (d weights + intercept need more rows than parameters).
    case tooFewTrainingRows(needed: Int, actual: Int, features: Int)
    /// All training rows carry the same label.
    case singleClassInTraining(label: Double, rows: Int)
    /// A feature is constant on the training rows, so it cannot be standardized.
    case constantFeature(column: Int, name: String)
    /// The SVM regularization constant C is not finite and > 0.
    case invalidRegularization(Double)
    /// An option outside its valid range.
    case invalidOption(name: String, reason: String)
    /// The fitted SVM has all weights 0 (or non-finite), so the distance to the hyperplane is undefined.
    case degenerateModel(weightNorm: Double)
    /// A binned rearrangement table with inconsistent shapes or values.
    case invalidTable(reason: String)
    /// The temporary file of an out-of-core run's test rows could not be made, written or read.
    case temporaryFile(directory: String, reason: String)
    /// An error from the `Learning` module, passed through.
    case learning(LearningError)

    /// A message saying what is wrong and how to fix it.
    public var description: String {
        switch self {
        case let .lengthMismatch(name, expected, actual):
            return "\(name) has \(actual) entries but \(expected) are needed (one per row, or one per feature for feature names). Check that every per-row dataset covers the same rows."
        case .noFeatures:
            return "The feature matrix has no columns (d = 0). Select at least one structural feature."
        case .noRows:
            return "The input has no rows. Provide particles (rows) with features, labels and temperatures."
        case let .nonFiniteFeature(row, column, name):
            return "Feature \(name) (column \(column)) is NaN or infinite at row \(row). Repair or drop such rows (e.g. particles whose neighbourhood could not be computed) before running the diagnostic."
        case let .nonFiniteValue(name, row, value):
            return "\(name) is \(value) at row \(row); every value must be finite. Repair or drop that row."
        case let .invalidLabel(row, value):
            return "Label \(value) at row \(row) is not +1 (rearranges) or -1 (does not). Map labels to ±1 first (e.g. p_hop > p_c → +1)."
        case let .invalidTemperature(row, value):
            return "Temperature \(value) at row \(row) is not > 0; the Arrhenius fit uses 1/T. Use absolute temperatures in consistent units."
        case .noTrainingRows:
            return "No row is marked as a training row. Mark the rows the SVM should learn from (split = 0)."
        case .emptyTestSplit:
            return "No row is marked as a test row. P(R|S,T), the Arrhenius fit and the accuracy are measured on held-out test rows (split = 1); hold out some rows at every temperature."
        case let .tooFewTrainingRows(needed, actual, features):
            return "Only \(actual) training rows for \(features) features; at least d + 2 = \(needed) are needed (more, in practice: the paper shows that ~10^3 rows already bias ΔE_inf by ~15%). Add training rows or select fewer features."
        case let .singleClassInTraining(label, rows):
            return "All \(rows) training rows have label \(label); the SVM needs both rearranging (+1) and non-rearranging (-1) examples. Check the p_hop threshold, the time window, or balance the training set."
        case let .constantFeature(column, name):
            return "Feature \(name) (column \(column)) is constant on the training rows, so it cannot be standardized and carries no information. Drop it."
        case let .invalidRegularization(c):
            return "The SVM constant C must be finite and > 0 (got \(c)). scikit-learn's LinearSVC default is C = 1."
        case let .invalidOption(name, reason):
            return "Invalid option \(name): \(reason)."
        case let .degenerateModel(norm):
            return "The fitted SVM hyperplane has weight norm \(norm), so softness (distance to the hyperplane) is undefined. The features carry no signal for the labels at this C; check the labels or increase C."
        case let .invalidTable(reason):
            return "Invalid binned rearrangement table: \(reason)."
        case let .temporaryFile(directory, reason):
            return "The temporary file of the test rows in \(directory) (TMPDIR): \(reason). Point TMPDIR at a directory with room for about 24 bytes per test row, or raise --memory so that they stay in memory."
        case let .learning(error):
            return error.description
        }
    }
}

/// Runs a `Learning` call, wrapping its error as `DiagnosticError.learning`.
@inline(__always)
package func learning<T>(_ body: () throws(LearningError) -> T) throws(DiagnosticError) -> T {
    do { return try body() } catch { throw DiagnosticError.learning(error) }
}
