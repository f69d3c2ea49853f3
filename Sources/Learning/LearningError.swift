/// Every error the `Learning` module throws.
///
/// Each case carries the offending index or value, and `description` says what was wrong and
/// what to do about it, so messages can be shown to users as they are.
public enum LearningError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `rows * columns` does not equal the number of values given to `DenseMatrix`.
    case sizeMismatch(rows: Int, columns: Int, valueCount: Int)
    /// A negative row or column count.
    case negativeDimension(rows: Int, columns: Int)
    /// A row or column index outside `0..<bound` (`axis` is "row" or "column").
    case indexOutOfRange(axis: String, index: Int, bound: Int)
    /// The data have no rows.
    case noRows
    /// The data have no feature columns.
    case noColumns
    /// The number of labels (or targets) differs from the number of rows.
    case labelCountMismatch(labels: Int, rows: Int)
    /// A label that is not +1 or -1 (also NaN/Inf labels).
    case invalidLabel(row: Int, value: Double)
    /// All labels are equal; a classifier needs both +1 and -1.
    case singleClass(label: Double)
    /// A NaN or infinite feature value (or target, for `LeastSquares`, with `column == -1`).
    case nonFiniteValue(row: Int, column: Int)
    /// A column whose population standard deviation is zero, so it cannot be standardized.
    case constantColumn(index: Int)
    /// The regularization constant C is not a finite positive number.
    case invalidRegularization(Double)
    /// An option outside its valid range (tolerance, iteration count, thread count …).
    case invalidOption(name: String, reason: String)
    /// The requested solver cannot optimize the requested loss.
    case lossNotSupportedBySolver(loss: SVMLoss, solver: LinearSVMSolver)
    /// A model, warm start or standardization built for `expected` columns met data with `actual`.
    case columnCountMismatch(expected: Int, actual: Int)
    /// Streamed training rows could not be read (the message names the file, dataset and row).
    case rowSource(message: String)

    /// A human-readable message saying what is wrong and how to fix it.
    public var description: String {
        switch self {
        case let .sizeMismatch(rows, columns, valueCount):
            return "Matrix size mismatch: \(rows) rows × \(columns) columns needs \(rows * columns) values, but \(valueCount) were given. Check the row/column counts or the flattened (row-major) value array."
        case let .negativeDimension(rows, columns):
            return "Matrix dimensions must be non-negative (got \(rows) rows, \(columns) columns)."
        case let .indexOutOfRange(axis, index, bound):
            return "\(axis.capitalized) index \(index) is out of range 0..<\(bound). Select only existing \(axis)s."
        case .noRows:
            return "The data have no rows. Provide at least one sample (and both classes for a classifier)."
        case .noColumns:
            return "The data have no feature columns. Select at least one feature."
        case let .labelCountMismatch(labels, rows):
            return "There are \(labels) labels/targets for \(rows) rows. Provide exactly one per row."
        case let .invalidLabel(row, value):
            return "Label \(value) at row \(row) is not +1 or -1. Map labels to +1 (rearranges) / -1 (does not) before fitting."
        case let .singleClass(label):
            return "All labels are \(label); a classifier needs both +1 and -1 samples. Check the labelling threshold or the row selection."
        case let .nonFiniteValue(row, column):
            if column < 0 {
                return "The target at row \(row) is NaN or infinite. Remove or repair that row before fitting."
            }
            return "Value at row \(row), column \(column) is NaN or infinite. Remove or repair such rows before fitting."
        case let .constantColumn(index):
            return "Column \(index) is constant on the training rows (standard deviation 0), so it cannot be standardized. Drop that feature or use more varied training rows."
        case let .invalidRegularization(c):
            return "The regularization constant C must be finite and > 0 (got \(c))."
        case let .invalidOption(name, reason):
            return "Invalid option \(name): \(reason)."
        case let .lossNotSupportedBySolver(loss, solver):
            return "The \(solver.rawValue) solver cannot optimize the \(loss.rawValue) loss. Use .dualCoordinateDescent (or .automatic) for the hinge loss."
        case let .columnCountMismatch(expected, actual):
            return "Expected data with \(expected) columns but got \(actual). Use the same feature columns the model (or standardization, or warm start) was built with."
        case let .rowSource(message):
            return message
        }
    }
}
