/// Errors of the workflows (label, featurize, join) that are not about one file's contents.
public enum WorkflowError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A parameter outside its range, named as on the command line.
    case invalidParameter(name: String, value: String, requirement: String)
    /// `join` was given no tables.
    case noInputs(output: String)
    /// Tables to join have different feature columns.
    case featureNamesDiffer(file: String, reference: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let value, let requirement):
            return "\(name) must be \(requirement), got \(value)"
        case .noInputs(let output):
            return "\(output): no input tables to join"
        case .featureNamesDiffer(let file, let reference):
            return "\(file): its feature names differ from those of \(reference); featurize every run with the same parameters"
        }
    }
}
