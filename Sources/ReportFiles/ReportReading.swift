import Diagnostics
import Foundation
import HDF5
import ParticleTable
import Report

/// Reads runs of a results file (schemas/results-v2.md) into `RunRecord`s for the report,
/// checking every length the figures rely on.
public enum ReportReading {
    /// The records of the runs of the results file at `path` whose names are in `runs` (every
    /// run when nil), in name order, the names of all its runs, and the input the file records.
    /// - Throws: `ResultStoreError` for a file that is not a (readable) results file,
    ///   `ReportError.noRuns`, `.malformed`, `HDF5Error`.
    public static func read(path: String, runs: Set<String>?) throws -> (records: [RunRecord], available: [String], input: String?) {
        try File.withFile(path) { file in
            try ResultStore.checkReadable(file)
            let available = file.isGroup("results") ? try file.group("results").memberNames() : []
            guard !available.isEmpty else { throw ReportError.noRuns(file: path) }
            let records = try available.filter { runs?.contains($0) ?? true }.map { name in
                var record = try RunReader(group: try file.group("results/" + name), file: path, name: name).record()
                record.resultsFile = path
                return record
            }
            return (records, available, ResultStore.recordedInput(of: file))
        }
    }
}

/// Reads one run group, naming the dataset when a length is wrong.
private struct RunReader {
    let group: Group, file: String, name: String

    func fail(_ object: String, _ reason: String) -> ReportError {
        .malformed(file: file, object: "/results/\(name)/\(object)", reason: reason)
    }

    func doubles(_ path: String, count: Int? = nil) throws -> [Double]? {
        guard group.isDataset(path) else { return nil }
        let values = try group.dataset(path).read(as: Double.self)
        if let count, values.count != count { throw fail(path, "has \(values.count) values, expected \(count)") }
        return values
    }

    func required(_ path: String, count: Int? = nil) throws -> [Double] {
        guard let values = try doubles(path, count: count) else { throw fail(path, "missing") }
        return values
    }

    func integers(_ path: String, count: Int) throws -> [Int] {
        try required(path, count: count).map { value in
            guard value.isFinite, abs(value) < 1e15 else { throw fail(path, "holds \(value) where a count is expected") }
            return Int(value)
        }
    }

    func strings(_ path: String) throws -> [String] { group.isDataset(path) ? try group.dataset(path).readStrings() : [] }

    func attribute(_ object: Group, _ name: String) -> Double {
        ((try? object.attribute(name)) ?? nil)?.realValue ?? .nan
    }

    func record() throws -> RunRecord {
        var run = RunRecord(name: name)
        run.poorFitPValue = group.hasAttribute("rule_poor_fit_p") ? attribute(group, "rule_poor_fit_p") : VerdictRules.poorFitPValue
        for key in try group.attributeNames() where !key.hasPrefix("rule_") && key != "verdict" {
            if let value = try group.attribute(key) { run.provenance.append(.init(key, value.description)) }
        }
        if group.isGroup("parameters") {
            let parameters = try group.group("parameters")
            for key in try parameters.attributeNames() where key != "description" {
                if let value = try parameters.attribute(key) { run.parameters.append(.init(key, value.description)) }
            }
        }
        if let verdict = try group.attribute("verdict")?.stringValue { run.verdicts.append(verdict) }
        run.warnings = try strings("warnings") + strings("rfe/warnings") + strings("arrhenius_binned/warnings")
        run.variance = group.hasAttribute("variance_delta_E_inf") ? attribute(group, "variance_delta_E_inf") : nil
        run.varianceError = group.hasAttribute("variance_delta_E_inf_error") ? attribute(group, "variance_delta_E_inf_error") : nil
        if group.isGroup("svm") { run.svm = try svm() }
        if group.isGroup("logistic") { run.logistic = try logistic() }
        if group.isGroup("rates") { run.rates = try rates() }
        if group.isGroup("arrhenius") { run.arrhenius = try arrhenius() }
        if group.isGroup("truth"), group.isDataset("truth/density") { run.truth = try truth() }
        if group.isGroup("distribution") {
            let edges = try required("distribution/S_edges")
            guard edges.count >= 2 else { throw fail("distribution/S_edges", "needs at least two edges") }
            run.distribution = .init(edges: edges, counts: try integers("distribution/S_counts", count: edges.count - 1))
        }
        if group.isGroup("accuracy") { run.accuracy = try accuracy() }
        if group.isGroup("rfe") { run.rfe = try rfe() }
        if group.isGroup("scan") { run.scan = try scan() }
        if group.isGroup("arrhenius_binned") {
            run.binned = try binned()
            if let verdict = try group.group("arrhenius_binned").attribute("verdict")?.stringValue, !run.verdicts.contains(verdict) {
                run.verdicts.append(verdict)
            }
        }
        return run
    }

