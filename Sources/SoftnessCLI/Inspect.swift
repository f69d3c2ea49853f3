import ArgumentParser
import Foundation
import ParticleTable

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarize a particle table: schema, sizes, features, class balance per temperature and split, results.")

    @Argument(help: "Particle-table HDF5 file (or its results file), or any HDF5 file with --features/--labels/--temperature or --mapping.")
    var file: String

    @OptionGroup(title: "Mapped layout (any HDF5 file)") var layout: MappedLayoutOptions

    @OptionGroup var printing: JSONOption

    func run() throws {
        try DamagedFileProbe.check([file, ResultStore.defaultPath(forInput: file)])
        let summary: ParticleTableSummary
        if layout.isMapped {
            let (data, mapping) = try layout.load(file)
            summary = try ParticleTableSummary.mapped(data, mapping: mapping)
        } else { do {
            summary = try ParticleTableSummary.read(path: file)
        } catch ParticleTableError.resultsFileGiven(_, let input?) {
            // A results file: summarize the table it belongs to, whose summary lists the runs.
            if !printing.json { print("\(file) is the results file of \(input)") }
            try DamagedFileProbe.check([input])
            summary = try ParticleTableSummary.read(path: input)
        } }
        if printing.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(Self.render(summary))
        }
    }

    static func render(_ s: ParticleTableSummary) -> String {
        var lines: [String] = []
        lines.append("file:      \(s.file)")
        lines.append("schema:    " + (s.schema.map { "\($0) v\(s.schemaVersion.map(String.init) ?? "?")" } ?? "none (mapped layout)"))
        lines.append("rows N:    \(s.rows)")
        lines.append("features:  d = \(s.featureCount) (\(s.featureStorage)): \(abbreviated(s.featureNames))")
        lines.append("optional:  \(s.optionalDatasets.isEmpty ? "none" : s.optionalDatasets.joined(separator: ", "))")
        lines.append("results:   \(s.resultRuns.isEmpty ? "none" : s.resultRuns.joined(separator: ", "))")
        for (name, value) in s.attributes.sorted(by: { $0.key < $1.key }) {
            lines.append("  @\(name) = \(value)")
        }
        lines.append("")
        lines.append(pad("temperature", 12) + "  " + "split".padding(toLength: 6, withPad: " ", startingAt: 0)
                     + pad("rows", 11) + pad("R=+1", 11) + pad("R=-1", 11) + pad("frac(+1)", 10))
        for cell in s.cells {
            var line = pad(String(format: "%.6g", cell.temperature), 12) + "  "
                + cell.split.padding(toLength: 6, withPad: " ", startingAt: 0)
                + pad(String(cell.rows), 11) + pad(String(cell.rearranging), 11) + pad(String(cell.notRearranging), 11)
                + pad(String(format: "%.4f", cell.rearrangingFraction), 10)
            if cell.otherLabels > 0 { line += "  (\(cell.otherLabels) rows with labels outside ±1)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Right-aligns `text` in a field of `width` characters.
    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func abbreviated(_ names: [String]) -> String {
        names.count <= 8 ? names.joined(separator: " ") : (names.prefix(4) + ["…"] + names.suffix(3)).joined(separator: " ")
    }
}
