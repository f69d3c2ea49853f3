import ArgumentParser
import Foundation
import ParticleTable
import ReportFiles

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the paper's figures and an HTML page (verdict, warnings, convergence of every fit, provenance) for runs of a results file.",
        discussion: """
        Writes DIR/index.html (self-contained: inline SVG and CSS, no JavaScript, no network), one SVG per \
        figure (RUN-FIGURE.svg) and, when rsvg-convert (Debian librsvg2-bin) is installed, a PNG of each. \
        Figures per run: diagnose — logit P(R|S,T) against S with the binned points, against 1/T at the grid S, \
        ΔE_inf(S) and Σ(S) with error bands, ΔE_inf against the true ΔE (toy data) or the distributions of S \
        and ΔE_inf, accuracy per temperature, SVM weights; rfe — Var(ΔE_inf) and accuracy against features kept; \
        scan — slope, accuracy and Var(ΔE_inf) against C per N; arrhenius --binned — the response against 1/T \
        per bin, ΔE(S), Σ(S), χ²/dof.
        """)

    @Argument(help: "A results file (NAME.results.h5), and/or labels files (softness label) and particle tables (featurize, join) for p_hop distributions and class counts.")
    var files: [String]

    @Option(name: .customLong("run"), help: "Run to report (repeatable; default: every run).")
    var runs: [String] = []

    @Option(name: [.short, .long], help: "Output folder (created; must not exist unless --force).")
    var output: String

    @Flag(help: "Replace the output folder if it exists.")
    var force = false

    @OptionGroup var printing: JSONOption

    func run() throws {
        if !force, FileManager.default.fileExists(atPath: output) {
            throw ValidationError("\(output): output folder exists; pass --force to replace it")
        }
        try DamagedFileProbe.check(files + files.flatMap(runFiles))
        let summary = try ReportWriting.write(files: files, runs: runs, to: output, force: force, version: SoftnessVersion.current)
        if printing.json {
            try printJSON(summary)
        } else {
            let inputs = summary.inputs.isEmpty ? "" : " and \(summary.inputs.count) labels file(s)/table(s)"
            print("report of \(summary.runs.count) run\(summary.runs.count == 1 ? "" : "s") (\(summary.runs.joined(separator: ", ")))\(inputs): \(summary.figures.count) figures, \(summary.pngs) PNG")
            if let note = summary.pngNote { print("  \(note)") }
            if summary.failedFits > 0 { printError("WARNING: \(summary.failedFits) fits failed or were rejected; the page lists them") }
            print(summary.index)
        }
    }

    /// The run files of a version-2 results file (NAME.results.runs/*.h5), probed before libhdf5
    /// follows the index's links into them.
    private func runFiles(_ results: String) -> [String] {
        let folder = (results as NSString).deletingPathExtension + ".runs"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
    }
}