    func svm() throws -> RunRecord.SVM {
        let weights = try required("svm/weights")
        var names = try strings("standardization/feature_names")
        if names.count != weights.count { names = weights.indices.map { "x\($0)" } }
        let svm = try group.group("svm")
        return .init(featureNames: names, weights: weights, converged: attribute(svm, "converged") == 1,
                     iterations: Int(exactly: attribute(svm, "iterations").rounded()) ?? 0,
                     stopReason: (try svm.attribute("stop_reason"))?.stringValue ?? "?", solver: (try svm.attribute("solver"))?.stringValue ?? "?")
    }

    func logistic() throws -> RunRecord.Logistic {
        let t = try required("logistic/temperature"), n = t.count
        return .init(temperature: t, intercept: try required("logistic/intercept", count: n), slope: try required("logistic/slope", count: n),
                     interceptError: try required("logistic/intercept_error", count: n), slopeError: try required("logistic/slope_error", count: n),
                     covariance: try doubles("logistic/intercept_slope_covariance", count: n) ?? [Double](repeating: 0, count: n),
                     rows: try integers("logistic/rows", count: n), converged: try required("logistic/converged", count: n).map { $0 == 1 })
    }

    func rates() throws -> RunRecord.Rates {
        let edges = try required("rates/S_edges"), t = try required("rates/temperature")
        guard edges.count >= 2 else { throw fail("rates/S_edges", "needs at least two edges") }
        let bins = edges.count - 1
        let rows = try integers("rates/rows", count: t.count * bins), plus = try integers("rates/rearranging", count: t.count * bins)
        let split = { (flat: [Int]) in t.indices.map { Array(flat[$0 * bins..<($0 + 1) * bins]) } }
        return .init(edges: edges, temperature: t, rows: split(rows), rearranging: split(plus))
    }

    func arrhenius() throws -> RunRecord.Arrhenius {
        let s = try required("arrhenius/S"), n = s.count
        let g = try group.group("arrhenius")
        return .init(softness: s, deltaE: try required("arrhenius/delta_E", count: n), sigma: try required("arrhenius/sigma", count: n),
                     deltaEError: try doubles("arrhenius/delta_E_error", count: n) ?? s.map { _ in .nan },
                     sigmaError: try doubles("arrhenius/sigma_error", count: n) ?? s.map { _ in .nan },
                     r2: try required("arrhenius/r2", count: n), lackOfFitP: try doubles("arrhenius/lack_of_fit_p", count: n) ?? s.map { _ in .nan },
                     a0: attribute(g, "A0"), a1: attribute(g, "A1"), b0: attribute(g, "B0"), b1: attribute(g, "B1"),
                     interceptLackOfFitP: attribute(g, "intercept_lack_of_fit_p"), slopeLackOfFitP: attribute(g, "slope_lack_of_fit_p"))
    }

    func truth() throws -> RunRecord.Truth {
        let g = try group.group("truth")
        let x = try required("truth/true_delta_E_edges"), y = try required("truth/delta_E_inf_edges")
        guard x.count >= 2, y.count >= 2 else { throw fail("truth", "density edges need at least two values each") }
        return .init(slope: attribute(g, "slope"), intercept: attribute(g, "intercept"), r2: attribute(g, "r2"),
                     rows: Int(exactly: attribute(g, "rows").rounded()) ?? 0, trueEdges: x, inferredEdges: y,
                     density: try integers("truth/density", count: (x.count - 1) * (y.count - 1)))
    }

