/// A results file that cannot be reported on, or a part of a run that does not have the shape
/// schemas/results-v2.md gives it.
public enum ReportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The results file has no runs.
    case noRuns(file: String)
    /// `--run NAME` names no run of the file.
    case unknownRun(file: String, run: String, available: [String])
    /// A dataset of a run has the wrong length or shape.
    case malformed(file: String, object: String, reason: String)
    /// The output directory exists and --force was not given.
    case outputExists(path: String)
    /// The output directory could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .noRuns(let file):
            return "\(file): the results file has no runs yet; run `softness diagnose`, `rfe`, `scan` or `arrhenius` first"
        case .unknownRun(let file, let run, let available):
            return "\(file): no run named '\(run)' (runs: \(available.joined(separator: ", ")))"
        case .malformed(let file, let object, let reason):
            return "\(file): \(object): \(reason)"
        case .outputExists(let path):
            return "\(path): output directory exists; pass --force to replace it"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write the report: \(reason)"
        }
    }
}
