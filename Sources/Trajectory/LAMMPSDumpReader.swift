import Parallel
import Foundation
import HDF5
import Structure

/// Reads a LAMMPS text dump (`dump custom`, `dump atom`; https://docs.lammps.org/dump.html)
/// one frame at a time. Plain text, gzip or Zstandard (detected by their magic bytes and
/// decompressed in this process), streamed through a fixed buffer: memory holds one frame.
///
/// Each frame is a sequence of items; `ITEM: TIMESTEP`, `ITEM: NUMBER OF ATOMS` and
/// `ITEM: BOX BOUNDS` are required, `ITEM: TIME` and `ITEM: UNITS` optional, and
/// `ITEM: ATOMS <columns>` ends the header, followed by exactly NUMBER OF ATOMS lines.
/// Box headers: `BOX BOUNDS pp pp pp` (orthogonal; `xlo xhi` lines) and `BOX BOUNDS xy xz yz pp pp pp`
/// (restricted triclinic; bounding box converted back to the cell by
/// `SimulationBox.init(lammpsBounds:periodic:)` in LAMMPSBoxBounds.swift), and `BOX BOUNDS abc origin pp pp pp`
/// (general triclinic: `ax ay az ox` lines), read through `SimulationBox.init(edgeVectors:origin:periodic:)`
/// and therefore only when a, b, c are already in LAMMPS restricted form
/// (a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz)); a rotated general box is rejected as `.unsupported`.
/// A direction is periodic when its flag is `pp` (no flags at all, as in very old dumps: periodic).
/// Columns, in any order: `id`, `type`, one complete position triple — `xu yu zu` (unwrapped),
/// `xsu ysu zsu` (scaled unwrapped), `x y z` (wrapped) or `xs ys zs` (scaled wrapped), preferred
/// in that order — and optional image flags `ix iy iz`; other columns are skipped unparsed.
/// Scaled coordinates are converted to Cartesian with the frame's box.
///
/// Errors are `TrajectoryError`s naming the file and the 1-based line (of the decompressed text).
public final class LAMMPSDumpReader: Trajectory {
    /// Path of the dump file.
    public let path: String
    /// Whether the file is compressed (gzip or Zstandard).
    public let isCompressed: Bool
    private let compression: TrajectoryCompression
    private let lines: TrajectoryLineReader
    private var order = TrajectoryParticleOrder()
    private var framesRead = 0
    /// Size of the file on disk, for the sanity bound on NUMBER OF ATOMS.
    private let fileSize: Int
    /// Timestep of the previous frame: timesteps must increase.
    private var previousTimestep: Int?
    /// Bytes of memory per atom of a frame (positions, ids, species, images, parse state), for
    /// the sanity bound on NUMBER OF ATOMS.
    static let bytesPerAtom = 64
    private var columns: LAMMPSDumpColumns?

    /// Opens `path` (plain, gzip or Zstandard) for reading; nothing but the first bytes is read yet.
    ///
    /// - Throws: `TrajectoryError` `.unreadable` when the file cannot be opened,
    ///   `.decompression` when the decoder cannot be started.
    public convenience init(path: String) throws {
        try self.init(path: path, bufferCapacity: 1 << 22)
    }

    /// Opens `path` with a line buffer of `bufferCapacity` bytes (tests use tiny buffers to
    /// exercise refills; the buffer grows when a single line is longer).
    init(path: String, bufferCapacity: Int) throws {
        self.path = path
        let (source, compression) = try TrajectoryCompression.open(path)
        self.compression = compression
        isCompressed = compression != .none
        fileSize = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? Int.max
        lines = TrajectoryLineReader(source: source, path: path, capacity: bufferCapacity)
    }

    /// Refuses a NUMBER OF ATOMS that the file cannot hold (each atom line has at least two
    /// bytes per column; a compressed file expands at most `TrajectoryCompression.maximumRatio` times) or that would not
    /// fit in memory, before anything is allocated for it.
    private func checkAtomCount(_ count: Int, columns: Int, line: Int, frame: Int, timestep: Int) throws {
        let (capacity, overflow) = fileSize.multipliedReportingOverflow(by: compression.maximumRatio)
        let maximumInFile = overflow ? Int.max : capacity / (2 * Swift.max(columns, 1))
        if count > maximumInFile {
            throw failure(.malformed, line: line, frame: frame, timestep: timestep,
                          "frame \(frame) declares NUMBER OF ATOMS \(count), but a \(fileSize)-byte \(compression == .gzip ? "gzip " : compression == .zstd ? "Zstandard " : "")file can hold at most \(maximumInFile) atom lines of \(columns) columns")
        }
        if !InputLimits.fitsInMemory(count, stride: Self.bytesPerAtom) {
            throw failure(.malformed, line: line, frame: frame, timestep: timestep,
                          "frame \(frame) declares NUMBER OF ATOMS \(count); one frame would need \(count / (1 << 20) * Self.bytesPerAtom) MiB, more than \(InputLimits.memoryBudgetDescription) (limit \(InputLimits.memoryBudget / Self.bytesPerAtom) atoms)")
        }
    }

