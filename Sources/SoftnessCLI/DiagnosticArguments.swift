import ArgumentParser
import Diagnostics
import Workflows
import Foundation
import ParticleTable
import ToyModel
import Trajectory
import HDF5
import Learning

extension SVMLoss: ExpressibleByArgument {}
extension LinearSVMSolver: ExpressibleByArgument {}

/// The input particle table and how to read it.
struct InputArguments: ParsableArguments {
    @Argument(help: "Particle-table HDF5 file (schema v1; see `softness inspect`), or any HDF5 file with --features/--labels/--temperature or --mapping.")
    var file: String

    @Option(name: .customLong("label-encoding"), help: "Label encoding: pm1 (+1/-1, schema v1) or 01 (1 rearranges, 0 not).")
    var labelEncoding: LabelEncoding = .plusMinusOne

    @Option(help: "Mapped layout: dataset of features [N, d] (the source file is only read).")
    var features: String?

    @Option(help: "Mapped layout: dataset of labels [N].")
    var labels: String?

    @Option(help: "Mapped layout: dataset of temperatures [N], or one number for every row.")
    var temperature: String?

    @Option(name: .customLong("feature-names"), help: "Mapped layout: dataset of feature names [d].")
    var featureNames: String?

    @Option(help: "Mapped layout: dataset of the split [N] (0 train, 1 test).")
    var split: String?

    @Option(name: .customLong("energy-barrier"), help: "Mapped layout: dataset of true barriers [N].")
    var energyBarrier: String?

    @Option(help: "Mapping file (JSON: features, labels, temperature, and optionally feature_names, split, energy_barrier).")
    var mapping: String?

    @Option(name: .customLong("test-fraction"), help: "Fraction of rows held out at random when there is no split.")
    var testFraction: Double = 0.5

    @Option(name: .customLong("selection"), help: "Train only on the rows recorded by `validate --balance` in this run of the results file.")
    var selectionRun: String?

    func validate() throws {
        guard testFraction > 0, testFraction < 1 else { throw ValidationError("--test-fraction must be in (0, 1), got \(testFraction)") }
        let mapped = [features, labels, temperature, featureNames, split, energyBarrier].contains { $0 != nil }
        if mapping != nil && mapped { throw ValidationError("give either --mapping or --features/--labels/--temperature, not both") }
        if mapped && (features == nil || labels == nil || temperature == nil) {
            throw ValidationError("a mapped layout needs --features, --labels and --temperature (a dataset path or a number)")
        }
    }

    /// The dataset layout: schema v1, the command-line mapping, or the mapping file.
    func datasetMapping() throws -> DatasetMapping {
        if let mapping { return try DatasetMapping.read(file: mapping) }
        guard let features, let labels, let temperature else { return .schemaV1 }
        return DatasetMapping(features: features, featureNames: featureNames, labels: labels,
                              temperature: Double(temperature).map { .value($0) } ?? .dataset(temperature),
                              split: split, energyBarrier: energyBarrier)
    }

    /// Results-file links for a mapped layout (standard name → source dataset), nil for schema v1.
    func links() throws -> [String: String]? {
        let layout = try datasetMapping()
        guard !layout.isSchema else { return nil }
        var links = ["/features": layout.features, "/labels": layout.labels]
        if case .dataset(let path) = layout.temperature { links["/temperature"] = path }
        if let path = layout.featureNames { links["/feature_names"] = path }
        if let path = layout.split { links["/split"] = path }
        if let path = layout.energyBarrier { links["/energy_barrier"] = path }
        return links
    }

    /// Loads the table into a diagnostic input.
    func load(seed: UInt64, results: ResultOptions) throws -> LoadedInput {
        var selection: [Int]?
        if let selectionRun {
            let store = try results.store(for: self)
            let stored = try File.open(store.path)
            defer { stored.close() }
            selection = try stored.dataset("results/\(selectionRun)/balance/indices").read(as: Int.self)
        }
        let loaded = try LoadedInput.load(path: file, labels: labelEncoding, mapping: datasetMapping(), testFraction: testFraction,
                                          seed: seed, trainingSelection: selection)
        for note in loaded.notes { printError("note: \(note)") }
        return loaded
    }
}

/// SVM and diagnostic settings shared by train, diagnose, rfe and scan.
struct SVMArguments: ParsableArguments {
    @Option(name: .customShort("C"), help: "SVM cost parameter C (> 0).")
    var c: Double = 1

    @Option(help: "Loss: squaredHinge (scikit-learn LinearSVC default) or hinge.")
    var loss: SVMLoss = .squaredHinge

    @Option(help: "Solver: automatic (primal Newton when rows ≫ d), primalNewton or dualCoordinateDescent.")
    var solver: LinearSVMSolver = .automatic

    @Option(help: "Stopping tolerance (scikit-learn's tol).")
    var tolerance: Double = 1e-4

    @Option(name: .customLong("max-iterations"), help: "Iteration cap of the solver.")
    var maxIterations: Int = 1000

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Number of S values in the Arrhenius table.")
    var grid: Int = 15

    @Option(help: "Bootstrap replicates for the error of Var(ΔE_inf).")
    var bootstrap: Int = 20

    @Option(help: "Seed for bootstrap, random splits and subsampling.")
    var seed: UInt64 = 1

    func validate() throws {
        guard c > 0, c.isFinite else { throw ValidationError("-C must be positive and finite, got \(c)") }
        guard tolerance > 0 else { throw ValidationError("--tolerance must be positive, got \(tolerance)") }
        guard maxIterations > 0 else { throw ValidationError("--max-iterations must be positive, got \(maxIterations)") }
        guard grid >= 2 else { throw ValidationError("--grid must be at least 2, got \(grid)") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be zero or positive, got \(bootstrap)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    var options: DiagnosticOptions {
        DiagnosticOptions(svm: LinearSVMOptions(c: c, loss: loss, solver: solver, tolerance: tolerance,
                                                maxIterations: maxIterations, threadCount: threads),
                          softnessGridCount: grid, bootstrapSamples: bootstrap, seed: seed)
    }

    /// The settings as run parameters (one attribute each in the results file).
    var parameters: [String: AttributeValue] {
        ["C": .real(c), "loss": .string(loss.rawValue), "solver": .string(solver.rawValue), "tolerance": .real(tolerance),
         "max_iterations": .integer(maxIterations), "grid": .integer(grid), "bootstrap": .integer(bootstrap),
         "seed": .seed(seed)]
    }
}

/// Says loudly on standard error when a fit did not converge.
func warnIfNotConverged(_ report: FitReport, context: String) {
    guard !report.converged else { return }
    printError("WARNING: the SVM did NOT converge (\(context)): \(report.summary). Raise --max-iterations or loosen --tolerance; results from an unconverged fit are recorded with converged = 0.")
}

/// A computation error (from Learning or Diagnostics, which know nothing of files) tagged with
/// the input file it came from.
struct InputError: Error, CustomStringConvertible {
    let file: String
    let underlying: any Error
    var description: String { "\(file): \(underlying)" }
}

/// Runs `body`, prefixing computation errors with the input file name.
func naming<R>(_ file: String, _ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as DiagnosticError {
        throw InputError(file: file, underlying: error)
    } catch let error as LearningError {
        throw InputError(file: file, underlying: error)
    }
}
