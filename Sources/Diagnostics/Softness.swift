import Learning

/// A trained softness (DESIGN.md §1 items 2–4): the standardization z = (x − mean)/sd from the
/// training rows, the linear SVM on z, and the softness Sᵢ = (w·zᵢ + b)/‖w‖ — the signed
/// distance to the hyperplane in standardized feature units — of every input row.
public struct SoftnessModel: Sendable {
    /// Input columns used, in order.
    public var columns: [Int]
    /// Training-row means and population sds of those columns.
    public var standardization: Standardization
    /// The SVM, weights and bias in standardized units.
    public var model: LinearSVMModel
    /// ‖w‖.
    public var weightNorm: Double
    /// Sᵢ for every input row, in input order.
    public var softness: [Double]
    /// Fraction of training rows with sign(S) equal to the label.
    public var trainingAccuracy: Double
    /// Training rows used.
    public var trainingRowCount: Int

    /// A trained softness from its parts (the out-of-core run builds it pass by pass).
    package init(columns: [Int], standardization: Standardization, model: LinearSVMModel, weightNorm: Double,
                 softness: [Double], trainingAccuracy: Double, trainingRowCount: Int) {
        self.columns = columns
        self.standardization = standardization
        self.model = model
        self.weightNorm = weightNorm
        self.softness = softness
        self.trainingAccuracy = trainingAccuracy
        self.trainingRowCount = trainingRowCount
    }
}

/// Training the softness: what `softness train` runs, and the first stage of every diagnostic.
public enum Softness {
    /// Trains on the input's training rows and all its columns.
    /// - Throws: `DiagnosticError` — invalid input, `.noTrainingRows`, `.tooFewTrainingRows`,
    ///   `.singleClassInTraining`, `.constantFeature`, `.invalidRegularization`, `.degenerateModel`, `.learning`.
    public static func train(_ input: DiagnosticInput, options: DiagnosticOptions = .init()) throws(DiagnosticError) -> SoftnessModel {
        try input.validateUnlessValidated()
        try options.validate()
        return try train(input, columns: Array(0..<input.featureCount), trainingRows: RowSplit(input).training,
                         options: options.svm, warmStart: nil)
    }

    /// Trains on a subset of columns and training rows of a validated input.
    static func train(_ input: DiagnosticInput, columns: [Int], trainingRows: some RandomAccessCollection<Int>,
                      options: LinearSVMOptions, warmStart: LinearSVMModel?) throws(DiagnosticError) -> SoftnessModel {
        let d = columns.count
        guard d > 0 else { throw .noFeatures }
        guard !trainingRows.isEmpty else { throw .noTrainingRows }
        guard trainingRows.count >= d + 2 else {
            throw .tooFewTrainingRows(needed: d + 2, actual: trainingRows.count, features: d)
        }
        var positives = 0
        for r in trainingRows where input.labels[r] == 1 { positives += 1 }
        if positives == 0 { throw .singleClassInTraining(label: -1, rows: trainingRows.count) }
        if positives == trainingRows.count { throw .singleClassInTraining(label: 1, rows: trainingRows.count) }

        // Standardization from the training rows, applied on the fly: the SVM reads the training
        // rows of the raw features through a view, never a standardized copy.
        let standardization = try standardize(input, columns: columns, rows: trainingRows)
        let yTrain = trainingRows.map { input.labels[$0] }
        let model = try learning { () throws(LearningError) in
            let zTrain = try trainingView(input, columns: columns, rows: trainingRows, standardization)
            return try LinearSVM.fit(zTrain, labels: yTrain, options: options, warmStart: warmStart)
        }
        let norm = model.weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite, model.bias.isFinite else { throw .degenerateModel(weightNorm: norm) }
        let softness = values(input, columns: columns, standardization, model, norm: norm)
        var correct = 0
        for r in trainingRows where (softness[r] > 0 ? 1.0 : -1.0) == input.labels[r] { correct += 1 }
        return SoftnessModel(columns: columns, standardization: standardization, model: model, weightNorm: norm,
                             softness: softness, trainingAccuracy: Double(correct) / Double(trainingRows.count),
                             trainingRowCount: trainingRows.count)
    }

    /// Mean and population sd of the selected columns over the training rows (DESIGN.md §1 item
    /// 2), by `Learning.Standardization`, with the feature name in the constant-column error.
    static func standardize(_ input: DiagnosticInput, columns: [Int],
                            rows: some Collection<Int>) throws(DiagnosticError) -> Standardization {
        do throws(LearningError) {
            return try Standardization(fitting: input.features, rows: rows, columns: columns)
        } catch .constantColumn(let k) where k >= 0 && k < columns.count {
            throw .constantFeature(column: columns[k], name: input.featureNames[columns[k]])
        } catch {
            throw .learning(error)
        }
    }

