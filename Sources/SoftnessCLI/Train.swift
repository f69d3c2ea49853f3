import ArgumentParser
import Diagnostics
import Workflows
import Foundation
import Learning

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the linear SVM on the training rows and compute softness S = (w·z + b)/|w| for every row.")

    @OptionGroup(title: "Input") var input: InputArguments
    @OptionGroup(title: "SVM and diagnostic") var svm: SVMArguments
    @OptionGroup(title: "Results") var results: ResultOptions

    @OptionGroup var printing: JSONOption

    func run() throws {
        let name = results.runName(default: "train")
        let store = try results.store(for: input)
        try checkRunName(results, store: store, name: name)
        let loaded = try input.load(seed: svm.seed, results: results)
        let data = loaded.input
        let trained = try naming(input.file) { try Diagnostics.Softness.train(data, options: svm.options) }
        let model = trained.model
        warnIfNotConverged(model.report, context: "training")
        if printing.json {
            try printJSON(TrainSummary(featureNames: data.featureNames, weights: model.weights, bias: model.bias,
                                       trainingAccuracy: trained.trainingAccuracy, report: model.report))
        } else {
            print("trained on \(trained.trainingRowCount) rows × \(data.featureCount) features: \(model.report.summary)")
            print(String(format: "training accuracy %.4f, |w| = %.4g", trained.trainingAccuracy, trained.weightNorm))
            for (name, weight) in zip(data.featureNames, model.weights) { print(String(format: "  w[%@] = %+.6f", name, weight)) }
        }
        try storeRun(results, store: store, digest: loaded.digest, name: name, parameters: svm.parameters, loaded: loaded) { run in
            try ResultWriting.writeModel(standardization: trained.standardization, model: model, names: data.featureNames, to: run)
            try ResultWriting.writeSoftness(trained.softness, storage: results.softnessStorage, to: run)
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
