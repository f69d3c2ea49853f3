import ArgumentParser
import Foundation
import ParticleTable
import ToyModel
import Workflows

extension ToyVariant: ExpressibleByArgument {}
extension FeatureStorage: ExpressibleByArgument {}

/// Parses a comma-separated list of numbers such as `0.3,0.35,0.4`.
struct NumberList: ExpressibleByArgument {
    let values: [Double]
    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Double] = []
        for part in parts where !part.isEmpty {
            guard let value = Double(part) else { return nil }
            values.append(value)
        }
        self.values = values
    }
    init(_ values: [Double]) { self.values = values }
    var defaultValueDescription: String { values.map { String($0) }.joined(separator: ",") }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the paper's toy model as a particle table.",
        discussion: """
        x ~ N(0,1)^n, ΔE = Σ α_j x_j over the relevant dimensions, P(R=+1|x) = 1/(1+e^{ΔE/T}).
        Variants: symmetric (paper Sec. II), positive (App. A: barriers shifted 2 sd above zero,
        negatives discarded, balanced 50/50), spurious (Sec. V: x plus z_j = x_j² Σ_k x_k).
        Training rows are drawn at the training temperatures, test rows at every temperature.
        The same seed gives the same file whatever the number of threads.
        """)

    @Option(help: "Model variant: symmetric, positive or spurious.")
    var variant: ToyVariant = .symmetric

    @Option(name: [.customShort("n"), .customLong("train-rows")], help: "Training rows N per training temperature.")
    var trainRows: Int = 10_000

    @Option(name: .customLong("test-rows"), help: "Test rows per temperature.")
    var testRows: Int = 10_000

    @Option(help: "Temperatures, comma-separated.")
    var temperatures = NumberList([0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0])

    @Option(name: .customLong("train-temperatures"), help: "Temperatures that get training rows, comma-separated.")
    var trainTemperatures = NumberList([0.4])

    @Option(help: "Relevant dimensions (α_j = alpha).")
    var relevant: Int = 10

    @Option(help: "Noise dimensions (α_j = 0); default 4, or 0 for the spurious variant.")
    var noise: Int?

    @Option(help: "Weight α of each relevant dimension.")
    var alpha: Double = 1.2

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Feature storage on disk: float32 or float64.")
    var storage: FeatureStorage = .float64

    @OptionGroup(title: "Output") var file: OutputFileOptions
    @OptionGroup(title: "Performance") var threads: ThreadOptions

    func validate() throws {
        guard trainRows > 0 else { throw ValidationError("--train-rows must be positive (got \(trainRows)): N is the number of training rows") }
        guard testRows >= 0 else { throw ValidationError("--test-rows must be zero or positive (got \(testRows))") }
        guard !temperatures.values.isEmpty else { throw ValidationError("--temperatures is empty: give at least one temperature, e.g. 0.4,0.5") }
        if let bad = temperatures.values.first(where: { !($0 > 0 && $0.isFinite) }) {
            throw ValidationError("--temperatures must be positive and finite (got \(bad))")
        }
    }

    func run() throws {
        var configuration = ToyModelConfiguration.defaults(for: variant)
        configuration.relevantDimensions = relevant
        if let noise { configuration.noiseDimensions = noise }
        configuration.alpha = alpha
        configuration.temperatures = temperatures.values
        configuration.trainingTemperatures = trainTemperatures.values
        configuration.trainingRows = trainRows
        configuration.testRows = testRows
        configuration.seed = seed
        let bar = ProgressBar("generate")
        try ToyTable.write(configuration, to: file.output, storage: storage, overwrite: file.force, threads: threads.threads) { done, total in
            bar.update(done, of: total)
        }
        print("wrote \(file.output): \(configuration.totalRows) rows × \(configuration.featureCount) features (\(variant.rawValue), seed \(seed), \(storage.rawValue))")
    }
}
