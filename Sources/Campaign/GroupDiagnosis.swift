import Diagnostics
import Foundation
import HDF5
import ParticleTable
import TrajectoryTables
import Workflows

/// The numbers a summary gives for a group's diagnostic.
public struct DiagnosticHeadline: Sendable, Equatable, Codable {
    public var trainingRows: Int
    public var testRows: Int
    public var trainingAccuracy: Double
    public var testAccuracy: Double
    public var temperatures: [Double]
    /// ΔE_inf(S) = deltaEIntercept + deltaESlope·S (= −(A1 + B1·S)); nil without an Arrhenius fit.
    public var deltaEIntercept: Double?
    public var deltaESlope: Double?
    /// Σ(S) = sigmaIntercept + sigmaSlope·S (= A0 + B0·S).
    public var sigmaIntercept: Double?
    public var sigmaSlope: Double?
    /// Var(ΔE_inf) over the test rows at the training temperatures, and its bootstrap error.
    public var varianceOfInferredBarrier: Double?
    public var varianceError: Double?
    public var verdict: String
    public var warnings: [String]

    /// The headline of `result`.
    public init(_ result: DiagnosticResult) {
        trainingRows = result.trainingRowCount
        testRows = result.testRowCount
        trainingAccuracy = result.trainingAccuracy
        testAccuracy = result.testAccuracy
        temperatures = result.accuracyByTemperature.map(\.temperature)
        deltaEIntercept = result.arrhenius.map { -$0.a1 }
        deltaESlope = result.arrhenius.map { -$0.b1 }
        sigmaIntercept = result.arrhenius?.a0
        sigmaSlope = result.arrhenius?.b0
        varianceOfInferredBarrier = result.varianceOfInferredBarrier
        varianceError = result.varianceError
        verdict = Verdict.sentence(for: result)
        warnings = result.warnings
    }

    enum CodingKeys: String, CodingKey {
        case trainingRows = "training_rows", testRows = "test_rows", trainingAccuracy = "training_accuracy"
        case testAccuracy = "test_accuracy", temperatures, deltaEIntercept = "delta_e_inf_intercept"
        case deltaESlope = "delta_e_inf_slope", sigmaIntercept = "sigma_intercept", sigmaSlope = "sigma_slope"
        case varianceOfInferredBarrier = "variance_delta_e_inf", varianceError = "variance_delta_e_inf_error", verdict, warnings
    }
}

/// The state of one group in `OUT/groups/GROUP.json`: which per-file tables (by table digest) it
/// was joined from, with which settings, and the headline of its diagnostic.
public struct GroupSidecar: Sendable, Equatable, Codable {
    public static let schema = "softness.batch-group"
    public static let schemaVersion = 1

    public var schema = GroupSidecar.schema
    public var schemaVersion = GroupSidecar.schemaVersion
    public var group: String
    public var status: FileSidecar.Status
    /// `ParameterDigest.group` of the tables and settings.
    public var digest: String
    /// Keys of the trajectories joined, in join order.
    public var files: [String]
    public var rows: Int?
    public var headline: DiagnosticHeadline?
    /// Validation warnings of the joined table.
    public var validationWarnings: [String]
    public var error: String?
    public var tableFile: String?
    public var resultsFile: String?
    public var seconds: Double
    public var finished: String

    enum CodingKeys: String, CodingKey {
        case schema, schemaVersion = "schema_version", group, status, digest, files, rows, headline
        case validationWarnings = "validation_warnings", error, tableFile = "table_file", resultsFile = "results_file", seconds, finished
    }

    /// Reads the group sidecar at `path`, nil when there is none or it is not one.
    public static func read(path: String) -> GroupSidecar? {
        guard let data = FileManager.default.contents(atPath: path),
              let sidecar = try? JSONDecoder().decode(GroupSidecar.self, from: data),
              sidecar.schema == schema, sidecar.schemaVersion == schemaVersion else { return nil }
        return sidecar
    }
}

/// One group's outcome in this run.
public struct GroupOutcome: Sendable {
    public var sidecar: GroupSidecar
    public var work: FileWork
}

/// The per-group part of a batch: the finished per-file tables joined (`TableJoin`, in key
/// order), validated (`ParticleTableValidator`) and diagnosed (`BarrierDiagnostic`, and
/// `RecursiveFeatureElimination` with `rfe`) into the group's results file (`ResultStore`),
/// with the configuration stored as run parameters.
public struct GroupDiagnosis: Sendable {
    public var settings: CampaignSettings
    public var layout: BatchLayout
    public var threads: Int?
    /// The `command_line` recorded in the results: the batch command without the options that do
    /// not change any output (`-o`, `--jobs`, `--shard`, ...), so that every run of the campaign
    /// writes the same results file.
    public var commandLine: String

    /// The group step of a batch; `threads` for the SVM fits (nil: all cores).
    public init(settings: CampaignSettings, layout: BatchLayout, threads: Int?, commandLine: String) {
        self.settings = settings
        self.layout = layout
        self.threads = threads
        self.commandLine = commandLine
    }

    /// Joins, validates and diagnoses `group` from the finished `files` (done sidecars), unless
    /// its sidecar shows the same tables and settings. Never throws: failures are recorded.
    /// Holds the group sidecar's `FileLock` meanwhile (two merges never interleave).
    public func run(group: String, files: [FileSidecar]) -> GroupOutcome {
        let lock = FileLock(for: layout.groupSidecar(group))
        if let outcome = try? lock.withLock({ diagnose(group: group, files: files) }) { return outcome }
        return diagnose(group: group, files: files)
    }

