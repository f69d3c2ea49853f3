import Diagnostics
import Foundation
import Learning

/// Raw feature rows of a table on disk, read again for every pass of an out-of-core diagnostic.
public protocol FeatureRowReader: Sendable {
    /// Rows N of the table.
    var rowCount: Int { get }
    /// Feature columns d.
    var featureCount: Int { get }
    /// The raw features of rows `range`, row-major (range.count × d values, as Double). May be
    /// called from several threads at once.
    /// - Throws: an error naming the file, the dataset and the row (non-finite value, I/O).
    func features(_ range: Range<Int>) throws -> [Double]
}

/// What an out-of-core diagnostic keeps in memory about every row (a few bytes each), beside a
/// `FeatureRowReader` that streams the features.
public struct StreamedDiagnosticInput: Sendable {
    /// Role of a row of the table.
    public enum Role: UInt8, Sendable {
        /// A training row the SVM learns from.
        case training = 0
        /// A held-out test row.
        case test = 1
        /// A training-frame row outside the balanced sample (`/balanced` = 0): not used, and not
        /// among the rows of the run (as the in-memory run leaves it out).
        case unused = 2
    }

    /// The features.
    public var features: any FeatureRowReader
    /// One name per feature column.
    public var featureNames: [String]
    /// R per table row (±1).
    public var labels: [Int8]
    /// Per table row, the index of its temperature in `temperatures`.
    public var temperatureIndex: [UInt16]
    /// The distinct temperatures (> 0, finite).
    public var temperatures: [Double]
    /// Per table row.
    public var roles: [Role]
    /// True barrier ΔE of every test row, in table order (toy data only).
    public var testEnergyBarrier: [Double]?
    /// What the test rows are.
    public var testPopulation: TestPopulation

    /// Collects the parts; every per-row array has one entry per row of `features`.
    /// - Throws: `.lengthMismatch` for an array of another length, `.noFeatures`, `.noRows`.
    public init(features: any FeatureRowReader, featureNames: [String], labels: [Int8], temperatureIndex: [UInt16],
                temperatures: [Double], roles: [Role], testEnergyBarrier: [Double]?,
                testPopulation: TestPopulation) throws(DiagnosticError) {
        let n = features.rowCount
        guard features.featureCount > 0 else { throw .noFeatures }
        guard n > 0 else { throw .noRows }
        for (name, count) in [("labels", labels.count), ("temperature", temperatureIndex.count), ("roles", roles.count)] where count != n {
            throw .lengthMismatch(name: name, expected: n, actual: count)
        }
        if featureNames.count != features.featureCount {
            throw .lengthMismatch(name: "featureNames", expected: features.featureCount, actual: featureNames.count)
        }
        if let e = testEnergyBarrier {
            let tests = roles.reduce(0) { $0 + ($1 == .test ? 1 : 0) }
            if e.count != tests { throw .lengthMismatch(name: "energyBarrier (test rows)", expected: tests, actual: e.count) }
        }
        self.features = features
        self.featureNames = featureNames
        self.labels = labels
        self.temperatureIndex = temperatureIndex
        self.temperatures = temperatures
        self.roles = roles
        self.testEnergyBarrier = testEnergyBarrier
        self.testPopulation = testPopulation
    }

    /// Rows N of the table.
    public var rowCount: Int { roles.count }
}

/// Per-row softness of the rows of a run, in the precision it is stored in.
public enum StoredSoftness: Sendable {
    /// S rounded to float32 (the default storage, relative rounding ≤ 6·10⁻⁸).
    case float32([Float])
    /// S as computed.
    case float64([Double])

    /// Number of rows.
    public var count: Int {
        switch self {
        case let .float32(values): return values.count
        case let .float64(values): return values.count
        }
    }
}

/// An out-of-core diagnostic's result: the `DiagnosticResult` (its `softness` left empty), the
/// per-row softness as stored, and how the passes over the file went.
public struct StreamedDiagnosticResult: Sendable {
    /// Everything but the per-row softness.
    public var result: DiagnosticResult
    /// S of every row of the run (training and test rows, table order).
    public var softness: StoredSoftness
    /// Passes over the table: 2 for the standardization, the SVM's (∇f(0) and one per function
    /// evaluation), one for S.
    public var passes: Int
    /// Seconds of the SVM's passes (reading, inflating and accumulating), in total.
    public var svmSeconds: Double
    /// Seconds of the whole run.
    public var seconds: Double
}

