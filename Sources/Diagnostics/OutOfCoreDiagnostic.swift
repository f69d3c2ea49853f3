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
    case float32([Float])
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

extension BarrierDiagnostic {
    /// Bytes an out-of-core run keeps in memory for a table of `rows` rows, `testRows` of them
    /// test rows, with `pieceRows`-row pieces of `features` features on `threads` threads:
    /// 4 bytes per row (label, temperature, role), the stored softness (4 or 8 per row), about 96 per
    /// test row (their S, R and ΔE, the sort, the copies of S and two bootstrap replicates' counts)
    /// and two pieces per thread (the values read and their conversion).
    public static func streamedMemory(rows: Int, testRows: Int, features: Int, pieceRows: Int, threads: Int,
                                      softnessBytes: Int) -> Int {
        let perRow = rows.multipliedReportingOverflow(by: 4 + softnessBytes)
        let perTest = testRows.multipliedReportingOverflow(by: 96)
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
    /// `threads` blocks at a time), one for the softness of every row. Only the test rows' (S, R,
    /// ΔE) stay in memory, for the logistic fits, Arrhenius lines, variance and bootstrap.
    /// - Parameters:
    ///   - pieceRows: rows read at a time (≥ 1).
    ///   - trainingMemory: bytes the training rows may take in memory (d float64 values each); when
    ///     they fit, the second pass gathers them and the SVM is fitted in memory (the same fit as
    ///     `run`, dual solver included, without a pass per evaluation). Default 0: always streamed.
    ///   - firstPass: sees every piece of the first pass, in table order (e.g. to fingerprint it).
    ///   - progress: a line per stage, for the user.
    /// - Throws: `DiagnosticError` as `run`, `.learning(.rowSource)` when the file cannot be read.
    public static func runStreamed(_ input: StreamedDiagnosticInput, options: DiagnosticOptions = .init(),
                                   softnessStorage: StoredSoftnessPrecision = .float32, pieceRows: Int = 1 << 16,
                                   trainingMemory: Int = 0, firstPass: ((Range<Int>, [Double]) -> Void)? = nil,
                                   progress: ((String) -> Void)? = nil) throws(DiagnosticError) -> StreamedDiagnosticResult {
        let started = Date()
        try options.validate()
        let d = input.features.featureCount, n = input.rowCount
        let pieceRows = max(1, pieceRows)
        var trainingCount = 0, positives = 0, testCount = 0
        for i in 0..<n {
            switch input.roles[i] {
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
        let reader = input.features
        func read(_ range: Range<Int>) throws(DiagnosticError) -> [Double] {
            do { return try reader.features(range) } catch { throw .learning(.rowSource(message: "\(error)")) }
        }
        func pieces(_ body: (Range<Int>, [Double]) throws(DiagnosticError) -> Void) throws(DiagnosticError) {
            var start = 0
            while start < n {
                let range = start..<min(n, start + pieceRows)
                try body(range, try read(range))
                start = range.upperBound
            }
        }

        // 1–2. Standardization from the training rows (DESIGN 1.2), two passes.
        let columns = Array(0..<d)
        var moments = ColumnMoments(columns: d)
        let (trainingBytes, overflow) = trainingCount.multipliedReportingOverflow(by: 8 * d)
        let gather = !overflow && trainingBytes <= trainingMemory
        var gathered: [Double] = []
        if gather { gathered.reserveCapacity(trainingCount * d) }
        progress?("pass 1: means of the \(trainingCount) training rows")
        try columns.withUnsafeBufferPointer { (cols) throws(DiagnosticError) in
            guard let c = cols.baseAddress else { return }
            try pieces { (range, values) throws(DiagnosticError) in
                firstPass?(range, values)
                values.withUnsafeBufferPointer { v in
                    guard let base = v.baseAddress else { return }
                    for (k, r) in range.enumerated() where input.roles[r] == .training {
                        _ = moments.addToMean(base + k * d, columns: c)
                    }
                }
            }
            moments.finishMean(rows: trainingCount)
            progress?("pass 2: standard deviations" + (gather ? ", training rows gathered into memory" : ""))
            try pieces { (range, values) throws(DiagnosticError) in
                values.withUnsafeBufferPointer { v in
                    guard let base = v.baseAddress else { return }
                    for (k, r) in range.enumerated() where input.roles[r] == .training {
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

        // 3. The linear SVM (DESIGN 1.3): on the gathered training rows, or one streamed pass per
        //    function evaluation.
        let fitted: (model: LinearSVMModel, passes: Int, seconds: Double)
        if gather {
            progress?("SVM on \(trainingCount) training rows × \(d) features in memory")
            let svmStarted = Date()
            let labels = (0..<n).filter { input.roles[$0] == .training }.map { Double(input.labels[$0]) }
            fitted = try learning { () throws(LearningError) in
                let matrix = try DenseMatrix(rows: trainingCount, columns: d, values: gathered)
                gathered = []
                let view = try TrainingView(matrix: matrix, columns: columns, standardization: standardization,
                                            arithmetic: .reciprocalMultiplication)
                return (try LinearSVM.fit(view, labels: labels, options: options.svm), 0, Date().timeIntervalSince(svmStarted))
            }
        } else {
            let source = StreamedTrainingRows(input: input, standardization: standardization, trainingCount: trainingCount,
                                              pieceRows: pieceRows)
            progress?("SVM on \(trainingCount) training rows × \(d) features, one pass over the table per Newton evaluation")
            fitted = try learning { () throws(LearningError) in
                try LinearSVM.fit(streaming: source, positives: positives, negatives: trainingCount - positives, options: options.svm)
            }
        }
        let model = fitted.model
        let norm = model.weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite, model.bias.isFinite else { throw .degenerateModel(weightNorm: norm) }
        progress?(String(format: "SVM: %d passes, %.1f s (%.2f s per pass)", fitted.passes, fitted.seconds,
                         fitted.seconds / Double(max(fitted.passes, 1))))

        // 4. Softness of every row (DESIGN 1.4); the test rows' (S, R, ΔE) by temperature.
        progress?("last pass: softness of every row")
        var stored32: [Float] = [], stored64: [Double] = []
        let kept = n - input.roles.reduce(0) { $0 + ($1 == .unused ? 1 : 0) }
        if softnessStorage == .float32 { stored32.reserveCapacity(kept) } else { stored64.reserveCapacity(kept) }
        var entries = [[GroupEntry]](repeating: [], count: input.temperatures.count)
        var trainingTemperatures = Set<Double>()
        var correct = 0, testSeen = 0
        try pieces { (range, values) throws(DiagnosticError) in
            let matrix = try learning { () throws(LearningError) in try DenseMatrix(rows: range.count, columns: d, values: values) }
            let s = Softness.values(matrix, columns: columns, standardization, weights: model.weights, bias: model.bias, norm: norm)
            for (k, r) in range.enumerated() {
                let role = input.roles[r]
                if role == .unused { continue }
                if softnessStorage == .float32 { stored32.append(Float(s[k])) } else { stored64.append(s[k]) }
                let y = Double(input.labels[r])
                let t = Int(input.temperatureIndex[r])
                if role == .training {
                    if (s[k] > 0 ? 1.0 : -1.0) == y { correct += 1 }
                    trainingTemperatures.insert(input.temperatures[t])
                } else {
                    entries[t].append(GroupEntry(s: s[k], y: y, e: input.testEnergyBarrier?[testSeen] ?? 0))
                    testSeen += 1
                }
            }
        }
        var groups: [TemperatureGroup] = []
        for t in input.temperatures.indices.sorted(by: { input.temperatures[$0] < input.temperatures[$1] }) where !entries[t].isEmpty {
            let temperature = input.temperatures[t]
            groups.append(TemperatureLogistic.group(temperature, isTraining: trainingTemperatures.contains(temperature),
                                                    entries: &entries[t], hasEnergy: input.testEnergyBarrier != nil))
        }
        let trained = SoftnessModel(columns: columns, standardization: standardization, model: model, weightNorm: norm,
                                    softness: [], trainingAccuracy: Double(correct) / Double(trainingCount),
                                    trainingRowCount: trainingCount)

        // 5–8. As in memory.
        progress?("logistic fits, Arrhenius lines and bootstrap on the \(testCount) test rows")
        let result = try conclude(trained, featureNames: input.featureNames, trainingPositives: positives,
                                  trainingTemperatures: trainingTemperatures, groups: groups, testPopulation: input.testPopulation,
                                  hasEnergyBarrier: input.testEnergyBarrier != nil, options: options, full: true)
        return StreamedDiagnosticResult(result: result, softness: softnessStorage == .float32 ? .float32(stored32) : .float64(stored64),
                                        passes: 3 + fitted.passes, svmSeconds: fitted.seconds,
                                        seconds: Date().timeIntervalSince(started))
    }
}

/// The precision per-row softness is stored in.
public enum StoredSoftnessPrecision: String, Sendable {
    case float32, float64
}

/// The training rows of a `StreamedDiagnosticInput` as the SVM sees them: standardized views of
/// pieces of the table, training rows only. Block starts are found from a checkpoint every 4096
/// training rows (the raw row of training row k·4096).
struct StreamedTrainingRows: TrainingRowSource {
    let input: StreamedDiagnosticInput
    let standardization: Standardization
    let rowCount: Int
    let pieceRows: Int
    /// checkpoints[k] = table row of training row k·stride.
    private let checkpoints: [Int]
    private static let stride = 4096

    var columnCount: Int { input.features.featureCount }

    init(input: StreamedDiagnosticInput, standardization: Standardization, trainingCount: Int, pieceRows: Int) {
        self.input = input
        self.standardization = standardization
        rowCount = trainingCount
        self.pieceRows = pieceRows
        var points: [Int] = [], seen = 0
        points.reserveCapacity(trainingCount / Self.stride + 1)
        for (r, role) in input.roles.enumerated() where role == .training {
            if seen % Self.stride == 0 { points.append(r) }
            seen += 1
        }
        checkpoints = points
    }

    func forEachPiece(of rows: Range<Int>, _ body: (TrainingView, UnsafeBufferPointer<Double>) -> Void) throws(LearningError) {
        guard !rows.isEmpty else { return }
        let roles = input.roles, n = roles.count, d = columnCount
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
        var remaining = rows.count
        while remaining > 0, raw < n {
            let range = raw..<min(n, raw + pieceRows)
            let values: [Double]
            do { values = try input.features.features(range) } catch { throw .rowSource(message: "\(error)") }
            var picked: [UInt32] = [], labels: [Double] = []
            for (k, r) in range.enumerated() where roles[r] == .training {
                picked.append(UInt32(k))
                labels.append(Double(input.labels[r]))
                remaining -= 1
                if remaining == 0 { break }
            }
            let matrix = try DenseMatrix(rows: range.count, columns: d, values: values)
            let view = try TrainingView(matrix: matrix, rows: picked, columns: Array(0..<d), standardization: standardization,
                                        arithmetic: .reciprocalMultiplication)
            labels.withUnsafeBufferPointer { body(view, $0) }
            raw = range.upperBound
        }
    }
}