    private func diagnose(group: String, files: [FileSidecar]) -> GroupOutcome {
        let started = Date()
        let members = files.filter { $0.status == .done && $0.tableFile != nil }.sorted { $0.key < $1.key }
        let digest = ParameterDigest.group(tables: members.map { "\($0.key)=\($0.tableDigest ?? "")@\($0.input?.headerHash ?? "")\($0.input?.modified ?? 0)" },
                                           join: settings.join, diagnose: settings.diagnose)
        let sidecarPath = layout.groupSidecar(group)
        if let previous = GroupSidecar.read(path: sidecarPath), previous.digest == digest, previous.status == .done,
           FileManager.default.fileExists(atPath: layout.groupResults(group)) {
            return GroupOutcome(sidecar: previous, work: .skipped)
        }
        var sidecar = GroupSidecar(group: group, status: .failed, digest: digest, files: members.map(\.key), validationWarnings: [],
                                   seconds: 0, finished: "")
        do {
            guard !members.isEmpty else {
                throw CampaignError.noTrajectories(plan: "group \(group)", reason: "none of its \(files.count) trajectories was processed successfully")
            }
            let tablePath = layout.groupTable(group)
            let resultsPath = layout.groupResults(group)
            let rows = try TableJoin.run(inputs: members.compactMap { $0.tableFile.map { layout.root + "/" + $0 } }, output: tablePath,
                                         testFraction: settings.join.testFraction, rule: settings.join.splitBy, seed: settings.join.seed,
                                         storage: settings.featurize.storage, overwrite: true, inputNames: members.compactMap(\.tableFile))
            sidecar.rows = rows
            sidecar.tableFile = FilePipeline.relative(tablePath, to: layout.root)
            let report = try ParticleTableValidator.validate(path: tablePath)
            sidecar.validationWarnings = report.warnings
            guard report.isValid else {
                throw CampaignError.invalidEntry(file: tablePath, location: "validation", reason: report.problems.joined(separator: "; "))
            }
            let loaded = try LoadedInput.load(path: tablePath, seed: settings.diagnose.seed)
            let options = settings.diagnose.options(threads: threads)
            let result: DiagnosticResult
            do {
                result = try BarrierDiagnostic.run(loaded.input, options: options)
            } catch {
                throw CampaignError.invalidEntry(file: tablePath, location: "diagnostic", reason: "\(error)")
            }
            // A fresh results file each time the group is diagnosed again: its runs describe this table.
            try? FileManager.default.removeItem(atPath: resultsPath)
            try? FileManager.default.removeItem(atPath: ResultStore(inputPath: tablePath, path: resultsPath).runsDirectory)
            let store = ResultStore(inputPath: tablePath, path: resultsPath)
            let parameters = runParameters()
            // The table beside the results file, named as the results index names it.
            let provenance = ResultStore.provenance(input: (tablePath as NSString).lastPathComponent, digest: loaded.digest, commandLine: commandLine)
            try store.writeRun(name: "diagnose", overwrite: true, provenance: provenance,
                               parameters: parameters) { run in
                try ResultWriting.write(result, to: run)
            }
            if settings.diagnose.rfe {
                let rfe: RFEResult
                do {
                    rfe = try RecursiveFeatureElimination.run(loaded.input, options: options, minimumFeatures: min(settings.diagnose.minFeatures, loaded.input.featureCount))
                } catch {
                    throw CampaignError.invalidEntry(file: tablePath, location: "rfe", reason: "\(error)")
                }
                try store.writeRun(name: "rfe", overwrite: true, provenance: provenance,
                                   parameters: parameters.merging(["min_features": .integer(settings.diagnose.minFeatures)]) { $1 }) { run in
                    try ResultWriting.write(rfe, featureNames: loaded.input.featureNames, to: run)
                }
            }
            sidecar.resultsFile = FilePipeline.relative(resultsPath, to: layout.root)
            sidecar.headline = DiagnosticHeadline(result)
            sidecar.status = .done
        } catch {
            sidecar.status = .failed
            sidecar.error = "\(error)"
        }
        sidecar.seconds = Date().timeIntervalSince(started)
        sidecar.finished = ISO8601DateFormatter().string(from: Date())
        do {
            try BatchJSON.write(sidecar, to: sidecarPath)
        } catch {
            sidecar.status = .failed
            sidecar.error = (sidecar.error.map { $0 + "; " } ?? "") + "group sidecar not written: \(error)"
        }
        return GroupOutcome(sidecar: sidecar, work: .processed)
    }

    /// The run parameters stored with each group run: the diagnostic settings as `diagnose`
    /// stores them, plus the join settings and the batch configuration's text (provenance).
    func runParameters() -> [String: AttributeValue] {
        let d = settings.diagnose
        var parameters: [String: AttributeValue] = [
            "C": .real(d.c), "loss": .string("squaredHinge"), "solver": .string("automatic"), "tolerance": .real(d.tolerance),
            "max_iterations": .integer(d.maxIterations), "grid": .integer(d.grid), "bootstrap": .integer(d.bootstrap),
            "seed": d.seed <= UInt64(Int.max) ? .integer(Int(d.seed)) : .string(String(d.seed)),
            "join_test_fraction": .real(settings.join.testFraction), "join_split_by": .string(settings.join.splitBy.rawValue),
            "join_seed": .string(String(settings.join.seed)),
        ]
        parameters["batch_config"] = .string(settings.configText ?? "(defaults and command-line options; no --config)")
        return parameters
    }
}
