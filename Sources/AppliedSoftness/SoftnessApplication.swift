import Diagnostics
import Foundation
import HDF5
import Interchange
import TrajectoryTables
import Learning
import ParticleTable
import Structure
import Trajectory

/// A run's trained softness read back from a results file: the standardization and SVM that
/// `diagnose` and `train` store, and the Arrhenius coefficients when the run has a fit.
public struct StoredSoftnessRun: Sendable {
    /// The results file (index, or an input with `--in-place` runs).
    public var resultsFile: String
    /// The run name (`/results/<run>`).
    public var run: String
    /// Standardization, weights and bias.
    public var hyperplane: SoftnessHyperplane
    /// A0, A1, B0, B1 of the run's Arrhenius fit, nil when it has none (`train`, one temperature).
    public var arrhenius: ArrheniusCoefficients?
    /// The particle table the run was computed from, as the results file records it (it may
    /// have been moved since).
    public var inputTable: String?

    /// `FILE:/results/RUN`, for messages.
    public var location: String { "\(resultsFile):/results/\(run)" }

    /// Reads run `run` of the results file `resultsFile` (only read).
    /// - Throws: `ApplicationError` — not a results file, a newer results schema, no such run,
    ///   a run without stored standardization or SVM (an `rfe`, `scan` or `arrhenius` run), a
    ///   stored model that does not fit together; `HDF5Error` for unreadable files.
    public static func read(resultsFile: String, run: String) throws -> StoredSoftnessRun {
        let file = try File.open(resultsFile)
        defer { file.close() }
        let rootSchema = try file.attribute("schema")?.stringValue
        let inPlace: Bool
        if rootSchema == ResultStore.schema {
            inPlace = false
            let version = try file.attribute("schema_version")?.integerValue ?? 0
            if version > ResultStore.schemaVersion {
                throw ResultStoreError.newerSchema(file: resultsFile, version: version, supported: ResultStore.schemaVersion)
            }
        } else if file.isGroup("results"), try file.group("results").attribute("schema")?.stringValue == ResultStore.schema {
            inPlace = true
        } else {
            throw ApplicationError.notResultsFile(file: resultsFile, found: rootSchema.map { "schema '\($0)'" } ?? "no schema attribute")
        }
        let runs = file.isGroup("results") ? try file.group("results").memberNames().sorted() : []
        guard file.hasLink("results/\(run)") else { throw ApplicationError.runMissing(file: resultsFile, run: run, available: runs) }
        guard file.isGroup("results/\(run)") else {
            throw ApplicationError.runUnreadable(file: resultsFile, run: run, reason: "its link points to a missing or damaged run file")
        }
        let group = try file.group("results/\(run)")
        let required = ["standardization/mean", "standardization/std", "standardization/feature_names", "svm/weights", "svm/bias"]
        let missing = required.filter { !group.isDataset($0) }
        if !missing.isEmpty {
            throw ApplicationError.runWithoutModel(file: resultsFile, run: run, missing: missing, has: try group.memberNames().sorted())
        }
        let means: [Double] = try group.dataset("standardization/mean").read()
        let sds: [Double] = try group.dataset("standardization/std").read()
        let names = try group.dataset("standardization/feature_names").readStrings()
        let weights: [Double] = try group.dataset("svm/weights").read()
        let bias: Double = try group.dataset("svm/bias").readScalar()
        let hyperplane: SoftnessHyperplane
        do {
            let standardization = try Standardization(means: means, standardDeviations: sds)
            hyperplane = try SoftnessHyperplane(featureNames: names, standardization: standardization, weights: weights, bias: bias)
        } catch let error as LearningError {
            throw ApplicationError.runUnreadable(file: resultsFile, run: run, reason: "standardization/mean, std: \(error)")
        } catch let error as DiagnosticError {
            throw ApplicationError.runUnreadable(file: resultsFile, run: run, reason: "the stored SVM: \(error)")
        }
        var arrhenius: ArrheniusCoefficients?
        if group.isGroup("arrhenius") {
            let fit = try group.group("arrhenius")
            let values = try ["A0", "A1", "B0", "B1"].map { try fit.attribute($0)?.realValue ?? .nan }
            if values.allSatisfy(\.isFinite) {
                arrhenius = ArrheniusCoefficients(a0: values[0], a1: values[1], b0: values[2], b1: values[3])
            }
        }
        var table: String?
        if inPlace {
            table = resultsFile
        } else if let recorded = ResultStore.recordedInput(of: file) {
            table = recorded
        } else {
            table = try group.attribute("input_file")?.stringValue
        }
        return StoredSoftnessRun(resultsFile: resultsFile, run: run, hyperplane: hyperplane, arrhenius: arrhenius, inputTable: table)
    }
}

