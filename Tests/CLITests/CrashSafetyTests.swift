import Foundation
import Testing
import HDF5

/// Kills `softness` with SIGKILL while it is writing and checks that no file it was asked to
/// write over is damaged.
@Suite struct CrashSafetyTests {
    /// Starts `softness arguments`, waits until a `.partial-` file appears in `dir` (so the kill
    /// lands during a write), then sends SIGKILL. Returns whether the write was caught in progress.
    func killDuringWrite(_ arguments: [String], in dir: URL, delay: useconds_t = 50_000) throws -> Bool {
        let process = Process()
        process.executableURL = try softnessExecutable()
        process.arguments = arguments
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var caught = false
        for _ in 0..<120_000 where process.isRunning {   // up to a minute
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
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

    /// Kills `diagnose` while it writes its results: the input must stay byte-identical and the
    /// results file must hold the earlier run intact (and, if present, a complete new run).
    @Test func killedDiagnoseNeverDamagesInputOrEarlierResults() throws {
        try withScratch { dir in
            let made = try softness(["generate", "-n", "200000", "--test-rows", "50000", "--temperatures", "0.4,0.6", "-o", "t.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            #expect(try softness(["diagnose", "t.h5", "--run", "before", "--bootstrap", "0"], in: dir).status == 0)
            let input = try Data(contentsOf: dir.appendingPathComponent("t.h5"))
            let earlier = try Data(contentsOf: dir.appendingPathComponent("t.results.h5"))
            var caught = 0
            for delay: useconds_t in [0, 2_000, 10_000] {
                if try killDuringWrite(["diagnose", "t.h5", "--run", "killed", "--bootstrap", "0"], in: dir, delay: delay) { caught += 1 }
                #expect(try Data(contentsOf: dir.appendingPathComponent("t.h5")) == input)
                let results = try Data(contentsOf: dir.appendingPathComponent("t.results.h5"))
                #expect(results == earlier)
            }
            #expect(caught > 0, "no kill landed while the results were being written")
            let file = try File.open(dir.appendingPathComponent("t.results.h5").path)
            #expect(try file.dataset("results/before/softness").read(as: Double.self).count == 300_000)
        }
    }
}

func softnessExecutable() throws -> URL {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("softness")
    let candidates = [executable] + (Bundle.main.executableURL.map { [$0.deletingLastPathComponent().appendingPathComponent("softness")] } ?? [])
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: executable.path])
    }
    return binary
}
