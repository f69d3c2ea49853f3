import Foundation
import HDF5
import ParticleTable
import Structure
import Trajectory

/// Parameters of the p_hop rearrangement labels (Candelier, Dauchot & Biroli 2009, as used by
/// Schoenholz et al. 2016; DESIGN.md §2). Windows are in frames of the trajectory.
public struct PhopLabelSettings: Sendable, Equatable {
    /// h = t_R/2 in frames: windows A = [t − h, t] and B = [t, t + h].
    public var halfWindow: Int
    /// p_c in length² units: R = +1 where p_hop > p_c.
    public var threshold: Double
    /// q in frames: R = −1 only where p_hop ≤ p_c for every frame of [t − q, t + q].
    public var quietWindow: Int
    /// How unwrapped coordinates are obtained.
    public var unwrapping: Unwrapping

    /// How `label` gets unwrapped coordinates.
    public enum Unwrapping: String, Sendable, Equatable, CaseIterable {
        /// Unwrapped columns (`xu yu zu`), or wrapped ones with image flags; wrapped coordinates
        /// without flags are refused.
        case images
        /// Wrapped coordinates without image flags followed through the nearest image between
        /// frames (`MinimumImageUnwrapper`).
        case minimumImage = "minimum-image"
        /// The positions are unwrapped as stored (an H5MD file without an `image` element whose
        /// positions were written unwrapped).
        case asStored = "as-stored"
    }

    public init(halfWindow: Int = 5, threshold: Double = 0.2, quietWindow: Int = 10, unwrapping: Unwrapping = .images) {
        self.halfWindow = halfWindow
        self.threshold = threshold
        self.quietWindow = quietWindow
        self.unwrapping = unwrapping
    }
}

/// Computes p_hop on a trajectory, frame by frame, and writes the labels file.
public enum RearrangementLabelling {
    /// Timesteps between the first two frames of the trajectory at `path`, and the time between
    /// them when the file records time (H5MD `time`, LAMMPS `ITEM: TIME`); nil for one frame.
    public static func frameSpacing(of path: String) throws -> (timesteps: Int, time: Double?)? {
        var trajectory = try TrajectoryFormat.open(path: path)
        guard let first = try trajectory.nextFrame(), let second = try trajectory.nextFrame() else { return nil }
        var time: Double?
        if let t0 = first.time, let t1 = second.time { time = t1 - t0 }
        return (second.timestep - first.timestep, time)
    }

    /// A window given in time units as a whole number of frames `spacing` apart (time units per
    /// frame); nil when it is not within 1e-6 of a whole, positive (or, with `allowZero`, zero) number.
    public static func frames(forTime window: Double, spacing: Double, allowZero: Bool = false) -> Int? {
        let frames = window / spacing
        guard frames.isFinite, abs(frames - frames.rounded()) <= 1e-6 * max(1, frames) else { return nil }
        let whole = Int(frames.rounded())
        return whole > 0 || (allowZero && whole == 0) ? whole : nil
    }

    /// Summary of a labelling run.
    public struct Summary: Sendable {
        public var frames: Int
        public var particles: Int
        public var phopFrames: Int
        public var rearranging: Int
        public var quiet: Int
        /// Timesteps of repeated frames that were dropped (a restarted run dumped twice).
        public var repeatedTimesteps: [Int] = []
        /// Timesteps between consecutive frames (nil for a single frame).
        public var frameSpacing: Int?
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
        // The text reader parses a frame's atom lines on `threads` cores too.
        (trajectory as? LAMMPSDumpReader)?.parseThreads = threads
        var calculator: PhopCalculator?
        var ids: [Int64] = []
        var timesteps: [Int] = []
        var phop: [[Double]] = []
        var phopStored: [Float] = []   // /phop as written, row after row
        var firstPhopFrame = 0
        var frames = 0
        var unwrapper = MinimumImageUnwrapper()
        while let frame = try trajectory.nextFrame() {
            let positions: [SIMD3<Double>]
            switch settings.unwrapping {
            case .images: positions = try frame.unwrappedPositions()
            case .minimumImage: positions = try unwrapper.unwrap(frame)
            case .asStored: positions = frame.positions
            }
            if calculator == nil {
                calculator = try PhopCalculator(particleCount: frame.count, halfWindow: settings.halfWindow, threads: threads)
                ids = frame.ids
                firstPhopFrame = settings.halfWindow
            }
            // p_hop windows count frames: they mean a fixed time only on evenly spaced frames.
            if timesteps.count >= 2 {
                let spacing = timesteps[1] - timesteps[0], gap = frame.timestep - timesteps[timesteps.count - 1]
                if gap != spacing {
                    throw TrajectoryError(.malformed, file: path, frame: frame.index, timestep: frame.timestep,
                                          message: "frames are not evenly spaced: frame \(frame.index) at timestep \(frame.timestep) comes \(gap) timesteps after the previous frame, the first frames \(spacing) apart; p_hop windows are counted in frames, so label each evenly spaced part on its own (or resample the dump)")
                }
            }
            timesteps.append(frame.timestep)
            if let done = try calculator?.add(frame: positions) {
                phop.append(done.values)
                phopStored.append(contentsOf: done.values.lazy.map(Float.init))
            }
            frames += 1
            progress(frames)
        }
        guard frames > 0 else { throw TrajectoryError(.truncated, file: path, message: "holds no frames (an empty file?)") }
        guard frames > 2 * settings.halfWindow else {
            throw TrajectoryError(.malformed, file: path, message: "\(frames) frames are too few for p_hop with a half window of \(settings.halfWindow) frames (need more than \(2 * settings.halfWindow))")
        }
        let series = PhopSeries(firstFrame: firstPhopFrame, values: phop)
        phop = []
        // The labels are computed on another thread while /phop is compressed and written.
        let labelling = LabelsInBackground(series: series, settings: settings, ids: ids, timesteps: timesteps)

