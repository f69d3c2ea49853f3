import Foundation
import Testing

/// Kills `softness` with SIGKILL while it is writing and checks that no file it was asked to
/// write over is damaged.
@Suite struct CrashSafetyTests {
    /// Starts `softness arguments`, waits until a `.partial-` file appears in `dir` (so the kill
    /// lands during a write), then sends SIGKILL. Returns whether the write was caught in progress.
    func killDuringWrite(_ arguments: [String], in dir: URL) throws -> Bool {
        let process = Process()
        process.executableURL = try softnessExecutable()
        process.arguments = arguments
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var caught = false
        for _ in 0..<4000 where process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            if names.contains(where: { $0.contains(".partial-") }) {
                usleep(50_000)
                caught = process.isRunning
                break
            }
            usleep(2_000)
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
}

func softnessExecutable() throws -> URL {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("softness")
    let candidates = [executable] + (Bundle.main.executableURL.map { [$0.deletingLastPathComponent().appendingPathComponent("softness")] } ?? [])
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: executable.path])
    }
    return binary
}
