import Foundation
import Trajectory

/// Where a trajectory's temperature came from; recorded in its sidecar and the summary.
public enum TemperatureOrigin: String, Sendable, Codable, Equatable {
    /// The manifest's `temperature`.
    case manifest
    /// `--temperature-from REGEX` applied to the trajectory's path.
    case pathPattern = "path-pattern"
    /// The last thermostat fix of the LAMMPS log beside the dump.
    case lammpsLog = "lammps-log"
}

/// A trajectory's temperature and how it was found.
public struct ResolvedTemperature: Sendable, Equatable, Codable {
    public var value: Double
    public var origin: TemperatureOrigin
    /// What was read: the matched text of the path, or LOG:LINE (fix style).
    public var detail: String

    /// A temperature and its source.
    public init(value: Double, origin: TemperatureOrigin, detail: String) {
        self.value = value
        self.origin = origin
        self.detail = detail
    }
}

/// Finds each trajectory's temperature: the manifest's value first, else the first capture
/// group (or the whole match) of `--temperature-from` on its path, else the LAMMPS log beside
/// the dump (`NAME.log[.gz]` for `NAME.dump[.gz]`, `log.lammps`, `log.lammps.gz`).
public struct TemperatureSource: Sendable {
    /// The pattern of `--temperature-from`, nil when not given.
    public let pattern: String?
    private let expression: UncheckedRegex?

    /// Compiles `pattern`.
    /// - Throws: `CampaignError.invalidTemperaturePattern` for an invalid regular expression.
    public init(pattern: String?) throws {
        self.pattern = pattern
        if let pattern {
            do {
                expression = UncheckedRegex(try NSRegularExpression(pattern: pattern))
            } catch {
                throw CampaignError.invalidTemperaturePattern(pattern: pattern, reason: (error as NSError).localizedDescription)
            }
        } else {
            expression = nil
        }
    }

    /// The temperature of `entry`.
    /// - Throws: `CampaignError.temperatureNotFound` listing every source tried and why it gave none.
    public func resolve(_ entry: CampaignEntry) throws -> ResolvedTemperature {
        if let value = entry.temperature { return ResolvedTemperature(value: value, origin: .manifest, detail: "manifest") }
        var tried: [String] = []
        if let pattern, let expression = expression?.value {
            let text = entry.path
            if let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) {
                let range = match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range
                let captured = Range(range, in: text).map { String(text[$0]) } ?? ""
                // A trailing '.' (T0.55.dump with [0-9.]+) is the extension's, not the number's.
                let number = captured.hasSuffix(".") ? String(captured.dropLast()) : captured
                if let value = Double(number), value.isFinite, value > 0 {
                    return ResolvedTemperature(value: value, origin: .pathPattern, detail: captured)
                }
                tried.append("--temperature-from '\(pattern)' matched '\(captured)', which is not a positive number")
            } else {
                tried.append("--temperature-from '\(pattern)' does not match the path")
            }
        } else {
            tried.append("no manifest temperature and no --temperature-from")
        }
        let logs = Self.logCandidates(for: entry.path)
        var readAny = false
        for log in logs where FileManager.default.isReadableFile(atPath: log) {
            readAny = true
            do {
                if let thermostat = try LAMMPSLog.lastThermostat(path: log) {
                    return ResolvedTemperature(value: thermostat.temperature, origin: .lammpsLog,
                                               detail: "\(log):\(thermostat.line) (fix \(thermostat.style))")
                }
                tried.append("\(log) has no numeric fix nvt/npt/langevin temperature")
            } catch {
                tried.append("\(log): \(error)")
            }
        }
        if !readAny { tried.append("no LAMMPS log beside it (\(logs.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")))") }
        throw CampaignError.temperatureNotFound(file: entry.path, tried: tried)
    }

    /// The LAMMPS logs that may belong to the dump at `path`, most specific first.
    public static func logCandidates(for path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let stem = CampaignPlan.withoutCompressionSuffix(url.lastPathComponent)
        let base = URL(fileURLWithPath: stem).deletingPathExtension().lastPathComponent
        var names = ["\(base).log", "\(base).log.gz", "\(base).log.zst", "log.\(base)", "log.lammps", "log.lammps.gz", "log.lammps.zst"]
        if base != stem { names.insert("\(stem).log", at: 0) }
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }.map { folder.appendingPathComponent($0).path }
    }
}

/// NSRegularExpression is immutable after creation and safe to share between threads.
struct UncheckedRegex: @unchecked Sendable {
    let value: NSRegularExpression
    init(_ value: NSRegularExpression) { self.value = value }
}
