import ArgumentParser
import Diagnostics
import Workflows
import Foundation
import Learning

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the linear SVM on the training rows and compute softness S = (w·z + b)/|w| for every row.")

    @OptionGroup var input: InputArguments
    @OptionGroup var svm: SVMArguments
    @OptionGroup var results: ResultOptions

    @Flag(help: "Print the fit as JSON.")
    var json = false

    func run() throws {
        let name = results.runName(default: "train")
        let store = try results.store(for: input)
        try checkRunName(results, store: store, name: name)
        let loaded = try input.load(seed: svm.seed, results: results)
        let data = loaded.input
        let trainingRows = data.isTraining.indices.filter { data.isTraining[$0] }
        let (standardization, model, softness, accuracy) = try naming(input.file) {
            let standardization = try Standardization(fitting: data.features, rows: trainingRows)
            let z = try standardization.apply(to: data.features)
            let x = try z.selectingRows(trainingRows)
            let labels = trainingRows.map { data.labels[$0] }
            let model = try LinearSVM.fit(x: x, labels: labels, options: svm.options.svm)
            let norm = model.weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return (standardization, model, try model.decisionFunction(z).map { $0 / norm }, try model.accuracy(x, labels: labels))
        }
        warnIfNotConverged(model.report, context: "training")
        let norm = model.weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if json {
            try printJSON(TrainSummary(featureNames: data.featureNames, weights: model.weights, bias: model.bias,
                                       trainingAccuracy: accuracy, report: model.report))
        } else {
            print("trained on \(trainingRows.count) rows × \(data.featureCount) features: \(model.report.summary)")
            print(String(format: "training accuracy %.4f, |w| = %.4g", accuracy, norm))
            for (name, weight) in zip(data.featureNames, model.weights) { print(String(format: "  w[%@] = %+.6f", name, weight)) }
        }
        try storeRun(results, store: store, digest: loaded.digest, name: name, parameters: svm.parameters, loaded: loaded) { run in
            try ResultWriting.writeModel(standardization: standardization, model: model, names: data.featureNames, to: run)
            try run.createDataset("softness", values: softness, options: .rowChunked(1 << 16))
        }
    }
}

struct TrainSummary: Encodable {
    var featureNames: [String]
    var weights: [Double]
    var bias: Double
    var trainingAccuracy: Double
    var report: FitReport
}
