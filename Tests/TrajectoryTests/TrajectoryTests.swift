import Foundation
import Testing
import CZstd
@testable import Trajectory
import HDF5
import SeededRandom
import Structure

/// Committed fixtures (the test target declares no resources, so they are found next to this file).
private func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/trajectories/\(name)").path
}

private func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-trajectory-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

private func readAll(_ trajectory: inout any Trajectory) throws -> [TrajectoryFrame] {
    var frames: [TrajectoryFrame] = []
    while let frame = try trajectory.nextFrame() { frames.append(frame) }
    return frames
}

private func readAll(path: String) throws -> [TrajectoryFrame] {
    var trajectory = try TrajectoryFormat.open(path: path)
    return try readAll(&trajectory)
}

/// The error thrown while reading every frame of `path` (nil if none).
private func readingError(_ path: String) -> TrajectoryError? {
    do {
        _ = try readAll(path: path)
        return nil
    } catch let error as TrajectoryError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// Runs `gzip` with `arguments`, writing its stdout to `output`.
private func gzip(_ arguments: [String], output: URL) throws {
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = arguments
    process.standardOutput = handle
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
}

/// Writes a one-atom LAMMPS dump with `ITEM: BOX BOUNDS <header>` and the three `rows` (the box
/// lines are lines 6–8 of the file) into `directory`; returns its path.
private func writeBoxDump(_ directory: URL, header: String, rows: [String], name: String = "box.dump") throws -> String {
    let path = directory.appendingPathComponent(name).path
    let text = "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS \(header)\n"
        + rows.joined(separator: "\n") + "\nITEM: ATOMS id type xs ys zs\n1 1 0.5 0.5 0.5\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The box of a one-frame triclinic dump (`ITEM: BOX BOUNDS xy xz yz pp pp pp`) with `rows`.
private func triclinicBoxFromDump(_ rows: [String]) throws -> SimulationBox {
    try withTemporaryDirectory { directory in
        let frames = try readAll(path: try writeBoxDump(directory, header: "xy xz yz pp pp pp", rows: rows))
        try #require(frames.count == 1)
        return frames[0].box
    }
}

@Suite struct LAMMPSDumpTests {
    @Test func orthogonalUnwrappedDumpWithExtraColumn() throws {
        let path = fixture("orthogonal_unwrapped.dump")
        #expect(try TrajectoryFormat.detect(path: path) == .lammpsDump)
        var trajectory = try TrajectoryFormat.open(path: path)
        #expect(trajectory is LAMMPSDumpReader)
        #expect(trajectory.path == path)
        let frames = try readAll(&trajectory)
        #expect(try trajectory.nextFrame() == nil, "stays at the end")
        try #require(frames.count == 2)

        let first = frames[0]
        #expect(first.index == 0 && first.timestep == 0 && first.time == nil)
        #expect(first.box == (try SimulationBox(lengths: SIMD3(10, 10, 20), origin: SIMD3(0, -5, 0), periodic: .all)))
        #expect(first.box.a == SIMD3(10, 0, 0) && first.box.b == SIMD3(0, 10, 0) && first.box.c == SIMD3(0, 0, 20))
        #expect(first.box.isOrthogonal && first.box.volume == 2000)
        #expect(first.ids == [1, 2, 3, 4])
        #expect(first.species == [1, 2, 1, 2])
        #expect(first.positions == [SIMD3(0.5, -4.5, 1.0), SIMD3(1.5, -3.5, 2.0), SIMD3(2.5, -2.5, 3.0), SIMD3(3.5, -1.5, 4.0)])
        #expect(first.positionKind == .unwrapped && first.images == nil)
        #expect(try first.unwrappedPositions() == first.positions)

        // Second frame: rows shuffled in the file, sorted back by id; ITEM: TIME; z not periodic.
        let second = frames[1]
        #expect(second.index == 1 && second.timestep == 100 && second.time == 0.5)
        #expect(second.box.periodic == Periodicity(true, true, false))
        #expect(second.ids == [1, 2, 3, 4])
        #expect(second.species == [1, 2, 1, 2])
        #expect(second.positions == [SIMD3(-0.25, -4.5, 1.0), SIMD3(1.5, -3.5, 2.125), SIMD3(12.5, -2.5, 3.0), SIMD3(3.5, -1.5, 4.0)])
    }

    @Test func shuffledColumnsWithImagesUnwrap() throws {
        let frames = try readAll(path: fixture("shuffled_images.dump"))
        try #require(frames.count == 2)
        #expect(frames[0].ids == [1, 2, 3])
        #expect(frames[0].species == [1, 2, 1])
        #expect(frames[0].positionKind == .wrappedWithImages)
        #expect(frames[0].positions == [SIMD3(1, 2, 3), SIMD3(9.5, 5, 5), SIMD3(4, 4, 4)])
        let last = frames[1]
        #expect(last.ids == [1, 2, 3])
        #expect(last.images == [SIMD3(-1, 0, 1), SIMD3(1, 0, 0), SIMD3(2, -1, 0)])
        #expect(last.positions == [SIMD3(9, 2, 3), SIMD3(0.5, 5, 5), SIMD3(4, 4, 4)])
        // x + ix·a + iy·b + iz·c with a box of edge 10.
        #expect(try last.unwrappedPositions() == [SIMD3(-1, 2, 13), SIMD3(10.5, 5, 5), SIMD3(24, -6, 4)])
    }

    @Test func scaledCoordinatesAreMappedThroughTheBox() throws {
        let frames = try readAll(path: fixture("scaled.dump"))
        try #require(frames.count == 1)
        let frame = frames[0]
        #expect(frame.timestep == 7)
        #expect(frame.species == [1, 3])
        // Box x ∈ [-5, 5), y ∈ [0, 4), z ∈ [1, 3): x = xlo + xs·lx, ...
        #expect(frame.positions == [SIMD3(-2.5, 2, 1), SIMD3(5, 3, 2)])
        #expect(frame.positionKind == .wrapped)
    }

    @Test func triclinicBoundsConvertAsInTheLAMMPSDocs() throws {
        let frames = try readAll(path: fixture("triclinic.dump"))
        try #require(frames.count == 1)
        let box = frames[0].box
        // Dump lines: "0 13 2" / "-2 7.5 -1" / "0.5 6.5 1.5" → xy = 2, xz = -1, yz = 1.5.
        // xlo = 0 − min(0, 2, −1, 1) = 1;  xhi = 13 − max(0, 2, −1, 1) = 11  → lx = 10
        // ylo = −2 − min(0, 1.5) = −2;     yhi = 7.5 − max(0, 1.5) = 6      → ly = 8
        // zlo = 0.5; zhi = 6.5                                              → lz = 6
        #expect(box.origin == SIMD3(1, -2, 0.5))
        #expect(box.a == SIMD3(10, 0, 0))
        #expect(box.b == SIMD3(2, 8, 0))
        #expect(box.c == SIMD3(-1, 1.5, 6))
        #expect(!box.isOrthogonal)
        #expect(abs(box.volume - 480) < 1e-12)
        // Scaled (0.5, 0.5, 0.5) → origin + (a + b + c)/2 = (1 + 5.5, −2 + 4.75, 0.5 + 3).
        #expect(frames[0].positions == [SIMD3(6.5, 2.75, 3.5), SIMD3(1, -2, 0.5)])

        // Negative tilts: xy = −3, xz = 2, yz = −1 with bounds x [−4, 12], y [−1, 9], z [0, 5]:
        // xlo = −4 − min(0, −3, 2, −1) = −1; xhi = 12 − max(0, −3, 2, −1) = 10
        // ylo = −1 − min(0, −1) = 0;         yhi = 9 − max(0, −1) = 9
        // (Read through the dump reader, i.e. SimulationBox(lammpsBounds:periodic:) of Trajectory.)
        let other = try triclinicBoxFromDump(["-4 12 -3", "-1 9 2", "0 5 -1"])
        #expect(other.origin == SIMD3(-1, 0, 0))
        #expect(other.a == SIMD3(11, 0, 0) && other.b == SIMD3(-3, 9, 0) && other.c == SIMD3(2, -1, 5))
    }

    @Test func generalTriclinicBoxInLAMMPSFormIsRead() throws {
        try withTemporaryDirectory { directory in
            // The cell of triclinic.dump written as `abc origin`: a, b, c rows with the origin last.
            let path = try writeBoxDump(directory, header: "abc origin pp pp ff",
                                        rows: ["10 0 0 1", "2 8 0 -2", "-1 1.5 6 0.5"])
            let frames = try readAll(path: path)
            try #require(frames.count == 1)
            let box = frames[0].box
            #expect(box.origin == SIMD3(1, -2, 0.5))
            #expect(box.a == SIMD3(10, 0, 0) && box.b == SIMD3(2, 8, 0) && box.c == SIMD3(-1, 1.5, 6))
            #expect(box.periodic == Periodicity(true, true, false))
            #expect(frames[0].positions == [SIMD3(6.5, 2.75, 3.5)])

            // A rotated general box (a not along x) is reported with file, line and frame.
            let rotated = try writeBoxDump(directory, header: "abc origin pp pp pp",
                                           rows: ["8 6 0 0", "0 10 0 0", "0 0 10 0"], name: "rotated.dump")
            let error = try #require(readingError(rotated))
            #expect(error.kind == .unsupported)
            #expect(error.line == 8 && error.frame == 0 && error.timestep == 0)
            #expect(error.description.hasPrefix(rotated + ":8: frame 0 (timestep 0): general triclinic box not in LAMMPS form is not supported ("))
        }
    }

    @Test func invertedBoxBoundsAreRejected() throws {
        try withTemporaryDirectory { directory in
            let path = try writeBoxDump(directory, header: "pp pp pp", rows: ["0 -1", "0 1", "0 1"])
            let error = try #require(readingError(path))
            #expect(error.kind == .malformed)
            #expect(error.description == path + ":8: frame 0 (timestep 0): invalid ITEM: BOX BOUNDS: box edge length along axis 0 must be finite and > 0, got -1.0")
        }
    }

    @Test func gzipCompressedDumpReadsLikeThePlainOne() throws {
        try withTemporaryDirectory { directory in
            let plain = fixture("orthogonal_unwrapped.dump")
            let compressed = directory.appendingPathComponent("copy.dump.gz")
            try gzip(["-c", plain], output: compressed)
            #expect(try TrajectoryFormat.detect(path: compressed.path) == .lammpsDump)
            let reader = try LAMMPSDumpReader(path: compressed.path)
            #expect(reader.isCompressed)
            var frames: [TrajectoryFrame] = []
            while let frame = try reader.nextFrame() { frames.append(frame) }
            let expected = try readAll(path: plain)
            #expect(frames.count == expected.count)
            for (a, b) in zip(frames, expected) {
                #expect(a.ids == b.ids && a.positions == b.positions && a.box == b.box && a.timestep == b.timestep && a.time == b.time)
            }

            // A damaged archive is reported as a decompression failure, not as a truncated dump.
            let data = try Data(contentsOf: compressed)
            let damaged = directory.appendingPathComponent("damaged.dump.gz")
            try data.prefix(data.count / 2).write(to: damaged)
            let error = readingError(damaged.path)
            #expect(error?.kind == .decompression)
            #expect(error?.description == damaged.path + ": damaged gzip data: the file ends in the middle of the compressed data (truncated?); check the file with `gzip -t`")

            // A reader closed early releases its file.
            let early = try LAMMPSDumpReader(path: compressed.path)
            #expect(try early.nextFrame()?.timestep == 0)

            // Concatenated members (cat a.gz b.gz) read as one stream, as gzip -dc reads them.
            let text = try String(contentsOfFile: plain, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let half = lines.count / 2
            let firstPart = directory.appendingPathComponent("a.txt"), secondPart = directory.appendingPathComponent("b.txt")
            try Data((lines[..<half].joined(separator: "\n") + "\n").utf8).write(to: firstPart)
            try Data(lines[half...].joined(separator: "\n").utf8).write(to: secondPart)
            let a = directory.appendingPathComponent("a.gz"), b = directory.appendingPathComponent("b.gz")
            try gzip(["-c", firstPart.path], output: a)
            try gzip(["-c", secondPart.path], output: b)
            let members = directory.appendingPathComponent("members.dump.gz")
            try (try Data(contentsOf: a) + Data(contentsOf: b)).write(to: members)
            let joined = try readAll(path: members.path)
            #expect(joined.count == expected.count && zip(joined, expected).allSatisfy { $0.positions == $1.positions && $0.timestep == $1.timestep })

            // A flipped CRC-32, bytes after the data that are not another member.
            var wrongCRC = data
            wrongCRC[wrongCRC.count - 5] ^= 0x01
            let crc = directory.appendingPathComponent("crc.dump.gz")
            try wrongCRC.write(to: crc)
            #expect(readingError(crc.path)?.description == crc.path + ": damaged gzip data: the CRC-32 or length in a member's trailer does not match its data; check the file with `gzip -t`")
            let trailing = directory.appendingPathComponent("trailing.dump.gz")
            try (data + Data("garbage".utf8)).write(to: trailing)
            #expect(readingError(trailing.path)?.description.contains("7 bytes after the end of the compressed data are not another gzip member") == true)
        }
    }

    /// `data` as one Zstandard frame (with its content checksum), by libzstd itself.
    private func zstd(_ data: Data) throws -> Data {
        let context = try #require(ZSTD_createCCtx())
        defer { ZSTD_freeCCtx(context) }
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        var out = Data(count: ZSTD_compressBound(data.count))
        let size = out.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                ZSTD_compress2(context, target.baseAddress, target.count, source.baseAddress, source.count)
            }
        }
        #expect(ZSTD_isError(size) == 0)
        return out.prefix(size)
    }

    @Test func zstandardCompressedDumpReadsLikeThePlainOne() throws {
        try withTemporaryDirectory { directory in
            let plain = fixture("orthogonal_unwrapped.dump")
            let text = try Data(contentsOf: URL(fileURLWithPath: plain))
            let frame = try zstd(text)
            let compressed = directory.appendingPathComponent("copy.dump.zst")
            try frame.write(to: compressed)
            #expect(try TrajectoryFormat.detect(path: compressed.path) == .lammpsDump)
            let reader = try LAMMPSDumpReader(path: compressed.path)
            #expect(reader.isCompressed)
            let expected = try readAll(path: plain)
            let frames = try readAll(path: compressed.path)
            #expect(frames.count == expected.count && frames.count > 1)
            for (a, b) in zip(frames, expected) {
                #expect(a.ids == b.ids && a.positions == b.positions && a.box == b.box && a.timestep == b.timestep && a.time == b.time)
            }
            // Two frames one after the other read as one stream, as `zstd -d` reads them.
            let half = text.count / 2
            let cut = (text.prefix(half).lastIndex(of: UInt8(ascii: "\n")) ?? half) + 1
            let joined = directory.appendingPathComponent("frames.dump.zst")
            try (try zstd(text.prefix(cut)) + zstd(text.suffix(from: cut))).write(to: joined)
            let both = try readAll(path: joined.path)
            #expect(both.count == expected.count && zip(both, expected).allSatisfy { $0.positions == $1.positions && $0.timestep == $1.timestep })

            // Truncated, a wrong checksum, bytes after the last frame: named decompression errors.
            let truncated = directory.appendingPathComponent("truncated.dump.zst")
            try frame.prefix(frame.count / 2).write(to: truncated)
            #expect(readingError(truncated.path)?.kind == .decompression)
            #expect(readingError(truncated.path)?.description == truncated.path + ": damaged Zstandard data: the file ends in the middle of a frame (truncated?); check the file with `zstd -t`")
            var wrong = frame
            wrong[wrong.count - 1] ^= 0x01
            let checksum = directory.appendingPathComponent("checksum.dump.zst")
            try wrong.write(to: checksum)
            #expect(readingError(checksum.path)?.description.contains("damaged Zstandard data: Restored data doesn't match checksum") == true,
                    "\(String(describing: readingError(checksum.path)))")
            let trailing = directory.appendingPathComponent("trailing.dump.zst")
            try (frame + Data("garbage".utf8)).write(to: trailing)
            #expect(readingError(trailing.path)?.description.contains("damaged Zstandard data") == true)
            let empty = directory.appendingPathComponent("empty.dump.zst")
            try Data([0x28, 0xb5, 0x2f, 0xfd]).write(to: empty)
            #expect(readingError(empty.path)?.kind == .decompression)
        }
    }

    @Test func wrappedCoordinatesWithoutImagesCannotBeUnwrapped() throws {
        let path = fixture("wrapped_no_images.dump")
        let frames = try readAll(path: path)
        try #require(frames.count == 1)
        #expect(frames[0].positionKind == .wrapped)
        let error = #expect(throws: TrajectoryError.self) { _ = try frames[0].unwrappedPositions() }
        #expect(error?.kind == .missingImages)
        #expect(error?.frame == 0)
        #expect(error?.description.hasPrefix("\(path): frame 0 (timestep 0) has wrapped coordinates and no image flags") == true)
    }

    static let malformed: [(file: String, kind: TrajectoryError.Kind, message: String)] = [
        ("bad_truncated.dump", .truncated, ":12: the file ends after 3 of the 4 atom lines of frame 0 (timestep 0)"),
        ("bad_truncated_midfile.dump", .truncated, ":12: frame 0 (timestep 0) announces 3 atoms but has only 2 atom lines before 'ITEM: TIMESTEP'"),
        ("bad_columns.dump", .wrongColumnCount, ":11: expected 5 values (id type xu yu zu), found 4"),
        ("bad_number.dump", .notANumber, ":11: column 'yu' value '2.x' is not a finite number"),
        ("bad_no_box.dump", .missingBox, ":5: frame 0 (timestep 0) has no ITEM: BOX BOUNDS"),
        ("bad_no_id.dump", .missingColumns, ":9: ITEM: ATOMS has no `id` column (columns: type xu yu zu); dump with `dump custom … id type xu yu zu`"),
        ("bad_duplicate.dump", .duplicateID, ":12: frame 0 (timestep 0): atom id 5 appears twice (lines 10 and 12)"),
        ("bad_count_changes.dump", .inconsistentParticles, ":20: frame 1 (timestep 10) has 3 atoms, the first frame had 2"),
        ("bad_ids_change.dump", .inconsistentParticles, ":22: frame 1 (timestep 10): atom id 7 is not in the first frame (the set of atom ids changed)"),
    ]

    @Test(arguments: malformed.indices)
    func malformedDumpsFailWithFileLineAndReason(_ index: Int) throws {
        let (file, kind, message) = Self.malformed[index]
        let path = fixture(file)
        let error = try #require(readingError(path), "\(file) must not read successfully")
        #expect(error.kind == kind)
        #expect(error.description == path + message)
    }

    @Test func missingFileIsReported() {
        let error = readingError("/nonexistent/trajectory.dump")
        #expect(error?.kind == .unreadable)
        #expect(error?.description.hasPrefix("/nonexistent/trajectory.dump: cannot open the file") == true)
    }

    /// A declared atom count the file cannot hold is refused before anything is allocated.
    @Test(arguments: ["9223372036854775807", "1000000000000", "5000"])
    func impossibleAtomCountsAreRefused(count: String) throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("huge.dump").path
            try "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n\(count)\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type xu yu zu\n1 1 0 0 0\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(readingError(path))
            #expect(error.kind == .malformed)
            #expect(error.description.contains("declares NUMBER OF ATOMS \(count), but a"), "\(error)")
            #expect(error.description.contains("file can hold at most"))
        }
    }

    @Test func decreasingTimestepsAreRefusedAndRepeatedFramesDropped() throws {
        try withTemporaryDirectory { directory in
            func write(_ name: String, _ steps: [Int]) throws -> String {
                let path = directory.appendingPathComponent(name).path
                let text = steps.enumerated().map { "ITEM: TIMESTEP\n\($1)\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type xu yu zu\n1 1 \($0) 0 0\n" }.joined()
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
            let back = try write("back.dump", [0, 10, 5])
            let error = try #require(readingError(back))
            #expect(error.frame == 2 && error.line == 29, "\(error)")
            #expect(error.description.contains("frame 2 has timestep 5, before the previous frame's 10"), "\(error)")
            // A restart that wrote timestep 10 twice: the second is read past and dropped.
            let reader = try LAMMPSDumpReader(path: try write("repeat.dump", [0, 10, 10, 20]))
            var frames: [TrajectoryFrame] = []
            while let frame = try reader.nextFrame() { frames.append(frame) }
            #expect(frames.map(\.timestep) == [0, 10, 20] && frames.map(\.index) == [0, 1, 2])
            #expect(frames.map { $0.positions[0].x } == [0, 1, 3], "the first frame at timestep 10 is kept")
            #expect(reader.repeatedTimesteps == [10])
        }
    }

    /// Many frames with shuffled rows, sparse and dense ids, a tiny line buffer (refills and growth).
    @Test(arguments: [Int64(1), Int64(1_000_000_007)])
    func shuffledFramesAreSortedByIdThroughBufferRefills(idStride: Int64) throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("many.dump").path
            var generator = SplitMix64(seed: 20261203)
            let n = 500
            var text = ""
            for frame in 0..<4 {
                text += "ITEM: TIMESTEP\n\(frame * 1000)\nITEM: NUMBER OF ATOMS\n\(n)\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\n"
                text += "ITEM: ATOMS vx id type xu yu zu\n"
                for k in (0..<n).shuffled(using: &generator) {
                    let id = Int64(k + 1) * idStride
                    text += "0.0 \(id) \(k % 3 + 1) \(Double(k) * 0.001 + Double(frame)) -\(k).25 \(Double(k) / 7)\n"
                }
            }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let reader = try LAMMPSDumpReader(path: path, bufferCapacity: 64)
            var count = 0
            while let frame = try reader.nextFrame() {
                #expect(frame.ids == (0..<n).map { Int64($0 + 1) * idStride })
                #expect(frame.species == (0..<n).map { Int32($0 % 3 + 1) })
                let expected: [SIMD3<Double>] = (0..<n).map { (k: Int) -> SIMD3<Double> in
                    let x: Double = Double(k) * 0.001 + Double(count)
                    return SIMD3<Double>(x, -(Double(k) + 0.25), Double(k) / 7)
                }
                #expect(frame.positions == expected)
                count += 1
            }
            #expect(count == 4)
            #expect(reader.frameCount == 4)
        }
    }
}

