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

    /// The balanced training sample of Schoenholz et al. (2016): per frame (`.frame`) or pooled
    /// over every frame of the file, i.e. of its one temperature (`.temperature`), min(n₊, n₋)
    /// pairs of EACH class drawn at random (seeded), so the sample is exactly 50/50. Only frames
    /// whose index is a multiple of `every` take part. Under `.frame`, a frame with one class only
    /// adds nothing (`BalanceSummary.framesWithOneClass` counts them).
    public func balancedSample(seed: UInt64, every: Int = 1, scope: BalanceScope = .frame) -> BalancedSample {
        var generator = SplitMix64(seed: seed)
        let byFrame = pairsByFrame(every: every)
        var keep: [Int] = []
        var summary = BalanceSummary(frames: byFrame.count, framesWithOneClass: 0, kept: 0,
                                     naturalRearranging: 0, naturalQuiet: 0, scope: scope)
        var pooled: (plus: [Int], minus: [Int]) = ([], [])
        for key in byFrame.keys.sorted() {
            guard let (plus, minus) = byFrame[key] else { continue }
            summary.naturalRearranging += plus.count
            summary.naturalQuiet += minus.count
            if plus.isEmpty || minus.isEmpty { summary.framesWithOneClass += 1 }
            switch scope {
            case .frame:
                let n = min(plus.count, minus.count)
                keep += plus.shuffled(using: &generator).prefix(n) + minus.shuffled(using: &generator).prefix(n)
            case .temperature:
                pooled.plus += plus
                pooled.minus += minus
            }
        }
        if scope == .temperature {
            let n = min(pooled.plus.count, pooled.minus.count)
            keep = Array(pooled.plus.shuffled(using: &generator).prefix(n) + pooled.minus.shuffled(using: &generator).prefix(n))
        }
        summary.kept = keep.count / 2
        return BalancedSample(rows: keep.sorted(), summary: summary)
    }

    /// The pairs at `rows` (indices into this table).
    public func subset(_ rows: [Int]) -> LabelTable {
        LabelTable(frame: rows.map { frame[$0] }, particleID: rows.map { particleID[$0] }, label: rows.map { label[$0] },
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

    /// The pairs of frames whose index is a multiple of `every`.
    public func everyFrame(_ every: Int) -> LabelTable {
        subset(label.indices.filter { frame[$0] % max(every, 1) == 0 })
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

/// Where a balanced sample is balanced: within each frame, or over all frames of the file (one
/// temperature).
public enum BalanceScope: String, Sendable, CaseIterable {
    case frame, temperature
}

/// A balanced sample of a labels table: its rows (sorted indices) and what it kept.
public struct BalancedSample: Sendable, Equatable {
    /// Indices into the labels table, ascending.
    public var rows: [Int]
    /// The classes kept and the natural counts they were drawn from.
    public var summary: BalanceSummary
}

/// The classes of a balanced sample (`LabelTable.balancedSample`): always as many rearranging as
/// quiet pairs; what the frames held naturally; frames that could not contribute.
public struct BalanceSummary: Sendable, Equatable {
    /// Frames taking part (with labelled pairs, index a multiple of `every`).
    public var frames: Int
    /// Of those, frames with one class only (under `.frame` they add nothing).
    public var framesWithOneClass: Int
    /// Pairs kept per class (rearranging = quiet = `kept`).
    public var kept: Int
    /// Rearranging and quiet pairs of those frames, before balancing (the natural population).
    public var naturalRearranging: Int, naturalQuiet: Int
    /// Per frame or per temperature.
    public var scope: BalanceScope

    /// Fraction R = +1 of the natural population (NaN without pairs).
    public var naturalRearrangingFraction: Double {
        naturalRearranging + naturalQuiet > 0 ? Double(naturalRearranging) / Double(naturalRearranging + naturalQuiet) : .nan
    }

    /// "kept 120 rearranging and 120 quiet pairs (balanced per frame) of 8 frames; natural
    /// population 120 rearranging, 1800 quiet (6.2% R = +1)".
    public var description: String {
        "kept \(kept) rearranging and \(kept) quiet pairs (balanced per \(scope.rawValue)) of \(frames) frames; natural population \(naturalRearranging) rearranging, \(naturalQuiet) quiet ("
            + String(format: "%.1f", 100 * naturalRearrangingFraction) + "% R = +1)"
    }

    /// Why the sample is smaller than it could be or empty, nil when nothing is lost.
    public var warning: String? {
        if kept == 0 { return "no balanced sample: the frames hold \(naturalRearranging) rearranging and \(naturalQuiet) quiet pairs (one class only)" }
        guard scope == .frame, framesWithOneClass > 0 else { return nil }
        return "\(framesWithOneClass) of \(frames) frames have one class only and add nothing to the per-frame balanced sample; --balance-by temperature pools the frames"
    }
}