/// Errors of `softness apply`; each names the file and what is wrong.
public enum ApplicationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The results argument is not a softness results file (nor a table with `--in-place` runs).
    case notResultsFile(file: String, found: String)
    /// No `/results/<run>`; `available` lists the runs there are.
    case runMissing(file: String, run: String, available: [String])
    /// The run's file is missing or its stored model is inconsistent.
    case runUnreadable(file: String, run: String, reason: String)
    /// The run stores no standardization or SVM (e.g. an `rfe`, `scan` or `arrhenius` run).
    case runWithoutModel(file: String, run: String, missing: [String], has: [String])
    /// The input is an HDF5 file that is neither a particle/feature table nor H5MD.
    case notAnInput(file: String, reason: String)
    /// The input table lacks feature columns the run was trained on.
    case missingFeatures(file: String, run: String, missing: [String], tableCount: Int, runCount: Int)
    /// NaN or Inf in a feature the run uses.
    case nonFiniteFeature(file: String, dataset: String, row: Int, column: Int, name: String)
    /// The parameters recovered for featurizing a trajectory do not give the run's features.
    case structureMismatch(source: String, run: String, missing: [String])
    /// `--dump` needs a LAMMPS dump input, or the dump text disagrees with its parsed frames.
    case dump(file: String, message: String)
    /// The output exists and `--force` was not given.
    case outputExists(file: String)
    /// An output would replace an input (or the other output).
    case outputIsInput(output: String, input: String)

    /// The message, naming the file and the problem.
    public var description: String {
        switch self {
        case .notResultsFile(let file, let found):
            return "\(file): not a softness results file (\(found)); give the NAME.results.h5 that diagnose or train wrote"
        case .runMissing(let file, let run, let available):
            return "\(file): has no run '\(run)' (/results/\(run)); runs: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .runUnreadable(let file, let run, let reason):
            return "\(file): /results/\(run): \(reason)"
        case .runWithoutModel(let file, let run, let missing, let has):
            return "\(file): /results/\(run) stores no trained softness (missing \(missing.map { "/results/\(run)/\($0)" }.joined(separator: ", "))); it holds \(has.isEmpty ? "nothing" : has.joined(separator: ", ")) — apply needs a run written by `softness diagnose` or `softness train` (not rfe, scan or arrhenius)"
        case .notAnInput(let file, let reason):
            return "\(file): \(reason)"
        case .missingFeatures(let file, let run, let missing, let tableCount, let runCount):
            let shown = missing.prefix(8).joined(separator: ", ") + (missing.count > 8 ? ", … (\(missing.count) in all)" : "")
            return "\(file): /feature_names lacks \(missing.count) of the \(runCount) features of \(run) (the table has \(tableCount)): \(shown); the table must have the run's features (the same names, in any order)"
        case .nonFiniteFeature(let file, let dataset, let row, let column, let name):
            return "\(file): \(dataset): non-finite value (NaN or Inf) at row \(row), column \(column) ('\(name)')"
        case .structureMismatch(let source, let run, let missing):
            return "\(source): the structure functions it records do not give the features of \(run): \(missing.prefix(8).joined(separator: ", "))\(missing.count > 8 ? ", …" : "") missing"
        case .dump(let file, let message):
            return "\(file): \(message)"
        case .outputExists(let file):
            return "\(file): output file exists; pass --force to replace it"
        case .outputIsInput(let output, let input):
            return "\(output): is also an input (\(input)); write the output to another file"
        }
    }
}