    /// The standardized training rows × selected columns as a view of the raw features: z =
    /// (x − mean)·(1/sd), the reciprocal rounded once per column. The primal SVM solver
    /// standardizes each row as it reads it, so no copy of the training rows is made; the dual
    /// solver (hinge loss or fewer than 20 rows per feature) materializes the view itself.
    static func trainingView(_ input: DiagnosticInput, columns: [Int], rows: some RandomAccessCollection<Int>,
                             _ st: Standardization) throws(LearningError) -> TrainingView {
        if let indices = rows as? RowIndices {
            if let narrow = indices.narrowStorage {
                return try TrainingView(matrix: input.features, rows: narrow, columns: columns,
                                        standardization: st, arithmetic: .reciprocalMultiplication)
            }
        }
        if input.rowCount <= Int(UInt32.max) {
            return try TrainingView(matrix: input.features, rows: rows.map { UInt32(truncatingIfNeeded: $0) },
                                    columns: columns, standardization: st, arithmetic: .reciprocalMultiplication)
        }
        return try TrainingView(matrix: input.features, rows: Array(rows), columns: columns,
                                standardization: st, arithmetic: .reciprocalMultiplication)
    }

    /// Sᵢ = (w·zᵢ + b)/‖w‖ for every row, with z computed on the fly from the raw features.
    static func values(_ input: DiagnosticInput, columns: [Int], _ st: Standardization,
                                _ model: LinearSVMModel, norm: Double) -> [Double] {
        values(input.features, columns: columns, st, weights: model.weights, bias: model.bias, norm: norm)
    }

    /// The one implementation of Sᵢ = (w·zᵢ + b)/‖w‖, z = (x − mean)/sd, over every row of
    /// `features` (columns `columns` in the order of the weights); training and `apply` share it.
    package static func values(_ features: DenseMatrix, columns: [Int], _ st: Standardization,
                       weights: [Double], bias: Double, norm: Double) -> [Double] {
        let n = features.rows, stride = features.columns, d = columns.count
        let mean = st.means
        let scaled = (0..<d).map { weights[$0] / st.standardDeviations[$0] }
        var out = [Double](repeating: 0, count: n)
        features.withUnsafeBufferPointer { v in
            scaled.withUnsafeBufferPointer { w in
                columns.withUnsafeBufferPointer { cols in
                    mean.withUnsafeBufferPointer { m in
                        out.withUnsafeMutableBufferPointer { o in
                            for i in 0..<n {
                                let base = i * stride
                                var s = 0.0
                                for k in 0..<d { s += w[k] * (v[base + cols[k]] - m[k]) }
                                o[i] = (s + bias) / norm
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Softness of new rows under a stored hyperplane (`softness apply`): Sᵢ = (w·zᵢ + b)/‖w‖
    /// with z = (x − mean)/sd, computed exactly as in training. `columns[k]` is the column of
    /// `features` holding the hyperplane's feature k.
    /// - Throws: `.lengthMismatch` when `columns` does not have one entry per weight,
    ///   `.invalidTable` for a column outside `features`, `.nonFiniteFeature` (row of `features`,
    ///   the hyperplane's feature name) for NaN or Inf in a used column.
    public static func values(of features: DenseMatrix, columns: [Int], _ hyperplane: SoftnessHyperplane) throws(DiagnosticError) -> [Double] {
        let d = hyperplane.weights.count
        guard columns.count == d else { throw .lengthMismatch(name: "columns", expected: d, actual: columns.count) }
        if let bad = columns.first(where: { $0 < 0 || $0 >= features.columns }) {
            throw .invalidTable(reason: "column \(bad) is outside the \(features.columns) feature columns")
        }
        for i in 0..<features.rows {
            for (k, column) in columns.enumerated() where !features[i, column].isFinite {
                throw .nonFiniteFeature(row: i, column: column, name: hyperplane.featureNames[k])
            }
        }
        return values(features, columns: columns, hyperplane.standardization, weights: hyperplane.weights,
                      bias: hyperplane.bias, norm: hyperplane.weightNorm)
    }
}

/// A trained softness hyperplane as stored with a run (`standardization/…`, `svm/weights`,
/// `svm/bias`): what `softness apply` evaluates on new rows with `Softness.values(of:columns:_:)`.
public struct SoftnessHyperplane: Sendable, Equatable {
    /// Feature names, in the order of the weights and the standardization.
    public let featureNames: [String]
    /// Training-row means and population sds of those features.
    public let standardization: Standardization
    /// SVM weights w on standardized features.
    public let weights: [Double]
    /// SVM bias b.
    public let bias: Double
    /// ‖w‖, computed as in training.
    public let weightNorm: Double

    /// Checks the parts fit together.
    /// - Throws: `.lengthMismatch` (names or weights vs the standardization), `.noFeatures`,
    ///   `.nonFiniteValue` for a non-finite weight or bias, `.degenerateModel` for ‖w‖ = 0.
    public init(featureNames: [String], standardization: Standardization, weights: [Double], bias: Double) throws(DiagnosticError) {
        let d = standardization.means.count
        guard d > 0 else { throw .noFeatures }
        guard featureNames.count == d else { throw .lengthMismatch(name: "feature names", expected: d, actual: featureNames.count) }
        guard weights.count == d else { throw .lengthMismatch(name: "weights", expected: d, actual: weights.count) }
        if let bad = weights.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(name: "weights", row: bad, value: weights[bad]) }
        guard bias.isFinite else { throw .nonFiniteValue(name: "bias", row: 0, value: bias) }
        let norm = weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite else { throw .degenerateModel(weightNorm: norm) }
        self.featureNames = featureNames
        self.standardization = standardization
        self.weights = weights
        self.bias = bias
        self.weightNorm = norm
    }
}
