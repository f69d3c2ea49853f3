import Foundation

/// The text of a LAMMPS dump frame by frame, as it is in the file: for writing the dump back with
/// extra per-atom columns (`softness apply --dump`; OVITO reads extra columns by name).
///
/// It only splits the text into frames (the header lines up to `ITEM: ATOMS`, the column names,
/// the atom lines in file order with the id of each); values are checked by `LAMMPSDumpReader`,
/// which should read the same file alongside. Plain, gzip or Zstandard, one frame in memory.
public final class LAMMPSDumpText {
    /// One frame's text.
    public struct Frame: Sendable {
        /// The header lines before `ITEM: ATOMS` (TIMESTEP, NUMBER OF ATOMS, BOX BOUNDS, …), verbatim.
        public var header: [String]
        /// The column names of `ITEM: ATOMS`.
        public var columns: [String]
        /// The atom lines in file order, without their line ends.
        public var atomLines: [[UInt8]]
        /// The `id` of each atom line.
        public var ids: [Int64]
        /// The frame's `ITEM: TIMESTEP`.
        public var timestep: Int
    }

    /// Path of the dump file.
    public let path: String
    private let lines: TrajectoryLineReader
    private var framesRead = 0

    /// Opens `path` (plain, gzip or Zstandard).
    /// - Throws: `TrajectoryError` `.unreadable` or `.decompression`.
    public init(path: String) throws {
        self.path = path
        lines = TrajectoryLineReader(source: try TrajectoryCompression.open(path).source, path: path)
    }

    private func failure(_ kind: TrajectoryError.Kind, _ message: String) -> TrajectoryError {
        TrajectoryError(kind, file: path, line: lines.lineNumber, frame: framesRead, message: message)
    }

    /// The next frame's text, nil at the end of the file.
    /// - Throws: `TrajectoryError` for a frame without `NUMBER OF ATOMS`, `TIMESTEP` or an `id`
    ///   column, a truncated frame, or an atom line whose id is not an integer.
    public func nextFrame() throws -> Frame? {
        var header: [String] = []
        var count: Int?
        var timestep: Int?
        var columns: [String]?
        var pending: String?
        while columns == nil {
            guard let raw = try lines.nextLine() else {
                if header.isEmpty { return nil }
                throw failure(.truncated, "the file ends in the header of frame \(framesRead)")
            }
            let line = String(decoding: raw, as: UTF8.self)
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty && header.isEmpty { continue }
            if let item = pending {
                if item == "NUMBER OF ATOMS" { count = Int(text) }
                if item == "TIMESTEP" { timestep = Int(text) }
                pending = nil
            } else if text.hasPrefix("ITEM:") {
                let item = text.dropFirst(5).trimmingCharacters(in: .whitespaces)
                if item.hasPrefix("ATOMS") {
                    columns = item.dropFirst(5).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                    break
                }
                if item == "NUMBER OF ATOMS" || item == "TIMESTEP" { pending = item }
            }
            header.append(line)
        }
        guard let count, count >= 0 else { throw failure(.malformed, "frame \(framesRead) has no valid ITEM: NUMBER OF ATOMS") }
        guard let timestep else { throw failure(.malformed, "frame \(framesRead) has no valid ITEM: TIMESTEP") }
        guard let columns, let idColumn = columns.firstIndex(of: "id") else {
            throw failure(.missingColumns, "frame \(framesRead): ITEM: ATOMS has no 'id' column")
        }
        var atomLines: [[UInt8]] = []
        var ids: [Int64] = []
        atomLines.reserveCapacity(count)
        ids.reserveCapacity(count)
        for _ in 0..<count {
            guard let raw = try lines.nextLine() else {
                throw failure(.truncated, "the file ends after \(ids.count) of the \(count) atom lines of frame \(framesRead)")
            }
            let bytes = Array(raw)
            let fields = bytes.split(whereSeparator: { $0 == 32 || $0 == 9 })
            guard idColumn < fields.count, let id = Int64(String(decoding: fields[idColumn], as: UTF8.self)) else {
                throw failure(.notANumber, "frame \(framesRead): atom line without an integer id in column \(idColumn + 1)")
            }
            atomLines.append(bytes)
            ids.append(id)
        }
        framesRead += 1
        return Frame(header: header, columns: columns, atomLines: atomLines, ids: ids, timestep: timestep)
    }
}
