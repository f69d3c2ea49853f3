/// Errors of turning trajectories into tables (featurize, join, the parameters a table records)
/// that are not about one file's contents.
public enum TrajectoryTableError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `join` was given no tables.
    case noInputs(output: String)
    /// Tables to join have different feature columns.
    case featureNamesDiffer(file: String, reference: String)
    /// The structure-function parameters a table was featurized with cannot be read back.
    case unrecoverableStructure(file: String, reason: String)

    public var description: String {
        switch self {
        case .noInputs(let output):
            return "\(output): no input tables to join"
        case .featureNamesDiffer(let file, let reference):
            return "\(file): its feature names differ from those of \(reference); featurize every run with the same parameters"
        case .unrecoverableStructure(let file, let reason):
            return "\(file): cannot recover the structure-function parameters it was featurized with: \(reason)"
        }
    }
}
