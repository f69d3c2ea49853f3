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

    /// A set of training rows with the moments of its standardization (all columns) and, when
    /// they fit in `memory.spare`, the rows themselves (raw, all columns, in table order) and
    /// their labels. Every training and test row counts `copies[r]` times (a bootstrap resample,
    /// the copies of a row next to each other), once when `copies` is nil.
    struct Prepared {
        var roles: [StreamedDiagnosticInput.Role]
        var copies: [UInt8]?
        var trainingCount: Int
        var positives: Int
        var testCount: Int
        var moments: ColumnMoments
        var gathered: (rows: DenseMatrix, labels: [Double])?

        /// How often row `r` of the table counts (0 for a row outside the run).
        @inline(__always) func count(_ r: Int) -> Int {
            roles[r] == .unused ? 0 : copies.map { Int($0[r]) } ?? 1
        }

        /// The standardization of `columns`.
        /// - Throws: `.constantFeature` for a column that is constant over these training rows.
        func standardization(_ columns: [Int], names: [String]) throws(DiagnosticError) -> Standardization {
            do throws(LearningError) {
                return try moments.standardization(columns: columns)
            } catch .constantColumn(let k) where k >= 0 && k < columns.count {
                throw .constantFeature(column: columns[k], name: names[columns[k]])
            } catch {
                throw .learning(error)
            }
        }
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
    /// With `copies` (a bootstrap resample, see `Prepared`) every training row counts that often,
    /// and a column constant over the resample is an error only for the steps that keep it.
    mutating func prepare(roles: [StreamedDiagnosticInput.Role], copies: [UInt8]? = nil,
                          firstPass: ((Range<Int>, [Double]) -> Void)? = nil) throws(DiagnosticError) -> Prepared {
        let d = input.features.featureCount, n = input.rowCount
        var prepared = Prepared(roles: roles, copies: copies, trainingCount: 0, positives: 0, testCount: 0,
                                moments: ColumnMoments(columns: d), gathered: nil)
        var trainingCount = 0, positives = 0, testCount = 0
        for i in 0..<n {
            let m = prepared.count(i)
            switch roles[i] {
            case .training:
                trainingCount += m
                if input.labels[i] > 0 { positives += m }
            case .test: testCount += m
            case .unused: break
            }
        }
        guard trainingCount > 0 else { throw .noTrainingRows }
        guard testCount > 0 else { throw .emptyTestSplit }
        guard trainingCount >= d + 2 else { throw .tooFewTrainingRows(needed: d + 2, actual: trainingCount, features: d) }
        if positives == 0 { throw .singleClassInTraining(label: -1, rows: trainingCount) }
        if positives == trainingCount { throw .singleClassInTraining(label: 1, rows: trainingCount) }

        let columns = Array(0..<d)
        var moments = prepared.moments
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
                    for (k, r) in range.enumerated() where roles[r] == .training {
                        for _ in 0..<prepared.count(r) { _ = moments.addToMean(base + k * d, columns: c) }
                    }
                }
            }
            moments.finishMean(rows: trainingCount)
            progress?("pass: standard deviations" + (gather ? ", training rows gathered into memory" : ""))
            try pieces { (range, values) throws(DiagnosticError) in
                values.withUnsafeBufferPointer { v in
                    guard let base = v.baseAddress else { return }
                    for (k, r) in range.enumerated() where roles[r] == .training {
                        for _ in 0..<prepared.count(r) {
                            moments.addSquares(base + k * d, columns: c)
                            if gather { gathered.append(contentsOf: v[(k * d)..<((k + 1) * d)]) }
                        }
                    }
                }
            }
        }
        prepared.moments = moments
        if copies == nil { _ = try prepared.standardization(columns, names: input.featureNames) }
        if gather {
            let matrix = try learning { () throws(LearningError) in try DenseMatrix(rows: trainingCount, columns: d, values: gathered) }
            var labels: [Double] = []
            labels.reserveCapacity(trainingCount)
            for r in 0..<n where roles[r] == .training {
                for _ in 0..<prepared.count(r) { labels.append(Double(input.labels[r])) }
            }
            prepared.gathered = (matrix, labels)
        }
        prepared.trainingCount = trainingCount
        prepared.positives = positives
        prepared.testCount = testCount
        return prepared
    }

    /// Stages 3–8 on `columns` of the prepared training rows: the SVM (in memory on the gathered
    /// rows, else one streamed pass per evaluation), one softness pass (storing the softness of
    /// every row of the run in `storing`, when given), the test rows grouped, `conclude`.
    mutating func analyze(_ prepared: Prepared, columns: [Int], warmStart: LinearSVMModel?, options: DiagnosticOptions,
                          full: Bool, storing: StoredSoftnessPrecision?) throws(DiagnosticError) -> (DiagnosticResult, StoredSoftness?) {
        let n = input.rowCount, roles = prepared.roles, trainingCount = prepared.trainingCount
        guard !columns.isEmpty else { throw .noFeatures }
        let standardization = try prepared.standardization(columns, names: input.featureNames)

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
            let source = StreamedTrainingRows(input: input, prepared: prepared, columns: columns, standardization: standardization,
                                              pieceRows: pieceRows)
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
                let m = prepared.count(r)
                if role == .training {
                    if (s[k] > 0 ? 1.0 : -1.0) == y { correct += m }
                    if m > 0 { trainingTemperatures.insert(table.temperatures[t]) }
                } else {
                    let entry = GroupEntry(s: s[k], y: y, e: table.testEnergyBarrier?[barrierIndex] ?? 0)
                    for _ in 0..<m { try spill.append(t, entry) }
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
/// pieces of the table, training rows only, each repeated as often as it counts (`Prepared`).
/// Block starts are found from a checkpoint every 4096 training rows.
struct StreamedTrainingRows: TrainingRowSource {
    let input: StreamedDiagnosticInput
    let prepared: StreamedAnalysis.Prepared
    let columns: [Int]
    let standardization: Standardization
    let rowCount: Int
    let pieceRows: Int
    /// checkpoints[k]: the table row that holds training row k·stride, and how many of its
    /// copies come before that training row.
    private let checkpoints: [(row: Int, copy: Int)]
    private static let stride = 4096

    var columnCount: Int { columns.count }

    init(input: StreamedDiagnosticInput, prepared: StreamedAnalysis.Prepared, columns: [Int], standardization: Standardization,
         pieceRows: Int) {
        self.input = input
        self.prepared = prepared
        self.columns = columns
        self.standardization = standardization
        rowCount = prepared.trainingCount
        self.pieceRows = pieceRows
        var points: [(row: Int, copy: Int)] = [], seen = 0
        points.reserveCapacity(rowCount / Self.stride + 1)
        for r in prepared.roles.indices where prepared.roles[r] == .training {
            let m = prepared.count(r)
            while points.count * Self.stride < seen + m { points.append((r, points.count * Self.stride - seen)) }
            seen += m
        }
        checkpoints = points
    }

    /// How often table row `r` appears among the training rows.
    @inline(__always) private func count(_ r: Int) -> Int {
        prepared.roles[r] == .training ? prepared.count(r) : 0
    }

    func forEachPiece(of rows: Range<Int>, _ body: (TrainingView, UnsafeBufferPointer<Double>) -> Void) throws(LearningError) {
        guard !rows.isEmpty else { return }
        let n = prepared.roles.count, d = input.features.featureCount
        // Table row and copy of training row rows.lowerBound.
        var (raw, copy) = checkpoints[rows.lowerBound / Self.stride]
        var skip = rows.lowerBound % Self.stride
        while skip >= count(raw) - copy {
            skip -= count(raw) - copy
            raw += 1
            copy = 0
        }
        let start = raw, startCopy = copy + skip
        // One past the table row of the last training row wanted.
        var end = raw, wanted = rows.count + startCopy
        while wanted > 0 {
            wanted -= count(end)
            end += 1
        }
        var remaining = rows.count
        while raw < end {
            // Pieces end on multiples of pieceRows (the passes' grid, whole chunks of the file)
            // and at the last row wanted: a chunk is inflated once per pass, or twice where two
            // blocks meet inside it.
            let range = raw..<min(end, (raw / pieceRows + 1) * pieceRows, n)
            let values: [Double]
            do { values = try input.features.features(range) } catch { throw .rowSource(message: "\(error)") }
            var picked: [UInt32] = [], labels: [Double] = []
            for (k, r) in range.enumerated() {
                let take = min(count(r) - (r == start ? startCopy : 0), remaining)
                guard take > 0 else { continue }
                for _ in 0..<take {
                    picked.append(UInt32(k))
                    labels.append(Double(input.labels[r]))
                }
                remaining -= take
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
    /// softness pass), the standardization computed once; then the same bootstrap replicates,
    /// one after the other: each draws the resample of the in-memory run (`resampleCounts`, as
    /// copies of each row), standardizes it in two passes and refits every step warm from its
    /// model — 2 + Σ_steps (SVM passes + 1) passes per replicate.
    /// - Throws: `.invalidOption` for a bad `minimumFeatures`, and what
    ///   `BarrierDiagnostic.runStreamed` throws (a replicate whose fit fails only loses its curve).
    public static func runStreamed(_ input: StreamedDiagnosticInput, options: DiagnosticOptions = .init(), minimumFeatures: Int = 1,
                                   pieceRows: Int = 1 << 16, memory: OutOfCoreMemory = .init(),
                                   firstPass: ((Range<Int>, [Double]) -> Void)? = nil, log: ((String) -> Void)? = nil,
                                   progress: (Int, Int) -> Void = { _, _ in }) throws(DiagnosticError) -> RFEResult {
        try options.validate()
        let d = input.features.featureCount
        guard minimumFeatures >= 1, minimumFeatures <= d else {
            throw .invalidOption(name: "minimumFeatures", reason: "must be between 1 and the number of features \(d) (got \(minimumFeatures))")
        }
        var analysis = StreamedAnalysis(input: input, pieceRows: pieceRows, memory: memory, progress: log)
        let pathSteps = d - minimumFeatures + 1, replicates = options.bootstrapSamples
        let total = pathSteps + replicates
        let steps: [RFEStep], models: [LinearSVMModel]
        do {
            // The path's training rows (gathered into memory when they fit) are freed before the replicates.
            let prepared = try analysis.prepare(roles: input.roles, firstPass: firstPass)
            (steps, models) = try path(featureNames: input.featureNames, minimumFeatures: minimumFeatures, total: total,
                                       progress: progress) { (kept, warm) throws(DiagnosticError) in
                try analysis.analyze(prepared, columns: kept, warmStart: warm, options: options, full: false, storing: nil).0
            }
        }
        var curves: [[Double?]] = []
        for replicate in 0..<replicates {
            log?("bootstrap replicate \(replicate + 1) of \(replicates): the \(steps.count) steps refitted on a resample of the training and test rows")
            curves.append(try streamedReplicateCurve(&analysis, steps: steps, models: models, options: options, replicate: replicate))
            progress(pathSteps + replicate + 1, total)
        }
        return finish(steps, curves: curves, replicates: replicates)
    }

    /// `replicateCurve` out of core: Var(ΔE_inf) of every step on replicate `replicate`'s
    /// resample (nil where a fit fails, as in memory); read and temporary-file failures throw.
    static func streamedReplicateCurve(_ analysis: inout StreamedAnalysis, steps: [RFEStep], models: [LinearSVMModel],
                                       options: DiagnosticOptions, replicate: Int) throws(DiagnosticError) -> [Double?] {
        /// A step that cannot be fitted on this resample (one class, a constant column, …).
        func fitFailure(_ error: DiagnosticError) -> Bool {
            switch error {
            case .learning(.rowSource), .temporaryFile: return false
            default: return true
            }
        }
        let copies = replicateCopies(analysis.input, seed: options.seed, replicate: replicate)
        let prepared: StreamedAnalysis.Prepared
        do {
            prepared = try analysis.prepare(roles: analysis.input.roles, copies: copies)
        } catch where fitFailure(error) {
            return steps.map { _ in nil }
        }
        var curve: [Double?] = []
        for k in steps.indices {
            do {
                curve.append(try analysis.analyze(prepared, columns: steps[k].kept, warmStart: models[k], options: options,
                                                  full: false, storing: nil).0.varianceOfInferredBarrier)
            } catch where fitFailure(error) {
                curve.append(nil)
            }
        }
        return curve
    }

    /// How often every table row appears in bootstrap replicate `replicate` (0 outside the run):
    /// `resampleCounts` over the training rows and over the test rows, each in table order — the
    /// order of the rows in memory — so the resample is `replicateCurve`'s.
    static func replicateCopies(_ input: StreamedDiagnosticInput, seed: UInt64, replicate: Int) -> [UInt8] {
        var copies = [UInt8](repeating: 0, count: input.rowCount)
        for (role, stream) in [(StreamedDiagnosticInput.Role.training, UInt64(0)), (.test, 1)] {
            let rows = input.roles.indices.lazy.filter { input.roles[$0] == role }
            let counts = resampleCounts(rows.map { input.temperatures[Int(input.temperatureIndex[$0])] }, seed: seed,
                                        replicate: replicate, stream: stream)
            for (k, r) in rows.enumerated() { copies[r] = counts[k] }
        }
        return copies
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

