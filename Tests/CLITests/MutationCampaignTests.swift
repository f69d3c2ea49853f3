import Foundation
import Testing
import CZstd
import SeededRandom

/// Runs `softness arguments` in `dir`, killing it after `timeout` seconds. Returns how it ended.
private func run(_ arguments: [String], in dir: URL, timeout: TimeInterval = 60) throws -> (signal: Bool, hung: Bool, status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = try softnessExecutable()
    process.arguments = arguments
    process.currentDirectoryURL = dir
    process.standardOutput = FileHandle.nullDevice
    let errors = dir.appendingPathComponent(".stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    let handle = try FileHandle(forWritingTo: errors)
    process.standardError = handle
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(1_000) }
    let hung = process.isRunning
    if hung { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    try handle.close()
    let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(at: errors)
    return (!hung && process.terminationReason == .uncaughtSignal, hung, process.terminationStatus, stderr)
}

/// Seeded mutations of a valid input: bit flips, truncation, junk runs and edge-value words.
private func mutate(_ base: [UInt8], _ generator: inout SplitMix64) -> [UInt8] {
    var bytes = base
    switch generator.nextInt(below: 6) {
    case 0, 1, 2:
        for _ in 0...generator.nextInt(below: 4) {
            let at = generator.nextInt(below: bytes.count)
            bytes[at] ^= UInt8(1) << UInt8(generator.nextInt(below: 8))
        }
    case 3:
        bytes = Array(bytes.prefix(generator.nextInt(below: bytes.count)))
    case 4:
        let at = generator.nextInt(below: bytes.count)
        for k in at..<min(bytes.count, at + 1 + generator.nextInt(below: 64)) { bytes[k] = UInt8(truncatingIfNeeded: generator.next()) }
    default:
        let words: [UInt64] = [.max, 0, UInt64(Int64.max), 1 << 31, 1 << 40]
        let word = words[generator.nextInt(below: words.count)]
        let at = generator.nextInt(below: max(1, bytes.count - 8))
        for k in 0..<8 where at + k < bytes.count { bytes[at + k] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(k))) }
    }
    return bytes
}