/// What `softness apply` did.
public struct ApplicationSummary: Sendable {
    /// Rows written (one per particle and frame for a trajectory).
    public var rows: Int
    /// Frames featurized (0 for a table input).
    public var frames: Int
    /// Features the run uses.
    public var featureCount: Int
    /// Whether `delta_E_inf` was written.
    public var hasBarrier: Bool
    /// `particle table` or the trajectory format.
    public var inputKind: String
    /// Things the user should know (e.g. parameters parsed from feature names).
    public var notes: [String]
}

/// `softness apply`: the softness S = (w·z + b)/‖w‖ of a stored run (and ΔE_inf(S) = −(A1 + B1·S)
/// when it has an Arrhenius fit) on new rows: a particle or feature table, or a trajectory
/// featurized with the structure functions of the run's input table. Streams in row blocks or
/// frame by frame; outputs are written under temporary names and renamed when complete
/// (`AtomicFile`); the input and the results file are only read. Layout: schemas/applied-v1.md.
public enum SoftnessApplication {
    /// Schema name of the output file.
    public static let schema = "softness.applied"
    /// Version of the output layout.
    public static let schemaVersion = 1

    /// What to compute and where to write it.
    public struct Request: Sendable {
        /// The results file holding the run.
        public var resultsFile: String
        /// The run name.
        public var run: String
        /// Particle/feature table or trajectory.
        public var input: String
        /// The HDF5 output.
        public var output: String
        /// LAMMPS dump copy of a dump input with a `softness` column appended.
        public var dump: String?
        /// Trajectory input: only frames whose index is a multiple of this.
        public var every: Int = 1
        /// Table input: rows per block.
        public var blockRows: Int = 65_536
        /// Replace existing outputs.
        public var overwrite = false
        /// Worker threads of the structure functions (nil: all cores).
        public var threads: Int?
        /// Extra root attributes of the output (e.g. the command line).
        public var provenance: [String: AttributeValue] = [:]

        /// A request with the defaults above.
        public init(resultsFile: String, run: String, input: String, output: String) {
            self.resultsFile = resultsFile
            self.run = run
            self.input = input
            self.output = output
        }
    }

    /// Runs `request`. `progress` gets the rows (table) or frames (trajectory) done so far.
    /// - Throws: `ApplicationError`, `TrajectoryTableError.unrecoverableStructure`, `TrajectoryError`,
    ///   `ParticleTableError`, `ResultStoreError`, `AtomicFileError`, `HDF5Error`; no file is
    ///   changed when it throws.
    public static func run(_ request: Request, progress: (Int) -> Void = { _ in }) throws -> ApplicationSummary {
        guard request.every >= 1 else { throw ParameterError.invalid(name: "--every", value: String(request.every), requirement: "at least 1") }
        guard request.blockRows >= 1 else { throw ParameterError.invalid(name: "--block-rows", value: String(request.blockRows), requirement: "at least 1") }
        let outputs = [request.output] + (request.dump.map { [$0] } ?? [])
        if let dump = request.dump, dump == request.output || ResultStore.sameFile(dump, request.output) {
            throw ApplicationError.outputIsInput(output: dump, input: request.output)
        }
        for output in outputs {
            for input in [request.input, request.resultsFile] where ResultStore.sameFile(output, input) {
                throw ApplicationError.outputIsInput(output: output, input: input)
            }
            if !request.overwrite && FileManager.default.fileExists(atPath: output) { throw ApplicationError.outputExists(file: output) }
        }
        let stored = try StoredSoftnessRun.read(resultsFile: request.resultsFile, run: request.run)
        if let table = stored.inputTable {
            for output in outputs where ResultStore.sameFile(output, table) { throw ApplicationError.outputIsInput(output: output, input: table) }
        }
        let format = try TrajectoryFormat.detect(path: request.input)
        if format == .h5md {
            let isTable = try File.withFile(request.input) { file in file.hasLink("features") || file.hasLink("feature_names") }
            if isTable {
                if request.dump != nil {
                    throw ApplicationError.dump(file: request.input, message: "--dump copies a LAMMPS dump's lines; this input is a particle table")
                }
                return try applyToTable(request, stored: stored, progress: progress)
            }
        }
        return try applyToTrajectory(request, stored: stored, format: format, progress: progress)
    }