/// How an out-of-core run uses memory beyond its minimum (`BarrierDiagnostic.streamedMemory`).
public struct OutOfCoreMemory: Sendable {
    /// Bytes beyond the minimum: first for the training rows (gathered in the second pass and
    /// fitted in memory when their d float64 values each fit), then for the test rows (kept in
    /// memory, `testRowBytes` each, when they all fit). 0: the SVM always streams.
    public var spare: Int
    /// Test rows held in memory before they are sorted through a temporary file; nil: as many
    /// as `spare` leaves room for, and at least `minimumTestRowBuffer`.
    public var testRowBuffer: Int?
    /// Directory of the temporary file of test rows (`TMPDIR`, else /tmp).
    public var temporaryDirectory: String

    /// Bytes a test row takes in memory: (S, R, ΔE) as float64, twice while its group is sorted
    /// (after the sort, the bootstrap's drawn rows — S, R, count for the ~63 % of rows drawn, per
    /// replicate running — take the room of the second copy).
    public static let testRowBytes = 48
    /// Test rows an out-of-core run may always hold (48 MB).
    public static let minimumTestRowBuffer = 1 << 20

    /// A plan with `spare` bytes beyond the minimum, an optional fixed test-row buffer and the
    /// directory of the temporary file.
    public init(spare: Int = 0, testRowBuffer: Int? = nil,
                temporaryDirectory: String = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") {
        self.spare = spare
        self.testRowBuffer = testRowBuffer
        self.temporaryDirectory = temporaryDirectory
    }
}

extension BarrierDiagnostic {
    /// Bytes an out-of-core run keeps in memory at least for a table of `rows` rows, `testRows`
    /// of them test rows, with `pieceRows`-row pieces of `features` features on `threads` threads:
    /// 4 bytes per row (label, temperature, role), the stored softness (4 or 8 per row), 48 per
    /// test row up to `OutOfCoreMemory.minimumTestRowBuffer` of them (more are sorted through a
    /// temporary file) and two pieces per thread (the values read and their conversion).
    public static func streamedMemory(rows: Int, testRows: Int, features: Int, pieceRows: Int, threads: Int,
                                      softnessBytes: Int) -> Int {
        let perRow = rows.multipliedReportingOverflow(by: 4 + softnessBytes)
        let perTest = min(testRows, OutOfCoreMemory.minimumTestRowBuffer).multipliedReportingOverflow(by: OutOfCoreMemory.testRowBytes)
        let pieces = (2 * threads * min(pieceRows, rows)).multipliedReportingOverflow(by: 8 * max(features, 1))
        if perRow.overflow || perTest.overflow || pieces.overflow { return Int.max / 2 }
        return perRow.partialValue + perTest.partialValue + pieces.partialValue
    }

    /// The diagnostic of `run(_:options:)` on a table streamed from disk (larger than memory):
    /// the same stages and, for the same rows, the same numbers — bitwise in the standardization,
    /// the SVM (`LinearSVM.fit(streaming:…)`), the softness and everything after it.
    ///
    /// Passes over the features: two for the standardization (means, then squared deviations of
    /// the training rows), one per SVM function evaluation (each reads every training row once,
    /// `threads` blocks at a time), one for the softness of every row. The test rows' (S, R, ΔE)
    /// stay in memory when they fit, else they are sorted by temperature and S through a
    /// temporary file (`TestRowSpill`) and the logistic fits, Arrhenius lines, variance and
    /// bootstrap read them from it in pieces, with the same numbers.
    /// - Parameters:
    ///   - pieceRows: rows read at a time (≥ 1).
    ///   - memory: how the memory beyond the minimum is used (`OutOfCoreMemory`); when the
    ///     training rows fit, the second pass gathers them and the SVM is fitted in memory (the
    ///     same fit as `run`, dual solver included, without a pass per evaluation).
    ///   - firstPass: sees every piece of the first pass, in table order (e.g. to fingerprint it).
    ///   - progress: a line per stage, for the user.
    /// - Throws: `DiagnosticError` as `run`, `.learning(.rowSource)` when the file cannot be read.
    public static func runStreamed(_ input: StreamedDiagnosticInput, options: DiagnosticOptions = .init(),
                                   softnessStorage: StoredSoftnessPrecision = .float32, pieceRows: Int = 1 << 16,
                                   memory: OutOfCoreMemory = .init(), firstPass: ((Range<Int>, [Double]) -> Void)? = nil,
                                   progress: ((String) -> Void)? = nil) throws(DiagnosticError) -> StreamedDiagnosticResult {
        let started = Date()
        try options.validate()
        var analysis = StreamedAnalysis(input: input, pieceRows: pieceRows, memory: memory, progress: progress)
        let prepared = try analysis.prepare(roles: input.roles, firstPass: firstPass)
        let (result, softness) = try analysis.analyze(prepared, columns: Array(0..<input.features.featureCount), warmStart: nil,
                                                      options: options, full: true, storing: softnessStorage)
        return StreamedDiagnosticResult(result: result, softness: softness ?? .float32([]), passes: analysis.passes,
                                        svmSeconds: analysis.svmSeconds, seconds: Date().timeIntervalSince(started))
    }
}

