import Foundation

/// The thermostat target temperature recorded in a LAMMPS log (`log.lammps`, plain or `.gz`).
///
/// LAMMPS echoes every input line to its log, and echoes it again with `${var}` substituted;
/// the last fully numeric `fix ... nvt|npt|nph ... temp Tstart Tstop ...` or
/// `fix ... langevin Tstart Tstop ...` line is the thermostat in force at the end of the run,
/// and its `Tstop` is the temperature the trajectory was sampled at.
public enum LAMMPSLog {
    /// A target temperature and the line it was read from.
    public struct Thermostat: Sendable, Equatable {
        /// `Tstop` of the last thermostat fix.
        public var temperature: Double
        /// The fix style: nvt, npt, nph or langevin.
        public var style: String
        /// 1-based line of the log.
        public var line: Int
    }

    /// Reads `path` and returns its last thermostat, nil when the log has none.
    /// - Throws: `TrajectoryError` when the file cannot be read or decompressed.
    public static func lastThermostat(path: String) throws -> Thermostat? {
        let lines = TrajectoryLineReader(source: try TrajectoryCompression.open(path).source, path: path)
        var found: Thermostat?
        while let line = try lines.nextLine() {
            guard line.count >= 4, line[0] == UInt8(ascii: "f"), line[1] == UInt8(ascii: "i"), line[2] == UInt8(ascii: "x") else { continue }
            let text = String(decoding: line, as: UTF8.self)
            if let thermostat = parse(fixLine: text, line: lines.lineNumber) { found = thermostat }
        }
        return found
    }

    /// The thermostat of one `fix` line, nil when it is none or not numeric (e.g. `${T}`).
    public static func parse(fixLine text: String, line: Int = 0) -> Thermostat? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard tokens.count >= 5, tokens[0] == "fix" else { return nil }
        let style = tokens[3]
        var stop: String?
        switch style {
        case "nvt", "npt", "nph", "nvt/sllod", "temp/berendsen", "temp/rescale", "temp/csvr", "temp/csld":
            if let index = tokens.firstIndex(of: "temp"), index + 2 < tokens.count { stop = tokens[index + 2] }
            else if style.hasPrefix("temp/"), tokens.count > 5 { stop = tokens[style == "temp/rescale" ? 6 : 5] }
        case "langevin":
            if tokens.count > 5 { stop = tokens[5] }
        default:
            return nil
        }
        guard let stop, let value = Double(stop), value.isFinite, value > 0 else { return nil }
        return Thermostat(temperature: value, style: style, line: line)
    }
}
