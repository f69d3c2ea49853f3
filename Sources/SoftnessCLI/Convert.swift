import ArgumentParser
import Conversion
import Foundation
import Interchange
import ParticleTable

extension InterchangeFormat: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
extension ImportLabelEncoding: ExpressibleByArgument {}
extension NPYExportArray: ExpressibleByArgument {}

/// `softness convert IN OUT`.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a particle table to or from CSV/TSV, LIBSVM text, NPY or NPZ (numpy, pandas, scikit-learn, LIBLINEAR).",
        discussion: """
        The formats come from the extensions (.csv, .tsv, .svm/.libsvm, .npy, .npz, .h5) or --from/--to \
        (.txt is LIBSVM text only with --to/--from libsvm). One side must be a particle table (.h5).
        Export: CSV/TSV columns are the features, then label, temperature, and split and energy_barrier when \
        present; LIBSVM holds labels and features only; .npy holds one --array; .npz holds X, y, T, split, \
        energy_barrier and feature_names.
        Import: labels from --label-column (default label) in --label-encoding (pm1, 01 or bool); temperature \
        from --temperature-column (default temperature) or one --temperature; split from a split column when \
        present. A .npy holds features only: give --labels-file and --temperature-file or --temperature.
        """)

    @Argument(help: "Input file.")
    var input: String

    @Argument(help: "Output file (written under a temporary name and renamed when complete).")
    var output: String

    @Option(help: "Input format: csv, tsv, libsvm, npy, npz, h5 (default: from the extension).")
    var from: InterchangeFormat?

    @Option(help: "Output format: csv, tsv, libsvm, npy, npz, h5 (default: from the extension).")
    var to: InterchangeFormat?

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    @Option(help: "Export to .npy: the array to write (features, labels, temperature, split, energy_barrier).")
    var array: NPYExportArray = .features

    @Flag(help: "Export to .npz: deflate the entries (numpy.savez_compressed).")
    var compress = false

    @Option(name: .customLong("label-column"), help: "Import from CSV/TSV: the column holding the labels.")
    var labelColumn = "label"

    @Option(name: .customLong("label-encoding"), help: "Import: how labels are written: pm1 (+1/-1), 01 (1/0) or bool (true/false).")
    var labelEncoding: ImportLabelEncoding = .plusMinusOne

    @Option(name: .customLong("temperature-column"), help: "Import from CSV/TSV: the column holding the temperature (default: temperature).")
    var temperatureColumn: String?

    @Option(help: "Import: one temperature for every row (energy units, k_B = 1).")
    var temperature: Double?

    @Option(name: .customLong("split-column"), help: "Import from CSV/TSV: the column holding the split, 0 train / 1 test (default: split, when present).")
    var splitColumn: String?

    @Option(name: .customLong("labels-file"), help: "Import from .npy: the labels array [N].")
    var labelsFile: String?

    @Option(name: .customLong("temperature-file"), help: "Import from .npy: the temperature array [N].")
    var temperatureFile: String?

    @Option(name: .customLong("split-file"), help: "Import from .npy: the split array [N].")
    var splitFile: String?

    @Option(help: "Import: feature storage, float32 or float64 (default: float64 for text, the array's dtype for npy/npz).")
    var storage: FeatureStorage?

    @Flag(name: .customLong("zero-based"), help: "Import from LIBSVM: indices start at 0 (scikit-learn's dump_svmlight_file default).")
    var zeroBased = false

    @Option(name: .customLong("features"), help: "Import from LIBSVM: the number of features d (default: the largest index; trailing all-zero columns leave no trace).")
    var featureCount: Int?

    @Option(help: "Export from any HDF5 file: a mapping file (JSON: features, labels, temperature, and optionally feature_names, split, energy_barrier, label_encoding, transpose) instead of schema v1.")
    var mapping: String?

    @Flag(help: "Import: store the table's datasets without deflate (a larger file, about 20 % for random float64 features, written without the deflate cost).")
    var uncompressed = false

    @Option(name: .customLong("block-rows"), help: "Rows per block read and written (default 65 536 for exports, 16 384 for imports; memory grows with it).")
    var blockRows: Int?

    func validate() throws {
        if let featureCount, featureCount < 1 { throw ValidationError("--features must be positive, got \(featureCount)") }
        if let blockRows, blockRows <= 0 { throw ValidationError("--block-rows must be positive, got \(blockRows)") }
        if let temperature, !(temperature.isFinite && temperature > 0) {
            throw ValidationError("--temperature must be positive and finite (energy units, k_B = 1), got \(temperature)")
        }
        if !force && FileManager.default.fileExists(atPath: output) {
            throw ValidationError("\(output): output file exists; pass --force to replace it")
        }
    }

    func run() throws {
        var options = ConversionOptions()
        options.from = from
        options.to = to
        options.overwrite = force
        options.blockRows = blockRows
        options.array = array
        options.compress = compress
        options.uncompressed = uncompressed
        options.labelColumn = labelColumn
        options.labelEncoding = labelEncoding
        options.temperatureColumn = temperatureColumn
        options.temperature = temperature
        options.splitColumn = splitColumn
        options.labelsFile = labelsFile
        options.temperatureFile = temperatureFile
        options.splitFile = splitFile
        options.storage = storage
        options.zeroBased = zeroBased
        options.featureCount = featureCount
        if let mapping {
            let layout = try DatasetMapping.read(file: mapping)
            options.mappedLayout = (layout, layout.labelEncoding ?? .plusMinusOne)
        }
        let (source, _) = try TableConversion.formats(input: input, output: output, options: options)
        if mapping != nil, source != .h5 { throw ValidationError("--mapping describes an HDF5 input; \(input) is \(source.rawValue)") }
        if source == .h5 { try DamagedFileProbe.check(input) }
        let bar = ProgressBar("convert")
        var counted = false
        let summary = try TableConversion.run(input: input, output: output, options: options) { done, total in
            if let total { bar.update(done, of: total) } else { counted = true; bar.count(done, unit: "rows") }
        }
        if counted { bar.finish() }
        for note in summary.notes { print("note: \(note)") }
        print("wrote \(output): \(summary.rows) rows × \(summary.featureCount) features (\(summary.from.rawValue) → \(summary.to.rawValue): \(summary.written.joined(separator: ", ")))")
    }
}