    /// Number of frames returned so far.
    public var frameCount: Int { framesRead }

    private func failure(_ kind: TrajectoryError.Kind, line: Int?, frame: Int? = nil, timestep: Int? = nil,
                         _ message: String) -> TrajectoryError {
        TrajectoryError(kind, file: path, line: line, frame: frame, timestep: timestep, message: message)
    }

    private static func text(_ line: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    private static func shortened(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(77)) + "..." : text
    }

    /// The next line of a header item, which must exist.
    private func headerLine(after item: String, frame: Int) throws -> String {
        guard let line = try lines.nextLine() else {
            throw failure(.truncated, line: lines.lineNumber, frame: frame, "the file ends after ITEM: \(item) of frame \(frame)")
        }
        return Self.text(line)
    }

    private func headerInteger(after item: String, frame: Int) throws -> Int {
        let text = try headerLine(after: item, frame: frame)
        guard let value = Int(text) else {
            throw failure(.notANumber, line: lines.lineNumber, frame: frame, "ITEM: \(item) value '\(Self.shortened(text))' is not an integer")
        }
        return value
    }

    private func headerReal(after item: String, frame: Int) throws -> Double {
        let text = try headerLine(after: item, frame: frame)
        guard let value = Double(text), value.isFinite else {
            throw failure(.notANumber, line: lines.lineNumber, frame: frame, "ITEM: \(item) value '\(Self.shortened(text))' is not a finite number")
        }
        return value
    }

    /// Reads the three lines of `ITEM: BOX BOUNDS <flags>`.
    private func readBox(_ arguments: Substring, frame: Int, timestep: Int?) throws -> SimulationBox {
        let words = arguments.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let general = words.contains("abc")
        let triclinic = !general && (words.contains("xy") || words.contains("xz") || words.contains("yz"))
        let flags = words.filter { !["xy", "xz", "yz", "abc", "origin"].contains($0) }
        let periodic: Periodicity
        if flags.isEmpty {
            periodic = .all
        } else if flags.count == 3, flags.allSatisfy({ $0.count == 2 && $0.allSatisfy { "pfsm".contains($0) } }) {
            periodic = Periodicity(flags[0] == "pp", flags[1] == "pp", flags[2] == "pp")
        } else {
            throw failure(.malformed, line: lines.lineNumber, frame: frame, timestep: timestep,
                          "ITEM: BOX BOUNDS has unknown boundary flags '\(words.joined(separator: " "))'")
        }
        let expected = general ? 4 : (triclinic ? 3 : 2)
        var rows: [[Double]] = []
        for axis in ["x", "y", "z"] {
            let text = try headerLine(after: "BOX BOUNDS", frame: frame)
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == expected else {
                throw failure(.wrongColumnCount, line: lines.lineNumber, frame: frame, timestep: timestep,
                              "ITEM: BOX BOUNDS line for \(axis) has \(fields.count) values, expected \(expected)")
            }
            var values: [Double] = []
            for field in fields {
                guard let value = Double(field), value.isFinite else {
                    throw failure(.notANumber, line: lines.lineNumber, frame: frame, timestep: timestep,
                                  "ITEM: BOX BOUNDS value '\(Self.shortened(String(field)))' is not a finite number")
                }
                values.append(value)
            }
            rows.append(values)
        }
        do {
            if general {
                // Lines `ax ay az ox`, `bx by bz oy`, `cx cy cz oz`.
                return try SimulationBox(edgeVectors: rows.flatMap { $0.prefix(3) },
                                         origin: SIMD3(rows[0][3], rows[1][3], rows[2][3]), periodic: periodic)
            }
            return try SimulationBox(lammpsBounds: rows, periodic: periodic)
        } catch let error as StructureError {
            let stamp = "frame \(frame)\(timestep.map { " (timestep \($0))" } ?? "")"
            if case .edgeVectorsNotLammpsForm(let detail) = error {
                throw failure(.unsupported, line: lines.lineNumber, frame: frame, timestep: timestep,
                              "\(stamp): general triclinic box not in LAMMPS form is not supported (\(detail))")
            }
            throw failure(TrajectoryError.Kind(boxError: error), line: lines.lineNumber, frame: frame, timestep: timestep,
                          "\(stamp): invalid ITEM: BOX BOUNDS: \(error)")
        }
    }