    func accuracy() throws -> RunRecord.Accuracy {
        let t = try required("accuracy/temperature"), n = t.count
        let g = try group.group("accuracy")
        return .init(temperature: t, accuracy: try required("accuracy/accuracy", count: n), rows: try integers("accuracy/rows", count: n),
                     isTraining: try doubles("accuracy/is_training_temperature", count: n)?.map { $0 == 1 } ?? t.map { _ in true },
                     training: attribute(g, "training"), test: attribute(g, "test"))
    }

    func rfe() throws -> RunRecord.RFE {
        let kept = try integers("rfe/n_kept", count: try required("rfe/n_kept").count), n = kept.count
        let g = try group.group("rfe")
        var removed = try strings("rfe/removed_name")
        if removed.count != n { removed = [String](repeating: "", count: n) }
        func index(_ name: String) -> Int? { let v = attribute(g, name); return v.isFinite ? Int(exactly: v.rounded()) : nil }
        return .init(kept: kept, removedName: removed, variance: try required("rfe/variance", count: n),
                     varianceError: try doubles("rfe/variance_error", count: n) ?? kept.map { _ in .nan },
                     accuracy: try required("rfe/accuracy", count: n), converged: try required("rfe/converged", count: n).map { $0 == 1 },
                     timesChosen: group.isDataset("rfe/times_chosen") ? try integers("rfe/times_chosen", count: n) : kept.map { _ in 0 },
                     replicates: index("replicates") ?? 0, peakIndex: index("peak_index"), recommendedIndex: index("recommended_index"),
                     recommendedNames: try strings("rfe/recommended_names"))
    }

    func scan() throws -> RunRecord.Scan {
        let c = try required("scan/c"), n = c.count
        let seeds = group.isDataset("scan/seeds") ? try group.dataset("scan/seeds").shape().first ?? 1 : 1
        return .init(n: try integers("scan/n", count: n), c: c, slopeMean: try required("scan/slope_mean", count: n),
                     slopeSD: try required("scan/slope_sd", count: n), accuracyMean: try required("scan/accuracy_mean", count: n),
                     accuracySD: try required("scan/accuracy_sd", count: n), varianceMean: try required("scan/variance_mean", count: n),
                     varianceSD: try required("scan/variance_sd", count: n), seeds: seeds)
    }

    func binned() throws -> RunRecord.Binned {
        let s = try required("arrhenius_binned/S"), n = s.count
        let g = try group.group("arrhenius_binned")
        var tableS: [Double] = [], tableT: [Double] = [], fraction: [[Double]] = [], counts: [[Int]] = []
        if group.isGroup("arrhenius_binned/table") {
            tableS = try required("arrhenius_binned/table/S")
            tableT = try required("arrhenius_binned/table/temperature")
            let m = tableT.count
            let p = try required("arrhenius_binned/table/P_R", count: tableS.count * m)
            let c = try integers("arrhenius_binned/table/counts", count: tableS.count * m)
            fraction = tableS.indices.map { Array(p[$0 * m..<($0 + 1) * m]) }
            counts = tableS.indices.map { Array(c[$0 * m..<($0 + 1) * m]) }
        }
        return .init(softness: s, deltaE: try required("arrhenius_binned/delta_E", count: n), deltaEError: try required("arrhenius_binned/delta_E_error", count: n),
                     sigma: try required("arrhenius_binned/sigma", count: n), sigmaError: try required("arrhenius_binned/sigma_error", count: n),
                     chiSquared: try required("arrhenius_binned/chi_squared", count: n),
                     lackOfFitP: try doubles("arrhenius_binned/lack_of_fit_p", count: n) ?? s.map { _ in .nan },
                     temperaturesUsed: try integers("arrhenius_binned/temperatures_used", count: n),
                     response: (try g.attribute("response"))?.stringValue ?? "logit", tableSoftness: tableS, tableTemperature: tableT,
                     tableFraction: fraction, tableCounts: counts, skipped: try strings("arrhenius_binned/skipped"))
    }
}