/// The stages of an out-of-core run over a `StreamedDiagnosticInput`, with the passes they take:
/// `prepare` (the standardization of a set of training rows, two passes), `analyze` (the SVM on
/// some of the columns, one pass per evaluation, then one softness pass and `conclude`).
/// `runStreamed`, and the out-of-core RFE and scan, are sequences of these.
struct StreamedAnalysis {
    let input: StreamedDiagnosticInput
    let pieceRows: Int
    let memory: OutOfCoreMemory
    let progress: ((String) -> Void)?
    /// Passes over the table so far, and the SVM's time in seconds.
    private(set) var passes = 0
    private(set) var svmSeconds = 0.0

    init(input: StreamedDiagnosticInput, pieceRows: Int, memory: OutOfCoreMemory, progress: ((String) -> Void)?) {
        self.input = input
        self.pieceRows = max(1, pieceRows)
        self.memory = memory
        self.progress = progress
    }

    /// A set of training rows with its standardization (all columns) and, when they fit in
    /// `memory.spare`, the rows themselves (raw, all columns, in table order) and their labels.
    struct Prepared {
        var roles: [StreamedDiagnosticInput.Role]
        var trainingCount: Int
        var positives: Int
        var testCount: Int
        var standardization: Standardization
        var gathered: (rows: DenseMatrix, labels: [Double])?
    }

    /// Calls `body` with consecutive pieces of every row of the table (one pass), in order. The
    /// next piece is read on another thread while `body` works on the current one, so reading
    /// (inflating) overlaps the pass's arithmetic; at most two pieces are in memory.
    mutating func pieces(_ body: (Range<Int>, [Double]) throws(DiagnosticError) -> Void) throws(DiagnosticError) {
        let n = input.rowCount, step = pieceRows, reader = input.features
        func range(at start: Int) -> Range<Int> { start..<min(n, start + step) }
        var ahead: PieceRead? = n > 0 ? PieceRead(reader, range(at: 0)) : nil
        while let current = ahead {
            let values = try current.values()
            let next = current.range.upperBound
            ahead = next < n ? PieceRead(reader, range(at: next)) : nil
            try body(current.range, values)
        }
        passes += 1
    }

    /// Test rows held in memory: all of them when they fit in what `memory.spare` leaves beside
    /// the gathered training rows, else that many (at least `OutOfCoreMemory.minimumTestRowBuffer`).
    private func testRowBuffer(_ prepared: Prepared) -> Int {
        if let rows = memory.testRowBuffer { return rows }
        let training = prepared.gathered.map { $0.rows.values.count * 8 } ?? 0
        return max(OutOfCoreMemory.minimumTestRowBuffer, (memory.spare - training) / OutOfCoreMemory.testRowBytes)
    }

