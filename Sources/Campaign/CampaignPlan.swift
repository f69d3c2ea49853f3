import Foundation
import Interchange
#if canImport(Glibc)
import Glibc
#endif

/// One trajectory of a campaign.
public struct CampaignEntry: Sendable, Equatable {
    /// Path to open (as discovered: relative to the working directory, or absolute).
    public var path: String
    /// Name of the trajectory within the plan (its path relative to the plan's folder): unique,
    /// the name of its outputs and sidecar, and what shards are assigned by.
    public var key: String
    /// Temperature given by a manifest, nil when it is to be found otherwise.
    public var temperature: Double?
    /// Group whose tables are joined and diagnosed together.
    public var group: String
    /// Per-file overrides of the label and featurize settings (manifests only).
    public var parameters: FileParameters

    /// An entry of the default group without a temperature or overrides unless given.
    public init(path: String, key: String, temperature: Double? = nil, group: String = CampaignPlan.defaultGroup,
                parameters: FileParameters = .init()) {
        self.path = path
        self.key = key
        self.temperature = temperature
        self.group = group
        self.parameters = parameters
    }
}

/// The trajectories of a campaign, from a directory (recursive), a glob or a manifest, sorted by key.
public struct CampaignPlan: Sendable, Equatable {
    /// The group of entries that name none.
    public static let defaultGroup = "all"
    /// What the plan was made from (the PLAN argument).
    public var source: String
    /// How it was read: directory, glob, manifest or file.
    public var kind: Kind
    /// The trajectories, sorted by key.
    public var entries: [CampaignEntry]

    /// How a plan was given.
    public enum Kind: String, Sendable, Codable {
        case directory, glob, manifest, file
    }

    /// A plan of `entries` (sorted by key).
    public init(source: String, kind: Kind, entries: [CampaignEntry]) {
        self.source = source
        self.kind = kind
        self.entries = entries.sorted { $0.key < $1.key }
    }

    /// True for names of trajectories that discovery picks up: LAMMPS dumps `.dump`,
    /// `.lammpstrj`, `.txt` (each optionally `.gz` or `.zst`) and H5MD `.h5`, `.h5md`; never hidden
    /// files, results files (`.results.h5`) or partial files.
    public static func isTrajectoryName(_ name: String) -> Bool {
        let lower = name.lowercased()
        guard !lower.hasPrefix("."), !lower.hasSuffix(".results.h5") else { return false }
        let stem = withoutCompressionSuffix(lower)
        if [".dump", ".lammpstrj", ".txt"].contains(where: stem.hasSuffix) { return true }
        return stem == lower && (lower.hasSuffix(".h5") || lower.hasSuffix(".h5md"))
    }

    /// Suffixes of compressed text files (gzip, Zstandard).
    public static let compressionSuffixes = [".gz", ".zst"]

    /// `name` without a trailing `.gz` or `.zst` (any case).
    public static func withoutCompressionSuffix(_ name: String) -> String {
        guard let suffix = compressionSuffixes.first(where: { name.lowercased().hasSuffix($0) }) else { return name }
        return String(name.dropLast(suffix.count))
    }

