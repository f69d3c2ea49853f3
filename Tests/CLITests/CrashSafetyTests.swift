import Foundation
import Testing
import HDF5

/// Kills `softness` with SIGKILL while it is writing and checks that no file it was asked to
/// write over is damaged.
@Suite struct CrashSafetyTests {
    /// Starts `softness arguments`, waits until a `.partial-` file appears under `dir` (so the kill
    /// lands during a write), then sends SIGKILL. Returns whether the write was caught in progress.
    func killDuringWrite(_ arguments: [String], in dir: URL, delay: useconds_t = 50_000) throws -> Bool {
        let process = try startSoftness(arguments, in: dir)
        var caught = false
        for _ in 0..<120_000 where process.isRunning {   // up to a minute
            let names = (try? FileManager.default.subpathsOfDirectory(atPath: dir.path)) ?? []
            if names.contains(where: { $0.contains(".partial-") }) {
                if delay > 0 { usleep(delay) }
                caught = process.isRunning
                break
            }
            usleep(500)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return caught && process.terminationReason == .uncaughtSignal
    }

    @Test func killedGenerateLeavesTheOutputPathUntouched() throws {
        try withScratch { dir in
            let output = dir.appendingPathComponent("table.h5")
            let previous = Data("previous contents of table.h5".utf8)
            try previous.write(to: output)
            let caught = try killDuringWrite(["generate", "-n", "3000000", "--test-rows", "0", "--temperatures", "0.4",
                                              "-o", "table.h5", "--force"], in: dir)
            #expect(caught, "the kill did not land while the table was being written")
            #expect(try Data(contentsOf: output) == previous)
        }
    }

    /// Kills a `diagnose` at 20 moments spread over its run, each time while another `diagnose`
    /// writes a run of its own: the input stays byte-identical, the earlier run and every
    /// concurrent run are there, and every run the results file lists is complete.
    @Test(.tags(.slow)) func killedDiagnoseNeverDamagesInputOrOtherRuns() throws {
        try withScratch { dir in
            let made = try softness(["generate", "-n", "40000", "--test-rows", "10000", "--temperatures", "0.4,0.6", "-o", "t.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            let rows = 60_000
            #expect(try softness(["diagnose", "t.h5", "--run", "before", "--bootstrap", "0"], in: dir).status == 0)
            // How long one run takes while another runs beside it (the kills are spread over that).
            let start = Date()
            let pair = try ["warm1", "warm2"].map { try startSoftness(["diagnose", "t.h5", "--run", $0, "--bootstrap", "0"], in: dir) }
            for process in pair { process.waitUntilExit() }
            let duration = Date().timeIntervalSince(start)
            let input = try Data(contentsOf: dir.appendingPathComponent("t.h5"))
            var killedDuringRun = 0
            for moment in 0..<20 {
                let other = try startSoftness(["diagnose", "t.h5", "--run", "other\(moment)", "--bootstrap", "0"], in: dir)
                let victim = try startSoftness(["diagnose", "t.h5", "--run", "killed\(moment)", "--bootstrap", "0"], in: dir)
                usleep(useconds_t(duration * 0.8e6 * Double(moment) / 20))
                if victim.isRunning { killedDuringRun += 1 }
                kill(victim.processIdentifier, SIGKILL)
                victim.waitUntilExit()
                other.waitUntilExit()
                #expect(other.terminationStatus == 0)
                #expect(try Data(contentsOf: dir.appendingPathComponent("t.h5")) == input)
            }
            #expect(killedDuringRun >= 10, "most kills should land while the run is in progress: \(killedDuringRun) of 20")
            let file = try File.open(dir.appendingPathComponent("t.results.h5").path)
            defer { file.close() }
            let runs = try file.group("results").memberNames()
            #expect(Set(["before"] + (0..<20).map { "other\($0)" }).isSubset(of: Set(runs)))
            for run in runs {
                try expectCompleteDiagnoseRun(file, run: run, rows: rows)
            }
        }
    }

    /// Kills `diagnose --in-place` while it writes: the input holds its data and either no run
    /// or the complete run, never a damaged file.
    @Test func killedInPlaceRunLeavesTheInputWhole() throws {
        try withScratch { dir in
            #expect(try softness(["generate", "-n", "200000", "--test-rows", "50000", "--temperatures", "0.4,0.6", "-o", "t.h5"], in: dir).status == 0)
            let original = try Data(contentsOf: dir.appendingPathComponent("t.h5"))
            var caught = 0
            for delay: useconds_t in [0, 2_000, 10_000] {
                if try killDuringWrite(["diagnose", "t.h5", "--in-place", "--run", "killed", "--bootstrap", "0", "--overwrite"], in: dir, delay: delay) { caught += 1 }
                let file = try File.open(dir.appendingPathComponent("t.h5").path)
                #expect(try file.dataset("features").shape() == [300_000, 14])
                if file.contains("results/killed") {
                    try expectCompleteDiagnoseRun(file, run: "killed", rows: 300_000)
                } else {
                    #expect(try Data(contentsOf: dir.appendingPathComponent("t.h5")) == original)
                }
                file.close()
            }
            #expect(caught > 0, "no kill landed while the run was being written")
        }
    }
}

/// A diagnose run is complete when its last-written parts are there with the right sizes.
func expectCompleteDiagnoseRun(_ file: File, run: String, rows: Int) throws {
    #expect(try file.dataset("results/\(run)/softness").shape() == [rows], "run \(run)")
    #expect(try file.dataset("results/\(run)/svm/weights").shape() == [14], "run \(run)")
    #expect(file.isDataset("results/\(run)/arrhenius/delta_E"), "run \(run)")
    #expect(file.isDataset("results/\(run)/warnings"), "run \(run)")
}

/// Starts `softness` in `dir` without waiting for it (output discarded).
func startSoftness(_ arguments: [String], in dir: URL) throws -> Process {
    let process = Process()
    process.executableURL = try softnessExecutable()
    process.arguments = arguments
    process.currentDirectoryURL = dir
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

func softnessExecutable() throws -> URL {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("softness")
    let candidates = [executable] + (Bundle.main.executableURL.map { [$0.deletingLastPathComponent().appendingPathComponent("softness")] } ?? [])
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: executable.path])
    }
    return binary
}