@Suite struct H5MDTrajectoryTests {
    @Test func fixedBoxWithShuffledIdsAndImages() throws {
        let path = fixture("h5md_fixed_box.h5")
        #expect(try TrajectoryFormat.detect(path: path) == .h5md)
        var trajectory = try TrajectoryFormat.open(path: path)
        let reader = try #require(trajectory as? H5MDReader)
        #expect(reader.particleGroup == "all" && reader.frameCount == 3 && reader.particleCount == 4)
        let frames = try readAll(&trajectory)
        try #require(frames.count == 3)
        for (f, frame) in frames.enumerated() {
            #expect(frame.index == f && frame.timestep == 10 * f && frame.time == 0.05 * Double(f))
            #expect(frame.ids == [1, 2, 3, 4])
            #expect(frame.species == [1, 1, 2, 2])
            #expect(frame.box == (try SimulationBox(lengths: SIMD3(10, 12, 14), origin: .zero, periodic: .all)))
            #expect(frame.box.a == SIMD3(10, 0, 0) && frame.box.b == SIMD3(0, 12, 0) && frame.box.c == SIMD3(0, 0, 14))
            #expect(frame.positionKind == .wrappedWithImages)
            #expect(frame.positions == (1...4).map { id in SIMD3(Double(id) + 0.5 * Double(f), 2 * Double(id), 9.5) })
        }
        // Id 3 carries image (1, 0, −1) at frame 2: (4, 6, 9.5) + (10, 0, −14).
        let unwrapped = try frames[2].unwrappedPositions()
        #expect(unwrapped[2] == SIMD3(14, 6, -4.5))
        #expect(unwrapped[0] == frames[2].positions[0])
    }

