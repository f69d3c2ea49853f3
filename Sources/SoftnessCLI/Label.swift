import ArgumentParser
import Foundation
import ParticleTable
import Structure
import Workflows

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

    @OptionGroup(title: "Performance") var threads: ThreadOptions

    func validate() throws {
        guard halfWindow >= 1 else { throw ValidationError("--half-window must be at least 1 frame") }
        guard threshold > 0, threshold.isFinite else { throw ValidationError("--p-c must be positive") }
        guard quietWindow >= 0 else { throw ValidationError("--quiet-window must be zero or positive") }
    }

    func run() throws {
        try file.requireNotAmong([trajectory])
        try DamagedFileProbe.check(trajectory)
        let bar = ProgressBar("label")
        let summary = try RearrangementLabelling.run(trajectory: trajectory, settings: PhopLabelSettings(halfWindow: halfWindow, threshold: threshold, quietWindow: quietWindow),
                                                     output: file.output, overwrite: file.force, threads: threads.threads) { frames in bar.count(frames, unit: "frames") }
        bar.finish()
        let pairs = summary.phopFrames * summary.particles
        print("wrote \(file.output): \(summary.frames) frames × \(summary.particles) particles, p_hop on \(summary.phopFrames) frames; "
              + "\(summary.rearranging) rearranging (R = +1) and \(summary.quiet) quiet (R = −1) pairs of \(pairs)")
    }
}
