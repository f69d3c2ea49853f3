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
}

/// Training the softness: what `softness train` runs, and the first stage of every diagnostic.
public enum Softness {
    /// Trains on the input's training rows and all its columns.
    /// - Throws: `DiagnosticError` — invalid input, `.noTrainingRows`, `.tooFewTrainingRows`,
    ///   `.singleClassInTraining`, `.constantFeature`, `.invalidRegularization`, `.degenerateModel`, `.learning`.
    public static func train(_ input: DiagnosticInput, options: DiagnosticOptions = .init()) throws(DiagnosticError) -> SoftnessModel {
        try input.validate()
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
        let n = input.rowCount, stride = input.featureCount, d = columns.count
        let mean = st.means
        let scaled = (0..<d).map { model.weights[$0] / st.standardDeviations[$0] }
        let bias = model.bias
        var out = [Double](repeating: 0, count: n)
        input.features.withUnsafeBufferPointer { v in
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
}
