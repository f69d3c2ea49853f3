import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HDF5
import Testing

/// Elements of an XML document (SVG or the XHTML-compatible report page), parsed by Foundation's
/// XMLParser: parsing fails on anything that is not well-formed XML.
final class XMLElements: NSObject, XMLParserDelegate {
    struct Element { let name: String; let attributes: [String: String] }
    private(set) var elements: [Element] = []

    static func parse(_ url: URL) throws -> XMLElements {
        let collector = XMLElements()
        let parser = XMLParser(data: try Data(contentsOf: url))
        parser.delegate = collector
        guard parser.parse() else {
            throw NSError(domain: "XML", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(url.lastPathComponent): \(parser.parserError.map { "\($0)" } ?? "not XML") at line \(parser.lineNumber)"])
        }
        return collector
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(Element(name: name, attributes: attributes))
    }

    /// The data-x / data-y values of the marks of `series` (circles and bars), in document order.
    func points(_ series: String) -> [(x: Double, y: Double)] {
        var inside = false, out: [(Double, Double)] = []
        for e in elements {
            if let s = e.attributes["data-series"] { inside = s == series; if e.name != "g" { inside = false } }
            if inside, e.name == "circle" || e.name == "rect", let x = e.attributes["data-x"].flatMap(Double.init), let y = e.attributes["data-y"].flatMap(Double.init) {
                out.append((x, y))
            }
        }
        return out
    }

    /// The data-x / data-y lists of the polyline of `series`.
    func line(_ series: String) -> (x: [Double], y: [Double])? {
        guard let e = elements.first(where: { $0.name == "polyline" && $0.attributes["data-series"] == series }) else { return nil }
        func values(_ key: String) -> [Double] { (e.attributes[key] ?? "").split(separator: " ").compactMap { Double(String($0)) } }
        return (values("data-x"), values("data-y"))
    }
}

/// Installs a Debian package when `tool` is missing (tests run as root in CI); returns the tool's path.
func requireTool(_ tool: String, package: String) throws -> String {
    for folder in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(tool)") {
        return "\(folder)/\(tool)"
    }
    let install = Process()
    install.executableURL = URL(fileURLWithPath: "/bin/bash")
    // tools/apt-install.sh: one installer at a time (the Slurm test and the other report test install too).
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/apt-install.sh").path
    install.arguments = [script, "/tmp/softness-test-apt-\(package).log", package]
    try install.run()
    install.waitUntilExit()
    guard install.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/\(tool)") else {
        throw NSError(domain: "apt-get", code: Int(install.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "cannot install \(package) for \(tool); see /tmp/softness-test-apt-\(package).log"])
    }
    return "/usr/bin/\(tool)"
}

private func readRun(_ dir: URL, _ results: String, _ run: String, _ path: String) throws -> [Double] {
    try File.withFile(dir.appendingPathComponent("\(results).results.runs/\(run).h5").path) { try $0.dataset(path).read(as: Double.self) }
}

