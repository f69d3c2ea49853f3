import HDF5
import SeededRandom

/// Labels of (frame, particle) pairs read from or written to a labels file.
public struct LabelTable: Sendable, Equatable {
    /// Frame index in the trajectory (from 0).
    public var frame: [Int]
    public var particleID: [Int64]
    /// +1 rearranges, −1 stays quiet.
    public var label: [Int8]
    /// Simulation timestep of each labelled frame (from the labels file's `/timestep`), so the
    /// labels can be matched to the frames of a trajectory by time, not by position.
    public var frameTimesteps: [Int: Int64]
    /// The labels file these labels were read from, for messages (nil when built in memory).
    public var source: String?

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
    /// index is a multiple of `every`.
    public func balanced(seed: UInt64, every: Int = 1) -> LabelTable {
        var generator = SplitMix64(seed: seed)
        var rows: [Int: (plus: [Int], minus: [Int])] = [:]
        for i in label.indices where frame[i] % max(every, 1) == 0 {
            if label[i] > 0 { rows[frame[i], default: ([], [])].plus.append(i) } else { rows[frame[i], default: ([], [])].minus.append(i) }
        }
        var keep: [Int] = []
        for key in rows.keys.sorted() {
            guard let (plus, minus) = rows[key] else { continue }
            keep += plus + minus.shuffled(using: &generator).prefix(plus.count)
        }
        keep.sort()
        return LabelTable(frame: keep.map { frame[$0] }, particleID: keep.map { particleID[$0] }, label: keep.map { label[$0] },
                          frameTimesteps: frameTimesteps, source: source)
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