    /// Checks the rows `roles` marks for training (counts, both classes) and standardizes them:
    /// two passes (means, then squared deviations), as `Standardization(fitting:rows:columns:)`.
    mutating func prepare(roles: [StreamedDiagnosticInput.Role],
                          firstPass: ((Range<Int>, [Double]) -> Void)? = nil) throws(DiagnosticError) -> Prepared {
        let d = input.features.featureCount, n = input.rowCount
        var trainingCount = 0, positives = 0, testCount = 0
        for i in 0..<n {
            switch roles[i] {
            case .training:
                trainingCount += 1
                if input.labels[i] > 0 { positives += 1 }
            case .test: testCount += 1
            case .unused: break
            }
        }
        guard trainingCount > 0 else { throw .noTrainingRows }
        guard testCount > 0 else { throw .emptyTestSplit }
        guard trainingCount >= d + 2 else { throw .tooFewTrainingRows(needed: d + 2, actual: trainingCount, features: d) }
        if positives == 0 { throw .singleClassInTraining(label: -1, rows: trainingCount) }
        if positives == trainingCount { throw .singleClassInTraining(label: 1, rows: trainingCount) }

        let columns = Array(0..<d)
        var moments = ColumnMoments(columns: d)
        let (trainingBytes, overflow) = trainingCount.multipliedReportingOverflow(by: 8 * d)
        // Fewer than 20 rows per feature go to the dual solver, which needs them in memory (they are few).
        let gather = !overflow && (trainingBytes <= memory.spare || trainingCount < 20 * d)
        var gathered: [Double] = []
        if gather { gathered.reserveCapacity(trainingCount * d) }
        progress?("pass: means of the \(trainingCount) training rows")
        try columns.withUnsafeBufferPointer { (cols) throws(DiagnosticError) in
            guard let c = cols.baseAddress else { return }
            try pieces { (range, values) throws(DiagnosticError) in
                firstPass?(range, values)
                values.withUnsafeBufferPointer { v in
                    guard let base = v.baseAddress else { return }
                    for (k, r) in range.enumerated() where roles[r] == .training { _ = moments.addToMean(base + k * d, columns: c) }
                }
            }
            moments.finishMean(rows: trainingCount)
            progress?("pass: standard deviations" + (gather ? ", training rows gathered into memory" : ""))
            try pieces { (range, values) throws(DiagnosticError) in
                values.withUnsafeBufferPointer { v in
                    guard let base = v.baseAddress else { return }
                    for (k, r) in range.enumerated() where roles[r] == .training {
                        moments.addSquares(base + k * d, columns: c)
                        if gather { gathered.append(contentsOf: v[(k * d)..<((k + 1) * d)]) }
                    }
                }
            }
        }
        let standardization: Standardization
        do throws(LearningError) {
            standardization = try moments.standardization()
        } catch .constantColumn(let k) where k >= 0 && k < d {
            throw .constantFeature(column: k, name: input.featureNames[k])
        } catch {
            throw .learning(error)
        }
        var rows: (DenseMatrix, [Double])? = nil
        if gather {
            let matrix = try learning { () throws(LearningError) in try DenseMatrix(rows: trainingCount, columns: d, values: gathered) }
            rows = (matrix, (0..<n).filter { roles[$0] == .training }.map { Double(input.labels[$0]) })
        }
        return Prepared(roles: roles, trainingCount: trainingCount, positives: positives, testCount: testCount,
                        standardization: standardization, gathered: rows)
    }

