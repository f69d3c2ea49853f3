import ArgumentParser
import Foundation
import HDF5
import ParticleTable
import Workflows

extension LabelEncoding: ExpressibleByArgument {}

/// The input particle table and how to read it.
struct InputArguments: ParsableArguments {
    @Argument(help: "Particle-table HDF5 file (schema v1; see `softness inspect`), or any HDF5 file with --features/--labels/--temperature or --mapping.")
    var file: String

    @OptionGroup(title: "Mapped layout (any HDF5 file)") var layout: MappedLayoutOptions

    @Option(name: .customLong("test-fraction"), help: "Fraction of rows held out at random when there is no split.")
    var testFraction: Double = 0.5

    @Option(name: .customLong("selection"), help: "Train only on the rows recorded by `validate --balance` in this run of the results file.")
    var selectionRun: String?

    @Option(name: .customLong("temperatures"), help: "Keep only the rows at these temperatures, comma-separated (matched within 1e-9 relative).")
    var selectedTemperatures: NumberList?

    @Option(name: .customLong("species"), help: "Keep only the rows of these species (/species), comma-separated: type codes (1) or names (A).")
    var selectedSpecies: String?

    @Option(name: .customLong("frames"), help: "Keep only the rows with a ≤ /frame < b, given as a:b (a: or :b leave an end open).")
    var selectedFrames: String?

    @Option(name: .customLong("columns"), help: "Keep only these feature columns: names or shell-style globs (*, ?), comma-separated, e.g. f0,G2_*. (arrhenius --binned: the columns of a headerless text table instead.)")
    var columns: String?

    @Option(name: .customLong("exclude-columns"), help: "Drop these feature columns: names or globs (*, ?), comma-separated.")
    var excludedColumns: String?

    @Option(name: .customLong("features-from"), help: "Keep only the recommended feature set of this rfe run of the results file (/results/RUN/rfe/recommended_names).")
    var featuresFrom: String?

    /// True when a row or column selection option is given.
    var hasTableSelection: Bool {
        selectedTemperatures != nil || selectedSpecies != nil || selectedFrames != nil || columns != nil || excludedColumns != nil || featuresFrom != nil
    }

    /// Splits a comma-separated option value.
    private static func list(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    /// The selection asked for on the command line (`--features-from` is read from the results file).
    func tableSelection(results: ResultOptions) throws -> TableSelection {
        var selection = TableSelection(temperatures: selectedTemperatures?.values, species: Self.list(selectedSpecies),
                                       frames: try selectedFrames.map { text throws(TableSelectionError) in try TableSelection.parseFrames(text) },
                                       columns: Self.list(columns), excludedColumns: Self.list(excludedColumns))
        if let featuresFrom {
            let store = try results.store(for: self)
            try DamagedFileProbe.check(store.path)
            selection.featuresFrom = try TableSelection.recommendedFeatures(resultsPath: store.path, run: featuresFrom)
        }
        return selection
    }

    func validate() throws {
        for (name, value) in [("--temperatures", selectedTemperatures.map { $0.values.map { String($0) }.joined() }), ("--species", selectedSpecies),
                              ("--columns", columns), ("--exclude-columns", excludedColumns)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("\(name) needs at least one value") }
        }
        if let t = selectedTemperatures?.values.first(where: { !($0.isFinite && $0 > 0) }) {
            throw ValidationError("--temperatures must be positive and finite, got \(t)")
        }
        guard testFraction > 0, testFraction < 1 else { throw ValidationError("--test-fraction must be in (0, 1), got \(testFraction)") }
    }

    /// Results-file links for a mapped layout (standard name → source dataset), nil for schema v1.
    func links() throws -> [String: String]? { try layout.links() }

    /// Loads the table into a diagnostic input.
    func load(seed: UInt64, results: ResultOptions) throws -> LoadedInput {
        try DamagedFileProbe.check(file)
        var selection: TrainingSelection?
        if let selectionRun {
            let store = try results.store(for: self)
            try DamagedFileProbe.check(store.path)
            selection = try File.withFile(store.path) { stored in
                TrainingSelection(source: "\(store.path):/results/\(selectionRun)",
                                  rows: try stored.dataset("results/\(selectionRun)/balance/indices").read(as: Int.self),
                                  digest: try stored.group("results/\(selectionRun)").attribute("input_digest")?.stringValue)
            }
        }
        let tableSelection = try tableSelection(results: results)
        let loaded = try naming(file) {
            let mapping = try layout.datasetMapping()
            return try LoadedInput.load(path: file, labels: layout.effectiveLabelEncoding(mapping), mapping: mapping, testFraction: testFraction,
                                 seed: seed, trainingSelection: selection, tableSelection: tableSelection)
        }
        for note in loaded.notes { printError("note: \(note)") }
        if let outcome = loaded.selection { printError(outcome.summary) }
        return loaded
    }
}