    /// Positions of the run's features among `names`, or the missing ones.
    static func columns(of hyperplane: SoftnessHyperplane, in names: [String]) -> (columns: [Int], missing: [String]) {
        var position: [String: Int] = [:]
        for (index, name) in names.enumerated() where position[name] == nil { position[name] = index }
        var columns: [Int] = [], missing: [String] = []
        for name in hyperplane.featureNames {
            if let index = position[name] { columns.append(index) } else { missing.append(name) }
        }
        return (columns, missing)
    }

    /// `Softness.values(of:columns:_:)`, a non-finite feature (row, column, name) reported by `nonFinite`.
    private static func softnessValues(_ matrix: DenseMatrix, columns: [Int], _ hyperplane: SoftnessHyperplane,
                                       nonFinite: (Int, Int, String) -> any Error) throws -> [Double] {
        do {
            return try Softness.values(of: matrix, columns: columns, hyperplane)
        } catch {
            if case .nonFiniteFeature(let row, let column, let name) = error { throw nonFinite(row, column, name) }
            throw error
        }
    }

    // MARK: - Table input

    private static func applyToTable(_ request: Request, stored: StoredSoftnessRun, progress: (Int) -> Void) throws -> ApplicationSummary {
        let path = request.input
        let file = try File.open(path)
        defer { file.close() }
        let schema = try file.attribute("schema")?.stringValue
        if schema == ResultStore.schema { throw ParticleTableError.resultsFileGiven(file: path, input: ResultStore.recordedInput(of: file)) }
        guard schema == ParticleSchema.v1.schema || schema == "softness.features" else {
            throw ApplicationError.notAnInput(file: path, reason: "not a particle table (schema \(schema.map { "'\($0)'" } ?? "attribute missing"), expected '\(ParticleSchema.v1.schema)' or 'softness.features') and not H5MD")
        }
        let version = try file.attribute("schema_version")?.integerValue ?? 0
        if version > ParticleSchema.v1.schemaVersion {
            throw ParticleTableError.newerSchema(file: path, version: version, supported: ParticleSchema.v1.schemaVersion)
        }
        guard file.isDataset("features"), file.isDataset("feature_names") else {
            throw ApplicationError.notAnInput(file: path, reason: "a table needs /features [N, d] and /feature_names [d]")
        }
        let features = try file.dataset("features")
        let shape = try features.shape()
        let names = try file.dataset("feature_names").readStrings()
        guard shape.count == 2, shape[1] == names.count else {
            throw ApplicationError.notAnInput(file: path, reason: "/features has shape \(shape), expected [N, \(names.count)] (one column per /feature_names entry)")
        }
        let rows = shape[0], d = shape[1]
        let (columns, missing) = columns(of: stored.hyperplane, in: names)
        if !missing.isEmpty {
            throw ApplicationError.missingFeatures(file: path, run: stored.location, missing: missing, tableCount: names.count,
                                                   runCount: stored.hyperplane.featureNames.count)
        }
        func optional(_ name: String) throws -> Dataset? {
            guard file.isDataset(name) else { return nil }
            let set = try file.dataset(name)
            guard try set.shape() == [rows] else {
                throw ApplicationError.notAnInput(file: path, reason: "/\(name) has shape \(try set.shape()), expected [\(rows)] (one value per row of /features)")
            }
            return set
        }
        let frame = try optional("frame"), particle = try optional("particle_id"), species = try optional("species"),
            temperature = try optional("temperature")
        var columnsWritten: Set<AppliedColumn> = [.softness]
        if stored.arrhenius != nil { columnsWritten.insert(.deltaE) }
        if frame != nil { columnsWritten.insert(.frame) }
        if particle != nil { columnsWritten.insert(.particleID) }
        if species != nil { columnsWritten.insert(.species) }
        if temperature != nil { columnsWritten.insert(.temperature) }
        let writer = try AppliedSoftnessWriter(path: request.output, columns: columnsWritten,
                                               attributes: rootAttributes(request, stored: stored, kind: "particle table"),
                                               featureNames: stored.hyperplane.featureNames, overwrite: request.overwrite)
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + request.blockRows)
            let block: [Double] = try features.readRows(range)
            let matrix = try DenseMatrix(rows: range.count, columns: d, values: block)
            let first = start
            let softness = try softnessValues(matrix, columns: columns, stored.hyperplane) { row, column, name in
                ApplicationError.nonFiniteFeature(file: path, dataset: "/features", row: first + row, column: column, name: name)
            }
            var out = AppliedBlock(softness: softness)
            out.deltaE = stored.arrhenius.map { fit in softness.map(fit.deltaE) }
            out.frame = try frame?.readRows(range, as: Int64.self)
            out.particleID = try particle?.readRows(range, as: Int64.self)
            out.species = try species?.readRows(range, as: Int32.self)
            out.temperature = try temperature?.readRows(range, as: Double.self)
            try writer.append(out)
            start = range.upperBound
            progress(start)
        }
        try writer.finish()
        return ApplicationSummary(rows: writer.rowCount, frames: 0, featureCount: columns.count, hasBarrier: stored.arrhenius != nil,
                                  inputKind: "particle table", notes: [])
    }

    // MARK: - Trajectory input

    /// The structure functions the run's input table was featurized with: its `structure_*`
    /// root attributes, or else its feature names (species 1, 2, … and default cutoffs, as
    /// `featurize` uses); must give every feature of the run.
    static func structureParameters(for stored: StoredSoftnessRun) throws -> (StructureFunctionParameters, note: String?) {
        var source = stored.location
        var names = stored.hyperplane.featureNames
        var recorded: StructureFunctionParameters?
        if let table = stored.inputTable, File.isHDF5(table) {
            let file = try File.open(table)
            defer { file.close() }
            if file.isDataset("feature_names") {
                names = try file.dataset("feature_names").readStrings()
                source = table
                recorded = try TrajectoryFeaturizer.parameters(recordedIn: file, file: table, featureNames: names)
            }
        }
        var note: String?
        let parameters: StructureFunctionParameters
        if let recorded {
            parameters = recorded
        } else {
            do {
                parameters = try StructureFunctionParameters(parsingFeatureNames: names)
            } catch let error as StructureError {
                let why = stored.inputTable.map { FileManager.default.fileExists(atPath: $0) ? "" : " (the run's input table \($0) is not there)" } ?? ""
                throw TrajectoryTableError.unrecoverableStructure(file: source, reason: "it records no structure_* attributes\(why), and its feature names are not a featurize set: \(error)")
            }
            note = "\(source) records no structure_* attributes (tables joined before they were carried): the structure functions were recovered from its feature names, with species \(parameters.speciesNames.enumerated().map { "\($0.element) = type \(parameters.species[$0.offset])" }.joined(separator: ", ")) and the default cutoffs \(String(format: "%.4g", parameters.radialCutoff)) and \(String(format: "%.4g", parameters.angularCutoff)) that featurize uses"
        }
        let missing = columns(of: stored.hyperplane, in: parameters.featureNames).missing
        if !missing.isEmpty { throw ApplicationError.structureMismatch(source: source, run: stored.location, missing: missing) }
        return (parameters, note)
    }

    private static func applyToTrajectory(_ request: Request, stored: StoredSoftnessRun, format: TrajectoryFormat,
                                          progress: (Int) -> Void) throws -> ApplicationSummary {
        let path = request.input
        if request.dump != nil && format != .lammpsDump {
            throw ApplicationError.dump(file: path, message: "--dump copies a LAMMPS dump's lines with a softness column; this input is \(format) (write the HDF5 output only)")
        }
        let (parameters, note) = try structureParameters(for: stored)
        let columns = columns(of: stored.hyperplane, in: parameters.featureNames).columns
        var columnsWritten: Set<AppliedColumn> = [.softness, .frame, .timestep, .particleID, .species]
        if stored.arrhenius != nil { columnsWritten.insert(.deltaE) }
        var attributes = rootAttributes(request, stored: stored, kind: format.rawValue)
        attributes.merge(TrajectoryFeaturizer.structureAttributes(parameters)) { old, _ in old }
        attributes["every"] = .integer(request.every)
        let writer = try AppliedSoftnessWriter(path: request.output, columns: columnsWritten, attributes: attributes,
                                               featureNames: stored.hyperplane.featureNames, overwrite: request.overwrite)
        var dumpWriter: AnnotatedDumpWriter?
        if let dump = request.dump { dumpWriter = try AnnotatedDumpWriter(input: path, output: dump) }
        var trajectory = try TrajectoryFormat.open(path: path)
        var framesRead = 0, framesDone = 0
        do {
            while let frame = try trajectory.nextFrame() {
                framesRead += 1
                guard frame.index % request.every == 0 else {
                    try dumpWriter?.skipFrame(frame)
                    continue
                }
                let positions = frame.positions.map { frame.box.wrap($0).position }
                let values: [Double]
                do {
                    values = try StructureFunctions.compute(positions: positions, species: frame.species.map { Int($0) }, box: frame.box,
                                                            parameters: parameters, threads: request.threads).values
                } catch let error as StructureError {
                    throw TrajectoryError(.unsupported, file: path, frame: frame.index, timestep: frame.timestep,
                                          message: "structure functions of the run's input table: \(error)")
                }
                let matrix = try DenseMatrix(rows: frame.count, columns: parameters.featureCount, values: values)
                let softness = try softnessValues(matrix, columns: columns, stored.hyperplane) { row, _, name in
                    TrajectoryError(.notANumber, file: path, frame: frame.index, timestep: frame.timestep,
                                    message: "frame \(frame.index): feature '\(name)' of particle id \(frame.ids[row]) is not finite")
                }
                var out = AppliedBlock(softness: softness)
                out.deltaE = stored.arrhenius.map { fit in softness.map(fit.deltaE) }
                out.frame = [Int64](repeating: Int64(frame.index), count: frame.count)
                out.timestep = [Int64](repeating: Int64(frame.timestep), count: frame.count)
                out.particleID = frame.ids
                out.species = frame.species
                try writer.append(out)
                try dumpWriter?.writeFrame(frame, softness: softness)
                framesDone += 1
                progress(framesRead)
            }
            try dumpWriter?.finish(framesRead: framesRead)
            try writer.finish()
            try dumpWriter?.publish()
        } catch {
            dumpWriter?.abandon()
            throw error
        }
        return ApplicationSummary(rows: writer.rowCount, frames: framesDone, featureCount: columns.count, hasBarrier: stored.arrhenius != nil,
                                  inputKind: format.rawValue, notes: note.map { [$0] } ?? [])
    }

    private static func rootAttributes(_ request: Request, stored: StoredSoftnessRun, kind: String) -> [String: AttributeValue] {
        var attributes = request.provenance
        attributes["run"] = .string(stored.run)
        attributes["results_file"] = .string(stored.resultsFile)
        attributes["input_file"] = .string(request.input)
        attributes["input_kind"] = .string(kind)
        if let table = stored.inputTable { attributes["run_input_table"] = .string(table) }
        attributes["softness_definition"] = .string("S = (w.z + b)/|w|, z = (x - mean)/std with the run's standardization/mean, std and svm/weights, bias")
        if let fit = stored.arrhenius {
            for (name, value) in [("A0", fit.a0), ("A1", fit.a1), ("B0", fit.b0), ("B1", fit.b1)] { attributes[name] = .real(value) }
            attributes["delta_E_inf_definition"] = .string("delta_E_inf(S) = -(A1 + B1 S), A1 and B1 from the run's arrhenius attributes")
        }
        return attributes
    }
}

