import HDF5

/// One way a file departs from the particle-table schema.
public struct SchemaProblem: CustomStringConvertible, Sendable, Equatable {
    /// Object path inside the file (`/` for root attributes).
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// Typed errors for particle-table files; each names the file and what is wrong.
public enum ParticleTableError: Error, CustomStringConvertible, Sendable {
    /// The file is not a valid particle table; the problems list every departure.
    case notAParticleTable(file: String, problems: [SchemaProblem])
    /// The file was written by a newer version of the schema than this program reads.
    case newerSchema(file: String, version: Int, supported: Int)
    /// The output exists and overwriting was not requested.
    case outputExists(file: String)
    /// A block handed to the writer does not fit the table (wrong lengths, missing optional columns).
    case blockMismatch(file: String, message: String)
    /// Datasets that must have one entry per row differ in length.
    case lengthMismatch(file: String, datasets: [String])
    /// A results file was given where a particle table is read.
    case resultsFileGiven(file: String, input: String?)

    public var description: String {
        switch self {
        case .notAParticleTable(let file, let problems):
            return "\(file): not a softness particle table (schema v\(ParticleSchema.v1.schemaVersion)):\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n")
        case .newerSchema(let file, let version, let supported):
            return "\(file): written with particle-table schema version \(version), but this softness reads up to version \(supported); upgrade softness"
        case .outputExists(let file):
            return "\(file): output file exists; pass --force to replace it"
        case .blockMismatch(let file, let message):
            return "\(file): \(message)"
        case .lengthMismatch(let file, let datasets):
            return "\(file): \(datasets.joined(separator: ", ")) differ in length"
        case .resultsFileGiven(let file, let input):
            return "\(file): is a softness results file, not a particle table; give the table it was computed from"
                + (input.map { " (\($0))" } ?? "")
        }
    }
}

extension ParticleSchema {
    /// Checks the structure of `file` against this schema: root attributes, presence, element
    /// kind and shape of every dataset, with N and d taken from `/features`. Values (label
    /// encoding, NaN) are checked by the validation stage, not here.
    public func problems(in file: File) -> [SchemaProblem] {
        var problems: [SchemaProblem] = []
        for attribute in rootAttributes {
            let value = try? file.attribute(attribute.name)
            guard let value else {
                if attribute.required { problems.append(SchemaProblem(path: "/", message: "missing root attribute '\(attribute.name)'")) }
                continue
            }
            let typeMatches: Bool
            switch attribute.type {
            case "string": typeMatches = value.stringValue != nil
            case "integer": typeMatches = value.integerValue != nil
            default: typeMatches = value.realValue != nil
            }
            if !typeMatches {
                problems.append(SchemaProblem(path: "/", message: "root attribute '\(attribute.name)' should be a \(attribute.type), found \(value)"))
            } else if let expected = attribute.value, value.stringValue != expected {
                problems.append(SchemaProblem(path: "/", message: "root attribute '\(attribute.name)' should be '\(expected)', found '\(value)'"))
            }
        }
        var extents: [String: Int] = [:]
        if let features = try? file.dataset("/features"), let shape = try? features.shape(), shape.count == 2 {
            extents["N"] = shape[0]
            extents["d"] = shape[1]
        }
        for spec in datasets {
            guard file.hasLink(spec.path) else {
                if spec.required { problems.append(SchemaProblem(path: spec.path, message: "missing required dataset (\(spec.description))")) }
                continue
            }
            guard let dataset = try? file.dataset(spec.path), let shape = try? dataset.shape(),
                  let type = try? dataset.elementType() else {
                problems.append(SchemaProblem(path: spec.path, message: "is not a readable dataset"))
                continue
            }
            if !spec.kinds.contains(type.kindName) {
                problems.append(SchemaProblem(path: spec.path, message: "holds \(type), expected \(spec.kinds.joined(separator: " or "))"))
            }
            if shape.count != spec.shape.count {
                problems.append(SchemaProblem(path: spec.path, message: "has rank \(shape.count) (shape \(shape)), expected rank \(spec.shape.count) [\(spec.shape.joined(separator: ", "))]"))
                continue
            }
            for (axis, symbol) in spec.shape.enumerated() {
                let expected = Int(symbol) ?? extents[symbol]
                if let expected, shape[axis] != expected {
                    problems.append(SchemaProblem(path: spec.path, message: "has \(shape[axis]) entries along axis \(axis), expected \(symbol) = \(expected) (from /features)"))
                }
            }
            if let (unwritten, total) = try? dataset.unwrittenChunks(), unwritten > 0 {
                problems.append(SchemaProblem(path: spec.path, message: "declares shape \(shape), but \(unwritten) of its \(total) chunks were never written (a writer that did not finish, or a damaged extent); those rows would read as zeros"))
            }
        }
        for spec in groups where spec.required && !file.isGroup(spec.path) {
            problems.append(SchemaProblem(path: spec.path, message: "missing required group"))
        }
        return problems
    }

    /// Throws unless `file` is a particle table this version can read (the one schema-version
    /// check of particle tables).
    public func requireConforming(_ file: File) throws {
        if (try? file.attribute("schema"))??.stringValue == ResultStore.schema {
            throw ParticleTableError.resultsFileGiven(file: file.path, input: ResultStore.recordedInput(of: file))
        }
        if let version = (try? file.attribute("schema_version"))?.flatMap({ $0.integerValue }), version > schemaVersion {
            throw ParticleTableError.newerSchema(file: file.path, version: version, supported: schemaVersion)
        }
        let problems = problems(in: file)
        if !problems.isEmpty { throw ParticleTableError.notAParticleTable(file: file.path, problems: problems) }
    }
}

extension ElementType {
    /// The schema's name for this kind: "float", "int", "uint", "string" or "other".
    var kindName: String {
        switch self {
        case .float: return "float"
        case .signedInteger: return "int"
        case .unsignedInteger: return "uint"
        case .string: return "string"
        case .other: return "other"
        }
    }
}
