import Foundation

/// Shard I of N (0-based): which trajectories one Slurm array task (or one `--shard I/N` run)
/// processes. Entries are dealt round-robin in key order, so the N shards cover every trajectory
/// exactly once, sizes differ by at most one, and the assignment depends only on the plan.
public struct ShardAssignment: Sendable, Equatable, CustomStringConvertible {
    /// This shard, 0..<count.
    public var index: Int
    /// Number of shards.
    public var count: Int

    /// The whole plan (shard 0 of 1).
    public static let whole = ShardAssignment(validIndex: 0, count: 1)

    private init(validIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Shard `index` of `count`.
    /// - Throws: `CampaignError.invalidShard` unless 0 ≤ index < count.
    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw CampaignError.invalidShard(text: "\(index)/\(count)", reason: "the number of shards must be at least 1") }
        guard index >= 0, index < count else {
            throw CampaignError.invalidShard(text: "\(index)/\(count)", reason: "the shard must be in 0...\(count - 1) (0-based)")
        }
        self.init(validIndex: index, count: count)
    }

    /// Parses `I/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let count = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw CampaignError.invalidShard(text: text, reason: "expected I/N, e.g. 0/4 (shard 0 of 4)")
        }
        try self.init(index: index, count: count)
    }

    /// The shard of a Slurm array task: `SLURM_ARRAY_TASK_ID` relative to
    /// `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT` (or MAX − MIN + 1) tasks; nil outside
    /// an array job. Arrays with a step (`--array=0-6:2`) are refused: their ids leave gaps.
    public static func fromSlurm(_ environment: [String: String]) throws -> ShardAssignment? {
        guard let idText = environment["SLURM_ARRAY_TASK_ID"] else { return nil }
        guard let id = Int(idText) else { throw CampaignError.invalidShard(text: "SLURM_ARRAY_TASK_ID=\(idText)", reason: "not an integer") }
        let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0
        var count = environment["SLURM_ARRAY_TASK_COUNT"].flatMap { Int($0) }
        if let maximum = environment["SLURM_ARRAY_TASK_MAX"].flatMap({ Int($0) }) {
            let span = maximum - minimum + 1
            if let given = count, given != span {
                throw CampaignError.invalidShard(text: "SLURM_ARRAY_TASK_MIN=\(minimum) MAX=\(maximum) COUNT=\(given)",
                                                 reason: "the array has gaps (a step or a list); submit a contiguous array such as --array=0-\(given - 1)")
            }
            count = span
        }
        guard let count else {
            throw CampaignError.invalidShard(text: "SLURM_ARRAY_TASK_ID=\(id)", reason: "neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is set")
        }
        return try ShardAssignment(index: id - minimum, count: count)
    }

    /// True when the entry at `position` (in key order) belongs to this shard.
    public func contains(position: Int) -> Bool { position % count == index }

    /// The entries of `plan` this shard processes.
    public func entries(of plan: CampaignPlan) -> [CampaignEntry] {
        plan.entries.enumerated().filter { contains(position: $0.offset) }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }
}
