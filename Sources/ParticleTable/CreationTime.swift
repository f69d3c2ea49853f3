import Foundation

/// The `created` time (ISO 8601, UTC, whole seconds) softness writes into the files it makes.
///
/// `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds.org convention) fixes it, so
/// that the same command on the same input gives the same bytes. `softness batch` omits it from
/// its outputs (its sidecars and summary carry the times instead): a resumed, repeated or sharded
/// campaign then reproduces every file byte for byte.
public enum CreationTime {
    /// What `stamp()` returns.
    public enum Policy: Sendable, Equatable {
        /// The current time, or `SOURCE_DATE_EPOCH` when set.
        case now
        /// No time (`stamp()` is nil; writers leave the attribute out).
        case omitted
    }

    /// Set once at the start of a process (the batch command), before any writer runs.
    nonisolated(unsafe) public static var policy: Policy = .now

    /// The time to record, nil under `.omitted`. A `SOURCE_DATE_EPOCH` that is not an integer is
    /// ignored (the current time is used), as reproducible-build tools do.
    public static func stamp(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard policy == .now else { return nil }
        let date = environment["SOURCE_DATE_EPOCH"].flatMap(Int64.init).map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
        return ISO8601DateFormatter().string(from: date)
    }
}
