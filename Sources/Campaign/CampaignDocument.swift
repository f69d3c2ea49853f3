import Foundation
import TOMLKit

/// A value of a TOML or JSON document (a batch configuration or manifest), read into one shape
/// so that both formats go through the same checks and messages.
public indirect enum DocumentValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case string(String)
    case bool(Bool)
    case array([DocumentValue])
    case table([String: DocumentValue])

    /// The value as a table, nil otherwise.
    public var table: [String: DocumentValue]? {
        if case .table(let value) = self { return value }
        return nil
    }

    /// A short name of the value's type, for messages.
    var typeName: String {
        switch self {
        case .number: return "a number"
        case .integer: return "an integer"
        case .string: return "a string"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        }
    }
}

/// Reads TOML (TOMLKit) and JSON (Foundation) documents into `DocumentValue` tables, and reads
/// typed values from them with messages naming the file and key.
public struct CampaignDocument: Sendable {
    /// The file the document came from (for messages).
    public let file: String
    /// The document's top-level table.
    public let root: [String: DocumentValue]

    /// Parses `text` as TOML or JSON (`format` "toml" or "json").
    public init(text: String, format: String, file: String) throws {
        self.file = file
        switch format {
        case "toml":
            let table: TOMLTable
            do {
                table = try TOMLTable(string: text)
            } catch let error as TOMLParseError {
                throw CampaignError.malformedDocument(file: file, reason: "TOML: \(error.description) at line \(error.source.begin.line), column \(error.source.begin.column)")
            }
            root = Self.convert(table)
        case "json":
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            } catch {
                throw CampaignError.malformedDocument(file: file, reason: "JSON: \((error as NSError).localizedDescription)")
            }
            if let dictionary = object as? [String: Any] {
                root = try dictionary.mapValues { try Self.convert($0, file: file) }
            } else if let array = object as? [Any] {
                root = ["trajectory": .array(try array.map { try Self.convert($0, file: file) })]
            } else {
                throw CampaignError.malformedDocument(file: file, reason: "JSON: expected an object or an array at the top")
            }
        default:
            throw CampaignError.malformedDocument(file: file, reason: "unknown format '\(format)' (toml or json)")
        }
    }

    /// Reads `path` as TOML (`.toml`) or JSON (`.json`).
    public static func read(path: String) throws -> CampaignDocument {
        let format = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard format == "toml" || format == "json" else {
            throw CampaignError.malformedDocument(file: path, reason: "expected a .toml or .json file")
        }
        return try CampaignDocument(text: try readText(path), format: format, file: path)
    }

    /// The UTF-8 text of a small file (configuration, manifest, log), at most `limit` bytes.
    static func readText(_ path: String, limit: Int = 64 << 20) throws -> String {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                throw CampaignError.malformedDocument(file: path, reason: "not a regular file")
            }
            if let size = attributes[.size] as? Int, size > limit {
                throw CampaignError.malformedDocument(file: path, reason: "\(size) bytes; at most \(limit) are read")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as CampaignError {
            throw error
        } catch {
            throw CampaignError.malformedDocument(file: path, reason: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CampaignError.malformedDocument(file: path, reason: "not UTF-8 text")
        }
        return text
    }

    private static func convert(_ table: TOMLTable) -> [String: DocumentValue] {
        var result: [String: DocumentValue] = [:]
        for (key, value) in table { result[key] = convert(value) }
        return result
    }

    private static func convert(_ value: TOMLValueConvertible) -> DocumentValue {
        if let table = value.table { return .table(convert(table)) }
        if let array = value.array { return .array(array.map { convert($0) }) }
        if let bool = value.bool, value.type == .bool { return .bool(bool) }
        if let integer = value.int, value.type == .int { return .integer(integer) }
        if let number = value.double, value.type == .double { return .number(number) }
        if let string = value.string { return .string(string) }
        return .string(value.debugDescription)
    }

    private static func convert(_ value: Any, file: String) throws -> DocumentValue {
        switch value {
        case let number as NSNumber:
            // JSON true/false come as NSNumbers of Objective-C type 'c' (char).
            if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
            let double = number.doubleValue
            if double.rounded() == double, abs(double) < 9e15, !"\(number)".contains(".") { return .integer(number.intValue) }
            return .number(double)
        case let string as String: return .string(string)
        case let array as [Any]: return .array(try array.map { try convert($0, file: file) })
        case let dictionary as [String: Any]: return .table(try dictionary.mapValues { try convert($0, file: file) })
        case is NSNull: throw CampaignError.malformedDocument(file: file, reason: "JSON null is not a value here; leave the key out")
        default: throw CampaignError.malformedDocument(file: file, reason: "unsupported JSON value \(value)")
        }
    }
}

/// Typed access to one table of a document, checking that every key is known.
struct DocumentTable {
    let file: String
    /// Where the table is, e.g. "[label]" or "trajectory 3".
    let location: String
    let values: [String: DocumentValue]

    /// Refuses keys outside `known` (a typo would otherwise be ignored silently).
    func requireKnownKeys(_ known: Set<String>) throws {
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw CampaignError.invalidEntry(file: file, location: location,
                                             reason: "unknown key '\(unknown)'; known keys: \(known.sorted().joined(separator: ", "))")
        }
    }

    private func wrong(_ key: String, _ expected: String, _ value: DocumentValue) -> CampaignError {
        .invalidEntry(file: file, location: location, reason: "'\(key)' must be \(expected), got \(value.typeName)")
    }

    func double(_ key: String) throws -> Double? {
        switch values[key] {
        case nil: return nil
        case .number(let value)?: return value
        case .integer(let value)?: return Double(value)
        case .string(let text)? where Double(text) != nil: return Double(text)
        case let value?: throw wrong(key, "a number", value)
        }
    }

    func integer(_ key: String) throws -> Int? {
        switch values[key] {
        case nil: return nil
        case .integer(let value)?: return value
        case .number(let value)? where value.rounded() == value && abs(value) < 9e15: return Int(value)
        case .string(let text)? where Int(text) != nil: return Int(text)
        case let value?: throw wrong(key, "an integer", value)
        }
    }

    func string(_ key: String) throws -> String? {
        switch values[key] {
        case nil: return nil
        case .string(let value)?: return value
        case .integer(let value)?: return String(value)
        case .number(let value)?: return String(value)
        case let value?: throw wrong(key, "a string", value)
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch values[key] {
        case nil: return nil
        case .bool(let value)?: return value
        case .string(let text)? where ["true", "false", "1", "0", "yes", "no"].contains(text.lowercased()):
            return ["true", "1", "yes"].contains(text.lowercased())
        case .integer(let value)? where value == 0 || value == 1: return value == 1
        case let value?: throw wrong(key, "true or false", value)
        }
    }

    func table(_ key: String) throws -> DocumentTable? {
        switch values[key] {
        case nil: return nil
        case .table(let value)?: return DocumentTable(file: file, location: "[\(key)]", values: value)
        case let value?: throw wrong(key, "a table", value)
        }
    }
}