    @Test func timeDependentTriclinicBoxAndScalarSteps() throws {
        let path = fixture("h5md_time_box.h5")
        let frames = try readAll(path: path)
        try #require(frames.count == 3)
        #expect(frames.map(\.timestep) == [100, 105, 110])
        #expect(frames.map(\.time) == [1.0, 1.25, 1.5])
        for (f, frame) in frames.enumerated() {
            #expect(frame.box.a == SIMD3(10 + Double(f), 0, 0))
            #expect(frame.box.b == SIMD3(1, 11, 0))
            #expect(frame.box.c == SIMD3(0.5, -0.5, 12))
            #expect(frame.ids == [0, 1, 2])
            #expect(frame.positionKind == .wrapped)
            // float32 storage: compare with the float32 values widened.
            let expected: [SIMD3<Double>] = (0..<3).map { (i: Int) -> SIMD3<Double> in
                let x: Double = Double(i) + 0.1 * Double(f)
                return SIMD3<Double>(Double(Float(x)), 2 * Double(i), 3 * Double(i))
            }
            #expect(frame.positions == expected)
        }
        #expect(frames[2].species == [1, 1, 0])
        let error = #expect(throws: TrajectoryError.self) { _ = try frames[1].unwrappedPositions() }
        #expect(error?.kind == .missingImages)
        #expect(error?.description.hasPrefix("\(path): frame 1 (timestep 105) has wrapped coordinates") == true)

        let declared = try H5MDReader(path: path, options: .init(particleGroup: "fluid", positionsAreUnwrapped: true))
        let first = try #require(try declared.nextFrame())
        #expect(first.positionKind == .unwrapped)
        #expect(try first.unwrappedPositions() == first.positions)
    }

