import Foundation
import ParticleTable
import Report

/// `softness report`: reads runs of a results file and writes a folder with `index.html`
/// (self-contained: inline SVG and CSS, no scripts), one SVG per figure (`RUN-FIGURE.svg`) and,
/// when `rsvg-convert` (Debian librsvg2-bin) is on PATH, a PNG of each.
///
/// The folder is written under a hidden temporary name beside the destination and renamed into
/// place when complete, so a killed report leaves no half-written folder; `force` moves an
/// existing folder aside, renames the new one into place and then removes the old one.
public enum ReportWriting {
    /// What was written.
    public struct Summary: Sendable, Encodable {
        /// The report folder and its page.
        public var directory: String, index: String
        /// The runs reported, the labels files and tables reported, and the SVG files written
        /// (relative to `directory`).
        public var runs: [String], inputs: [String], figures: [String]
        /// PNG files written (0 without rsvg-convert) and why not, when none were.
        public var pngs: Int, pngNote: String?
        /// Fits that failed or were rejected, over every run (also shown as warnings on the page).
        public var failedFits: Int
    }

    /// Writes the report of `files` into `directory`: results files (their `runs`, every run when
    /// empty), labels files and particle tables.
    /// - Throws: `ReportError.outputExists` (before anything is read) when `directory` exists
    ///   and `force` is false; `.malformed` for a file of another kind or two results files of
    ///   the same name; `.unknownRun` for a run in none of the results files;
    ///   the errors of `ReportReading.read`; `.cannotWrite`.
    public static func write(files: [String], runs: [String], to directory: String, force: Bool,
                             version: String, date: Date = Date()) throws -> Summary {
        let manager = FileManager.default
        if !force, manager.fileExists(atPath: directory) { throw ReportError.outputExists(path: directory) }
        let kinds = try files.map { try ReportReading.kind(of: $0) }
        let resultFiles = files.indices.filter { kinds[$0] == .results }.map { files[$0] }
        if !runs.isEmpty, resultFiles.isEmpty {
            throw ReportError.malformed(file: files.first ?? directory, object: "/", reason: "--run needs a results file")
        }
        var records: [RunRecord] = [], available: [String] = [], recordedInputs: [String] = []
        for path in resultFiles {
            let read = try ReportReading.read(path: path, runs: runs.isEmpty ? nil : Set(runs))
            available += read.available
            if let input = read.input { recordedInputs.append(input) }
            // Runs of several results files get the file's stem in their figure names.
            let stem = URL(fileURLWithPath: path).deletingPathExtension().deletingPathExtension().lastPathComponent
            records += read.records.map { var r = $0; if resultFiles.count > 1 { r.key = "\(stem)-\(r.name)" }; return r }
        }
        if let missing = runs.first(where: { !available.contains($0) }) {
            throw ReportError.unknownRun(file: resultFiles.joined(separator: ", "), run: missing, available: Array(Set(available)).sorted())
        }
        let keys = records.map(\.key)
        if let repeated = keys.first(where: { key in keys.filter { $0 == key }.count > 1 }) {
            throw ReportError.malformed(file: resultFiles.joined(separator: ", "), object: "/results/\(repeated)", reason: "two results files with the same name hold this run; report them separately")
        }
        let inputs = try files.indices.filter { kinds[$0] != .results }.map { try ReportReading.input(path: files[$0], kind: kinds[$0]) }
        let drawn = records.map { run in (run: run, charts: RunFigures.charts(for: run).map { (chart: $0, file: "\(run.key)-\($0.id).svg") }) }
        let inputCharts = InputFigures.charts(for: inputs).map { (chart: $0, file: "inputs-\($0.id).svg") }
        let source = ReportPage.Source(resultsFiles: resultFiles, inputs: recordedInputs, generated: ISO8601DateFormatter().string(from: date), version: version)
        let page = ReportPage.html(source: source, runs: drawn, inputs: inputs, inputCharts: inputCharts)

        let destination = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = destination.deletingLastPathComponent().path
        guard manager.fileExists(atPath: parent) else { throw ReportError.cannotWrite(path: directory, reason: "the folder \(parent) does not exist") }
        let temporary = parent + "/.\(destination.lastPathComponent).partial-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        do {
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
            var figures: [String] = []
            for charts in drawn.map(\.charts) + [inputCharts] {
                for (chart, file) in charts {
                    try save(ChartSVG.render(chart), to: temporary + "/" + file)
                    figures.append(file)
                }
            }
            try save(page, to: temporary + "/index.html")
            let (pngs, note) = convertToPNG(figures, in: temporary)
            try AtomicFile.synchronize(temporary)
            try publish(temporary, as: destination.path, replacing: force)
            return Summary(directory: directory, index: (directory as NSString).appendingPathComponent("index.html"),
                           runs: records.map(\.key), inputs: inputs.map(\.file), figures: figures, pngs: pngs, pngNote: note,
                           failedFits: records.reduce(0) { $0 + ConvergenceTable($1).failures.count })
        } catch {
            try? manager.removeItem(atPath: temporary)
            if let error = error as? ReportError { throw error }
            throw ReportError.cannotWrite(path: directory, reason: AtomicFile.spaceProblem(in: error) ?? "\(error)")
        }
    }

    private static func save(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try AtomicFile.synchronize(path)
    }

    /// Renames the finished folder into place; an existing one (with `replacing`) is exchanged
    /// atomically and then removed.
    private static func publish(_ temporary: String, as destination: String, replacing: Bool) throws {
        if FileManager.default.fileExists(atPath: destination) {
            guard replacing else { throw ReportError.outputExists(path: destination) }
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: destination, isDirectory: &isFolder)
            guard isFolder.boolValue else { throw ReportError.cannotWrite(path: destination, reason: "exists and is not a folder; remove it or choose another -o") }
            // Two renames (Foundation exposes no renameat2 RENAME_EXCHANGE): a kill between them
            // leaves the old report under the hidden name, never a half-written one.
            let replaced = temporary.replacingOccurrences(of: ".partial-", with: ".replaced-")
            guard rename(destination, replaced) == 0 else {
                throw ReportError.cannotWrite(path: destination, reason: "cannot move the old folder aside: \(String(cString: strerror(errno)))")
            }
            guard rename(temporary, destination) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = rename(replaced, destination)
                throw ReportError.cannotWrite(path: destination, reason: reason)
            }
            try? FileManager.default.removeItem(atPath: replaced)
        } else if rename(temporary, destination) != 0 {
            throw ReportError.cannotWrite(path: destination, reason: String(cString: strerror(errno)))
        }
        try? AtomicFile.synchronize(URL(fileURLWithPath: destination).deletingLastPathComponent().path)
    }

    /// PNGs of the SVGs by `rsvg-convert` when it is on PATH (count, or a note why none).
    private static func convertToPNG(_ figures: [String], in folder: String) -> (Int, String?) {
        guard let tool = executable("rsvg-convert") else { return (0, "rsvg-convert not found (Debian package librsvg2-bin): SVG only") }
        var written = 0
        for file in figures {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            let png = (file as NSString).deletingPathExtension + ".png"
            process.arguments = ["--zoom", "2", "--format", "png", "--output", folder + "/" + png, folder + "/" + file]
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return (written, "rsvg-convert failed to start: \(error)") }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return (written, "rsvg-convert failed on \(file) (exit \(process.terminationStatus))") }
            written += 1
        }
        return (written, nil)
    }

    private static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
