import Foundation
import Testing
import SeededRandom

/// Runs `softness arguments` in `dir`, killing it after `timeout` seconds. Returns how it ended.
private func run(_ arguments: [String], in dir: URL, timeout: TimeInterval = 60) throws -> (signal: Bool, hung: Bool, status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = try softnessExecutable()
    process.arguments = arguments
    process.currentDirectoryURL = dir
    process.standardOutput = FileHandle.nullDevice
    let errors = dir.appendingPathComponent(".stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: errors.path, contents: nil)
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

    private func campaign(base: String, extension ext: String, seed: UInt64, commands: [[String]], in dir: URL) throws {
        let original = try [UInt8](Data(contentsOf: dir.appendingPathComponent(base)))
        var generator = SplitMix64(seed: seed)
        var failures: [String] = []
        for index in 0..<Self.mutants {
            let name = "m\(index).\(ext)"
            let url = dir.appendingPathComponent(name)
            let bytes = mutate(original, &generator)
            try Data(bytes).write(to: url)
            for command in commands {
                let arguments = command.map { $0 == "FILE" ? name : $0 }
                let outcome = try run(arguments, in: dir)
                if outcome.signal || outcome.hung {
                    failures.append("\(arguments.joined(separator: " ")): \(outcome.hung ? "hang" : "signal \(outcome.status)")")
                    try Data(bytes).write(to: dir.appendingPathComponent("kept-\(name)"))
                }
                if try [UInt8](Data(contentsOf: url)) != bytes { failures.append("\(arguments.joined(separator: " ")): changed its input") }
            }
            try FileManager.default.removeItem(at: url)
        }
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

    /// A file found by the campaign whose root attribute table libhdf5 1.10.8 decodes
    /// nondeterministically (an error, or SIGSEGV in H5F_decr_nopen_objs): reported from the probe
    /// every time (its error, or 'damaged HDF5 file' when the probe crashed), never a crash.
    @Test(arguments: [["inspect"], ["validate"], ["diagnose", "--dry-run"], ["train", "--dry-run"]])
    func fileThatCrashesLibhdf5IsReportedAsDamaged(command: [String]) throws {
        try withScratch { dir in
            let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/damaged-attribute.h5")
            try FileManager.default.copyItem(at: fixture, to: dir.appendingPathComponent("d.h5"))
            let before = try Data(contentsOf: dir.appendingPathComponent("d.h5"))
            let outcome = try run([command[0], "d.h5"] + command.dropFirst(), in: dir)
            #expect(!outcome.signal && !outcome.hung && outcome.status != 0)
            #expect(outcome.stderr.contains("d.h5: /: cannot read attribute name") || outcome.stderr.contains("d.h5: damaged HDF5 file: "),
                    "\(outcome.stderr)")
            #expect(try Data(contentsOf: dir.appendingPathComponent("d.h5")) == before)
        }
    }
}
