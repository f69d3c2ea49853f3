/// Errors of the workflows (label, featurize, join) that are not about one file's contents.
public enum WorkflowError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A parameter outside its range, named as on the command line.
    case invalidParameter(name: String, value: String, requirement: String)
    /// `join` was given no tables.
    case noInputs(output: String)
    /// Tables to join have different feature columns.
    case featureNamesDiffer(file: String, reference: String)
    /// A `--selection` recorded for other data (the input changed since `validate --balance`).
    case selectionForOtherData(source: String, input: String, recorded: String, actual: String)
    /// A `--selection` row outside the input.
    case selectionRowInvalid(source: String, row: Int, rows: Int)

    /// The structure-function parameters a table was featurized with cannot be read back.
    case unrecoverableStructure(file: String, reason: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let value, let requirement):
            return "\(name) must be \(requirement), got \(value)"
        case .noInputs(let output):
            return "\(output): no input tables to join"
        case .selectionForOtherData(let source, let input, let recorded, let actual):
            return "\(source): the selection was recorded for data with digest \(recorded), but \(input) now has \(actual); run `softness validate --balance` again"
        case .selectionRowInvalid(let source, let row, let rows):
            return "\(source): the selection holds row \(row), but the input has \(rows) rows; run `softness validate --balance` again"
        case .unrecoverableStructure(let file, let reason):
            return "\(file): cannot recover the structure-function parameters it was featurized with: \(reason)"
        case .featureNamesDiffer(let file, let reference):
            return "\(file): its feature names differ from those of \(reference); featurize every run with the same parameters"
        }
    }
}