@Suite(.tags(.slow)) struct ReportCLITests {
    @Test func everyRunKindIsDrawnWithTheNumbersOfTheResultsFile() throws {
        try withScratch { dir in
            _ = try requireTool("rsvg-convert", package: "librsvg2-bin")
            for arguments in [["generate", "--variant", "spurious", "-n", "4000", "--test-rows", "4000", "--seed", "3", "-o", "toy.h5"],
                              ["diagnose", "toy.h5", "--run", "diag"],
                              ["rfe", "toy.h5", "--run", "rfe", "--bootstrap", "2"],
                              ["scan", "toy.h5", "--run", "scan", "--n", "500,2000", "--c-values", "0.1,10", "--seeds", "2"],
                              ["arrhenius", "toy.h5", "--run", "binned"],
                              ["report", "toy.results.h5", "-o", "report", "--json"]] {
                let result = try softness(arguments, in: dir)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
            }
            let report = dir.appendingPathComponent("report")
            let files = try FileManager.default.contentsOfDirectory(atPath: report.path)
            let svgs = files.filter { $0.hasSuffix(".svg") }.sorted()
            // Every figure the issue names, per run kind.
            for name in ["diag-logit-vs-S", "diag-logit-vs-inverse-T", "diag-delta-E-inf", "diag-sigma", "diag-truth-density", "diag-accuracy",
                         "diag-svm-weights", "rfe-rfe-variance", "rfe-rfe-accuracy", "scan-scan-slope", "scan-scan-accuracy", "scan-scan-variance",
                         "binned-binned-vs-inverse-T", "binned-binned-delta-E", "binned-binned-sigma", "binned-binned-chi2"] {
                #expect(svgs.contains(name + ".svg"), "missing \(name).svg in \(svgs)")
            }
            #expect(files.filter { $0.hasSuffix(".png") }.count == svgs.count)
            // The page and every SVG are well-formed XML.
            let page = try XMLElements.parse(report.appendingPathComponent("index.html"))
            #expect(page.elements.filter { $0.name == "svg" }.count == svgs.count)
            var charts: [String: XMLElements] = [:]
            for svg in svgs { charts[svg] = try XMLElements.parse(report.appendingPathComponent(svg)) }

            // (a) binned points = logit(rearranging / rows) of rates/, lines = a(T) + b(T) S of logistic/.
            let t = try readRun(dir, "toy", "diag", "logistic/temperature"), a = try readRun(dir, "toy", "diag", "logistic/intercept")
            let b = try readRun(dir, "toy", "diag", "logistic/slope")
            let edges = try readRun(dir, "toy", "diag", "rates/S_edges"), rows = try readRun(dir, "toy", "diag", "rates/rows")
            let plus = try readRun(dir, "toy", "diag", "rates/rearranging")
            let bins = edges.count - 1
            let figureA = try #require(charts["diag-logit-vs-S.svg"])
            for k in t.indices {
                let name = String(format: "%g", t[k])
                let line = try #require(figureA.line("logistic-T\(name)"))
                #expect(line.x == [edges[0], edges[bins]])
                #expect(zip(line.x, line.y).allSatisfy { abs($1 - (a[k] + b[k] * $0)) <= 1e-12 * max(1, abs($1)) })
                var expected: [(Double, Double)] = []
                for j in 0..<bins where plus[k * bins + j] > 0 && plus[k * bins + j] < rows[k * bins + j] {
                    let p = plus[k * bins + j] / rows[k * bins + j]
                    expected.append(((edges[j] + edges[j + 1]) / 2, log(p / (1 - p))))
                }
                let drawn = figureA.points("rates-T\(name)")
                #expect(drawn.count == expected.count && drawn.count > 3)
                #expect(zip(drawn, expected).allSatisfy { $0.x == $1.0 && abs($0.y - $1.1) <= 1e-12 })
            }
            // (c) ΔE_inf(S) points are arrhenius/delta_E exactly.
            let deltaE = try readRun(dir, "toy", "diag", "arrhenius/delta_E"), grid = try readRun(dir, "toy", "diag", "arrhenius/S")
            let figureC = try #require(charts["diag-delta-E-inf.svg"]).points("delta-E")
            #expect(figureC.map(\.x) == grid && figureC.map(\.y) == deltaE)
            // (d) the density cells sum to the truth check's rows.
            let density = try readRun(dir, "toy", "diag", "truth/density")
            let cells = try #require(charts["diag-truth-density.svg"]).elements.compactMap { $0.attributes["data-count"].flatMap(Int.init) }
            #expect(cells.reduce(0, +) == Int(density.reduce(0, +)) && cells.reduce(0, +) > 1000)
            // RFE: variance against features kept; scan: slope mean per cell.
            let variance = try readRun(dir, "toy", "rfe", "rfe/variance"), kept = try readRun(dir, "toy", "rfe", "rfe/n_kept")
            let rfe = try #require(charts["rfe-rfe-variance.svg"]).points("rfe-variance")
            #expect(rfe.map(\.x) == kept && rfe.map(\.y) == variance.filter(\.isFinite))
            let slopes = try readRun(dir, "toy", "scan", "scan/slope_mean"), n = try readRun(dir, "toy", "scan", "scan/n")
            let scan = try #require(charts["scan-scan-slope.svg"])
            let drawnSlopes = scan.points("scan-slope-N500") + scan.points("scan-slope-N2000")
            #expect(Set(drawnSlopes.map(\.y)) == Set(slopes) && Set(n) == [500, 2000])
            // Binned: ΔE per bin.
            let binned = try readRun(dir, "toy", "binned", "arrhenius_binned/delta_E")
            #expect(try #require(charts["binned-binned-delta-E.svg"]).points("binned-delta-E").map(\.y) == binned)

            // The page carries the verdicts stored with the runs and a convergence table.
            let html = try String(contentsOf: report.appendingPathComponent("index.html"), encoding: .utf8)
            let verdict = try File.withFile(dir.appendingPathComponent("toy.results.runs/diag.h5").path) { try $0.attribute("verdict")?.stringValue }
            #expect(html.contains(try #require(verdict).replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "\"", with: "&quot;")))
            #expect(html.contains("Convergence of every fit") && html.contains("Provenance") && html.contains("command_line"))
        }
    }

    @Test func headlessChromiumRendersThePage() throws {
        try withScratch { dir in
            let chromium = try requireTool("chromium", package: "chromium")
            for arguments in [["generate", "-n", "3000", "--test-rows", "3000", "--seed", "1", "-o", "toy.h5"],
                              ["diagnose", "toy.h5", "--run", "diag"], ["report", "toy.results.h5", "-o", "report"]] {
                let result = try softness(arguments, in: dir)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
            }
            let shot = dir.appendingPathComponent("page.png")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1600",
                                 "--screenshot=\(shot.path)", dir.appendingPathComponent("report/index.html").absoluteString]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let image = try PNGPixels(contentsOf: shot)
            #expect(image.width == 1280 && image.height == 1600)
            // Figures, text and the verdict box: well over 5 % of the page inked, many colours.
            #expect(image.inkedPixels > image.width * image.height / 20, "inked \(image.inkedPixels)")
            #expect(image.distinctColours > 50, "colours \(image.distinctColours)")
        }
    }

    @Test func aFailedFitIsShownAsAWarning() throws {
        try withScratch { dir in
            for arguments in [["generate", "-n", "3000", "--test-rows", "3000", "--seed", "1", "-o", "toy.h5"],
                              ["diagnose", "toy.h5", "--run", "capped", "--max-iterations", "1"],
                              ["generate", "-n", "1000", "--test-rows", "1000", "--seed", "2", "-o", "other.h5"], ["diagnose", "other.h5", "--run", "capped"]] {
                #expect(try softness(arguments, in: dir).status == 0)
            }
            // Two results files in one report: their runs are told apart by the file's stem.
            let result = try softness(["report", "toy.results.h5", "other.results.h5", "--run", "capped", "-o", "report"], in: dir)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("report").path)
            #expect(files.contains("toy-capped-logit-vs-S.svg") && files.contains("other-capped-logit-vs-S.svg"))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("fits failed or were rejected"))
            let html = try String(contentsOf: dir.appendingPathComponent("report/index.html"), encoding: .utf8)
            #expect(html.contains("SVM did not converge"))
            #expect(html.contains("<tr class=\"failed\"><td>linear SVM"))
            #expect(html.contains("fit failed or rejected: linear SVM"))
        }
    }

    @Test func badInputGetsAMessageAndWritesNothing() throws {
        try withScratch { dir in
            for arguments in [["generate", "-n", "2000", "--test-rows", "2000", "--seed", "1", "-o", "toy.h5"], ["diagnose", "toy.h5", "--run", "diag"]] {
                #expect(try softness(arguments, in: dir).status == 0)
            }
            // An empty results file (schema only, no runs).
            let empty = try File.create(dir.appendingPathComponent("empty.results.h5").path)
            try empty.setAttribute("schema", .string("softness.results"))
            try empty.setAttribute("schema_version", .integer(2))
            try empty.closeAfterWriting()
            let plain = try File.create(dir.appendingPathComponent("plain.h5").path)
            try plain.setAttribute("note", .string("an HDF5 file of another program"))
            try plain.closeAfterWriting()
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("taken"), withIntermediateDirectories: false)
            try Data("keep".utf8).write(to: dir.appendingPathComponent("taken/mine.txt"))
            let cases: [([String], String)] = [
                (["report", "plain.h5", "-o", "out"], "plain.h5: /: schema attribute missing: not a results file, labels file or particle table"),
                (["report", "toy.results.h5", "toy.results.h5", "-o", "out"], "two results files with the same name hold this run"),
                (["report", "toy.results.h5", "--run", "nope", "-o", "out"], "no run named 'nope' (runs: diag)"),
                (["report", "empty.results.h5", "-o", "out"], "the results file has no runs yet"),
                (["report", "missing.results.h5", "-o", "out"], "missing.results.h5"),
                (["report", "toy.results.h5", "-o", "taken"], "taken: output folder exists; pass --force"),
            ]
            for (arguments, message) in cases {
                let result = try softness(arguments, in: dir)
                #expect(result.status != 0, "\(arguments)")
                #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
            }
            #expect(try String(contentsOf: dir.appendingPathComponent("taken/mine.txt"), encoding: .utf8) == "keep")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".partial-") }
            #expect(leftovers.isEmpty)
            // --force replaces the folder with the report.
            #expect(try softness(["report", "toy.results.h5", "-o", "taken", "--force"], in: dir).status == 0)
            let replaced = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("taken").path)
            #expect(replaced.contains("index.html") && !replaced.contains("mine.txt"))
        }
    }
}
