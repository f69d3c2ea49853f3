import Foundation
import HDF5
import SeededRandom

/// Labels of (frame, particle) pairs read from or written to a labels file.
public struct LabelTable: Sendable, Equatable {
    /// Frame index in the trajectory (from 0).
    public var frame: [Int]
    /// Particle id (as in the trajectory) of each pair.
    public var particleID: [Int64]
    /// +1 rearranges, −1 stays quiet.
    public var label: [Int8]
    /// Simulation timestep of each labelled frame (from the labels file's `/timestep`), so the
    /// labels can be matched to the frames of a trajectory by time, not by position.
    public var frameTimesteps: [Int: Int64]
    /// The labels file these labels were read from, for messages (nil when built in memory).
    public var source: String?

    /// Labels from parallel arrays, one entry per (frame, particle) pair.
    public init(frame: [Int], particleID: [Int64], label: [Int8], frameTimesteps: [Int: Int64] = [:], source: String? = nil) {
        self.frame = frame
        self.particleID = particleID
        self.label = label
        self.frameTimesteps = frameTimesteps
        self.source = source
    }

    /// Schema name of labels files.
    public static let schema = "softness.labels"

    /// A seeded subset with, in every frame, all rearranging pairs and as many quiet pairs drawn
    /// at random (or all quiet pairs when there are fewer): the balanced training sets of
    /// Schoenholz et al. Frames without rearrangements keep none. Optionally only frames whose
    /// index is a multiple of `every`. A frame with fewer quiet than rearranging pairs stays
    /// unbalanced; `balanceSummary(every:)` says how many did and what fraction of the subset
    /// rearranges.
    public func balanced(seed: UInt64, every: Int = 1) -> LabelTable {
        var generator = SplitMix64(seed: seed)
        let rows = pairsByFrame(every: every)
        var keep: [Int] = []
        for key in rows.keys.sorted() {
            guard let (plus, minus) = rows[key] else { continue }
            keep += plus + minus.shuffled(using: &generator).prefix(plus.count)
        }
        keep.sort()
        return LabelTable(frame: keep.map { frame[$0] }, particleID: keep.map { particleID[$0] }, label: keep.map { label[$0] },
                          frameTimesteps: frameTimesteps, source: source)
    }

    /// The row indices of the rearranging and quiet pairs of every frame whose index is a
    /// multiple of `every`.
    private func pairsByFrame(every: Int) -> [Int: (plus: [Int], minus: [Int])] {
        var rows: [Int: (plus: [Int], minus: [Int])] = [:]
        for i in label.indices where frame[i] % max(every, 1) == 0 {
            if label[i] > 0 { rows[frame[i], default: ([], [])].plus.append(i) } else { rows[frame[i], default: ([], [])].minus.append(i) }
        }
        return rows
    }

    /// What `balanced(seed:every:)` keeps, class by class (the same for every seed: only which
    /// quiet pairs are drawn depends on it), and how many frames it could not balance.
    public func balanceSummary(every: Int = 1) -> BalanceSummary {
        var summary = BalanceSummary(framesWithRearrangements: 0, unbalancedFrames: 0, rearranging: 0, quiet: 0)
        for (plus, minus) in pairsByFrame(every: every).values where !plus.isEmpty {
            summary.framesWithRearrangements += 1
            if minus.count < plus.count { summary.unbalancedFrames += 1 }
            summary.rearranging += plus.count
            summary.quiet += min(minus.count, plus.count)
        }
        return summary
    }

    /// The pairs of frames whose index is a multiple of `every`.
    public func everyFrame(_ every: Int) -> LabelTable {
        let keep = label.indices.filter { frame[$0] % max(every, 1) == 0 }
        return LabelTable(frame: keep.map { frame[$0] }, particleID: keep.map { particleID[$0] }, label: keep.map { label[$0] },
                          frameTimesteps: frameTimesteps, source: source)
    }

    /// Reads `/frame`, `/particle_id`, `/labels` of a labels file written by `softness label`.
    public static func read(path: String) throws -> LabelTable {
        let file = try File.open(path)
        defer { file.close() }
        guard (try file.attribute("schema"))?.stringValue == schema else {
            throw ParticleTableError.notAParticleTable(file: path, problems: [SchemaProblem(path: "/", message: "not a labels file (root attribute schema should be '\(schema)'; write one with `softness label`)")])
        }
        var table = LabelTable(frame: try file.dataset("frame").read(as: Int.self),
                               particleID: try file.dataset("particle_id").read(as: Int64.self),
                               label: try file.dataset("labels").read(as: Int8.self), source: path)
        guard table.frame.count == table.label.count, table.particleID.count == table.label.count else {
            throw ParticleTableError.lengthMismatch(file: path, datasets: ["/frame", "/particle_id", "/labels"])
        }
        if file.isDataset("timestep") {
            let steps = try file.dataset("timestep").read(as: Int64.self)
            guard steps.count == table.frame.count else {
                throw ParticleTableError.lengthMismatch(file: path, datasets: ["/frame", "/timestep"])
            }
            for (frame, step) in zip(table.frame, steps) {
                if let known = table.frameTimesteps[frame], known != step {
                    throw ParticleTableError.blockMismatch(file: path, message: "/timestep: frame \(frame) has rows with timesteps \(known) and \(step)")
                }
                table.frameTimesteps[frame] = step
            }
        }
        return table
    }
}

/// The classes of a balanced selection of labels (`LabelTable.balanceSummary(every:)`): a frame
/// keeps all its rearranging pairs and at most as many quiet ones, so a frame with fewer quiet
/// than rearranging pairs leaves the selection tilted towards R = +1.
public struct BalanceSummary: Sendable, Equatable {
    /// Frames with at least one rearranging pair (the frames that keep pairs).
    public var framesWithRearrangements: Int
    /// Of those, the frames with fewer quiet than rearranging pairs (they keep every quiet pair
    /// and stay unbalanced).
    public var unbalancedFrames: Int
    /// Rearranging (R = +1) pairs kept.
    public var rearranging: Int
    /// Quiet (R = −1) pairs kept.
    public var quiet: Int

    /// A summary of these counts.
    public init(framesWithRearrangements: Int, unbalancedFrames: Int, rearranging: Int, quiet: Int) {
        self.framesWithRearrangements = framesWithRearrangements
        self.unbalancedFrames = unbalancedFrames
        self.rearranging = rearranging
        self.quiet = quiet
    }

    /// Whether every frame was balanced (1:1 in each frame and so overall).
    public var isBalanced: Bool { unbalancedFrames == 0 }

    /// Fraction of the kept pairs with R = +1: 0.5 when balanced, NaN when nothing is kept.
    public var rearrangingFraction: Double {
        rearranging + quiet > 0 ? Double(rearranging) / Double(rearranging + quiet) : .nan
    }

    /// "3 of 8 frames with rearrangements have fewer quiet than rearranging particles; the table
    /// is 61.2% R = +1 (…)", or nil when every frame was balanced.
    public var imbalance: String? {
        guard !isBalanced else { return nil }
        return "\(unbalancedFrames) of \(framesWithRearrangements) frames with rearrangements have fewer quiet than rearranging particles; "
            + "the table is \(String(format: "%.1f", 100 * rearrangingFraction))% R = +1 (\(rearranging) rearranging, \(quiet) quiet pairs)"
    }
}
