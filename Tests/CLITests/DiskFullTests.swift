import Foundation
import Testing

/// A write that does not fit (disk full, quota, `ulimit -f`) gives one message naming the file
/// that was to be written, exit status 1, and leaves every file as it was.
@Suite(.tags(.slow)) struct DiskFullTests {
    private func expectCleanFailure(_ arguments: [String], in dir: URL, limitKiB: Int? = nil, file: String, reason: String) throws {
        let before = try folderContents(dir, ignoringLocks: true)
        let result = try softness(arguments, in: dir, fileSizeLimitKiB: limitKiB)
        #expect(result.status == 1, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("\(file): not written: \(reason)"), "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("nothing was changed"))
        #expect(!result.stderr.contains("libhdf5"), "one message, not libhdf5's call chain: \(result.stderr)")
        #expect(try folderContents(dir, ignoringLocks: true) == before, "\(arguments) changed or left files")
    }

    @Test func everyWriterUnderAFileSizeLimit() throws {
        try withScratch { dir in
            let made = try softness(["generate", "-n", "2000", "--test-rows", "200", "-o", "t.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            #expect(try softness(["train", "t.h5", "--run", "first"], in: dir).status == 0)
            let limit = "the file-size limit is reached"
            try expectCleanFailure(["generate", "-n", "2000", "-o", "g.h5"], in: dir, limitKiB: 64, file: "g.h5", reason: limit)
            // A new results file, and a run added to an existing one.
            try expectCleanFailure(["diagnose", "t.h5", "--results", "new.results.h5"], in: dir, limitKiB: 16,
                                   file: "new.results.h5 (run 'diagnose')", reason: limit)
            try expectCleanFailure(["diagnose", "t.h5"], in: dir, limitKiB: 16, file: "t.results.h5 (run 'diagnose')", reason: limit)
            try expectCleanFailure(["diagnose", "t.h5", "--in-place"], in: dir, limitKiB: 64, file: "t.h5", reason: limit)
            try expectCleanFailure(["join", "t.h5", "t.h5", "-o", "j.h5"], in: dir, limitKiB: 64, file: "j.h5", reason: limit)
            let dump = dir.appendingPathComponent("run.dump")
            try Data(syntheticDump(frames: 20, atoms: 200).utf8).write(to: dump)
            try expectCleanFailure(["label", "run.dump", "-o", "l.h5", "--half-window", "2"], in: dir, limitKiB: 8, file: "l.h5", reason: limit)
            // The same commands without the limit succeed.
            #expect(try softness(["diagnose", "t.h5"], in: dir).status == 0)
            #expect(try softness(["label", "run.dump", "-o", "l.h5", "--half-window", "2"], in: dir).status == 0)
        }
    }

    /// A real full disk: a small tmpfs (mounting needs root, which CI has).
    @Test func aFullDiskIsNamedAsSuch() throws {
        try withScratch { dir in
            let disk = dir.appendingPathComponent("disk")
            try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: false)
            let mount = Process()
            mount.executableURL = URL(fileURLWithPath: "/bin/mount")
            mount.arguments = ["-t", "tmpfs", "-o", "size=512k", "tmpfs", disk.path]
            try mount.run()
            mount.waitUntilExit()
            try #require(mount.terminationStatus == 0, "cannot mount a tmpfs (needs root) to test a full disk")
            defer {
                let unmount = Process()
                unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
                unmount.arguments = [disk.path]
                try? unmount.run()
                unmount.waitUntilExit()
            }
            let made = try softness(["generate", "-n", "2000", "--test-rows", "200", "-o", "disk/t.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            // Leave about 16 kB free.
            let size = try #require(try FileManager.default.attributesOfItem(atPath: disk.appendingPathComponent("t.h5").path)[.size] as? Int)
            try Data(count: 512 * 1024 - size - 16 * 1024).write(to: disk.appendingPathComponent("filler"))
            let full = "the disk is full"
            try expectCleanFailure(["diagnose", "disk/t.h5"], in: dir, file: "disk/t.results.h5 (run 'diagnose')", reason: full)
            try expectCleanFailure(["generate", "-n", "2000", "-o", "disk/g.h5"], in: dir, file: "disk/g.h5", reason: full)
            try expectCleanFailure(["diagnose", "disk/t.h5", "--in-place"], in: dir, file: "disk/t.h5", reason: full)
        }
    }
}

/// A LAMMPS dump of `atoms` particles on a jittered lattice, `frames` frames 100 steps apart.
func syntheticDump(frames: Int, atoms: Int, firstTimestep: Int = 0, box: String = "0 10") -> String {
    var text = ""
    for frame in 0..<frames {
        text += "ITEM: TIMESTEP\n\(firstTimestep + 100 * frame)\nITEM: NUMBER OF ATOMS\n\(atoms)\n"
        text += "ITEM: BOX BOUNDS pp pp pp\n\(box)\n\(box)\n\(box)\nITEM: ATOMS id type xu yu zu\n"
        for i in 0..<atoms {
            let jitter = Double((i * 7 + frame * 13) % 11) * 0.002
            text += "\(i + 1) \(i % 5 == 0 ? 2 : 1) \(Double(i % 10) + jitter) \(Double((i / 10) % 10) + jitter) \(Double(i / 100) + 0.5)\n"
        }
    }
    return text
}