    static let broken: [(file: String, kind: TrajectoryError.Kind, object: String, message: String)] = [
        ("h5md_no_box.h5", .missingObject, "/particles/all/box", "no 'box' group (H5MD requires one in every particle group)"),
        ("h5md_no_position.h5", .missingObject, "/particles/all/position", "no 'position' element"),
        ("h5md_no_particles.h5", .missingObject, "/particles", "no 'particles' group: this is not an H5MD trajectory"),
        ("h5md_bad_shape.h5", .wrongShape, "/particles/all/position/value", "has shape [1, 2, 2]; expected [frames][N][3]"),
    ]

    @Test(arguments: broken.indices)
    func brokenFilesNameFileAndObject(_ index: Int) throws {
        let (file, kind, object, message) = Self.broken[index]
        let path = fixture(file)
        let error = try #require(readingError(path))
        #expect(error.kind == kind)
        #expect(error.object == object)
        #expect(error.description == "\(path): \(object): \(message)")
    }

    @Test func duplicateAndChangingIdsNameTheFrame() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("ids.h5").path
            let file = try File.create(path)
            let box = try file.createGroup("particles/all/box")
            try box.setAttribute("dimension", .integer(3))
            try box.setAttribute("boundary", .strings(["periodic", "periodic", "none"]))
            try box.createDataset("edges", values: [4.0, 4.0, 4.0])
            try file.createDataset("particles/all/position/step", values: [0, 1])
            try file.createDataset("particles/all/position/value", values: [Double](repeating: 1, count: 12), shape: [2, 2, 3])
            try file.createDataset("particles/all/id/step", values: [0, 1])
            try file.createDataset("particles/all/id/value", values: [5, 6, 6, 6], shape: [2, 2])
            file.close()

