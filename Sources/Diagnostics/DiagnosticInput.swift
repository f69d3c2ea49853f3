import Learning

/// In-memory data for one diagnostic run: raw (unstandardized) features, labels, temperatures,
/// the train/test split and, for toy data, the true barrier (DESIGN.md §1, notation and item 2).
///
/// Units: features in whatever units the user has (they are standardized inside the pipeline
/// with training-row statistics); temperature and ΔE in the same energy units (k_B = 1).
public struct DiagnosticInput: Sendable {
    /// rows × d raw feature values (row = particle at a frame).
    public var features: DenseMatrix { didSet { isValidated = false } }
    /// Label R per row: +1 rearranges, −1 does not.
    public var labels: [Double] { didSet { isValidated = false } }
    /// Temperature T per row (> 0).
    public var temperature: [Double] { didSet { isValidated = false } }
    /// true = training row (the SVM learns from it), false = held-out test row.
    public var isTraining: [Bool] { didSet { isValidated = false } }
    /// True barrier ΔE per row (toy data only); enables the truth check (DESIGN.md §1 item 7).
    public var energyBarrier: [Double]? { didSet { isValidated = false } }
    /// One name per feature column (used in messages and RFE output).
    public var featureNames: [String] { didSet { isValidated = false } }
    /// What the test rows are, when the table says (`population` of `featurize --balance`).
    public var testPopulation: TestPopulation = .unspecified
    /// True from a successful `init` until a per-row array or the names change: the runs then
    /// skip validating the same data a second time (`validateUnlessValidated`).
    private var isValidated = false

    /// Creates and validates the input.
    /// - Parameter featureNames: one per column; nil gives "f0", "f1", ….
    /// - Throws: `DiagnosticError` (see `validate()`).
    public init(features: DenseMatrix, labels: [Double], temperature: [Double], isTraining: [Bool],
                energyBarrier: [Double]? = nil, featureNames: [String]? = nil) throws(DiagnosticError) {
        self.features = features
        self.labels = labels
        self.temperature = temperature
        self.isTraining = isTraining
        self.energyBarrier = energyBarrier
        self.featureNames = featureNames ?? (0..<features.columns).map { "f\($0)" }
        try validate()
        isValidated = true
    }

    /// `validate()`, unless the input has not changed since its `init` validated it.
    package func validateUnlessValidated() throws(DiagnosticError) {
        if !isValidated { try validate() }
    }

    /// Number of rows.
    public var rowCount: Int { features.rows }
    /// Number of feature columns d.
    public var featureCount: Int { features.columns }

    /// Checks everything that does not depend on the split: d > 0, at least one row, one entry per
    /// row in labels/temperature/isTraining/energyBarrier, one name per column, labels in
    /// {+1, −1}, finite positive temperatures, finite features and barriers.
    /// - Throws: `.noFeatures`, `.noRows`, `.lengthMismatch`, `.invalidLabel`,
    ///   `.nonFiniteValue`, `.invalidTemperature`, `.nonFiniteFeature` (first bad row/column).
    public func validate() throws(DiagnosticError) {
        let n = features.rows
        guard features.columns > 0 else { throw .noFeatures }
        guard n > 0 else { throw .noRows }
        if labels.count != n { throw .lengthMismatch(name: "labels", expected: n, actual: labels.count) }
        if temperature.count != n {
            throw .lengthMismatch(name: "temperature", expected: n, actual: temperature.count)
        }
        if isTraining.count != n { throw .lengthMismatch(name: "isTraining", expected: n, actual: isTraining.count) }
        if let e = energyBarrier, e.count != n {
            throw .lengthMismatch(name: "energyBarrier", expected: n, actual: e.count)
        }
        if featureNames.count != features.columns {
            throw .lengthMismatch(name: "featureNames", expected: features.columns, actual: featureNames.count)
        }
        for i in 0..<n where labels[i] != 1 && labels[i] != -1 { throw .invalidLabel(row: i, value: labels[i]) }
        for i in 0..<n {
            let t = temperature[i]
            if !t.isFinite { throw .nonFiniteValue(name: "temperature", row: i, value: t) }
            if t <= 0 { throw .invalidTemperature(row: i, value: t) }
        }
        if let e = energyBarrier, let i = e.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue(name: "energyBarrier", row: i, value: e[i])
        }
        if let bad = features.firstNonFiniteValue() {
            throw .nonFiniteFeature(row: bad.row, column: bad.column, name: featureNames[bad.column])
        }
    }

    /// The same rows with only the given feature columns (in the given order).
    /// - Throws: `.learning(.indexOutOfRange)` for a bad column index.
    public func selectingColumns(_ columns: [Int]) throws(DiagnosticError) -> DiagnosticInput {
        var copy = self
        copy.features = try learning { () throws(LearningError) in try features.selectingColumns(columns) }
        copy.featureNames = columns.map { featureNames[$0] }
        return copy
    }

    /// The given rows and feature columns (each in the given order), gathered in one pass so only
    /// the kept values are copied.
    /// - Throws: `.learning(.indexOutOfRange)` for a bad row or column index.
    public func selecting(rows: [Int], columns: [Int]) throws(DiagnosticError) -> DiagnosticInput {
        if columns == Array(0..<featureCount) { return try selectingRows(rows) }
        let d = featureCount
        if let bad = rows.first(where: { $0 < 0 || $0 >= rowCount }) {
            throw .learning(.indexOutOfRange(axis: "row", index: bad, bound: rowCount))
        }
        if let bad = columns.first(where: { $0 < 0 || $0 >= d }) {
            throw .learning(.indexOutOfRange(axis: "column", index: bad, bound: d))
        }
        var values = [Double]()
        values.reserveCapacity(rows.count * columns.count)
        features.withUnsafeBufferPointer { all in
            for row in rows {
                let base = row * d
                for column in columns { values.append(all[base + column]) }
            }
        }
        var copy = self
        copy.features = try learning { () throws(LearningError) in try DenseMatrix(rows: rows.count, columns: columns.count, values: values) }
        copy.featureNames = columns.map { featureNames[$0] }
        copy.labels = rows.map { labels[$0] }
        copy.temperature = rows.map { temperature[$0] }
        copy.isTraining = rows.map { isTraining[$0] }
        copy.energyBarrier = energyBarrier.map { e in rows.map { e[$0] } }
        return copy
    }

    /// The given rows (in the given order, repeats allowed), all per-row arrays alike.
    /// - Throws: `.learning(.indexOutOfRange)` for a bad row index.
    public func selectingRows(_ rows: [Int]) throws(DiagnosticError) -> DiagnosticInput {
        var copy = self
        copy.features = try learning { () throws(LearningError) in try features.selectingRows(rows) }
        copy.labels = rows.map { labels[$0] }
        copy.temperature = rows.map { temperature[$0] }
        copy.isTraining = rows.map { isTraining[$0] }
        copy.energyBarrier = energyBarrier.map { e in rows.map { e[$0] } }
        return copy
    }
}