    /// Reads the plan `source`: a directory (searched recursively, skipping hidden folders,
    /// `excluding` (the batch's own output folder), any folder holding a `BatchLayout.markerName`
    /// and `*.results.runs` folders), a manifest (`.csv`, `.toml`, `.json`),
    /// one trajectory, or a glob pattern (`*`, `?`, `[...]`, and `**` for any number of folders).
    /// - Throws: `CampaignError` when nothing matches, a manifest is malformed, or two entries name one file.
    public static func discover(_ source: String, excluding: [String] = []) throws -> CampaignPlan {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return try directory(source, excluding: excluding) }
            if ["csv", "toml", "json"].contains(URL(fileURLWithPath: source).pathExtension.lowercased()) {
                return try CampaignManifest.read(path: source)
            }
            return CampaignPlan(source: source, kind: .file, entries: [CampaignEntry(path: source, key: URL(fileURLWithPath: source).lastPathComponent)])
        }
        return try glob(source, excluding: excluding)
    }

    private static func directory(_ root: String, excluding: [String]) throws -> CampaignPlan {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        let excluded = Set(excluding.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path })
        var entries: [CampaignEntry] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? rootURL : rootURL.appendingPathComponent(relative)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            for name in names where !name.hasPrefix(".") {
                let key = relative.isEmpty ? name : relative + "/" + name
                let url = folder.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    // Never into the output folder, another batch's output, or a results store's runs.
                    let isBatchOutput = FileManager.default.fileExists(atPath: url.appendingPathComponent(BatchLayout.markerName).path)
                    if !excluded.contains(url.resolvingSymlinksInPath().path) && !isBatchOutput && !name.hasSuffix(".results.runs") {
                        pending.append(key)
                    }
                } else if isTrajectoryName(name) {
                    let path = root == "." ? key : (root.hasSuffix("/") ? root + key : root + "/" + key)
                    entries.append(CampaignEntry(path: path, key: key))
                }
            }
        }
        guard !entries.isEmpty else {
            throw CampaignError.noTrajectories(plan: root, reason: "no .dump, .lammpstrj, .txt (optionally .gz), .h5 or .h5md files below it")
        }
        return CampaignPlan(source: root, kind: .directory, entries: entries)
    }

    private static func glob(_ pattern: String, excluding: [String]) throws -> CampaignPlan {
        if pattern.split(separator: "/").contains("**") { return try recursiveGlob(pattern, excluding: excluding) }
        var result = glob_t()
        defer { globfree(&result) }
        let status = Glibc.glob(pattern, 0, nil, &result)
        guard status == 0 else {
            if status == GLOB_NOMATCH && !pattern.contains(where: { "*?[".contains($0) }) { throw CampaignError.planNotFound(plan: pattern) }
            throw CampaignError.noTrajectories(plan: pattern, reason: status == GLOB_NOMATCH ? "the glob matches no file" : "the glob cannot be expanded (error \(status))")
        }
        var entries: [CampaignEntry] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let pointer = result.gl_pathv[index] else { continue }
            let path = String(cString: pointer)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            entries.append(CampaignEntry(path: path, key: path.hasPrefix("./") ? String(path.dropFirst(2)) : path))
        }
        guard !entries.isEmpty else { throw CampaignError.noTrajectories(plan: pattern, reason: "the glob matches only folders") }
        return CampaignPlan(source: pattern, kind: .glob, entries: entries)
    }

    /// A glob with `**` components (zero or more folders, as in bash's globstar): the files below
    /// the pattern's plain leading folders whose path matches, hidden files and folders, the
    /// output folder and other batches' outputs left out as in a directory plan.
    private static func recursiveGlob(_ pattern: String, excluding: [String]) throws -> CampaignPlan {
        let components = pattern.split(separator: "/").map(String.init)
        let plain = components.prefix { !$0.contains(where: { "*?[".contains($0) }) }
        let root = (pattern.hasPrefix("/") ? "/" : "") + plain.joined(separator: "/")
        let rest = Array(components.dropFirst(plain.count))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.isEmpty ? "." : root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CampaignError.noTrajectories(plan: pattern, reason: "the folder \(root) the glob starts from does not exist")
        }
        // Every file below root, as a directory plan would walk it, but of any name.
        let excluded = Set(excluding.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path })
        let rootURL = URL(fileURLWithPath: root.isEmpty ? "." : root).standardizedFileURL
        var entries: [CampaignEntry] = []
        var pending: [[String]] = [[]]
        while let relative = pending.popLast() {
            let folder = relative.reduce(rootURL) { $0.appendingPathComponent($1) }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            for name in names where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    let isBatchOutput = FileManager.default.fileExists(atPath: url.appendingPathComponent(BatchLayout.markerName).path)
                    if !excluded.contains(url.resolvingSymlinksInPath().path) && !isBatchOutput { pending.append(relative + [name]) }
                } else if matches(rest[...], relative + [name]) {
                    let path = (root.isEmpty ? [] : [root]) + relative + [name]
                    let joined = path.joined(separator: "/").replacingOccurrences(of: "//", with: "/")
                    entries.append(CampaignEntry(path: joined, key: joined.hasPrefix("./") ? String(joined.dropFirst(2)) : joined))
                }
            }
        }
        guard !entries.isEmpty else { throw CampaignError.noTrajectories(plan: pattern, reason: "the glob matches no file") }
        return CampaignPlan(source: pattern, kind: .glob, entries: entries)
    }

    /// Whether the path components `path` match the glob components `pattern` (`**`: any number
    /// of components; others with fnmatch, a leading dot matched only explicitly).
    static func matches(_ pattern: ArraySlice<String>, _ path: [String]) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            return (0...path.count).contains { matches(pattern.dropFirst(), Array(path.dropFirst($0))) }
        }
        guard let name = path.first, fnmatch(first, name, FNM_PERIOD) == 0 else { return false }
        return matches(pattern.dropFirst(), Array(path.dropFirst()))
    }

    /// The names of the plan's groups, sorted.
    public var groups: [String] { Array(Set(entries.map(\.group))).sorted() }
}

