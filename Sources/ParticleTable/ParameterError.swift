/// A setting outside its range, named as on the command line (`--every must be at least 1, got
/// 0`): the one error for parameter checks of every pipeline (featurize, join, convert, apply).
public enum ParameterError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `name` was given `value`, which is not `requirement`.
    case invalid(name: String, value: String, requirement: String)

    public var description: String {
        switch self {
        case .invalid(let name, let value, let requirement): return "\(name) must be \(requirement), got \(value)"
        }
    }
}
