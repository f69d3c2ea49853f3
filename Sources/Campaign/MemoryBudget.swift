import Foundation

/// The memory bound of `softness batch --jobs J --memory LIMIT`: a file starts only when the
/// estimated memory of every file in progress plus its own stays within the limit, so J files at
/// once never ask for more than the machine (or the Slurm allocation) has. A file whose estimate
/// alone exceeds the limit runs by itself.
///
/// The estimate is from the file on disk: a label → featurize of a trajectory holds about twice
/// its uncompressed text in memory (positions of every frame for p_hop, the p_hop table, one
/// frame's features); gzip and Zstandard text is taken as 4× its compressed size, other files at their size.
public final class MemoryBudget: @unchecked Sendable {
    /// The limit in bytes.
    public let limit: Int
    private var inUse = 0
    private let condition = NSCondition()

    /// A budget of `limit` bytes (at least 1).
    public init(limit: Int) { self.limit = max(1, limit) }

    /// Bytes a file at `path` is expected to need (0 when its size cannot be read).
    public static func estimate(path: String) -> Int {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        let compressed = CampaignPlan.withoutCompressionSuffix(path) != path
        let text = compressed ? size.multipliedReportingOverflow(by: 4) : (size, false)
        let (need, overflow) = text.0.multipliedReportingOverflow(by: 2)
        return overflow || text.1 ? Int.max / 2 : need
    }

    /// Blocks until `bytes` fit beside the files in progress (or nothing else runs), then holds them.
    public func acquire(_ bytes: Int) {
        condition.lock()
        while !fits(bytes) { condition.wait() }
        inUse += bytes
        condition.unlock()
    }

    /// Holds `bytes` and returns true when they fit now (or nothing else runs); false otherwise.
    public func tryAcquire(_ bytes: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard fits(bytes) else { return false }
        inUse += bytes
        return true
    }

    private func fits(_ bytes: Int) -> Bool { inUse == 0 || inUse + bytes <= limit }

    /// Gives back what `acquire(_:)` held.
    public func release(_ bytes: Int) {
        condition.lock()
        inUse -= bytes
        condition.broadcast()
        condition.unlock()
    }
}