/// Manifests: a CSV with a header (`path`, and optionally `temperature`, `group` and the
/// per-file parameters `half_window`, `p_c`, `quiet_window`, `every`, `balance`, `seed`,
/// `preset`), or TOML (`[[trajectory]]` tables) or JSON (`{"trajectory": [...]}` or an array)
/// with the same keys. Relative paths are relative to the manifest's folder.
public enum CampaignManifest {
    /// Keys of one manifest entry.
    static let keys: Set<String> = FileParameters.keys.union(["path", "temperature", "group"])

    /// Reads the manifest at `path` by its extension.
    public static func read(path: String) throws -> CampaignPlan {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var tables: [DocumentTable] = []
        if URL(fileURLWithPath: path).pathExtension.lowercased() == "csv" {
            let reader: CSVTable.Reader
            do {
                reader = try CSVTable.Reader(path: path, delimiter: .comma)
                let header = reader.header.map { $0.trimmingCharacters(in: .whitespaces) }
                if let unknown = header.first(where: { !keys.contains($0) }) {
                    throw CampaignError.invalidEntry(file: path, location: "header", reason: "unknown column '\(unknown)'; known columns: \(keys.sorted().joined(separator: ", "))")
                }
                while let fields = try reader.next() {
                    var values: [String: DocumentValue] = [:]
                    for (name, field) in zip(header, fields) {
                        let text = field.trimmingCharacters(in: .whitespaces)
                        if !text.isEmpty { values[name] = .string(text) }
                    }
                    tables.append(DocumentTable(file: path, location: "line \(reader.lineNumber)", values: values))
                }
            } catch let error as InterchangeError {
                throw CampaignError.malformedDocument(file: path, reason: "\(error)")
            }
        } else {
            let document = try CampaignDocument.read(path: path)
            let top = DocumentTable(file: path, location: "top level", values: document.root)
            try top.requireKnownKeys(["trajectory"])
            guard case .array(let items)? = document.root["trajectory"] else {
                throw CampaignError.invalidEntry(file: path, location: "top level", reason: "expected [[trajectory]] tables (TOML) or a \"trajectory\" array (JSON)")
            }
            for (index, item) in items.enumerated() {
                guard let values = item.table else {
                    throw CampaignError.invalidEntry(file: path, location: "trajectory \(index + 1)", reason: "expected a table, got \(item.typeName)")
                }
                tables.append(DocumentTable(file: path, location: "trajectory \(index + 1)", values: values))
            }
        }
        var entries: [CampaignEntry] = []
        var seen: Set<String> = []
        for table in tables {
            try table.requireKnownKeys(keys)
            guard let given = try table.string("path"), !given.isEmpty else {
                throw CampaignError.invalidEntry(file: path, location: table.location, reason: "no 'path'")
            }
            let resolved = given.hasPrefix("/") ? given : (folder.isEmpty ? given : folder + "/" + given)
            let temperature = try table.double("temperature")
            if let temperature, !(temperature > 0 && temperature.isFinite) {
                throw CampaignError.invalidEntry(file: path, location: table.location, reason: "'temperature' must be positive and finite, got \(temperature)")
            }
            let group = try table.string("group") ?? CampaignPlan.defaultGroup
            guard !group.isEmpty, !group.contains("/"), !group.hasPrefix(".") else {
                throw CampaignError.invalidEntry(file: path, location: table.location, reason: "'group' must be a non-empty name without '/' or a leading '.', got '\(group)'")
            }
            let key = URL(fileURLWithPath: given).standardizedFileURL.path == given ? given : given.replacingOccurrences(of: "./", with: "")
            guard seen.insert(key).inserted else { throw CampaignError.duplicateTrajectory(plan: path, path: given) }
            entries.append(CampaignEntry(path: resolved, key: key, temperature: temperature, group: group,
                                         parameters: try FileParameters.read(table)))
        }
        guard !entries.isEmpty else { throw CampaignError.noTrajectories(plan: path, reason: "the manifest lists no trajectory") }
        return CampaignPlan(source: path, kind: .manifest, entries: entries)
    }
}