        let destination = AtomicFile(destination: output)
        do {
            let file = try File.create(destination.temporaryPath, mode: .truncate)
            try file.setAttribute("schema", .string(LabelTable.schema))
            try file.setAttribute("schema_version", .integer(1))
            try file.setAttribute("creator", .string("softness \(SoftnessVersion.current)"))
            try file.setAttribute("source", .string(path))
            try file.setAttribute("half_window_frames", .integer(settings.halfWindow))
            try file.setAttribute("threshold_p_c", .real(settings.threshold))
            try file.setAttribute("quiet_window_frames", .integer(settings.quietWindow))
            if settings.unwrapping != .images { try file.setAttribute("unwrap", .string(settings.unwrapping.rawValue)) }
            if timesteps.count >= 2 { try file.setAttribute("frame_spacing_timesteps", .integer(timesteps[1] - timesteps[0])) }
            try file.setAttribute("definition", .string("p_hop(i,t) = sqrt(<(r_i - <r_i>_B)^2>_A <(r_i - <r_i>_A)^2>_B), A = [t-h, t], B = [t, t+h] frames; R = +1 if p_hop > p_c; R = -1 if p_hop <= p_c on all of [t-q, t+q]"))
            let phopCount = series.values.count
            try file.createDataset("phop", values: phopStored, shape: [phopCount, ids.count],
                                   options: DatasetOptions(chunks: [1, ids.count], deflateLevel: 4, shuffle: true))
            phopStored = []
            try file.createDataset("phop_frame", values: (0..<phopCount).map { Int64(firstPhopFrame + $0) })
            try file.createDataset("particle_ids", values: ids)
            let columns = try labelling.wait()
            let options = DatasetOptions.rowChunked(1 << 16, deflateLevel: 1)
            try file.createDataset("frame", values: columns.frame, options: options)
            try file.createDataset("timestep", values: columns.timestep, options: options)
            try file.createDataset("particle_id", values: columns.particleID, options: options)
            try file.createDataset("labels", values: columns.label, options: options)
            try file.closeAfterWriting()
        } catch {
            throw destination.abandon(after: error)
        }
        try destination.publish()
        let columns = try labelling.wait()
        let rearranging = columns.label.lazy.filter { $0 > 0 }.count
        return Summary(frames: frames, particles: ids.count, phopFrames: series.values.count, rearranging: rearranging,
                       quiet: columns.label.count - rearranging, repeatedTimesteps: (trajectory as? LAMMPSDumpReader)?.repeatedTimesteps ?? [],
                       frameSpacing: timesteps.count >= 2 ? timesteps[1] - timesteps[0] : nil)
    }
}

/// `RearrangementLabeler.labels(for:)` and the label columns of the labels file, computed on a
/// background thread; `wait()` returns them (or rethrows the labeller's error).
private final class LabelsInBackground: @unchecked Sendable {
    struct Columns {
        var frame: [Int64]
        var timestep: [Int64]
        var particleID: [Int64]
        var label: [Int8]
    }

    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Columns, Error>?
    /// Only touched by the thread that calls `wait()`.
    private var waited = false

    init(series: PhopSeries, settings: PhopLabelSettings, ids: [Int64], timesteps: [Int]) {
        DispatchQueue.global().async { [self] in
            result = Result {
                let labels = try RearrangementLabeler(threshold: settings.threshold, quietWindow: settings.quietWindow).labels(for: series)
                return Columns(frame: labels.map { Int64($0.frame) }, timestep: labels.map { Int64(timesteps[$0.frame]) },
                               particleID: labels.map { ids[$0.particle] }, label: labels.map(\.label))
            }
            done.signal()
        }
    }

    /// Blocks until the labels are ready (any number of calls).
    func wait() throws -> Columns {
        if !waited {
            done.wait()
            waited = true
        }
        return try result!.get()
    }
}
