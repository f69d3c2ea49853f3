import ArgumentParser
import Foundation
import ParticleTable

/// How to read an HDF5 file that does not follow schema v1: the datasets of features, labels,
/// temperature (and optional names, split, barrier), the label encoding and the orientation,
/// given on the command line or in a mapping file. Shared by every command that reads a table.
struct MappedLayoutOptions: ParsableArguments {
    @Option(name: .customLong("label-encoding"), help: "Label encoding: pm1 (+1/-1, schema v1; integers or floats), 01 (1 rearranges, 0 not; integers or floats) or bool (numpy bool as h5py writes it, HDF5 enum FALSE/TRUE). Default pm1, or the mapping file's label_encoding.")
    var labelEncoding: LabelEncoding?

    @Option(help: "Mapped layout: dataset of features [N, d] (the source file is only read); [d, N] with --transpose.")
    var features: String?

    @Flag(help: "Mapped layout: the features dataset is stored [d, N] (one row per feature); read it transposed.")
    var transpose = false

    @Option(help: "Mapped layout: dataset of labels [N].")
    var labels: String?

    @Option(help: "Mapped layout: dataset of temperatures [N] or [N, 1]; OBJECT@NAME for a scalar attribute (/run@T: attribute T of /run, @T: of the root group); or one number for every row.")
    var temperature: String?

    @Option(name: .customLong("temperature-value"), help: "Mapped layout: one temperature for every row (instead of --temperature).")
    var temperatureValue: Double?

    @Option(name: .customLong("feature-names"), help: "Mapped layout: dataset of feature names [d].")
    var featureNames: String?

    @Option(help: "Mapped layout: dataset of the split [N] (0 train, 1 test).")
    var split: String?

    @Option(name: .customLong("energy-barrier"), help: "Mapped layout: dataset of true barriers [N].")
    var energyBarrier: String?

    @Option(help: "Mapping file (JSON: features, labels, temperature, and optionally feature_names, split, energy_barrier, label_encoding, transpose).")
    var mapping: String?

    /// True when any mapped-layout option is given.
    var isMapped: Bool {
        mapping != nil || [features, labels, temperature, featureNames, split, energyBarrier].contains { $0 != nil } || temperatureValue != nil || transpose
    }

    func validate() throws {
        let mapped = [features, labels, temperature, featureNames, split, energyBarrier].contains { $0 != nil } || temperatureValue != nil || transpose
        if mapping != nil && mapped { throw ValidationError("give either --mapping or --features/--labels/--temperature (and --transpose, --temperature-value), not both; put \"transpose\" in the mapping file") }
        if temperature != nil && temperatureValue != nil { throw ValidationError("give either --temperature or --temperature-value, not both") }
        if mapped && (features == nil || labels == nil || (temperature == nil && temperatureValue == nil)) {
            throw ValidationError("a mapped layout needs --features, --labels and --temperature (a dataset path, OBJECT@ATTRIBUTE, or a number) or --temperature-value")
        }
    }

    /// The dataset layout: schema v1, the command-line mapping, or the mapping file.
    func datasetMapping() throws -> DatasetMapping {
        if let mapping { return try DatasetMapping.read(file: mapping) }
        guard let features, let labels, let temperatureSource = temperatureValue.map({ .value($0) }) ?? temperature.map({ DatasetMapping.TemperatureSource.parse($0) }) else { return .schemaV1 }
        return DatasetMapping(features: features, featureNames: featureNames, labels: labels,
                              temperature: temperatureSource, split: split, energyBarrier: energyBarrier, transpose: transpose)
    }

    /// The label encoding: --label-encoding, else the mapping file's `label_encoding`, else pm1.
    /// Stating two different encodings is an error.
    func effectiveLabelEncoding(_ layout: DatasetMapping) throws -> LabelEncoding {
        if let stated = labelEncoding, let inFile = layout.labelEncoding, stated != inFile {
            throw ValidationError("--label-encoding \(stated.rawValue) contradicts \"label_encoding\": \"\(inFile.rawValue)\" in \(mapping ?? "the mapping file"); give one")
        }
        return labelEncoding ?? layout.labelEncoding ?? .plusMinusOne
    }

    /// Results-file links for a mapped layout (standard name → source dataset), nil for schema v1.
    func links() throws -> [String: String]? {
        let layout = try datasetMapping()
        guard !layout.isSchema else { return nil }
        // Per-group patterns ('/frame_*/x') name many datasets: nothing to link to.
        let paths = [layout.features, layout.labels] + [layout.featureNames, layout.split, layout.energyBarrier].compactMap { $0 }
        if paths.contains(where: { $0.contains { "*?[".contains($0) } }) { return [:] }
        // A transposed [d, N] features dataset is not linked as /features, which readers take as [N, d].
        var links = ["/labels": layout.labels]
        if !layout.transpose { links["/features"] = layout.features }
        if case .dataset(let path) = layout.temperature { links["/temperature"] = path }
        if let path = layout.featureNames { links["/feature_names"] = path }
        if let path = layout.split { links["/split"] = path }
        if let path = layout.energyBarrier { links["/energy_barrier"] = path }
        return links
    }

    /// Loads every row of `file` through the mapped layout (errors name the file).
    func load(_ file: String) throws -> (data: ParticleTableData, mapping: DatasetMapping) {
        let mapping = try datasetMapping()
        return (try naming(file) { try ParticleTableReader.load(path: file, labels: effectiveLabelEncoding(mapping), mapping: mapping) }, mapping)
    }
}
