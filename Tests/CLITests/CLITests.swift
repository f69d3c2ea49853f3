import Foundation
import Testing
import ParticleTable
import HDF5

/// Runs the `softness` executable built next to this test bundle.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// `fileSizeLimitKiB` runs it under `ulimit -f` (writes beyond the limit fail with EFBIG).
func softness(_ arguments: [String], in directory: URL, fileSizeLimitKiB: Int? = nil) throws -> CommandResult {
    if let limit = fileSizeLimitKiB {
        return try runProcess("/bin/sh", ["-c", "ulimit -f \(limit) && exec \"$0\" \"$@\"", try softnessExecutable().path] + arguments, in: directory)
    }
    return try runProcess(try softnessExecutable().path, arguments, in: directory)
}

/// Runs `executable` in `directory` (with `environment`, or this process's), collecting its output.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, in directory: URL) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

func withScratch<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

@Suite struct GenerateAndInspectTests {
    @Test func generateThenInspectAsJSON() throws {
        try withScratch { dir in
            let made = try softness(["generate", "--variant", "positive", "-n", "400", "--test-rows", "100",
                                     "--temperatures", "0.8,1.0", "--train-temperatures", "1.0", "--storage", "float32",
                                     "--seed", "7", "-o", "toy.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            #expect(made.stdout.contains("wrote toy.h5: 600 rows × 14 features (positive, seed 7, float32)"))
            let inspected = try softness(["inspect", "--json", "toy.h5"], in: dir)
            #expect(inspected.status == 0, "\(inspected.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String: Any])
            #expect(json["rows"] as? Int == 600)
            #expect(json["feature_count"] as? Int == 14)
            #expect(json["feature_storage"] as? String == "float32")
            let counts = try #require(json["counts"] as? [[String: Any]])
            #expect(counts.map { $0["temperature"] as? Double } == [0.8, 1.0, 1.0])
            #expect(counts.map { $0["split"] as? String } == ["test", "train", "test"])
            #expect(counts.map { $0["rows"] as? Int } == [100, 400, 100])
            // Positive variant: balanced 50/50 in every temperature and split.
            #expect(counts.map { $0["rearranging"] as? Int } == [50, 200, 50])
            let text = try softness(["inspect", "toy.h5"], in: dir)
            #expect(text.stdout.contains("schema:    softness.particles v1"))
            #expect(text.stdout.contains("         0.8  test          100         50         50    0.5000"))
        }
    }

    @Test func sameSeedSameFileWhateverTheThreads() throws {
        try withScratch { dir in
            for (name, threads) in [("one.h5", "1"), ("four.h5", "4")] {
                let run = try softness(["generate", "--variant", "spurious", "-n", "3000", "--test-rows", "200", "--threads", threads, "-o", name], in: dir)
                #expect(run.status == 0, "\(run.stderr)")
            }
            let a = try File.open(dir.appendingPathComponent("one.h5").path)
            let b = try File.open(dir.appendingPathComponent("four.h5").path)
            for name in ["features", "energy_barrier", "temperature"] {
                #expect(try a.dataset(name).read(as: Double.self) == b.dataset(name).read(as: Double.self), "\(name)")
            }
            #expect(try a.dataset("labels").read(as: Int8.self) == b.dataset("labels").read(as: Int8.self))
        }
    }
}