    /// Reads the next frame, or returns nil at the end of the file.
    ///
    /// - Throws: `TrajectoryError`: `.truncated` (file ends inside a frame, fewer atom lines than
    ///   announced), `.wrongColumnCount`, `.notANumber`, `.missingBox`, `.missingColumns`,
    ///   `.malformed` (also for a box with a non-positive edge length), `.unsupported` (general
    ///   triclinic box not in LAMMPS form), `.duplicateID`, `.inconsistentParticles`,
    ///   `.decompression`; each names the file and line.
    public func nextFrame() throws -> TrajectoryFrame? {
        // A frame that repeats the previous frame's timestep (dumps of a restarted run written
        // twice at the restart step) is read past and dropped; `repeatedTimesteps` lists them.
        while true {
            switch try readFrame() {
            case .frame(let frame): return frame
            case .repeated: continue
            case .end: return nil
            }
        }
    }

    /// Timesteps whose repeated frame was dropped (the first frame at each timestep is kept).
    public private(set) var repeatedTimesteps: [Int] = []

    private enum FrameRead { case frame(TrajectoryFrame), repeated, end }

    private func readFrame() throws -> FrameRead {
        let frame = framesRead
        var timestep: Int?
        var time: Double?
        var count: Int?
        var box: SimulationBox?
        var columnText: Substring = ""
        var started = false
        header: while true {
            guard let line = try lines.nextLine() else {
                if !started { return .end }
                throw failure(.truncated, line: lines.lineNumber, frame: frame, timestep: timestep,
                              "the file ends in the header of frame \(frame), before ITEM: ATOMS")
            }
            let text = Self.text(line)
            if text.isEmpty && !started { continue }
            guard text.hasPrefix("ITEM:") else {
                throw failure(.malformed, line: lines.lineNumber, frame: frame, timestep: timestep,
                              "expected an 'ITEM:' line, found '\(Self.shortened(text))'")
            }
            started = true
            let item = text.dropFirst(5).drop(while: { $0 == " " || $0 == "\t" })
            switch item {
            case "TIMESTEP":
                if timestep != nil {
                    throw failure(.truncated, line: lines.lineNumber, frame: frame, timestep: timestep,
                                  "frame \(frame) has a second ITEM: TIMESTEP before its ITEM: ATOMS (truncated frame?)")
                }
                timestep = try headerInteger(after: "TIMESTEP", frame: frame)
            case "TIME":
                time = try headerReal(after: "TIME", frame: frame)
            case "UNITS":
                _ = try headerLine(after: "UNITS", frame: frame)
            case "NUMBER OF ATOMS":
                let value = try headerInteger(after: "NUMBER OF ATOMS", frame: frame)
                guard value >= 0 else {
                    throw failure(.malformed, line: lines.lineNumber, frame: frame, timestep: timestep, "negative NUMBER OF ATOMS \(value)")
                }
                count = value
            default:
                if item.hasPrefix("BOX BOUNDS") {
                    box = try readBox(item.dropFirst("BOX BOUNDS".count), frame: frame, timestep: timestep)
                } else if item.hasPrefix("ATOMS") {
                    columnText = item.dropFirst("ATOMS".count)
                    break header
                } else {
                    throw failure(.malformed, line: lines.lineNumber, frame: frame, timestep: timestep,
                                  "unknown header item 'ITEM: \(Self.shortened(String(item)))'")
                }
            }
        }
        let atomsLine = lines.lineNumber
        guard let timestep else {
            throw failure(.malformed, line: atomsLine, frame: frame, "frame \(frame) has no ITEM: TIMESTEP before ITEM: ATOMS")
        }
        guard let count else {
            throw failure(.malformed, line: atomsLine, frame: frame, timestep: timestep,
                          "frame \(frame) (timestep \(timestep)) has no ITEM: NUMBER OF ATOMS before ITEM: ATOMS")
        }
        guard let box else {
            throw failure(.missingBox, line: atomsLine, frame: frame, timestep: timestep,
                          "frame \(frame) (timestep \(timestep)) has no ITEM: BOX BOUNDS")
        }
        if let previousTimestep, timestep < previousTimestep {
            throw failure(.malformed, line: atomsLine, frame: frame, timestep: timestep,
                          "frame \(frame) has timestep \(timestep), before the previous frame's \(previousTimestep) (reordered frames, or dumps of several runs concatenated; sort or split them)")
        }
        let repeated = previousTimestep == timestep
        if let reference = order.referenceCount, reference != count {
            throw failure(.inconsistentParticles, line: atomsLine, frame: frame, timestep: timestep,
                          "frame \(frame) (timestep \(timestep)) has \(count) atoms, the first frame had \(reference)")
        }
        let names = columnText.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        try checkAtomCount(count, columns: names.count, line: atomsLine, frame: frame, timestep: timestep)
        let layout: LAMMPSDumpColumns
        if let cached = columns, cached.names == names {
            layout = cached
        } else {
            do {
                layout = try LAMMPSDumpColumns.parse(names)
            } catch {
                throw failure(.missingColumns, line: atomsLine, frame: frame, timestep: timestep, error.message)
            }
            columns = layout
        }

        var atoms = try readAtoms(count: count, layout: layout, frame: frame, timestep: timestep)
        if !layout.hasType { atoms.species = [Int32](repeating: 1, count: atoms.ids.count) }
        if layout.scaled {
            for i in atoms.positions.indices { atoms.positions[i] = box.cartesian(fractional: atoms.positions[i]) }
        }
        let permutation: [Int]?
        do {
            permutation = try order.order(ids: atoms.ids)
        } catch {
            throw describe(error, firstAtomLine: atomsLine + 1, frame: frame, timestep: timestep)
        }
        if let permutation {
            atoms.ids = trajectoryPermuted(atoms.ids, permutation)
            atoms.species = trajectoryPermuted(atoms.species, permutation)
            atoms.positions = trajectoryPermuted(atoms.positions, permutation)
            atoms.images = atoms.images.map { trajectoryPermuted($0, permutation) }
        }
        if repeated {
            repeatedTimesteps.append(timestep)
            return .repeated
        }
        framesRead += 1
        previousTimestep = timestep
        return .frame(TrajectoryFrame(source: path, index: frame, timestep: timestep, time: time, box: box,
                               ids: atoms.ids, species: atoms.species, positions: atoms.positions,
                               positionKind: layout.unwrapped ? .unwrapped : (layout.hasImages ? .wrappedWithImages : .wrapped),
                               images: atoms.images))
    }

