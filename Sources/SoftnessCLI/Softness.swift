import ArgumentParser
import Foundation
import ParticleTable

/// `softness`: moves glass-simulation particle tables through HDF5 and tells whether a
/// machine-learned softness has learned the physical energy barriers.
@main
struct Softness: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "softness",
        abstract: "Particle tables in HDF5 and the softness energy-barrier diagnostic (Swain, Ridout & Nemenman).",
        version: SoftnessVersion.current,
        subcommands: [Generate.self, Inspect.self, Validate.self, Train.self, Diagnose.self, RFE.self, ScanCommand.self, ArrheniusCommand.self, Label.self, Featurize.self, Join.self, Convert.self, Apply.self, ReportCommand.self, Batch.self, Probe.self]
    )

    /// Runs the command line. A file-size limit (`ulimit -f`) must fail a write with EFBIG, which
    /// the writers report and clean up after, instead of killing the process with SIGXFSZ.
    static func main() {
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}