/// Columns of the `softness apply` output.
enum AppliedColumn: String, CaseIterable {
    case softness, deltaE = "delta_E_inf", frame, timestep, particleID = "particle_id", species, temperature
}

/// One block of output rows.
struct AppliedBlock {
    var softness: [Double]
    var deltaE: [Double]?
    var frame: [Int64]?
    var timestep: [Int64]?
    var particleID: [Int64]?
    var species: [Int32]?
    var temperature: [Double]?
}

/// Writes the `softness apply` HDF5 output block by block under a temporary name.
final class AppliedSoftnessWriter {
    let path: String
    private(set) var rowCount = 0
    private let output: AtomicHDF5Output
    private var datasets: [AppliedColumn: Dataset] = [:]

    init(path: String, columns: Set<AppliedColumn>, attributes: [String: AttributeValue], featureNames: [String], overwrite: Bool) throws {
        if !overwrite && FileManager.default.fileExists(atPath: path) { throw ApplicationError.outputExists(file: path) }
        self.path = path
        output = try AtomicHDF5Output(path: path, schema: SoftnessApplication.schema,
                                      schemaVersion: SoftnessApplication.schemaVersion, attributes: attributes)
        guard let file = output.file else { throw ParticleTableError.blockMismatch(file: path, message: "the output could not be created") }
        do {
            try file.result("feature_names", strings: featureNames, "features of the run, in the order of its weights")
            for column in AppliedColumn.allCases where columns.contains(column) {
                let (units, description) = Self.meaning(column)
                let set: Dataset
                switch column {
                case .softness, .deltaE, .temperature: set = try file.appendableResult(column.rawValue, of: Double.self, units: units, description)
                case .frame, .timestep, .particleID: set = try file.appendableResult(column.rawValue, of: Int64.self, units: units, description)
                case .species: set = try file.appendableResult(column.rawValue, of: Int32.self, units: units, description)
                }
                datasets[column] = set
            }
        } catch {
            throw output.abandon(after: error)
        }
    }

