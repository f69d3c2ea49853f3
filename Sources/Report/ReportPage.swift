import Foundation

/// The report's HTML page: one self-contained file (inline CSS, inline SVG, no scripts, no
/// network) with, per run, the verdict, the warnings, every figure with its caption, the
/// convergence table of every fit, the RFE removal order, and the provenance.
public enum ReportPage {
    /// About the results file the page describes.
    public struct Source: Sendable {
        /// Paths of the results files as given (empty when only labels files or tables are reported).
        public var resultsFiles: [String]
        /// The input tables the results belong to (from the indexes), where recorded.
        public var inputs: [String]
        /// When the page was made (ISO 8601) and by which softness version.
        public var generated: String, version: String
        /// A source description.
        public init(resultsFiles: [String], inputs: [String], generated: String, version: String) {
            self.resultsFiles = resultsFiles
            self.inputs = inputs
            self.generated = generated
            self.version = version
        }
    }

    static let style = """
    body{font-family:"DejaVu Sans","Liberation Sans",Helvetica,Arial,sans-serif;max-width:1340px;margin:24px auto;padding:0 16px;color:#1a1a1a;line-height:1.4}
    h1{font-size:24px;margin-bottom:4px}h2{font-size:20px;border-bottom:2px solid #0072B2;padding-bottom:4px;margin-top:40px}
    h3{font-size:16px;margin:20px 0 8px}.meta{color:#555;font-size:14px}
    .verdict{background:#EAF3FA;border-left:5px solid #0072B2;padding:10px 14px;margin:12px 0;font-size:15px}
    .warnings{background:#FDF0E6;border-left:5px solid #D55E00;padding:8px 14px 8px 30px;margin:12px 0;font-size:14px}
    .figures{display:flex;flex-wrap:wrap;gap:18px}
    figure{margin:0;width:640px}figure svg{width:100%;height:auto;border:1px solid #DDD}
    figcaption{font-size:13px;color:#333;margin-top:4px}
    table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border:1px solid #CCC;padding:3px 8px;text-align:left;vertical-align:top}
    th{background:#F2F2F2}tr.failed td{background:#FBE3D6;font-weight:bold}
    nav ul{columns:3;font-size:14px}code{font-size:12px}
    """

    /// The page for `runs`, each with the charts drawn for it and the SVG file name of each, and
    /// for the labels files and tables `inputs` with their charts.
    public static func html(source: Source, runs: [(run: RunRecord, charts: [(chart: Chart, file: String)])],
                            inputs: [InputRecord] = [], inputCharts: [(chart: Chart, file: String)] = []) -> String {
        var page = Markup()
        page.raw("<!DOCTYPE html>\n")
        page.element("html", ["lang": "en"]) { html in
            html.element("head") { head in
                head.element("meta", ["charset": "utf-8"])
                head.element("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                head.element("title") { $0.text("softness report — \((source.resultsFiles + inputs.map(\.file)).joined(separator: ", "))") }
                head.element("style") { $0.raw(style) }
            }
            html.element("body") { body in
                body.element("h1") { $0.text("softness report") }
                body.element("p", ["class": "meta"]) { p in
                    if !source.resultsFiles.isEmpty { p.text("results \(source.resultsFiles.joined(separator: ", "))") }
                    if !source.inputs.isEmpty { p.text(" · input \(source.inputs.joined(separator: ", "))") }
                    if !inputs.isEmpty { p.text(" · \(inputs.count) labels file(s) and table(s)") }
                    p.text(" · generated \(source.generated) by softness \(source.version)")
                }
                body.element("nav") { nav in
                    nav.element("ul") { ul in
                        for (run, _) in runs {
                            ul.element("li") { li in li.element("a", ["href": "#run-\(run.key)"]) { $0.text("\(run.key) (\(run.kind))") } }
                        }
                        if !inputs.isEmpty { ul.element("li") { li in li.element("a", ["href": "#inputs"]) { $0.text("labels and tables") } } }
                    }
                }
                for (run, charts) in runs { section(run, charts: charts, into: &body) }
                if !inputs.isEmpty { section(inputs, charts: inputCharts, into: &body) }
            }
        }
        return page.text + "\n"
    }

    private static func figures(_ charts: [(chart: Chart, file: String)], prefix: String, into s: inout Markup) {
        guard !charts.isEmpty else { return }
        s.element("div", ["class": "figures"]) { div in
            for (chart, file) in charts {
                div.element("figure", ["id": prefix + chart.id]) { f in
                    f.raw(ChartSVG.render(chart, idPrefix: prefix).replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: ""))
                    f.element("figcaption") { c in
                        c.text(chart.caption + " ")
                        c.element("a", ["href": file]) { $0.text(file) }
                    }
                }
            }
        }
    }