    /// Stages 3–8 on `columns` of the prepared training rows: the SVM (in memory on the gathered
    /// rows, else one streamed pass per evaluation), one softness pass (storing the softness of
    /// every row of the run in `storing`, when given), the test rows grouped, `conclude`.
    mutating func analyze(_ prepared: Prepared, columns: [Int], warmStart: LinearSVMModel?, options: DiagnosticOptions,
                          full: Bool, storing: StoredSoftnessPrecision?) throws(DiagnosticError) -> (DiagnosticResult, StoredSoftness?) {
        let n = input.rowCount, roles = prepared.roles, trainingCount = prepared.trainingCount
        guard !columns.isEmpty else { throw .noFeatures }
        let all = prepared.standardization
        let standardization = try learning { () throws(LearningError) in
            try Standardization(means: columns.map { all.means[$0] }, standardDeviations: columns.map { all.standardDeviations[$0] })
        }

        // 3. The linear SVM (DESIGN 1.3).
        let svmStarted = Date()
        let model: LinearSVMModel
        if let gathered = prepared.gathered {
            progress?("SVM on \(trainingCount) training rows × \(columns.count) features in memory")
            model = try learning { () throws(LearningError) in
                let view = try TrainingView(matrix: gathered.rows, columns: columns, standardization: standardization,
                                            arithmetic: .reciprocalMultiplication)
                return try LinearSVM.fit(view, labels: gathered.labels, options: options.svm, warmStart: warmStart)
            }
        } else {
            let progress = self.progress
            let source = StreamedTrainingRows(input: input, roles: roles, columns: columns, standardization: standardization,
                                              trainingCount: trainingCount, pieceRows: pieceRows)
            progress?("SVM on \(trainingCount) training rows × \(columns.count) features, one pass over the table per Newton evaluation")
            let fitted = try learning { () throws(LearningError) in
                try LinearSVM.fit(streaming: source, positives: prepared.positives, negatives: trainingCount - prepared.positives,
                                  options: options.svm, warmStart: warmStart) { pass, objective, gradient, seconds in
                    progress?(String(format: "SVM pass %d: f = %.6g, |grad f| = %.3g, %.2f s", pass, objective, gradient, seconds))
                }
            }
            model = fitted.model
            passes += fitted.passes
            progress?(String(format: "SVM: %d passes, %.1f s (%.2f s per pass)", fitted.passes, fitted.seconds,
                             fitted.seconds / Double(max(fitted.passes, 1))))
        }
        svmSeconds += Date().timeIntervalSince(svmStarted)
        let norm = model.weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite, model.bias.isFinite else { throw .degenerateModel(weightNorm: norm) }

        // 4. Softness of every row (DESIGN 1.4); the test rows' (S, R, ΔE) by temperature.
        progress?("pass: softness of every row")
        var stored32: [Float] = [], stored64: [Double] = []
        let kept = n - roles.reduce(0) { $0 + ($1 == .unused ? 1 : 0) }
        if storing == .float32 { stored32.reserveCapacity(kept) } else if storing == .float64 { stored64.reserveCapacity(kept) }
        var spill = TestRowSpill(temperatureCount: input.temperatures.count, bufferRows: testRowBuffer(prepared),
                                 hasEnergy: input.testEnergyBarrier != nil, directory: memory.temporaryDirectory)
        var trainingTemperatures = Set<Double>()
        var correct = 0, testSeen = 0
        let table = input, d = table.features.featureCount
        try pieces { (range, values) throws(DiagnosticError) in
            let matrix = try learning { () throws(LearningError) in try DenseMatrix(rows: range.count, columns: d, values: values) }
            let s = Softness.values(matrix, columns: columns, standardization, weights: model.weights, bias: model.bias, norm: norm)
            for (k, r) in range.enumerated() {
                // The test rows' barriers are indexed by the table's test rows, whatever the roles.
                let barrierIndex = testSeen
                if table.roles[r] == .test { testSeen += 1 }
                let role = roles[r]
                if role == .unused { continue }
                if storing == .float32 { stored32.append(Float(s[k])) } else if storing == .float64 { stored64.append(s[k]) }
                let y = Double(table.labels[r])
                let t = Int(table.temperatureIndex[r])
                if role == .training {
                    if (s[k] > 0 ? 1.0 : -1.0) == y { correct += 1 }
                    trainingTemperatures.insert(table.temperatures[t])
                } else {
                    try spill.append(t, GroupEntry(s: s[k], y: y, e: table.testEnergyBarrier?[barrierIndex] ?? 0))
                }
            }
        }
        let groups = try spill.groups(temperatures: input.temperatures, trainingTemperatures: trainingTemperatures)
        if spill.spilled {
            progress?("the \(prepared.testCount) test rows sorted by temperature and S through a temporary file in \(memory.temporaryDirectory) (\(spill.runCount) sorted runs merged); the fits read them from it")
        }
        let trained = SoftnessModel(columns: columns, standardization: standardization, model: model, weightNorm: norm,
                                    softness: [], trainingAccuracy: Double(correct) / Double(trainingCount),
                                    trainingRowCount: trainingCount)

        // 5–8. As in memory.
        progress?("logistic fits, Arrhenius lines\(full ? " and bootstrap" : "") on the \(prepared.testCount) test rows")
        let result = try BarrierDiagnostic.conclude(trained, featureNames: columns.map { input.featureNames[$0] },
                                                    trainingPositives: prepared.positives, trainingTemperatures: trainingTemperatures,
                                                    groups: groups, testPopulation: input.testPopulation,
                                                    hasEnergyBarrier: input.testEnergyBarrier != nil, options: options, full: full,
                                                    progress: progress)
        let softness: StoredSoftness? = switch storing {
        case .float32: .float32(stored32)
        case .float64: .float64(stored64)
        case nil: nil
        }
        return (result, softness)
    }
}

/// The precision per-row softness is stored in (`ParticleTable.FeatureStorage` one layer up).
public enum StoredSoftnessPrecision: String, Sendable {
    /// 4 bytes per row.
    case float32
    /// 8 bytes per row.
    case float64
}