            let reader = try H5MDReader(path: path)
            let first = try #require(try reader.nextFrame())
            #expect(first.ids == [5, 6])
            #expect(first.box.periodic == Periodicity(true, true, false))
            let error = #expect(throws: TrajectoryError.self) { _ = try reader.nextFrame() }
            #expect(error?.kind == .duplicateID)
            #expect(error?.frame == 1)
            #expect(error?.description == "\(path): /particles/all/id: frame 1 (step 1): particle id 6 appears twice (rows 0 and 1)")
        }
    }
}

@Suite struct H5MDBoxTests {
    /// Writes a one-frame H5MD file with `positions`, the given `boundary` and optional `edges`.
    private func write(_ path: String, boundary: [String], edges: [Double]?, edgeShape: [Int]? = nil,
                       positions: [Double]) throws {
        let file = try File.create(path)
        let box = try file.createGroup("particles/all/box")
        try box.setAttribute("dimension", .integer(3))
        try box.setAttribute("boundary", .strings(boundary))
        if let edges {
            if let edgeShape {
                try box.createDataset("edges", values: edges, shape: edgeShape)
            } else {
                try box.createDataset("edges", values: edges)
            }
        }
        try file.createDataset("particles/all/position/step", values: [0])
        try file.createDataset("particles/all/position/value", values: positions, shape: [1, positions.count / 3, 3])
        file.close()
    }

