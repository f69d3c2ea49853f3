import Testing
import Diagnostics
import ToyModel
import Learning

/// Generates a toy data set in memory (paper Sec. II) and wraps it as a DiagnosticInput.
func toyInput(variant: ToyVariant = .symmetric, trainingRows: Int, testRows: Int, seed: UInt64 = 1,
              temperatures: [Double] = [0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0],
              trainingTemperatures: [Double] = [0.4]) throws -> DiagnosticInput {
    let configuration = ToyModelConfiguration(variant: variant, temperatures: temperatures,
                                              trainingTemperatures: trainingTemperatures,
                                              trainingRows: trainingRows, testRows: testRows, seed: seed)
    let block = try ToyGenerator.generateAll(configuration)
    let features = try DenseMatrix(rows: block.rowCount, columns: block.featureCount, values: block.features)
    return try DiagnosticInput(features: features, labels: block.labels.map { Double($0) },
                               temperature: block.temperature, isTraining: block.split.map { $0 == 0 },
                               energyBarrier: block.energyBarrier, featureNames: configuration.featureNames)
}

extension Tag {
    /// Statistical tests that fit hundreds of SVMs (tens of seconds each).
    @Tag static var slow: Self
}