    static func meaning(_ column: AppliedColumn) -> (String, String) {
        switch column {
        case .softness: return (ResultUnits.softness, "softness S = (w.z + b)/|w| under the run's standardization and SVM")
        case .deltaE: return (ResultUnits.energy, "inferred barrier delta_E_inf(S) = -(A1 + B1 S) of the run's Arrhenius fit")
        case .frame: return (ResultUnits.none, "trajectory frame (index from 0) of the row")
        case .timestep: return (ResultUnits.none, "integration step of the frame (LAMMPS ITEM: TIMESTEP, H5MD step)")
        case .particleID: return (ResultUnits.none, "particle id in the simulation")
        case .species: return (ResultUnits.none, "particle species (type)")
        case .temperature: return (ResultUnits.temperature, "temperature of the row, copied from the input table")
        }
    }

    func append(_ block: AppliedBlock) throws {
        guard output.file != nil else { throw ParticleTableError.blockMismatch(file: path, message: "the output is finished or abandoned") }
        do {
            for (column, set) in datasets {
                switch column {
                case .softness: try set.append(block.softness)
                case .deltaE: try set.append(block.deltaE ?? [])
                case .frame: try set.append(block.frame ?? [])
                case .timestep: try set.append(block.timestep ?? [])
                case .particleID: try set.append(block.particleID ?? [])
                case .species: try set.append(block.species ?? [])
                case .temperature: try set.append(block.temperature ?? [])
                }
            }
        } catch {
            throw output.abandon(after: error)
        }
        rowCount += block.softness.count
    }

