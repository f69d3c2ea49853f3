import ArgumentParser
import Foundation
import ParticleTable
import Structure
import TrajectoryTables

extension PhopLabelSettings.Unwrapping: ExpressibleByArgument {}

/// `softness label`.
struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rearrangement labels from p_hop on unwrapped coordinates (Candelier et al. 2009; Schoenholz et al. 2016).",
        discussion: "p_hop(i,t) = sqrt(<(r_i − <r_i>_B)²>_A · <(r_i − <r_i>_A)²>_B) with A = [t − h, t], B = [t, t + h] frames. R = +1 where p_hop > p_c; R = −1 where p_hop ≤ p_c for all of [t − q, t + q]; other pairs are left out.")

    @Argument(help: "Trajectory with unwrapped coordinates (xu yu zu, or x y z with ix iy iz), LAMMPS dump or H5MD.")
    var trajectory: String

    @OptionGroup(title: "Output (labels file)") var file: OutputFileOptions

    @Option(name: .customLong("half-window"), help: "h = t_R/2 in frames.")
    var halfWindow: Int = 5

    @Option(name: .customLong("p-c"), help: "Threshold p_c in length² units.")
    var threshold: Double = 0.2

    @Option(name: .customLong("quiet-window"), help: "q in frames: R = −1 needs p_hop ≤ p_c for all of [t − q, t + q].")
    var quietWindow: Int = 10

    @Option(name: .customLong("half-window-time"), help: "h in time units instead of frames (needs --dt, or times in the file); must be a whole number of frames.")
    var halfWindowTime: Double?

    @Option(name: .customLong("quiet-window-time"), help: "q in time units instead of frames (needs --dt, or times in the file).")
    var quietWindowTime: Double?

    @Option(help: "How to get unwrapped coordinates: images (xu yu zu, or image flags ix iy iz; the default), minimum-image (wrapped x y z without image flags, followed through the nearest image between frames; refused where a particle moves more than a quarter box length between frames) or as-stored (the positions are already unwrapped, e.g. H5MD written without an image element).")
    var unwrap: PhopLabelSettings.Unwrapping = .images

    @Option(help: "Time per timestep (e.g. 0.005 τ for LAMMPS lj units); with the dump's TIMESTEP it gives the time between frames.")
    var dt: Double?

    @OptionGroup(title: "Performance") var threads: ThreadOptions

    func validate() throws {
        guard halfWindow >= 1 else { throw ValidationError("--half-window must be at least 1 frame") }
        guard threshold > 0, threshold.isFinite else { throw ValidationError("--p-c must be positive") }
        guard quietWindow >= 0 else { throw ValidationError("--quiet-window must be zero or positive") }
        if let dt, !(dt.isFinite && dt > 0) { throw ValidationError("--dt must be positive, got \(dt)") }
        for (name, value) in [("--half-window-time", halfWindowTime), ("--quiet-window-time", quietWindowTime)] {
            if let value, !(value.isFinite && value >= 0) { throw ValidationError("\(name) must be zero or positive, got \(value)") }
        }
    }

    func run() throws {
        try file.requireNotAmong([trajectory])
        try DamagedFileProbe.check(trajectory)
        var settings = PhopLabelSettings(halfWindow: halfWindow, threshold: threshold, quietWindow: quietWindow, unwrapping: unwrap)
        if halfWindowTime != nil || quietWindowTime != nil {
            guard let spacing = try RearrangementLabelling.frameSpacing(of: trajectory) else {
                throw ValidationError("\(trajectory): one frame only; windows in time need frames to count")
            }
            guard let perFrame = spacing.time ?? dt.map({ $0 * Double(spacing.timesteps) }), perFrame > 0 else {
                throw ValidationError("\(trajectory) records no time per frame: give --dt (time per timestep; frames are \(spacing.timesteps) timesteps apart)")
            }
            func frames(_ name: String, _ value: Double, allowZero: Bool) throws -> Int {
                guard let frames = RearrangementLabelling.frames(forTime: value, spacing: perFrame, allowZero: allowZero) else {
                    throw ValidationError("\(name) \(value) is \(value / perFrame) frames of \(perFrame) (the time between frames of \(trajectory)); give a whole number of frames")
                }
                return frames
            }
            if let halfWindowTime { settings.halfWindow = try frames("--half-window-time", halfWindowTime, allowZero: false) }
            if let quietWindowTime { settings.quietWindow = try frames("--quiet-window-time", quietWindowTime, allowZero: true) }
            print("windows: h = \(settings.halfWindow) frames, q = \(settings.quietWindow) frames (\(perFrame) time units per frame)")
        }
        let bar = ProgressBar("label")
        let summary = try RearrangementLabelling.run(trajectory: trajectory, settings: settings,
                                                     output: file.output, overwrite: file.force, threads: threads.threads) { frames in bar.count(frames, unit: "frames") }
        bar.finish()
        if !summary.repeatedTimesteps.isEmpty {
            printError("note: dropped \(summary.repeatedTimesteps.count) repeated frame(s) at timestep(s) \(summary.repeatedTimesteps.prefix(5).map(String.init).joined(separator: ", "))\(summary.repeatedTimesteps.count > 5 ? ", …" : "") (a restarted run dumped twice); the first frame at each timestep is kept")
        }
        let pairs = summary.phopFrames * summary.particles
        print("wrote \(file.output): \(summary.frames) frames × \(summary.particles) particles, p_hop on \(summary.phopFrames) frames; "
              + "\(summary.rearranging) rearranging (R = +1) and \(summary.quiet) quiet (R = −1) pairs of \(pairs)")
    }
}
