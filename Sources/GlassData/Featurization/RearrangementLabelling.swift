import Foundation
import HDF5
import Structure

/// Parameters of the p_hop rearrangement labels (Candelier, Dauchot & Biroli 2009, as used by
/// Schoenholz et al. 2016; DESIGN.md §2). Windows are in frames of the trajectory.
public struct PhopLabelSettings: Sendable, Equatable {
    /// h = t_R/2 in frames: windows A = [t − h, t] and B = [t, t + h].
    public var halfWindow: Int
    /// p_c in length² units: R = +1 where p_hop > p_c.
    public var threshold: Double
    /// q in frames: R = −1 only where p_hop ≤ p_c for every frame of [t − q, t + q].
    public var quietWindow: Int

    public init(halfWindow: Int = 5, threshold: Double = 0.2, quietWindow: Int = 10) {
        self.halfWindow = halfWindow
        self.threshold = threshold
        self.quietWindow = quietWindow
    }
}

/// Labels of (frame, particle) pairs read from or written to a labels file.
public struct LabelTable: Sendable, Equatable {
    /// Frame index in the trajectory (from 0).
    public var frame: [Int]
    public var particleID: [Int64]
    /// +1 rearranges, −1 stays quiet.
    public var label: [Int8]

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
        return LabelTable(frame: keep.map { frame[$0] }, particleID: keep.map { particleID[$0] }, label: keep.map { label[$0] })
    }

    /// The pairs of frames whose index is a multiple of `every`.
    public func everyFrame(_ every: Int) -> LabelTable {
        let keep = label.indices.filter { frame[$0] % max(every, 1) == 0 }
        return LabelTable(frame: keep.map { frame[$0] }, particleID: keep.map { particleID[$0] }, label: keep.map { label[$0] })
    }

    /// Reads `/frame`, `/particle_id`, `/labels` of a labels file written by `softness label`.
    public static func read(path: String) throws -> LabelTable {
        let file = try File.open(path)
        defer { file.close() }
        guard (try file.attribute("schema"))?.stringValue == schema else {
            throw ParticleTableError.notAParticleTable(file: path, problems: [SchemaProblem(path: "/", message: "not a labels file (root attribute schema should be '\(schema)'; write one with `softness label`)")])
        }
        let table = LabelTable(frame: try file.dataset("frame").read(as: Int.self),
                               particleID: try file.dataset("particle_id").read(as: Int64.self),
                               label: try file.dataset("labels").read(as: Int8.self))
        guard table.frame.count == table.label.count, table.particleID.count == table.label.count else {
            throw ParticleTableError.inconsistentBlock(file: path, message: "/frame, /particle_id and /labels differ in length")
        }
        return table
    }
}

/// Computes p_hop on a trajectory, frame by frame, and writes the labels file.
public enum RearrangementLabelling {
    /// Summary of a labelling run.
    public struct Summary: Sendable {
        public var frames: Int
        public var particles: Int
        public var phopFrames: Int
        public var rearranging: Int
        public var quiet: Int
    }

    /// Streams `trajectory` (unwrapped coordinates are required: `xu yu zu`, or wrapped with
    /// image flags), computes p_hop(i, t) for every frame with full windows, labels with
    /// `settings`, and writes `output`: `/frame`, `/timestep`, `/particle_id`, `/labels` (one entry
    /// per labelled pair, ordered by frame then particle), `/phop` float32 [frames, N] and
    /// `/phop_frame`, with the settings as root attributes. Writes atomically (temp + rename).
    public static func run(trajectory path: String, settings: PhopLabelSettings, output: String, overwrite: Bool = false,
                           threads: Int? = nil, progress: (Int) -> Void = { _ in }) throws -> Summary {
        if !overwrite && FileManager.default.fileExists(atPath: output) { throw ParticleTableError.outputExists(file: output) }
        var trajectory = try TrajectoryFormat.open(path: path)
        var calculator: PhopCalculator?
        var ids: [Int64] = []
        var timesteps: [Int] = []
        var phop: [[Double]] = []
        var firstPhopFrame = 0
        var frames = 0
        while let frame = try trajectory.nextFrame() {
            let positions = try frame.unwrappedPositions()
            if calculator == nil {
                calculator = try PhopCalculator(particleCount: frame.count, halfWindow: settings.halfWindow, threads: threads)
                ids = frame.ids
                firstPhopFrame = settings.halfWindow
            }
            timesteps.append(frame.timestep)
            if let done = try calculator?.add(frame: positions) { phop.append(done.values) }
            frames += 1
            progress(frames)
        }
        guard frames > 2 * settings.halfWindow else {
            throw TrajectoryError(.malformed, file: path, message: "\(frames) frames are too few for p_hop with a half window of \(settings.halfWindow) frames (need more than \(2 * settings.halfWindow))")
        }
        let series = PhopSeries(firstFrame: firstPhopFrame, values: phop)
        let labels = try RearrangementLabeler(threshold: settings.threshold, quietWindow: settings.quietWindow).labels(for: series)

        let url = URL(fileURLWithPath: output)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let file = try File.create(temporary, mode: .truncate)
        do {
            try file.setAttribute("schema", .string(LabelTable.schema))
            try file.setAttribute("schema_version", .integer(1))
            try file.setAttribute("creator", .string("softness \(SoftnessVersion.current)"))
            try file.setAttribute("source", .string(path))
            try file.setAttribute("half_window_frames", .integer(settings.halfWindow))
            try file.setAttribute("threshold_p_c", .real(settings.threshold))
            try file.setAttribute("quiet_window_frames", .integer(settings.quietWindow))
            try file.setAttribute("definition", .string("p_hop(i,t) = sqrt(<(r_i - <r_i>_B)^2>_A <(r_i - <r_i>_A)^2>_B), A = [t-h, t], B = [t, t+h] frames; R = +1 if p_hop > p_c; R = -1 if p_hop <= p_c on all of [t-q, t+q]"))
            let options = DatasetOptions.rowChunked(1 << 16)
            try file.createDataset("frame", values: labels.map { Int64($0.frame) }, options: options)
            try file.createDataset("timestep", values: labels.map { Int64(timesteps[$0.frame]) }, options: options)
            try file.createDataset("particle_id", values: labels.map { ids[$0.particle] }, options: options)
            try file.createDataset("labels", values: labels.map(\.label), options: options)
            try file.createDataset("phop", values: phop.flatMap { $0.map(Float.init) }, shape: [phop.count, ids.count],
                                   options: DatasetOptions(chunks: [1, ids.count], deflateLevel: 4, shuffle: true))
            try file.createDataset("phop_frame", values: (0..<phop.count).map { Int64(firstPhopFrame + $0) })
            try file.createDataset("particle_ids", values: ids)
            file.close()
        } catch {
            file.close()
            throw error
        }
        guard rename(temporary, output) == 0 else {
            throw ParticleTableError.inconsistentBlock(file: output, message: "cannot move the labels file into place: \(String(cString: strerror(errno)))")
        }
        let rearranging = labels.filter { $0.label > 0 }.count
        return Summary(frames: frames, particles: ids.count, phopFrames: phop.count, rearranging: rearranging, quiet: labels.count - rearranging)
    }
}