    private static func section(_ inputs: [InputRecord], charts: [(chart: Chart, file: String)], into body: inout Markup) {
        body.element("section", ["id": "inputs"]) { s in
            s.element("h2") { $0.text("Labels files and particle tables") }
            s.element("table") { t in
                t.element("tr") { r in for h in ["file", "kind", "frames", "rows R = +1", "rows R = −1", "p_c"] { r.element("th") { $0.text(h) } } }
                for input in inputs {
                    t.element("tr") { r in
                        let plus = input.frames.isEmpty ? input.rearrangingByTemperature.reduce(0, +) : input.rearranging.reduce(0, +)
                        let minus = input.frames.isEmpty ? input.quietByTemperature.reduce(0, +) : input.quiet.reduce(0, +)
                        for cell in [input.file, input.kind.rawValue, input.frames.isEmpty ? "—" : String(input.frames.count), String(plus), String(minus),
                                     input.threshold.map { RunFigures.label($0) } ?? "—"] { r.element("td") { $0.text(cell) } }
                    }
                }
            }
            figures(charts, prefix: "inputs-", into: &s)
        }
    }

    private static func section(_ run: RunRecord, charts: [(chart: Chart, file: String)], into body: inout Markup) {
        body.element("section", ["id": "run-\(run.key)", "data-run": run.name]) { s in
            s.element("h2") { $0.text("Run \(run.name) — \(run.kind)") }
            if let file = run.resultsFile { s.element("p", ["class": "meta"]) { $0.text("in \(file)") } }
            for verdict in run.verdicts { s.element("p", ["class": "verdict"]) { $0.text(verdict) } }
            if run.verdicts.isEmpty { s.element("p", ["class": "meta"]) { $0.text("This run stores no verdict (diagnose, rfe and arrhenius runs have one).") } }
            let table = ConvergenceTable(run)
            let warnings = run.warnings + table.failures.map { "fit failed or rejected: \($0.fit) (\($0.detail))" }
            if !warnings.isEmpty {
                s.element("ul", ["class": "warnings", "data-warnings": String(warnings.count)]) { ul in
                    for w in warnings { ul.element("li") { $0.text(w) } }
                }
            }
            figures(charts, prefix: run.key + "-", into: &s)
            if let rfe = run.rfe {
                s.element("h3") { $0.text("Removal order") }
                s.element("table") { t in
                    t.element("tr") { r in for h in ["features kept", "removed next", "Var(ΔE_inf)", "± bootstrap sd", "test accuracy", "times chosen"] { r.element("th") { $0.text(h) } } }
                    for k in rfe.kept.indices {
                        t.element("tr") { r in
                            for cell in [String(rfe.kept[k]), rfe.removedName[k], String(format: "%.4g", rfe.variance[k]),
                                         String(format: "%.2g", rfe.varianceError[k]), String(format: "%.4f", rfe.accuracy[k]),
                                         "\(rfe.timesChosen[k]) of \(rfe.replicates)"] { r.element("td") { $0.text(cell) } }
                        }
                    }
                }
                if !rfe.recommendedNames.isEmpty {
                    s.element("p") { $0.text("Recommended set: " + rfe.recommendedNames.joined(separator: " ")) }
                }
            }
            if !table.rows.isEmpty {
                s.element("h3") { $0.text("Convergence of every fit") }
                s.element("table", ["class": "convergence"]) { t in
                    t.element("tr") { r in for h in ["fit", "outcome"] { r.element("th") { $0.text(h) } } }
                    for row in table.rows {
                        t.element("tr", row.ok ? [:] : ["class": "failed"]) { r in
                            r.element("td") { $0.text(row.fit) }
                            r.element("td") { $0.text(row.detail) }
                        }
                    }
                }
            }
            for (title, entries) in [("Parameters", run.parameters), ("Provenance", run.provenance)] where !entries.isEmpty {
                s.element("h3") { $0.text(title) }
                s.element("table") { t in
                    for e in entries {
                        t.element("tr") { r in
                            r.element("th") { $0.text(e.name) }
                            r.element("td") { $0.element("code") { $0.text(e.value) } }
                        }
                    }
                }
            }
        }
    }
}
