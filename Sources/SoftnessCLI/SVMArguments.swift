import ArgumentParser
import Diagnostics
import HDF5
import Learning

extension SVMLoss: ExpressibleByArgument {}
extension LinearSVMSolver: ExpressibleByArgument {}

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

    @OptionGroup var threads: ThreadOptions

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
    }

    var options: DiagnosticOptions {
        DiagnosticOptions(svm: LinearSVMOptions(c: c, loss: loss, solver: solver, tolerance: tolerance,
                                                maxIterations: maxIterations, threadCount: threads.threads),
                          softnessGridCount: grid, bootstrapSamples: bootstrap, seed: seed)
    }

    /// The settings as run parameters (one attribute each in the results file).
    var parameters: [String: AttributeValue] {
        ["C": .real(c), "loss": .string(loss.rawValue), "solver": .string(solver.rawValue), "tolerance": .real(tolerance),
         "max_iterations": .integer(maxIterations), "grid": .integer(grid), "bootstrap": .integer(bootstrap),
         "seed": .seed(seed)]
    }
}
