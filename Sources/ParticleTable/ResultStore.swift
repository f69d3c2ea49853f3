import Foundation
import HDF5

/// Where diagnostic results live, and how runs are written so that none is ever lost, misplaced
/// or half-written — also when many processes write runs for the same input at once.
///
/// Layout (results schema v2, `schemas/results-v2.md`): the *results file* `NAME.results.h5`
/// beside the input `NAME.h5` is a small index. Its root links to the input's datasets, and
/// `/results/<run>` is an external link to the run's own file `NAME.results.runs/<run>.h5`, so
/// h5py, h5dump and `softness inspect` read the results file as the input plus `/results/<run>/`.
///
/// Writing a run: the run file is written under a temporary name and fsync'ed; then, holding an
/// exclusive lock on the results file (`FileLock`), the run file is renamed into place and a new
/// index (a copy of the old one, a few kB, with the run's link added) is published atomically.
/// Concurrent writers serialize only on that small step, so none loses another's run, and the
/// cost of a run does not grow with the number of runs. `--overwrite` replaces the run's file, so
/// the old run's space is given back. A process killed at any moment leaves the input untouched,
/// the index pointing only at complete run files, and at worst a hidden partial file.
///
/// In-place mode (`inPlace`) writes the run into the input file itself: the input is copied,
/// the run added to the copy, and the copy renamed over the input under the same lock. That is
/// crash-safe too, but each run costs a copy of the whole input.
public struct ResultStore: Sendable {
    /// Schema name written on the results file's root.
    public static let schema = "softness.results"
    /// Version of the results layout this program writes.
    public static let schemaVersion = 2

    /// The particle table (or binned table) the results are computed from.
    public let inputPath: String
    /// The results file (the input itself in in-place mode).
    public let path: String
    /// Links created in a new results file: name in the results file → object path in the input.
    /// Nil links every schema-v1 dataset the input has, under its own name.
    public let links: [String: String]?
    /// Runs are written into the input file itself.
    public let inPlace: Bool
    /// Further files the command reads (mapping files, …): the results path may not be one of them.
    public let otherInputs: [String]

    /// A store for `inputPath`, at `path` or the default `NAME.results.h5` beside the input.
    public init(inputPath: String, path: String? = nil, links: [String: String]? = nil, inPlace: Bool = false,
                otherInputs: [String] = []) {
        self.inputPath = inputPath
        self.path = inPlace ? inputPath : (path ?? Self.defaultPath(forInput: inputPath))
        self.links = links
        self.inPlace = inPlace
        self.otherInputs = otherInputs
    }

    /// Provenance attributes of a run: the command line (by default this process's), the
    /// softness version, the time (`CreationTime`; absent under its `.omitted` policy), the input
    /// and its digest (every command and `softness batch` record the same keys).
    public static func provenance(input: String, digest: String,
                                  commandLine: String = CommandLine.arguments.joined(separator: " ")) -> [String: AttributeValue] {
        var attributes: [String: AttributeValue] = [
            "command_line": .string(commandLine),
            "softness_version": .string(SoftnessVersion.current),
            "input_file": .string(input),
            "input_digest": .string(digest),
        ]
        if let created = CreationTime.stamp() { attributes["created"] = .string(created) }
        return attributes
    }

    /// `dir/NAME.results.h5` for `dir/NAME.h5` (any extension is replaced).
    public static func defaultPath(forInput input: String) -> String {
        // NSString keeps a relative path relative, so messages name the file as the user does.
        (input as NSString).deletingPathExtension + ".results.h5"
    }

    /// The folder of run files: `NAME.results.runs/` for the results file `NAME.results.h5`.
    public var runsDirectory: String {
        (path as NSString).deletingPathExtension + ".runs"
    }