/// The training rows of a `StreamedDiagnosticInput` as the SVM sees them: standardized views of
/// pieces of the table, training rows only. Block starts are found from a checkpoint every 4096
/// training rows (the raw row of training row k·4096).
struct StreamedTrainingRows: TrainingRowSource {
    let input: StreamedDiagnosticInput
    let roles: [StreamedDiagnosticInput.Role]
    let columns: [Int]
    let standardization: Standardization
    let rowCount: Int
    let pieceRows: Int
    /// checkpoints[k] = table row of training row k·stride.
    private let checkpoints: [Int]
    private static let stride = 4096

    var columnCount: Int { columns.count }

    init(input: StreamedDiagnosticInput, roles: [StreamedDiagnosticInput.Role], columns: [Int], standardization: Standardization,
         trainingCount: Int, pieceRows: Int) {
        self.input = input
        self.roles = roles
        self.columns = columns
        self.standardization = standardization
        rowCount = trainingCount
        self.pieceRows = pieceRows
        var points: [Int] = [], seen = 0
        points.reserveCapacity(trainingCount / Self.stride + 1)
        for (r, role) in roles.enumerated() where role == .training {
            if seen % Self.stride == 0 { points.append(r) }
            seen += 1
        }
        checkpoints = points
    }

    func forEachPiece(of rows: Range<Int>, _ body: (TrainingView, UnsafeBufferPointer<Double>) -> Void) throws(LearningError) {
        guard !rows.isEmpty else { return }
        let n = roles.count, d = input.features.featureCount
        // Table row of training row rows.lowerBound.
        var raw = checkpoints[rows.lowerBound / Self.stride]
        var skip = rows.lowerBound % Self.stride
        while true {
            if roles[raw] == .training {
                if skip == 0 { break }
                skip -= 1
            }
            raw += 1
        }
        // One past the table row of the last training row wanted.
        var end = raw, wanted = rows.count
        while wanted > 0 {
            if roles[end] == .training { wanted -= 1 }
            end += 1
        }
        while raw < end {
            // Pieces end on multiples of pieceRows (the passes' grid, whole chunks of the file)
            // and at the last row wanted: a chunk is inflated once per pass, or twice where two
            // blocks meet inside it.
            let range = raw..<min(end, (raw / pieceRows + 1) * pieceRows, n)
            let values: [Double]
            do { values = try input.features.features(range) } catch { throw .rowSource(message: "\(error)") }
            var picked: [UInt32] = [], labels: [Double] = []
            for (k, r) in range.enumerated() where roles[r] == .training {
                picked.append(UInt32(k))
                labels.append(Double(input.labels[r]))
            }
            let matrix = try DenseMatrix(rows: range.count, columns: d, values: values)
            let view = try TrainingView(matrix: matrix, rows: picked, columns: columns, standardization: standardization,
                                        arithmetic: .reciprocalMultiplication)
            labels.withUnsafeBufferPointer { body(view, $0) }
            raw = range.upperBound
        }
    }
}

extension RecursiveFeatureElimination {
    /// `run(_:options:minimumFeatures:progress:)` on a table streamed from disk: the same path,
    /// bitwise the same steps (every step's SVM warm-started from the previous one, its own
    /// softness pass), the standardization computed once. Without bootstrap replicates: each would
    /// refit every step's SVM on a resample of the whole table.
    /// - Throws: `.invalidOption` for `bootstrapSamples` > 0 or a bad `minimumFeatures`, and what
    ///   `BarrierDiagnostic.runStreamed` throws.
    public static func runStreamed(_ input: StreamedDiagnosticInput, options: DiagnosticOptions = .init(), minimumFeatures: Int = 1,
                                   pieceRows: Int = 1 << 16, memory: OutOfCoreMemory = .init(),
                                   firstPass: ((Range<Int>, [Double]) -> Void)? = nil, log: ((String) -> Void)? = nil,
                                   progress: (Int, Int) -> Void = { _, _ in }) throws(DiagnosticError) -> RFEResult {
        try options.validate()
        let d = input.features.featureCount
        guard minimumFeatures >= 1, minimumFeatures <= d else {
            throw .invalidOption(name: "minimumFeatures", reason: "must be between 1 and the number of features \(d) (got \(minimumFeatures))")
        }
        guard options.bootstrapSamples == 0 else {
            throw .invalidOption(name: "bootstrapSamples", reason: "out of core, rfe runs without bootstrap replicates (each would refit the SVM of every step on a resample of the whole table); use --bootstrap 0, or --memory large enough to load the table")
        }
        var analysis = StreamedAnalysis(input: input, pieceRows: pieceRows, memory: memory, progress: log)
        let prepared = try analysis.prepare(roles: input.roles, firstPass: firstPass)
        let (steps, _) = try path(featureNames: input.featureNames, minimumFeatures: minimumFeatures, total: d - minimumFeatures + 1,
                                  progress: progress) { (kept, warm) throws(DiagnosticError) in
            try analysis.analyze(prepared, columns: kept, warmStart: warm, options: options, full: false, storing: nil).0
        }
        return finish(steps, curves: [], replicates: 0)
    }
}