    private func describe(_ problem: TrajectoryParticleOrder.Problem, firstAtomLine: Int, frame: Int, timestep: Int) -> TrajectoryError {
        switch problem {
        case .duplicate(let id, let firstRow, let secondRow):
            return failure(.duplicateID, line: firstAtomLine + secondRow, frame: frame, timestep: timestep,
                           "frame \(frame) (timestep \(timestep)): atom id \(id) appears twice (lines \(firstAtomLine + firstRow) and \(firstAtomLine + secondRow))")
        case .countChanged(let count, let reference):
            return failure(.inconsistentParticles, line: firstAtomLine - 1, frame: frame, timestep: timestep,
                           "frame \(frame) (timestep \(timestep)) has \(count) atoms, the first frame had \(reference)")
        case .unknownID(let id, let row):
            return failure(.inconsistentParticles, line: firstAtomLine + row, frame: frame, timestep: timestep,
                           "frame \(frame) (timestep \(timestep)): atom id \(id) is not in the first frame (the set of atom ids changed)")
        }
    }

    private struct Atoms {
        var ids: [Int64]
        var species: [Int32]
        var positions: [SIMD3<Double>]
        var images: [SIMD3<Int32>]?
    }

    /// Where an atom line cannot be read; the reader adds the file, line and frame.
    private enum LineProblem {
        case value(column: Int, token: String, what: String)
        case columnCount(found: Int)
    }

    /// The preallocated destination of a frame's atom lines (row-indexed) and the column roles.
    private struct AtomSinks: @unchecked Sendable {
        let ids: UnsafeMutablePointer<Int64>
        let species: UnsafeMutablePointer<Int32>
        let positions: UnsafeMutablePointer<SIMD3<Double>>
        /// Nil when the layout has no image flags.
        let images: UnsafeMutablePointer<SIMD3<Int32>>?
        let roles: UnsafePointer<UInt8>
        let columnCount: Int
    }

