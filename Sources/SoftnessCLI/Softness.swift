import ArgumentParser
import ParticleTable
import Workflows

/// `softness`: moves glass-simulation particle tables through HDF5 and tells whether a
/// machine-learned softness has learned the physical energy barriers.
@main
struct Softness: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "softness",
        abstract: "Particle tables in HDF5 and the softness energy-barrier diagnostic (Swain, Ridout & Nemenman).",
        version: SoftnessVersion.current,
        subcommands: [Generate.self, Inspect.self, Validate.self, Train.self, Diagnose.self, RFE.self, ScanCommand.self, ArrheniusCommand.self, Label.self, Featurize.self, Join.self, Probe.self]
    )
}
