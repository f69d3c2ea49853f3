import Learning
import Parallel
import SeededRandom

/// One cell (N, C) of a scan over training-set size, SVM constant and seeds (paper Figs. 3, 5;
/// DESIGN.md §1 item 9). Per-seed arrays are in the order of the `seeds` argument.
public struct ScanCell: Sendable, Codable {
    /// Training rows drawn per seed.
    public var n: Int
    /// SVM regularization constant C.
    public var c: Double
    /// Seeds used.
    public var seeds: [UInt64]
    /// Truth slopes of ΔE_inf on ΔE per seed (empty when the true barrier is unknown or no
    /// Arrhenius fit exists).
    public var slopes: [Double]
    /// Test accuracies at the training temperature(s) per seed.
    public var accuracies: [Double]
    /// Var(ΔE_inf) per seed (empty when no Arrhenius fit exists).
    public var variances: [Double]
    /// Mean of `slopes` (nil when empty).
    public var slopeMean: Double?
    /// Sample standard deviation (n − 1) of `slopes` (0 for one seed, nil when empty).
    public var slopeSD: Double?
    /// Mean of `accuracies`.
    public var accuracyMean: Double
    /// Sample standard deviation of `accuracies` (0 for one seed).
    public var accuracySD: Double
    /// Mean of `variances` (nil when empty).
    public var varianceMean: Double?
    /// Sample standard deviation of `variances` (nil when empty).
    public var varianceSD: Double?
    /// SVM convergence per seed.
    public var converged: [Bool]
}

/// Scans over training-set size N × C × seeds (paper Figs. 3 and 5; DESIGN.md §1 item 9).
public enum Scan {
    /// For each seed, draws N training rows (without replacement, seeded by (seed, N)) from the
    /// input's training rows; the same rows are used for every C, so C is compared on paired
    /// data. Test rows are always all test rows. No bootstrap (variance errors come from the
    /// spread over seeds). Cells are ordered N-major, then C, as given.
    /// - Parameter progress: called after each fit with (fits done, total fits).
    /// - Throws: `.invalidOption` for empty lists, N < d + 2 or N above the training rows available,
    ///   `.invalidRegularization` for a bad C, and anything `BarrierDiagnostic.run` throws.
    public static func run(_ input: DiagnosticInput, trainingSizes: [Int], cValues: [Double], seeds: [UInt64],
                           options: DiagnosticOptions = .init(),
                           progress: (Int, Int) -> Void = { _, _ in }) throws(DiagnosticError) -> [ScanCell] {
        try input.validateUnlessValidated()
        let split = RowSplit(input)
        guard !split.training.isEmpty else { throw .noTrainingRows }
        guard !split.test.isEmpty else { throw .emptyTestSplit }
        let d = input.featureCount
        try validate(trainingSizes: trainingSizes, cValues: cValues, seeds: seeds, features: d, available: split.training.count)

        let test = split.test
        return try cells(Array(split.training), trainingSizes: trainingSizes, cValues: cValues, seeds: seeds, options: options,
                         progress: progress) { (subset, cellOptions) throws(DiagnosticError) in
            try BarrierDiagnostic.analyze(input, columns: Array(0..<d), trainingRows: subset, testRows: test,
                                          options: cellOptions, warmStart: nil, full: false)
        }
    }

    /// Checks the N, C and seed lists against `d` features and `available` training rows.
    package static func validate(trainingSizes: [Int], cValues: [Double], seeds: [UInt64], features d: Int,
                         available: Int) throws(DiagnosticError) {
        guard !trainingSizes.isEmpty else { throw .invalidOption(name: "trainingSizes", reason: "give at least one N") }
        guard !cValues.isEmpty else { throw .invalidOption(name: "cValues", reason: "give at least one C") }
        guard !seeds.isEmpty else { throw .invalidOption(name: "seeds", reason: "give at least one seed") }
        for n in trainingSizes where n < d + 2 || n > available {
            throw .invalidOption(name: "trainingSizes",
                                 reason: "N = \(n) must be between d + 2 = \(d + 2) and the \(available) training rows available")
        }
        for c in cValues where !(c.isFinite && c > 0) { throw .invalidRegularization(c) }
    }

    /// The cells, N-major then C: for each N and seed a subset of `training` (`sample`), fitted
    /// at every C by `analyzeCell(subset, options)`.
    package static func cells<I: FixedWidthInteger>(_ training: [I], trainingSizes: [Int], cValues: [Double], seeds: [UInt64],
                                            options: DiagnosticOptions, progress: (Int, Int) -> Void,
                                            analyzeCell: ([Int], DiagnosticOptions) throws(DiagnosticError) -> DiagnosticResult)
        throws(DiagnosticError) -> [ScanCell] {
        let total = trainingSizes.count * cValues.count * seeds.count
        var done = 0
        var cells: [ScanCell] = []
        for n in trainingSizes {
            let subsets = seeds.map { sample(training, count: n, seed: $0) }
            for c in cValues {
                var cellOptions = options
                cellOptions.svm.c = c
                var slopes: [Double] = [], accuracies: [Double] = [], variances: [Double] = []
                var converged: [Bool] = []
                for subset in subsets {
                    let result = try analyzeCell(subset, cellOptions)
                    if let s = result.truth?.slope { slopes.append(s) }
                    if let v = result.varianceOfInferredBarrier { variances.append(v) }
                    accuracies.append(result.testAccuracy)
                    converged.append(result.model.report.converged)
                    done += 1
                    progress(done, total)
                }
                let slopeStats = Statistics.meanAndSampleSD(slopes)
                let accuracyStats = Statistics.meanAndSampleSD(accuracies)
                let varianceStats = Statistics.meanAndSampleSD(variances)
                cells.append(ScanCell(
                    n: n, c: c, seeds: seeds, slopes: slopes, accuracies: accuracies, variances: variances,
                    slopeMean: slopeStats?.mean, slopeSD: slopeStats?.sd,
                    accuracyMean: accuracyStats?.mean ?? 0, accuracySD: accuracyStats?.sd ?? 0,
                    varianceMean: varianceStats?.mean, varianceSD: varianceStats?.sd, converged: converged))
            }
        }
        return cells
    }

    /// `count` distinct elements of `rows` by a seeded partial Fisher–Yates shuffle, returned in
    /// ascending order.
    static func sample<I: FixedWidthInteger>(_ rows: [I], count: Int, seed: UInt64) -> [Int] {
        var pool = rows
        var rng = SplitMix64(seed: seed, purpose: .scanSubset, UInt64(count))
        for i in 0..<count {
            let j = i + rng.nextInt(below: pool.count - i)
            pool.swapAt(i, j)
        }
        return pool[0..<count].map { Int($0) }.sorted()
    }
}