    @Test func edgelessNonPeriodicBoxIsThePositionsBoundingBox() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("open.h5").path
            // z is flat (all 4): its extent 0 counts as 1.
            try write(path, boundary: ["none", "none", "none"], edges: nil,
                      positions: [1, -2, 4, 3, 5, 4, -1, 0, 4])
            let reader = try H5MDReader(path: path)
            #expect(reader.periodicity == .none)
            let frame = try #require(try reader.nextFrame())
            #expect(frame.positionKind == .unwrapped)
            #expect(frame.box == (try SimulationBox(lengths: SIMD3(4, 7, 1), origin: SIMD3(-1, -2, 4), periodic: .none)))

            // Periodic without edges stays an error at open.
            let periodic = directory.appendingPathComponent("periodic.h5").path
            try write(periodic, boundary: ["periodic", "none", "none"], edges: nil, positions: [0, 0, 0])
            let error = #expect(throws: TrajectoryError.self) { _ = try H5MDReader(path: periodic) }
            #expect(error?.kind == .missingObject)
            #expect(error?.description == "\(periodic): /particles/all/box/edges: no 'edges' although the box is periodic")
        }
    }

    @Test func invalidEdgesNameFileObjectAndFrame() throws {
        try withTemporaryDirectory { directory in
            let rotated = directory.appendingPathComponent("rotated.h5").path
            try write(rotated, boundary: ["periodic", "periodic", "periodic"],
                      edges: [8, 6, 0, 0, 10, 0, 0, 0, 10], edgeShape: [3, 3], positions: [1, 1, 1])
            let error = try #require(readingError(rotated))
            #expect(error.kind == .unsupported)
            #expect(error.object == "/particles/all/box/edges" && error.frame == 0 && error.timestep == 0)
            #expect(error.description.hasPrefix("\(rotated): /particles/all/box/edges: frame 0 (step 0): box edges not in LAMMPS restricted-triclinic form are not supported ("))

            let flat = directory.appendingPathComponent("flat.h5").path
            try write(flat, boundary: ["periodic", "periodic", "periodic"], edges: [4, 0, 4], positions: [1, 1, 1])
            let zero = try #require(readingError(flat))
            #expect(zero.kind == .malformed)
            #expect(zero.description == "\(flat): /particles/all/box/edges: frame 0 (step 0): invalid box: box edge length along axis 1 must be finite and > 0, got 0.0")
        }
    }
}