    func finish() throws {
        if output.abandoned { throw ParticleTableError.blockMismatch(file: path, message: "the output was abandoned after an earlier failure") }
        try output.finish(closing: Array(datasets.values))
    }
}

/// Copies a LAMMPS dump frame by frame with a `softness` column appended to every atom line.
final class AnnotatedDumpWriter {
    let input: String
    let output: String
    private let text: LAMMPSDumpText
    private let destination: AtomicFile
    private var sink: ByteSink?

    init(input: String, output: String) throws {
        self.input = input
        self.output = output
        text = try LAMMPSDumpText(path: input)
        destination = AtomicFile(destination: output)
        do {
            sink = try ByteSink(creating: destination.temporaryPath)
        } catch {
            throw destination.abandon(after: Self.naming(error, temporary: destination.temporaryPath, output: output))
        }
    }

    /// The text of `frame`, checked against the parsed frame.
    private func textFrame(for frame: TrajectoryFrame) throws -> LAMMPSDumpText.Frame {
        guard let raw = try text.nextFrame() else {
            throw ApplicationError.dump(file: input, message: "frame \(frame.index): the text ends before the parsed frames")
        }
        guard raw.timestep == frame.timestep, raw.ids.count == frame.count else {
            throw ApplicationError.dump(file: input, message: "frame \(frame.index): the text (timestep \(raw.timestep), \(raw.ids.count) atoms) disagrees with the parsed frame (timestep \(frame.timestep), \(frame.count) atoms)")
        }
        return raw
    }

