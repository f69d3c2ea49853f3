import Foundation
import HDF5

/// Where diagnostic results live, and how they are written without ever risking the input.
///
/// Design: the input particle table is opened read-only and never written. Results go to a
/// *results file* beside it (default `NAME.results.h5` for input `NAME.h5`). Its root holds
/// external links to the input's datasets (`/features`, `/labels`, …), so in h5py or h5dump the
/// results file reads as the input plus `/results/<run>/`. Each run is written to a copy of the
/// results file (`.NAME.results.h5.partial-PID`), flushed and fsync'ed, then renamed over the
/// results file in one atomic step. A process killed at any moment leaves the input untouched and
/// the results file either as it was before or with the complete new run.
public struct ResultStore: Sendable {
    /// Schema name written on the results file's root.
    public static let schema = "softness.results"
    /// Version of the results layout this program writes and reads.
    public static let schemaVersion = 1

    public let inputPath: String
    public let path: String
    /// Links created in a new results file: name in the results file → object path in the input.
    /// Nil links every schema-v1 dataset the input has, under its own name.
    public let links: [String: String]?

    /// A store for `inputPath`, at `path` or the default `NAME.results.h5` beside the input.
    public init(inputPath: String, path: String? = nil, links: [String: String]? = nil) {
        self.inputPath = inputPath
        self.path = path ?? Self.defaultPath(forInput: inputPath)
        self.links = links
    }

    /// `dir/NAME.results.h5` for `dir/NAME.h5` (any extension is replaced).
    public static func defaultPath(forInput input: String) -> String {
        let url = URL(fileURLWithPath: input)
        return url.deletingPathExtension().path + ".results.h5"
    }

    /// Names of the runs stored so far (empty when there is no results file yet).
    public func runNames() throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let file = try File.open(path)
        defer { file.close() }
        try checkVersion(file)
        return file.isGroup("results") ? try file.group("results").memberNames() : []
    }

    /// Writes one run as `/results/<name>/`: refuses an existing name unless `overwrite`,
    /// writes `provenance` as attributes of the run group, then lets `body` fill the group.
    /// Atomic: see the type's documentation.
    public func writeRun(name: String, overwrite: Bool, provenance: [String: AttributeValue], body: (Group) throws -> Void) throws {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw ResultStoreError.invalidRunName(name)
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        let manager = FileManager.default
        try? manager.removeItem(atPath: temporary)
        defer { try? manager.removeItem(atPath: temporary) }
        let file: File
        if manager.fileExists(atPath: path) {
            let existing = try File.open(path)
            try checkVersion(existing)
            let exists = existing.contains("results/\(name)")
            existing.close()
            if exists && !overwrite { throw ResultStoreError.runExists(file: path, run: name) }
            try manager.copyItem(atPath: path, toPath: temporary)
            file = try File.open(temporary, mode: .readWrite)
            if exists { try file.remove("results/\(name)") }
        } else {
            file = try File.create(temporary, mode: .truncate)
            try initialize(file)
        }
        do {
            let run = try file.requireGroup("results").createGroup(name)
            for (key, value) in provenance.sorted(by: { $0.key < $1.key }) { try run.setAttribute(key, value) }
            try body(run)
            try file.flush()
            file.close()
        } catch {
            file.close()
            throw error
        }
        try Self.synchronize(temporary)
        guard rename(temporary, path) == 0 else {
            throw ResultStoreError.cannotReplace(file: path, reason: String(cString: strerror(errno)))
        }
        try? Self.synchronize(url.deletingLastPathComponent().path)
    }

    private func initialize(_ file: File) throws {
        try file.setAttribute("schema", .string(Self.schema))
        try file.setAttribute("schema_version", .integer(Self.schemaVersion))
        try file.setAttribute("creator", .string("softness \(SoftnessVersion.current)"))
        let input = URL(fileURLWithPath: inputPath)
        let inputDirectory = input.deletingLastPathComponent().standardizedFileURL.path
        let storeDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
        // A relative link keeps working when the two files are moved together.
        let target = inputDirectory == storeDirectory ? input.lastPathComponent : input.standardizedFileURL.path
        try file.setAttribute("input", .string(target))
        // Links only when the input is an HDF5 file (a binned CSV table has nothing to link).
        guard let source = try? File.open(inputPath) else { return }
        defer { source.close() }
        let links = self.links ?? Dictionary(uniqueKeysWithValues: ParticleSchema.v1.datasets.map { ($0.path, $0.path) })
        for (name, object) in links.sorted(by: { $0.key < $1.key }) where source.isDataset(object) {
            try file.createExternalLink(name, targetFile: target, object: object)
        }
    }

    private func checkVersion(_ file: File) throws {
        if let version = (try file.attribute("schema_version"))?.integerValue, version > Self.schemaVersion {
            throw ResultStoreError.newerSchema(file: path, version: version, supported: Self.schemaVersion)
        }
        if file.isGroup("results"),
           let version = (try file.group("results").attribute("schema_version"))?.integerValue, version > Self.schemaVersion {
            throw ResultStoreError.newerSchema(file: path, version: version, supported: Self.schemaVersion)
        }
    }

    /// fsync a file or folder so the rename that follows publishes complete data.
    static func synchronize(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ResultStoreError.cannotReplace(file: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        _ = fsync(descriptor)
    }
}

/// Errors of the results file.
public enum ResultStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    case runExists(file: String, run: String)
    case invalidRunName(String)
    case newerSchema(file: String, version: Int, supported: Int)
    case cannotReplace(file: String, reason: String)

    public var description: String {
        switch self {
        case .runExists(let file, let run):
            return "\(file): /results/\(run) exists; choose another --run name or pass --overwrite"
        case .invalidRunName(let name):
            return "invalid run name '\(name)': use a non-empty name without '/'"
        case .newerSchema(let file, let version, let supported):
            return "\(file): results written with results schema version \(version), but this softness reads up to version \(supported); upgrade softness or use another --results file"
        case .cannotReplace(let file, let reason):
            return "\(file): cannot write the results file: \(reason)"
        }
    }
}