extension Scan {
    /// `run(_:trainingSizes:cValues:seeds:options:progress:)` on a table streamed from disk: the
    /// same subsets (the same seeded draws from the training rows) and bitwise the same cells.
    /// Each subset is standardized in two passes (and gathered into memory when it fits in
    /// `memory.spare`) and kept while its N is scanned (a role byte per row, per seed); each
    /// cell takes the SVM's passes and one softness pass.
    /// - Throws: as `run`, and the read errors of `BarrierDiagnostic.runStreamed`.
    public static func runStreamed(_ input: StreamedDiagnosticInput, trainingSizes: [Int], cValues: [Double], seeds: [UInt64],
                                   options: DiagnosticOptions = .init(), pieceRows: Int = 1 << 16, memory: OutOfCoreMemory = .init(),
                                   firstPass: ((Range<Int>, [Double]) -> Void)? = nil, log: ((String) -> Void)? = nil,
                                   progress: (Int, Int) -> Void = { _, _ in }) throws(DiagnosticError) -> [ScanCell] {
        let n = input.rowCount
        var training: [UInt32] = [], wide: [Int] = []
        let narrow = n <= Int(UInt32.max)
        for r in 0..<n where input.roles[r] == .training {
            if narrow { training.append(UInt32(r)) } else { wide.append(r) }
        }
        let available = narrow ? training.count : wide.count
        guard available > 0 else { throw .noTrainingRows }
        guard input.roles.contains(.test) else { throw .emptyTestSplit }
        try validate(trainingSizes: trainingSizes, cValues: cValues, seeds: seeds, features: input.features.featureCount, available: available)
        var analysis = StreamedAnalysis(input: input, pieceRows: pieceRows, memory: memory, progress: log)
        var first = firstPass
        // The subsets of the current N (one per seed, the same for every C) and their preparations.
        var cached: [(subset: [Int], prepared: StreamedAnalysis.Prepared)] = []
        let analyzeCell = { (subset: [Int], cellOptions: DiagnosticOptions) throws(DiagnosticError) -> DiagnosticResult in
            if cached.first?.subset.count != subset.count { cached = [] }
            let prepared: StreamedAnalysis.Prepared
            if let hit = cached.first(where: { $0.subset == subset }) {
                prepared = hit.prepared
            } else {
                var roles = input.roles.map { $0 == .training ? StreamedDiagnosticInput.Role.unused : $0 }
                for r in subset { roles[r] = .training }
                prepared = try analysis.prepare(roles: roles, firstPass: first)
                first = nil
                cached.append((subset, prepared))
            }
            return try analysis.analyze(prepared, columns: Array(0..<input.features.featureCount), warmStart: nil,
                                        options: cellOptions, full: false, storing: nil).0
        }
        return narrow
            ? try cells(training, trainingSizes: trainingSizes, cValues: cValues, seeds: seeds, options: options, progress: progress, analyzeCell: analyzeCell)
            : try cells(wide, trainingSizes: trainingSizes, cValues: cValues, seeds: seeds, options: options, progress: progress, analyzeCell: analyzeCell)
    }
}

/// One piece of features being read on a background thread (`StreamedAnalysis.pieces`).
private final class PieceRead: @unchecked Sendable {
    let range: Range<Int>
    private var result: Result<[Double], DiagnosticError> = .success([])
    private let done = DispatchSemaphore(value: 0)

    init(_ reader: any FeatureRowReader, _ range: Range<Int>) {
        self.range = range
        DispatchQueue.global().async { [self] in
            do { result = .success(try reader.features(range)) } catch {
                result = .failure(.learning(.rowSource(message: "\(error)")))
            }
            done.signal()
        }
    }

    /// Waits for the read and returns its values.
    func values() throws(DiagnosticError) -> [Double] {
        done.wait()
        return try result.get()
    }
}

