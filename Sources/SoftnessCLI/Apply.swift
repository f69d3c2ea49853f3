import AppliedSoftness
import ArgumentParser
import Foundation

/// `softness apply RESULTS.h5 --run NAME INPUT -o OUT`.
struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Softness S (and ΔE_inf(S) when the run has an Arrhenius fit) of a stored run on a new particle table or trajectory.",
        discussion: """
        Reads the run's standardization and SVM (written by `softness diagnose` or `softness train`) and computes \
        S = (w·z + b)/|w|, z = (x − mean)/std, for every row, and ΔE_inf(S) = −(A1 + B1·S) when the run has an \
        Arrhenius fit. INPUT is a particle or feature table whose feature names contain the run's (picked by name), \
        or a trajectory (LAMMPS dump, plain or .gz, or H5MD) featurized frame by frame with the structure functions \
        the run's input table was made with. With --dump (LAMMPS input) the dump is copied with a softness column \
        appended (OVITO reads it by name). The input and the results file are only read; outputs are written under \
        a temporary name and renamed when complete. Layout: schemas/applied-v1.md.
        """)

    @Argument(help: "Results file written by `softness diagnose` or `train` (NAME.results.h5, or a table with --in-place runs).")
    var results: String

    @Argument(help: "Particle table or feature table (HDF5), or trajectory: LAMMPS dump (plain or .gz) or H5MD.")
    var input: String

    @Option(name: .customLong("run"), help: "The run whose softness is applied (/results/<run>).")
    var runName: String

    @OptionGroup(title: "Output (HDF5)") var file: OutputFileOptions

    @Option(help: "Trajectory input in LAMMPS dump format: also write this LAMMPS dump, the input's columns plus softness.")
    var dump: String?

    @Option(help: "Trajectory input: only frames whose index is a multiple of n.")
    var every: Int = 1

    @Option(name: .customLong("block-rows"), help: "Table input: rows per block read and written.")
    var blockRows = 65_536

    @OptionGroup(title: "Performance") var threads: ThreadOptions

    func validate() throws {
        guard every >= 1 else { throw ValidationError("--every must be at least 1, got \(every)") }
        guard blockRows >= 1 else { throw ValidationError("--block-rows must be positive, got \(blockRows)") }
        if let dump, !file.force, FileManager.default.fileExists(atPath: dump) {
            throw ValidationError("\(dump): output file exists; pass --force to replace it")
        }
    }

    func run() throws {
        try file.requireNotAmong([input, results])
        try DamagedFileProbe.check([results, input])
        var request = SoftnessApplication.Request(resultsFile: results, run: runName, input: input, output: file.output)
        request.dump = dump
        request.every = every
        request.blockRows = blockRows
        request.overwrite = file.force
        request.threads = threads.threads
        request.provenance = ["command_line": .string(CommandLine.arguments.joined(separator: " "))]
        let bar = ProgressBar("apply")
        let summary = try SoftnessApplication.run(request) { done in bar.count(done, unit: "steps") }
        bar.finish()
        for note in summary.notes { printError("note: \(note)") }
        let what = summary.hasBarrier ? "softness and delta_E_inf" : "softness (the run has no Arrhenius fit: no delta_E_inf)"
        let frames = summary.frames > 0 ? " from \(summary.frames) frames" : ""
        print("wrote \(file.output): \(what) of \(summary.rows) rows\(frames) (\(summary.inputKind), \(summary.featureCount) features of \(results):/results/\(runName))")
        if let dump { print("wrote \(dump): \(input) with a softness column") }
    }
}