    /// Parses one atom line (without its newline and `\r`) in place: whitespace-separated tokens,
    /// only the used columns converted, stored at `row`.
    @inline(__always)
    private static func parseAtomLine(_ line: UnsafePointer<UInt8>, length: Int, row: Int, into sinks: AtomSinks) -> LineProblem? {
        let roles = sinks.roles
        let columnCount = sinks.columnCount
        var id: Int64 = 0
        var type: Int32 = 0
        var position = SIMD3<Double>.zero
        var image = SIMD3<Int32>.zero
        var column = 0
        var p = line
        let end = line + length
        while true {
            while p < end && (p.pointee == 32 || p.pointee == 9) { p += 1 }
            if p >= end { break }
            let start = p
            let role = column < columnCount ? roles[column] : LAMMPSDumpColumns.Role.ignored.rawValue
            if role >= LAMMPSDumpColumns.Role.x.rawValue && role <= LAMMPSDumpColumns.Role.z.rawValue {
                // A coordinate is read in the pass that finds its end.
                guard let value = TrajectoryNumberParsing.doubleToken(&p, end) else {
                    return .value(column: column, token: token(start, p), what: "a finite number")
                }
                position[Int(role - LAMMPSDumpColumns.Role.x.rawValue)] = value
                column += 1
                continue
            }
            while p < end && p.pointee != 32 && p.pointee != 9 { p += 1 }
            if role == LAMMPSDumpColumns.Role.id.rawValue {
                guard let value = TrajectoryNumberParsing.integer(start, p) else {
                    return .value(column: column, token: token(start, p), what: "an integer id")
                }
                id = value
            } else if role == LAMMPSDumpColumns.Role.type.rawValue {
                guard let value = TrajectoryNumberParsing.integer(start, p), let narrow = Int32(exactly: value) else {
                    return .value(column: column, token: token(start, p), what: "an integer type")
                }
                type = narrow
            } else if role >= LAMMPSDumpColumns.Role.imageX.rawValue {
                guard let value = TrajectoryNumberParsing.integer(start, p), let narrow = Int32(exactly: value) else {
                    return .value(column: column, token: token(start, p), what: "an integer image flag")
                }
                image[Int(role - LAMMPSDumpColumns.Role.imageX.rawValue)] = narrow
            }
            column += 1
        }
        if column != columnCount { return .columnCount(found: column) }
        sinks.ids[row] = id
        sinks.species[row] = type
        sinks.positions[row] = position
        sinks.images?[row] = image
        return nil
    }

    private static func token(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
    }

    /// Parses the lines `lines` of a block (line `k` is `base[starts[k] ..< starts[k + 1] - 1]`)
    /// as rows `firstRow + k`; stops at the first bad line and returns its index and problem.
    private static func parseAtomLines(_ base: UnsafePointer<UInt8>, starts: UnsafePointer<Int>, lines: Range<Int>,
                                       firstRow: Int, into sinks: AtomSinks) -> (line: Int, problem: LineProblem)? {
        for k in lines {
            let line = base + starts[k]
            var length = starts[k + 1] - 1 - starts[k]
            if length > 0 && line[length - 1] == 13 { length -= 1 }
            if let problem = parseAtomLine(line, length: length, row: firstRow + k, into: sinks) { return (k, problem) }
        }
        return nil
    }

    /// Threads for parsing the atom lines of a frame (nil: all cores).
    public var parseThreads: Int?

    /// Lines per parallel parsing task, and the smallest block worth splitting.
    private static let linesPerTask = 2048

    /// Reusable line offsets of the current block (`TrajectoryLineReader.nextLineBlock`).
    private var lineStarts: [Int] = []

