import Foundation
import Testing
import HDF5

extension Tag {
    /// End-to-end tests that run many processes or a whole trajectory pipeline (seconds each).
    @Tag static var slow: Self
}

/// Many `softness` processes writing runs for one input at the same moment (parameter sweeps,
/// Slurm arrays): no run may be lost, and the input is never written.
@Suite(.tags(.slow)) struct ConcurrentRunsTests {
    private func table(in dir: URL) throws -> Data {
        let made = try softness(["generate", "-n", "20000", "--test-rows", "5000", "--temperatures", "0.4,0.6", "-o", "t.h5"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        return try Data(contentsOf: dir.appendingPathComponent("t.h5"))
    }

    @Test func eightWritersWithDistinctNamesGiveEightCompleteRuns() throws {
        try withScratch { dir in
            let input = try table(in: dir)
            let processes = try (0..<8).map { index in
                try startSoftness([index % 2 == 0 ? "diagnose" : "train", "t.h5", "--run", "r\(index)", "--bootstrap", "0"], in: dir)
            }
            for process in processes { process.waitUntilExit() }
            #expect(processes.map(\.terminationStatus) == [Int32](repeating: 0, count: 8))
            let file = try File.open(dir.appendingPathComponent("t.results.h5").path)
            defer { file.close() }
            #expect(try file.group("results").memberNames().sorted() == (0..<8).map { "r\($0)" })
            for index in 0..<8 {
                if index % 2 == 0 {
                    try expectCompleteDiagnoseRun(file, run: "r\(index)", rows: 30_000)
                } else {
                    #expect(try file.dataset("results/r\(index)/softness").shape() == [30_000])
                    #expect(try file.dataset("results/r\(index)/svm/weights").shape() == [14])
                }
            }
            #expect(try Data(contentsOf: dir.appendingPathComponent("t.h5")) == input)
        }
    }

    @Test func eightOverwritesOfOneNameGiveOneCompleteRun() throws {
        try withScratch { dir in
            let input = try table(in: dir)
            let processes = try (0..<8).map { seed in
                try startSoftness(["diagnose", "t.h5", "--run", "same", "--overwrite", "--bootstrap", "0", "--seed", "\(seed + 1)"], in: dir)
            }
            for process in processes { process.waitUntilExit() }
            #expect(processes.map(\.terminationStatus) == [Int32](repeating: 0, count: 8))
            let file = try File.open(dir.appendingPathComponent("t.results.h5").path)
            defer { file.close() }
            #expect(try file.group("results").memberNames() == ["same"])
            try expectCompleteDiagnoseRun(file, run: "same", rows: 30_000)
            let runFiles = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("t.results.runs").path)
            #expect(runFiles == ["same.h5"], "no stray copies: \(runFiles)")
            #expect(try Data(contentsOf: dir.appendingPathComponent("t.h5")) == input)
        }
    }

    @Test func eightWritersWithoutOverwriteOnOneNameLeaveOneWinner() throws {
        try withScratch { dir in
            _ = try table(in: dir)
            let processes = try (0..<8).map { _ in try startSoftness(["train", "t.h5", "--run", "one"], in: dir) }
            for process in processes { process.waitUntilExit() }
            let statuses = processes.map(\.terminationStatus)
            #expect(statuses.filter { $0 == 0 }.count == 1, "exactly one writer wins: \(statuses)")
            let file = try File.open(dir.appendingPathComponent("t.results.h5").path)
            defer { file.close() }
            #expect(try file.group("results").memberNames() == ["one"])
            #expect(try file.dataset("results/one/softness").shape() == [30_000])
        }
    }

    @Test func inPlaceWritersAreSerialized() throws {
        try withScratch { dir in
            _ = try table(in: dir)
            let processes = try (0..<4).map { index in
                try startSoftness(["train", "t.h5", "--in-place", "--run", "p\(index)"], in: dir)
            }
            for process in processes { process.waitUntilExit() }
            #expect(processes.map(\.terminationStatus) == [0, 0, 0, 0])
            let file = try File.open(dir.appendingPathComponent("t.h5").path)
            defer { file.close() }
            #expect(try file.group("results").memberNames().sorted() == ["p0", "p1", "p2", "p3"])
            #expect(try file.dataset("features").shape() == [30_000, 14])
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("t.results.h5").path))
        }
    }
}
