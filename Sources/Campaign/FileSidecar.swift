import Foundation
import ParticleTable

/// Where a batch puts everything below its output folder (schemas/batch-sidecar-v1.md):
///
/// ```
/// OUT/files/STEM.json          sidecar of one trajectory (written last, atomically)
/// OUT/files/STEM.labels.h5     its p_hop labels
/// OUT/files/STEM.table.h5      its particle table (labelled pairs, its temperature)
/// OUT/groups/GROUP.table.h5    the group's joined table (with /split)
/// OUT/groups/GROUP.results.h5  the group's diagnostic (run "diagnose", and "rfe")
/// OUT/groups/GROUP.json        sidecar of the group
/// OUT/batch.toml               the configuration the groups were diagnosed with
/// OUT/summary.json             the last summary of the whole plan
/// ```
/// Each trajectory has files of its own, so shards on different nodes never write the same file.
public struct BatchLayout: Sendable, Equatable {
    /// The output folder.
    public let root: String

    /// The layout below the output folder `root`.
    public init(root: String) { self.root = root }

    /// Folder of the per-file outputs.
    public var filesFolder: String { root + "/files" }
    /// Folder of the per-group outputs.
    public var groupsFolder: String { root + "/groups" }

    /// A file-name stem for `key`: its characters outside `[A-Za-z0-9._-]` replaced, '/' as
    /// "__", and 8 hex digits of its hash so that different keys never share a stem.
    public static func stem(for key: String) -> String {
        var text = ""
        for scalar in key.unicodeScalars {
            if scalar == "/" { text += "__" } else if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "._-".unicodeScalars.contains(scalar) {
                text.unicodeScalars.append(scalar)
            } else { text += "_" }
        }
        while text.hasPrefix(".") { text.removeFirst() }
        return String(text.prefix(120)) + "-" + String(FNV1a.hex(Array(key.utf8)).prefix(8))
    }

    /// The sidecar of the trajectory `key`.
    public func sidecar(_ key: String) -> String { filesFolder + "/" + Self.stem(for: key) + ".json" }
    /// The labels file of the trajectory `key`.
    public func labels(_ key: String) -> String { filesFolder + "/" + Self.stem(for: key) + ".labels.h5" }
    /// The per-file particle table of the trajectory `key`.
    public func table(_ key: String) -> String { filesFolder + "/" + Self.stem(for: key) + ".table.h5" }
    /// The joined table of `group`.
    public func groupTable(_ group: String) -> String { groupsFolder + "/" + group + ".table.h5" }
    /// The results file of `group`.
    public func groupResults(_ group: String) -> String { groupsFolder + "/" + group + ".results.h5" }
    /// The sidecar of `group`.
    public func groupSidecar(_ group: String) -> String { groupsFolder + "/" + group + ".json" }
    public var configCopy: String { root + "/batch.toml" }
    public var summary: String { root + "/summary.json" }

    /// The hidden file that marks a folder as a batch's output: discovery never descends into
    /// one, so outputs of earlier batches inside the plan's folder are not taken for trajectories.
    public static let markerName = ".softness-batch"

    /// Creates the output folders and the marker.
    public func create() throws {
        for folder in [root, filesFolder, groupsFolder] {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw CampaignError.cannotWrite(file: folder, reason: (error as NSError).localizedDescription)
            }
        }
        let marker = root + "/" + Self.markerName
        if !FileManager.default.fileExists(atPath: marker) {
            try BatchJSON.writeAtomically(Data("softness batch output folder (schemas/batch-sidecar-v1.md)\n".utf8), to: marker)
        }
    }
}

/// The state of one trajectory in a batch, in `OUT/files/STEM.json`: what was read (input
/// digest), with which parameters (digests), what came out, and the error if it failed. Written
/// atomically after the outputs it names, so a sidecar with status `done` always has its outputs.
public struct FileSidecar: Sendable, Equatable, Codable {
    /// Outcome of the last attempt.
    public enum Status: String, Sendable, Codable {
        case done, failed
    }

    public static let schema = "softness.batch-sidecar"
    public static let schemaVersion = 1

    public var schema = FileSidecar.schema
    public var schemaVersion = FileSidecar.schemaVersion
    public var key: String
    public var path: String
    public var group: String
    public var status: Status
    /// Digest of the input when it was processed (nil when it could not even be read).
    public var input: InputDigest?
    /// Digest of the label settings (`ParameterDigest.labels`).
    public var labelDigest: String?
    /// Digest of everything the per-file table depends on (`ParameterDigest.table`).
    public var tableDigest: String?
    public var temperature: ResolvedTemperature?
    public var frames: Int?
    public var particles: Int?
    /// Rows of the per-file table (labelled pairs featurized).
    public var rows: Int?
    /// Rows with R = +1 and R = −1 in the per-file table.
    public var rearranging: Int?
    public var quiet: Int?
    /// Seconds the attempt took.
    public var seconds: Double
    public var error: String?
    /// The labels and table files, relative to the output folder.
    public var labelsFile: String?
    public var tableFile: String?
    /// True when the labels of an earlier attempt were reused (only the table was redone).
    public var labelsReused: Bool?
    public var host: String
    public var finished: String

    enum CodingKeys: String, CodingKey {
        case schema, schemaVersion = "schema_version", key, path, group, status, input, labelDigest = "label_digest"
        case tableDigest = "table_digest", temperature, frames, particles, rows, rearranging, quiet, seconds, error
        case labelsFile = "labels_file", tableFile = "table_file", labelsReused = "labels_reused", host, finished
    }

    /// Reads the sidecar at `path`, nil when there is none.
    /// - Throws: `CampaignError.malformedSidecar` for a file that is not a version-1 sidecar.
    public static func read(path: String) throws -> FileSidecar? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CampaignError.malformedSidecar(file: path, reason: "cannot be read")
        }
        let sidecar: FileSidecar
        do {
            sidecar = try JSONDecoder().decode(FileSidecar.self, from: data)
        } catch {
            throw CampaignError.malformedSidecar(file: path, reason: "not the expected JSON (\(error))")
        }
        guard sidecar.schema == schema, sidecar.schemaVersion == schemaVersion else {
            throw CampaignError.malformedSidecar(file: path, reason: "schema \(sidecar.schema) v\(sidecar.schemaVersion), expected \(schema) v\(schemaVersion)")
        }
        return sidecar
    }

    /// Writes the sidecar to `path` atomically (`AtomicFile`).
    public func write(to path: String) throws {
        try BatchJSON.write(self, to: path)
    }
}

/// JSON files of a batch (sidecars, summary): sorted keys, written through `AtomicFile`.
enum BatchJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func write<T: Encodable>(_ value: T, to path: String) throws {
        let data = try encoder().encode(value)
        try writeAtomically(data + Data("\n".utf8), to: path)
    }

    /// Writes `data` under a temporary name and renames it onto `path`.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let file = AtomicFile(destination: path)
        do {
            guard FileManager.default.createFile(atPath: file.temporaryPath, contents: data) else {
                throw CampaignError.cannotWrite(file: path, reason: String(cString: strerror(errno)))
            }
            try file.publish()
        } catch {
            throw file.abandon(after: error)
        }
    }
}

/// This host's name (recorded in sidecars: which node processed a file).
enum HostName {
    static let current: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