extension ReportReading {
    /// What a file given to `softness report` is, from its `schema` attribute.
    public enum FileKind: Sendable, Equatable { case results, labels, table }

    /// The kind of the HDF5 file at `path`.
    /// - Throws: `HDF5Error` for a file libhdf5 cannot open, `ReportError.malformed` for an HDF5
    ///   file without a softness schema.
    public static func kind(of path: String) throws -> FileKind {
        try File.withFile(path) { file in
            switch try file.attribute("schema")?.stringValue {
            case ResultStore.schema?: return .results
            case LabelTable.schema?: return .labels
            case "softness.particles"?: return .table
            case let other:
                throw ReportError.malformed(file: path, object: "/", reason: "schema \(other.map { "'\($0)'" } ?? "attribute missing"): not a results file, labels file or particle table")
            }
        }
    }

    /// A labels file (schemas: `softness label`) or a particle table as an `InputRecord`: p_hop
    /// histogram (60 bins up to the larger of the 99.9 % quantile and 3 p_c), classes per frame
    /// and per temperature.
    public static func input(path: String, kind: FileKind) throws -> InputRecord {
        try File.withFile(path) { file in
            func values(_ name: String) throws -> [Double]? { file.isDataset(name) ? try file.dataset(name).read(as: Double.self) : nil }
            func fail(_ object: String, _ reason: String) -> ReportError { .malformed(file: path, object: object, reason: reason) }
            var record = InputRecord(file: path, kind: kind == .labels ? .labels : .table)
            guard let labels = try values("labels") else { throw fail("/labels", "missing") }
            if kind == .labels {
                record.threshold = (try file.attribute("threshold_p_c"))?.realValue
                if let phop = try values("phop")?.filter(\.isFinite), !phop.isEmpty {
                    let sorted = phop.sorted()
                    let top = max(sorted[min(sorted.count - 1, Int(0.999 * Double(sorted.count)))], 3 * (record.threshold ?? 0))
                    if top > 0 {
                        let bins = 60
                        record.phopEdges = (0...bins).map { top * Double($0) / Double(bins) }
                        var counts = [Int](repeating: 0, count: bins)
                        for v in sorted where v <= top { counts[min(bins - 1, max(0, Int(v / top * Double(bins))))] += 1 }
                        record.phopCounts = counts
                        record.phopAbove = sorted.count - counts.reduce(0, +)
                    }
                }
            }
            if let frame = try values("frame") {
                guard frame.count == labels.count else { throw fail("/frame", "has \(frame.count) rows, /labels \(labels.count)") }
                var plus: [Int: Int] = [:], minus: [Int: Int] = [:]
                for (f, label) in zip(frame, labels) {
                    guard f.isFinite, abs(f) < 1e15 else { throw fail("/frame", "holds \(f)") }
                    if label > 0 { plus[Int(f), default: 0] += 1 } else { minus[Int(f), default: 0] += 1 }
                }
                record.frames = Set(plus.keys).union(minus.keys).sorted()
                record.rearranging = record.frames.map { plus[$0] ?? 0 }
                record.quiet = record.frames.map { minus[$0] ?? 0 }
            }
            if kind == .table, let temperature = try values("temperature") {
                guard temperature.count == labels.count else { throw fail("/temperature", "has \(temperature.count) rows, /labels \(labels.count)") }
                var plus: [Double: Int] = [:], minus: [Double: Int] = [:]
                for (t, label) in zip(temperature, labels) { if label > 0 { plus[t, default: 0] += 1 } else { minus[t, default: 0] += 1 } }
                record.temperatures = Set(plus.keys).union(minus.keys).sorted()
                record.rearrangingByTemperature = record.temperatures.map { plus[$0] ?? 0 }
                record.quietByTemperature = record.temperatures.map { minus[$0] ?? 0 }
            }
            return record
        }
    }
}