    func skipFrame(_ frame: TrajectoryFrame) throws { _ = try textFrame(for: frame) }

    func writeFrame(_ frame: TrajectoryFrame, softness: [Double]) throws {
        let raw = try textFrame(for: frame)
        guard !raw.columns.contains("softness") else {
            throw ApplicationError.dump(file: input, message: "frame \(frame.index) already has a 'softness' column")
        }
        guard let sink else { throw ApplicationError.dump(file: output, message: "the dump output was abandoned") }
        do {
            for line in raw.header { try sink.write(line); try sink.write(byte: 10) }
            try sink.write("ITEM: ATOMS " + (raw.columns + ["softness"]).joined(separator: " ") + "\n")
            for (line, id) in zip(raw.atomLines, raw.ids) {
                guard let row = TrajectoryFeaturizer.rowOf(id, in: frame.ids) else {
                    throw ApplicationError.dump(file: input, message: "frame \(frame.index): atom id \(id) of the text is not in the parsed frame")
                }
                try sink.write(line)
                try sink.write(byte: 32)
                try sink.write(NumberText.shortest(softness[row]))
                try sink.write(byte: 10)
            }
        } catch {
            throw Self.naming(error, temporary: destination.temporaryPath, output: output)
        }
    }

    /// Checks the text has no frames beyond the parsed ones and closes the file.
    func finish(framesRead: Int) throws {
        if try text.nextFrame() != nil {
            throw ApplicationError.dump(file: input, message: "the text has more frames than the \(framesRead) parsed")
        }
        do {
            try sink?.close()
        } catch {
            throw Self.naming(error, temporary: destination.temporaryPath, output: output)
        }
        sink = nil
    }

    func publish() throws {
        do {
            try destination.publish()
        } catch {
            throw destination.abandon(after: error)
        }
    }

    func abandon() {
        try? sink?.close()
        sink = nil
        destination.discard()
    }

    /// A write error naming the temporary file names the output; a full disk becomes `AtomicFileError.noSpace`.
    static func naming(_ error: Error, temporary: String, output: String) -> Error {
        guard case .cannotWrite(_, let reason, let code) = error as? InterchangeError else { return error }
        if let space = HDF5Error.spaceProblem(errno: code) { return AtomicFileError.noSpace(file: output, reason: space) }
        return InterchangeError.cannotWrite(file: output, reason: reason.replacingOccurrences(of: temporary, with: output), errno: code)
    }
}