/// A bounded mutation campaign: no mutated input may crash or hang `softness`, and none may be
/// changed by it. `SOFTNESS_FUZZ_MUTANTS` sets the mutants per format (`make fuzz N=1000`).
@Suite(.tags(.slow)) struct MutationCampaignTests {
    static let mutants = Int(ProcessInfo.processInfo.environment["SOFTNESS_FUZZ_MUTANTS"] ?? "") ?? 100
    /// Where mutants that crash or hang are kept (outside the scratch folder, which is removed).
    static let keptFolder = FileManager.default.temporaryDirectory.appendingPathComponent("softness-fuzz-kept")

    /// Runs `commands` on seeded mutants of `base`. Each mutant is written as `mN.EXT` (the
    /// commands name it `FILE`), or over `target` when the commands read a file at a fixed place
    /// (a results file beside its table; restored afterwards). Fails on any crash, hang or
    /// changed mutant, and on an error message that does not name the mutated file (`names`,
    /// default the mutant's own name). Prints how the runs ended.
    private func campaign(base: String, extension ext: String, seed: UInt64, commands: [[String]], in dir: URL,
                          target: String? = nil, names: String? = nil) throws {
        let original = try [UInt8](Data(contentsOf: dir.appendingPathComponent(base)))
        var generator = SplitMix64(seed: seed)
        var failures: [String] = []
        var accepted = 0, refused = 0
        for index in 0..<Self.mutants {
            let name = target ?? "m\(index).\(ext)"
            let url = dir.appendingPathComponent(name)
            let bytes = mutate(original, &generator)
            try Data(bytes).write(to: url)
            for command in commands {
                let arguments = command.map { $0 == "FILE" ? name : $0 }
                let outcome = try run(arguments, in: dir)
                // Under AddressSanitizer a memory error ends with a report, not always a signal.
                if outcome.signal || outcome.hung || outcome.stderr.contains("AddressSanitizer") {
                    let kept = Self.keptFolder.appendingPathComponent("\(base)-seed\(seed)-\(index)-\(URL(fileURLWithPath: name).lastPathComponent)")
                    try FileManager.default.createDirectory(at: Self.keptFolder, withIntermediateDirectories: true)
                    try Data(bytes).write(to: kept)
                    failures.append("\(arguments.joined(separator: " ")): \(outcome.hung ? "hang" : "crash (status \(outcome.status))"), mutant kept as \(kept.path)")
                } else if outcome.status == 0 {
                    accepted += 1
                } else {
                    refused += 1
                    let named = names ?? name
                    if !outcome.stderr.contains(named) {
                        failures.append("\(arguments.joined(separator: " ")): the message does not name \(named): \(outcome.stderr)")
                    }
                }
                if try [UInt8](Data(contentsOf: url)) != bytes { failures.append("\(arguments.joined(separator: " ")): changed its input") }
            }
            try FileManager.default.removeItem(at: url)
        }
        if let target { try Data(original).write(to: dir.appendingPathComponent(target)) }
        print("mutation campaign \(base) (\(Self.mutants) mutants × \(commands.count) commands): \(accepted) runs accepted the mutant, \(refused) refused it cleanly, \(failures.count) failures")
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.joined(separator: "\n"))")
    }

    @Test func mutatedParticleTablesNeverCrashOrHang() throws {
        try withScratch { dir in
            let made = try softness(["generate", "-n", "300", "--test-rows", "100", "--temperatures", "0.4,0.6", "-o", "base.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            try campaign(base: "base.h5", extension: "h5", seed: 1,
                         commands: [["inspect", "FILE"], ["validate", "FILE"], ["diagnose", "FILE", "--dry-run", "--bootstrap", "0"]], in: dir)
        }
    }

    @Test func mutatedDumpsNeverCrashOrHang() throws {
        try withScratch { dir in
            var text = ""
            var generator = SplitMix64(seed: 3)
            for frame in 0..<12 {
                text += "ITEM: TIMESTEP\n\(frame * 10)\nITEM: NUMBER OF ATOMS\n20\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 5\n0 5\nITEM: ATOMS id type xu yu zu\n"
                for i in 1...20 { text += "\(i) \(i % 2 + 1) \(Double(generator.next() % 5000) / 1000) \(Double(i % 5)) \(Double(i / 5))\n" }
            }
            try Data(text.utf8).write(to: dir.appendingPathComponent("base.dump"))
            try campaign(base: "base.dump", extension: "dump", seed: 2,
                         commands: [["label", "FILE", "-o", "l.h5", "--force", "--half-window", "2", "--quiet-window", "2"]], in: dir)
        }
    }

    @Test func mutatedBinnedTablesNeverCrashOrHang() throws {
        try withScratch { dir in
            var text = "S,T,count,fraction\n"
            for s in [-1.0, 0, 1] { for t in [0.4, 0.5, 0.6] { text += "\(s),\(t),1000,\(0.01 * (2 + s) * t)\n" } }
            try Data(text.utf8).write(to: dir.appendingPathComponent("base.csv"))
            try campaign(base: "base.csv", extension: "csv", seed: 3, commands: [["arrhenius", "FILE", "--binned", "--dry-run"]], in: dir)
        }
    }

    @Test func mutatedGzipDumpsNeverCrashOrHang() throws {
        try withScratch { dir in
            try Data(syntheticDump(frames: 12, atoms: 40).utf8).write(to: dir.appendingPathComponent("base.dump"))
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
            gzip.arguments = ["-9", "base.dump"]
            gzip.currentDirectoryURL = dir
            try gzip.run()
            gzip.waitUntilExit()
            try #require(gzip.terminationStatus == 0)
            try campaign(base: "base.dump.gz", extension: "dump.gz", seed: 4,
                         commands: [["label", "FILE", "-o", "l.h5", "--force", "--half-window", "2", "--quiet-window", "2"]], in: dir)
        }
    }

    @Test func mutatedZstandardDumpsNeverCrashOrHang() throws {
        try withScratch { dir in
            let text = Data(syntheticDump(frames: 12, atoms: 40).utf8)
            var frame = Data(count: ZSTD_compressBound(text.count))
            let size = frame.withUnsafeMutableBytes { out in text.withUnsafeBytes { ZSTD_compress(out.baseAddress, out.count, $0.baseAddress, $0.count, 19) } }
            try #require(ZSTD_isError(size) == 0)
            try frame.prefix(size).write(to: dir.appendingPathComponent("base.dump.zst"))
            try campaign(base: "base.dump.zst", extension: "dump.zst", seed: 6,
                         commands: [["label", "FILE", "-o", "l.h5", "--force", "--half-window", "2", "--quiet-window", "2"]], in: dir)
        }
    }

    @Test func mutatedH5MDTrajectoriesNeverCrashOrHang() throws {
        try withScratch { dir in
            let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("TrajectoryTests/Fixtures/trajectories/h5md_fixed_box.h5")
            try FileManager.default.copyItem(at: fixture, to: dir.appendingPathComponent("base.h5"))
            try campaign(base: "base.h5", extension: "h5", seed: 5,
                         commands: [["label", "FILE", "-o", "l.h5", "--force", "--half-window", "1", "--quiet-window", "0"],
                                    ["featurize", "FILE", "-o", "f.h5", "--force", "--preset", "small"]], in: dir)
        }
    }

    /// The results index and a run file, mutated in place: every command that reads them.
    @Test func mutatedResultsFilesNeverCrashOrHang() throws {
        try withScratch { dir in
            let made = try softness(["generate", "-n", "300", "--test-rows", "100", "--temperatures", "0.4,0.6", "-o", "t.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            #expect(try softness(["validate", "t.h5", "--balance", "--run", "balance"], in: dir).status == 0)
            #expect(try softness(["train", "t.h5", "--run", "first"], in: dir).status == 0)
            let readers = [["inspect", "t.h5"], ["diagnose", "t.h5", "--selection", "balance", "--dry-run", "--bootstrap", "0"]]
            try FileManager.default.copyItem(at: dir.appendingPathComponent("t.results.h5"), to: dir.appendingPathComponent("index.h5"))
            try campaign(base: "index.h5", extension: "h5", seed: 6, commands: readers, in: dir,
                         target: "t.results.h5", names: "t.results")
            try FileManager.default.copyItem(at: dir.appendingPathComponent("t.results.runs/balance.h5"), to: dir.appendingPathComponent("run.h5"))
            try campaign(base: "run.h5", extension: "h5", seed: 7, commands: readers, in: dir,
                         target: "t.results.runs/balance.h5", names: "t.results")
        }
    }

    /// A results index found by the campaign whose `/results` group has a damaged name index:
    /// listing it works, a path lookup through it segfaults in libhdf5 (H5B2_open). The probe
    /// must make that lookup in its child process, with and without --dry-run.
    @Test(arguments: [["inspect", "t.h5"], ["diagnose", "t.h5", "--selection", "balance", "--dry-run"],
                      ["diagnose", "t.h5", "--selection", "balance", "--run", "again"]])
    func resultsIndexWithADamagedNameIndexIsReportedAsDamaged(command: [String]) throws {
        try withScratch { dir in
            let made = try softness(["generate", "-n", "300", "--test-rows", "100", "--temperatures", "0.4,0.6", "-o", "t.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            #expect(try softness(["validate", "t.h5", "--balance", "--run", "balance"], in: dir).status == 0)
            let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/damaged-results-index.h5")
            try FileManager.default.removeItem(at: dir.appendingPathComponent("t.results.h5"))
            try FileManager.default.copyItem(at: fixture, to: dir.appendingPathComponent("t.results.h5"))
            let before = try folderContents(dir)
            let outcome = try run(command, in: dir)
            #expect(!outcome.signal && !outcome.hung && outcome.status == 1, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("t.results.h5: damaged HDF5 file: libhdf5 crashes while reading its metadata"), "\(outcome.stderr)")
            #expect(try folderContents(dir) == before)
        }
    }

    /// A file found by the campaign whose root attribute table libhdf5 1.10.8 decodes
    /// nondeterministically (an error, or SIGSEGV in H5F_decr_nopen_objs): the probe's own check
    /// of the attribute messages (GlobalHeapReferences) names the damage before libhdf5 reads it,
    /// the same every time.
    @Test(arguments: [["inspect"], ["validate"], ["diagnose", "--dry-run"], ["train", "--dry-run"]])
    func fileThatCrashesLibhdf5IsReportedAsDamaged(command: [String]) throws {
        try withScratch { dir in
            let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/damaged-attribute.h5")
            try FileManager.default.copyItem(at: fixture, to: dir.appendingPathComponent("d.h5"))
            let before = try Data(contentsOf: dir.appendingPathComponent("d.h5"))
            let outcome = try run([command[0], "d.h5"] + command.dropFirst(), in: dir)
            #expect(!outcome.signal && !outcome.hung && outcome.status != 0)
            #expect(outcome.stderr.contains("d.h5: /: damaged HDF5 file: attribute 'toy_temperatures': 2 values of 32776 bytes do not fit in the 16 bytes of data its message holds"),
                    "\(outcome.stderr)")
            #expect(try Data(contentsOf: dir.appendingPathComponent("d.h5")) == before)
        }
    }
}