    /// Parses `count` atom lines: the complete lines in the read buffer are taken as one block
    /// and split into runs of lines parsed in parallel into the preallocated rows. Results and
    /// errors are those of reading the lines one by one: the first bad line (lowest row) is
    /// reported, and a header line or the end of the file within the atom lines only after the
    /// lines before it were found good.
    private func readAtoms(count: Int, layout: LAMMPSDumpColumns, frame: Int, timestep: Int) throws -> Atoms {
        if count == 0 { return Atoms(ids: [], species: [], positions: [], images: layout.hasImages ? [] : nil) }
        var ids = [Int64](repeating: 0, count: count)
        var species = [Int32](repeating: 0, count: count)
        var positions = [SIMD3<Double>](repeating: .zero, count: count)
        var images = [SIMD3<Int32>](repeating: .zero, count: layout.hasImages ? count : 0)
        let columnCount = layout.roles.count
        let lines = self.lines
        let threads = Parallel.threadCount(parseThreads)
        var lineStarts = self.lineStarts
        defer { self.lineStarts = lineStarts }

        func describe(_ problem: LineProblem, line: Int) -> TrajectoryError {
            switch problem {
            case .value(let column, let token, let what):
                return failure(.notANumber, line: line, frame: frame, timestep: timestep,
                               "column '\(layout.names[column])' value '\(Self.shortened(token))' is not \(what)")
            case .columnCount(let found):
                return failure(.wrongColumnCount, line: line, frame: frame, timestep: timestep,
                               "expected \(columnCount) values (\(layout.names.joined(separator: " "))), found \(found)")
            }
        }

        try layout.roles.withUnsafeBufferPointer { roles in
            try ids.withUnsafeMutableBufferPointer { ids in
                try species.withUnsafeMutableBufferPointer { species in
                    try positions.withUnsafeMutableBufferPointer { positions in
                        try images.withUnsafeMutableBufferPointer { images in
                            let sinks = AtomSinks(ids: ids.baseAddress!, species: species.baseAddress!, positions: positions.baseAddress!,
                                                  images: layout.hasImages ? images.baseAddress : nil,
                                                  roles: roles.baseAddress!, columnCount: columnCount)
                            var row = 0
                            while row < count {
                                guard let block = try lines.nextLineBlock(maximum: count - row, starts: &lineStarts) else {
                                    throw failure(.truncated, line: lines.lineNumber, frame: frame, timestep: timestep,
                                                  "the file ends after \(row) of the \(count) atom lines of frame \(frame) (timestep \(timestep))")
                                }
                                let firstLine = lines.lineNumber - block.count + 1
                                let firstRow = row
                                try lineStarts.withUnsafeBufferPointer { startsBuffer in
                                    let starts = startsBuffer.baseAddress!
                                    let base = block.base
                                    // A header where an atom line should be: the frame is shorter than announced.
                                    var usable = block.count
                                    var header: String?
                                    for k in 0..<block.count {
                                        let line = base + starts[k]
                                        if line.pointee == UInt8(ascii: "I"), starts[k + 1] - 1 - starts[k] >= 5 {
                                            var length = starts[k + 1] - 1 - starts[k]
                                            if line[length - 1] == 13 { length -= 1 }
                                            let text = Self.text(UnsafeBufferPointer(start: line, count: length))
                                            if length >= 5, text.hasPrefix("ITEM:") {
                                                usable = k
                                                header = text
                                                break
                                            }
                                        }
                                    }
                                    var bad: (line: Int, problem: LineProblem)?
                                    let tasks = threads > 1 ? min(threads * 4, usable / Self.linesPerTask) : 1
                                    if tasks <= 1 {
                                        bad = Self.parseAtomLines(base, starts: starts, lines: 0..<usable, firstRow: firstRow, into: sinks)
                                    } else {
                                        var results = [(line: Int, problem: LineProblem)?](repeating: nil, count: tasks)
                                        let lineCount = usable
                                        results.withUnsafeMutableBufferPointer { results in
                                            nonisolated(unsafe) let results = results
                                            nonisolated(unsafe) let starts = starts
                                            nonisolated(unsafe) let base = base
                                            Parallel.forEach(tasks) { task in
                                                let range = (lineCount * task / tasks)..<(lineCount * (task + 1) / tasks)
                                                results[task] = Self.parseAtomLines(base, starts: starts, lines: range, firstRow: firstRow, into: sinks)
                                            }
                                        }
                                        // Tasks cover increasing lines: the first failing one holds the first bad line.
                                        bad = results.first(where: { $0 != nil }) ?? nil
                                    }
                                    if let bad { throw describe(bad.problem, line: firstLine + bad.line) }
                                    if let header {
                                        throw failure(.truncated, line: firstLine + usable, frame: frame, timestep: timestep,
                                                      "frame \(frame) (timestep \(timestep)) announces \(count) atoms but has only \(firstRow + usable) atom lines before '\(Self.shortened(header))'")
                                    }
                                }
                                row += block.count
                            }
                        }
                    }
                }
            }
        }
        return Atoms(ids: ids, species: species, positions: positions, images: layout.hasImages ? images : nil)
    }
}