    /// Names of the runs stored so far (empty when there is no results file yet).
    public func runNames() throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try File.withFile(path) { file in
            if !inPlace { try checkResultsFile(file, writing: false) }
            return file.isGroup("results") ? try file.group("results").memberNames() : []
        }
    }

    /// Refuses, before any computation, a results path that is an input or an unrelated file,
    /// and (unless `overwrite`) a run name that exists.
    public func checkBeforeRun(name: String, overwrite: Bool) throws {
        try Self.checkRunName(name)
        try checkTarget()
        if !overwrite, try runNames().contains(name) { throw ResultStoreError.runExists(file: path, run: name) }
    }

    /// Writes one run as `/results/<name>/`: refuses an existing name unless `overwrite`, writes
    /// `provenance` as attributes of the run group and `parameters` as attributes of its
    /// `parameters` group, then lets `body` fill the run group. Atomic and safe with concurrent
    /// writers: see the type's documentation.
    public func writeRun(name: String, overwrite: Bool, provenance: [String: AttributeValue],
                         parameters: [String: AttributeValue] = [:], body: (Group) throws -> Void) throws {
        try Self.checkRunName(name)
        try checkTarget()
        func fill(_ run: Group) throws {
            for (key, value) in provenance.sorted(by: { $0.key < $1.key }) { try run.setAttribute(key, value) }
            try run.setAttribute("schema_version", .integer(Self.schemaVersion))
            let group = try run.createGroup("parameters")
            try group.setAttribute("description", .string("the settings of this run, one attribute each"))
            for (key, value) in parameters.sorted(by: { $0.key < $1.key }) { try group.setAttribute(key, value) }
            try body(run)
        }
        if inPlace {
            try writeInPlace(name: name, overwrite: overwrite, fill: fill)
            return
        }
        let directory = runsDirectory
        let createdFolder = !FileManager.default.fileExists(atPath: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            if let reason = AtomicFile.spaceProblem(in: error) { throw AtomicFileError.noSpace(file: directory, reason: reason) }
            throw ResultStoreError.cannotWrite(file: directory, reason: "cannot create the folder of run files: \(error.localizedDescription)")
        }
        let runPath = directory + "/" + name + ".h5"
        let runFile = AtomicFile(destination: runPath)
        do {
            try Self.writeHDF5(at: runFile.temporaryPath, fill)
            try AtomicFile.synchronize(runFile.temporaryPath)
            try FileLock(for: path).withLock { try publish(runFile, name: name, overwrite: overwrite) }
        } catch {
            // Nothing of this run stays behind: not its partial file, not a folder made for it.
            let reported = runFile.abandon(after: error)
            if createdFolder { rmdir(directory) }
            if case .noSpace(_, let reason) = reported as? AtomicFileError {
                throw AtomicFileError.noSpace(file: "\(path) (run '\(name)')", reason: reason)
            }
            throw reported
        }
    }

    /// Under the lock: renames the finished run file into place and publishes the index that
    /// links it. A run file that no index links (the index could not be written) is removed.
    private func publish(_ runFile: AtomicFile, name: String, overwrite: Bool) throws {
        let index = AtomicFile(destination: path)
        guard FileManager.default.fileExists(atPath: path) else {
            try runFile.publish()
            do {
                try Self.writeHDF5(at: index.temporaryPath) { file in
                    try initializeIndex(file)
                    try linkRun(name, in: file)
                }
                try index.publish()
            } catch {
                unlink(runFile.destination)
                throw index.abandon(after: error)
            }
            return
        }
        let exists = try File.withFile(path) { file in
            try checkResultsFile(file, writing: true)
            try checkRecordedInput(file)
            return try file.isGroup("results") && file.group("results").memberNames().contains(name)
        }
        if exists && !overwrite { throw ResultStoreError.runExists(file: path, run: name) }
        // Replacing a run replaces its file; the index already links to it.
        try runFile.publish()
        if exists { return }
        do {
            try Self.copy(path, to: index, what: "the index")
            try File.withFile(index.temporaryPath, mode: .readWrite) { file in
                try linkRun(name, in: file)
                try file.closeAfterWriting()
            }
            try index.publish()
        } catch {
            unlink(runFile.destination)
            throw index.abandon(after: error)
        }
    }

    /// Copies `source` into the temporary file of `target`; a full disk is reported as such.
    private static func copy(_ source: String, to target: AtomicFile, what: String) throws {
        do {
            try FileManager.default.copyItem(atPath: source, toPath: target.temporaryPath)
        } catch {
            let reported = target.abandon(after: error)
            if reported is AtomicFileError { throw reported }
            throw ResultStoreError.cannotWrite(file: source, reason: "cannot copy \(what): \(error.localizedDescription)")
        }
    }

    /// The run's link in the index: relative to the index's folder, so the two move together.
    private func linkRun(_ name: String, in index: File) throws {
        let folder = URL(fileURLWithPath: runsDirectory).lastPathComponent
        try index.createExternalLink("results/\(name)", targetFile: "\(folder)/\(name).h5", object: "/")
    }

    private func writeInPlace(name: String, overwrite: Bool, fill: (Group) throws -> Void) throws {
        try FileLock(for: path).withLock {
            let copy = AtomicFile(destination: path)
            let exists = try runNames().contains(name)
            if exists && !overwrite { throw ResultStoreError.runExists(file: path, run: name) }
            do {
                try Self.copy(path, to: copy, what: "the input for --in-place")
                try File.withFile(copy.temporaryPath, mode: .readWrite) { file in
                    do {  // the groups go before the file is closed
                        if exists { try file.remove("results/\(name)") }
                        let results = try file.requireGroup("results")
                        try results.setAttribute("schema", .string(Self.schema))
                        try results.setAttribute("schema_version", .integer(Self.schemaVersion))
                        try fill(try results.createGroup(name))
                    }
                    try file.closeAfterWriting()
                }
                try copy.publish()
            } catch {
                throw copy.abandon(after: error)
            }
        }
    }

    /// Creates an HDF5 file at `path`, lets `body` fill it and closes it; removes it on error.
    static func writeHDF5(at path: String, _ body: (File) throws -> Void) throws {
        let file = try File.create(path, mode: .truncate)
        do {
            try body(file)
            try file.closeAfterWriting()
        } catch {
            file.close()
            unlink(path)
            throw error
        }
    }

    private func initializeIndex(_ file: File) throws {
        try file.setAttribute("schema", .string(Self.schema))
        try file.setAttribute("schema_version", .integer(Self.schemaVersion))
        try file.setAttribute("creator", .string("softness \(SoftnessVersion.current)"))
        let input = URL(fileURLWithPath: inputPath)
        let inputDirectory = input.deletingLastPathComponent().standardizedFileURL.path
        let storeDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
        // A relative link keeps working when the two files are moved together.
        let target = inputDirectory == storeDirectory ? input.lastPathComponent : input.standardizedFileURL.path
        try file.setAttribute("input", .string(target))
        try file.createGroup("results")
        // Links only when the input is an HDF5 file (a binned CSV table has nothing to link).
        guard let source = try? File.open(inputPath) else { return }
        defer { source.close() }
        let links = self.links ?? Dictionary(uniqueKeysWithValues: ParticleSchema.v1.datasets.map { ($0.path, $0.path) })
        for (name, object) in links.sorted(by: { $0.key < $1.key }) where source.isDataset(object) {
            try file.createExternalLink(name, targetFile: target, object: object)
        }
    }

    /// The results path must not be an input, and an existing file there must be a results file
    /// of this input.
    private func checkTarget() throws {
        guard !inPlace else { return }
        for other in [inputPath] + otherInputs where Self.sameFile(path, other) {
            throw ResultStoreError.resultsIsInput(file: path, input: other)
        }
        guard FileManager.default.fileExists(atPath: path) else { return }
        let file: File
        do {
            file = try File.open(path)
        } catch {
            throw ResultStoreError.notResultsFile(file: path, found: "not a readable HDF5 file")
        }
        defer { file.close() }
        try checkResultsFile(file, writing: true)
        try checkRecordedInput(file)
    }

    /// The input a results file records (its `input` attribute, resolved against the results
    /// file's folder), nil when it records none.
    public static func recordedInput(of file: File) -> String? {
        guard let recorded = (try? file.attribute("input"))??.stringValue else { return nil }
        if recorded.hasPrefix("/") { return recorded }
        let folder = URL(fileURLWithPath: file.path).deletingLastPathComponent()
        let resolved = folder.appendingPathComponent(recorded).path
        return resolved.hasPrefix(FileManager.default.currentDirectoryPath + "/")
            ? String(resolved.dropFirst(FileManager.default.currentDirectoryPath.count + 1)) : resolved
    }

    /// An existing results file must hold results of this input (checked again under the lock).
    private func checkRecordedInput(_ file: File) throws {
        guard let resolved = Self.recordedInput(of: file) else { return }
        if FileManager.default.fileExists(atPath: resolved), !Self.sameFile(resolved, inputPath) {
            throw ResultStoreError.otherInput(file: path, recorded: resolved, input: inputPath)
        }
    }

    /// Refuses an open file that is not a results file this program reads (no `softness.results`
    /// schema, or a newer version): for readers of results files such as the report.
    public static func checkReadable(_ file: File) throws {
        try ResultStore(inputPath: file.path, path: file.path).checkResultsFile(file, writing: false)
    }

    /// An existing results file must carry our schema, in a version this program reads (and,
    /// for `writing`, the version it writes).
    private func checkResultsFile(_ file: File, writing: Bool) throws {
        let schema = try file.attribute("schema")?.stringValue
        guard schema == Self.schema else {
            throw ResultStoreError.notResultsFile(file: path, found: schema.map { "schema '\($0)'" } ?? "no schema attribute")
        }
        let version = try file.attribute("schema_version")?.integerValue ?? 0
        if version > Self.schemaVersion {
            throw ResultStoreError.newerSchema(file: path, version: version, supported: Self.schemaVersion)
        }
        if writing && version < Self.schemaVersion { throw ResultStoreError.olderSchema(file: path, version: version) }
    }

    /// Run names become file names: no '/', no leading '.', not empty.
    static func checkRunName(_ name: String) throws {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), !name.contains("\0") else {
            throw ResultStoreError.invalidRunName(name)
        }
    }

    /// Whether two paths name the same file (same device and inode; false if either is missing).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}