/// What population the test rows are drawn from.
public enum TestPopulation: String, Sendable, Codable {
    /// Not recorded (toy tables, users' own files): no assumption.
    case unspecified
    /// Every labelled particle of the test frames (the papers' P_R(S,T)); their class imbalance
    /// is the rearrangement rate itself and is not a caveat.
    case natural
    /// A balanced sample (`featurize --balance-only`): P(R|S,T) and the constant terms of
    /// ΔE_inf(S) and Σ(S) are set by the balancing, and the diagnostic warns.
    case balancedSample
}

/// Settings of the diagnostic pipeline (DESIGN.md §1 items 3–8). Decoding accepts missing keys
/// (they take the defaults).
public struct DiagnosticOptions: Sendable, Equatable, Codable {
    /// SVM settings; the default `LinearSVMOptions()` equals scikit-learn `LinearSVC()` (C = 1,
    /// squared hinge, tol 1e-4, penalized intercept).
    public var svm: LinearSVMOptions
    /// Number of softness values S on the Arrhenius grid (paper Fig. 1b shows 15), spanning the
    /// 2.5–97.5 % quantiles of test-row softness. ≥ 0.
    public var softnessGridCount: Int
    /// Bootstrap replicates for the standard error of Var(ΔE_inf) (0 = no error bar). ≥ 0.
    public var bootstrapSamples: Int
    /// Seed of every random choice made here (bootstrap resampling, scan subsets).
    public var seed: UInt64

    /// Creates options; defaults: sklearn LinearSVC SVM, 15 grid values, 20 bootstrap samples, seed 1.
    public init(svm: LinearSVMOptions = LinearSVMOptions(), softnessGridCount: Int = 15,
                bootstrapSamples: Int = 20, seed: UInt64 = 1) {
        self.svm = svm
        self.softnessGridCount = softnessGridCount
        self.bootstrapSamples = bootstrapSamples
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey { case svm, softnessGridCount, bootstrapSamples, seed }

    /// Decodes options; missing keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        svm = try c.decodeIfPresent(LinearSVMOptions.self, forKey: .svm) ?? LinearSVMOptions()
        softnessGridCount = try c.decodeIfPresent(Int.self, forKey: .softnessGridCount) ?? 15
        bootstrapSamples = try c.decodeIfPresent(Int.self, forKey: .bootstrapSamples) ?? 20
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1
    }

    /// Throws `.invalidRegularization` or `.invalidOption` for out-of-range values.
    package func validate() throws(DiagnosticError) {
        guard svm.c.isFinite, svm.c > 0 else { throw .invalidRegularization(svm.c) }
        guard softnessGridCount >= 0 else {
            throw .invalidOption(name: "softnessGridCount", reason: "must be ≥ 0 (got \(softnessGridCount))")
        }
        guard bootstrapSamples >= 0 else {
            throw .invalidOption(name: "bootstrapSamples", reason: "must be ≥ 0 (got \(bootstrapSamples))")
        }
    }
}
