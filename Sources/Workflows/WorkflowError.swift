/// Errors of loading a table for a diagnostic run that are not about one file's contents.
public enum WorkflowError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A `--selection` recorded for other data (the input changed since `validate --balance`).
    case selectionForOtherData(source: String, input: String, recorded: String, actual: String)
    /// A `--selection` row outside the input.
    case selectionRowInvalid(source: String, row: Int, rows: Int)
    /// A table that cannot be diagnosed out of core (or does not fit even so).
    case outOfCore(file: String, reason: String)

    public var description: String {
        switch self {
        case .selectionForOtherData(let source, let input, let recorded, let actual):
            return "\(source): the selection was recorded for data with digest \(recorded), but \(input) now has \(actual); run `softness validate --balance` again"
        case .selectionRowInvalid(let source, let row, let rows):
            return "\(source): the selection holds row \(row), but the input has \(rows) rows; run `softness validate --balance` again"
        case .outOfCore(let file, let reason):
            return "\(file): \(reason)"
        }
    }
}