/// Errors of the results file.
public enum ResultStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    case runExists(file: String, run: String)
    case invalidRunName(String)
    case newerSchema(file: String, version: Int, supported: Int)
    case olderSchema(file: String, version: Int)
    case resultsIsInput(file: String, input: String)
    case notResultsFile(file: String, found: String)
    case otherInput(file: String, recorded: String, input: String)
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .runExists(let file, let run):
            return "\(file): /results/\(run) exists; choose another --run name or pass --overwrite"
        case .invalidRunName(let name):
            return "invalid run name '\(name)': use a non-empty name without '/' that does not start with '.'"
        case .newerSchema(let file, let version, let supported):
            return "\(file): results written with results schema version \(version), but this softness reads up to version \(supported); upgrade softness or use another --results file"
        case .olderSchema(let file, let version):
            return "\(file): results file of schema version \(version) (every run inside one file); this softness adds runs only to version \(ResultStore.schemaVersion) files: its runs stay readable, give a new --results file for new runs"
        case .resultsIsInput(let file, let input):
            return "\(file): the results file would be the input \(input); inputs are never written (give another --results, or --in-place to add the run to the input on purpose)"
        case .notResultsFile(let file, let found):
            return "\(file): exists and is not a softness results file (\(found)); softness neither reads nor adds runs there: move it away or give another --results"
        case .otherInput(let file, let recorded, let input):
            return "\(file): holds results of \(recorded), not of \(input); give another --results"
        case .cannotWrite(let file, let reason):
            return "\(file): cannot write the results: \(reason)"
        }
    }
}