private func parsedDouble(_ text: String) -> Double? {
    Array(text.utf8).withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return nil }
        return TrajectoryNumberParsing.double(base, base + buffer.count)
    }
}

private func parsedInteger(_ text: String) -> Int64? {
    Array(text.utf8).withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return nil }
        return TrajectoryNumberParsing.integer(base, base + buffer.count)
    }
}

@Suite struct TrajectoryNumberParsingTests {
    @Test func doublesMatchStrtodExactly() {
        let samples = ["0", "-0.0", "1", "0.1", "-2.5E+03", "1e-300", "6.02214076e23", "+.5", "5.", "123456789012345678901234",
                       "0.30000000000000004", "9007199254740993", "1.7976931348623157e308", "4.9e-324", "-12.345678901234567"]
        for sample in samples {
            #expect(parsedDouble(sample) == Double(sample), "\(sample)")
        }
        #expect(parsedDouble("-0.0")?.sign == .minus)
        for bad in ["", "-", "1.2.3", "2.x", "e5", "1e", "nan", "inf", "1e400", "0x"] {
            #expect(parsedDouble(bad) == nil, "\(bad)")
        }
    }

    /// Random decimal texts of every shape the fast path meets (1…24 digits, a point anywhere,
    /// exponents within and beyond ±22, signs) and damaged ones: each equals Swift's correctly
    /// rounded `Double(String)`, alone and as a token of a line (`doubleToken` stops at its end).
    /// Seeded, so a failure repeats.
    @Test func randomDecimalTextsMatchTheCorrectlyRoundedValue() {
        var generator = SplitMix64(seed: 20261203)
        var fastSeen = 0
        for _ in 0..<20_000 {
            let digitCount = Int.random(in: 1...24, using: &generator)
            var text = Bool.random(using: &generator) ? "-" : (Int.random(in: 0..<8, using: &generator) == 0 ? "+" : "")
            let point = Int.random(in: 0...digitCount, using: &generator)
            for k in 0..<digitCount {
                if k == point && Bool.random(using: &generator) { text += "." }
                text += String(Int.random(in: 0...9, using: &generator))
            }
            if Int.random(in: 0..<3, using: &generator) == 0 {
                text += (Bool.random(using: &generator) ? "e" : "E") + ["", "+", "-"].randomElement(using: &generator)!
                    + String(Int.random(in: 0...40, using: &generator))
            }
            if Int.random(in: 0..<20, using: &generator) == 0 {
                // Damage: a stray character somewhere.
                var bytes = Array(text.utf8)
                bytes.insert(["x", ".", "-", "e"].randomElement(using: &generator)!.utf8.first!,
                             at: Int.random(in: 0...bytes.count, using: &generator))
                text = String(decoding: bytes, as: UTF8.self)
            }
            let expected = Double(text).flatMap { $0.isFinite ? $0 : nil }
            let parsed = parsedDouble(text)
            #expect(parsed == expected && parsed?.sign == expected?.sign, "\(text)")
            let line = Array("  \(text)\t7".utf8)
            line.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var p = base + 2
                let token = TrajectoryNumberParsing.doubleToken(&p, base + buffer.count)
                #expect(token == expected, "\(text) in a line")
                #expect(p == base + 2 + text.utf8.count, "\(text): the token ends at the tab")
            }
            if digitCount <= 19 && expected != nil { fastSeen += 1 }
        }
        #expect(fastSeen > 5_000)
    }

    @Test func eightDigitsAtOnce() {
        for text in ["00000000", "12345678", "99999999", "84075769", "00000001", "10000000"] {
            let word = Array(text.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(TrajectoryNumberParsing.eightDigitValue(UInt64(littleEndian: word) &- 0x3030_3030_3030_3030) == UInt64(text))
        }
    }

    @Test func integers() {
        for (text, value) in [("42", Int64(42)), ("-7", -7), ("+3", 3), ("9223372036854775807", Int64.max)] {
            #expect(parsedInteger(text) == value)
        }
        for bad in ["1.0", "9223372036854775808", "-", "12a", ""] {
            #expect(parsedInteger(bad) == nil, "\(bad)")
        }
    }
}
