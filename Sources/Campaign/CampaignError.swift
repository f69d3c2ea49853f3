/// Errors of planning and running a campaign (`softness batch`). Every message names the file,
/// pattern or option at fault and what to do about it.
public enum CampaignError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The plan is neither a directory, a manifest, an existing file nor a glob with matches.
    case planNotFound(plan: String)
    /// The plan names no trajectory.
    case noTrajectories(plan: String, reason: String)
    /// A manifest or configuration file that cannot be read as its format.
    case malformedDocument(file: String, reason: String)
    /// A manifest or configuration entry with a wrong, unknown or out-of-range value.
    case invalidEntry(file: String, location: String, reason: String)
    /// `--temperature-from` is not a valid regular expression.
    case invalidTemperaturePattern(pattern: String, reason: String)
    /// No temperature could be found for a trajectory; `tried` lists the sources looked at.
    case temperatureNotFound(file: String, tried: [String])
    /// `--shard` is not I/N with 0 ≤ I < N, or the Slurm array variables are inconsistent.
    case invalidShard(text: String, reason: String)
    /// The batch's output folder or one of its files cannot be written.
    case cannotWrite(file: String, reason: String)
    /// A sidecar that is not a batch sidecar (or of another version).
    case malformedSidecar(file: String, reason: String)
    /// `--merge` found trajectories of the plan that no shard has finished.
    case mergeIncomplete(output: String, missing: [String])
    /// Two entries of the plan resolve to the same trajectory.
    case duplicateTrajectory(plan: String, path: String)

    public var description: String {
        switch self {
        case .planNotFound(let plan):
            return "\(plan): no such directory, manifest (.csv, .toml, .json) or trajectory, and no file matches it as a glob"
        case .noTrajectories(let plan, let reason):
            return "\(plan): no trajectories to process: \(reason)"
        case .malformedDocument(let file, let reason):
            return "\(file): cannot be read: \(reason)"
        case .invalidEntry(let file, let location, let reason):
            return "\(file): \(location): \(reason)"
        case .invalidTemperaturePattern(let pattern, let reason):
            return "--temperature-from '\(pattern)': not a regular expression: \(reason)"
        case .temperatureNotFound(let file, let tried):
            return "\(file): no temperature: \(tried.joined(separator: "; ")); give it in a manifest, with --temperature-from REGEX, or in a LAMMPS log beside the dump"
        case .invalidShard(let text, let reason):
            return "shard \(text): \(reason)"
        case .cannotWrite(let file, let reason):
            return "\(file): cannot write: \(reason)"
        case .malformedSidecar(let file, let reason):
            return "\(file): not a batch sidecar: \(reason) (remove it to process that trajectory again)"
        case .mergeIncomplete(let output, let missing):
            let shown = missing.prefix(5).joined(separator: ", ")
            return "\(output): \(missing.count) trajectories have no finished per-file output for the plan and settings as they are now (\(shown)\(missing.count > 5 ? ", …" : "")): not processed yet, or changed since; run the shards that hold them first"
        case .duplicateTrajectory(let plan, let path):
            return "\(plan): \(path) is listed twice"
        }
    }
}
