import ArgumentParser
import Foundation
import HDF5
import ParticleTable
import StreamedDiagnostics
import Workflows

/// `--memory LIMIT` of the commands that can run out of core (diagnose, rfe, scan).
struct MemoryOptions: ParsableArguments {
    @Option(name: .customLong("memory"), help: "Memory the run may use, e.g. 2G or 500M (default: half of the memory available: the machine's, or less under a Slurm job or cgroup limit). A schema-v1 table whose features do not fit (as float64) is read out of core: its features are read again from the file for every pass, with the same results.")
    var memory: String?

    @Option(name: .customLong("piece-rows"), help: "Out of core: table rows read at a time (their features as float64 on every thread are part of the memory).")
    var pieceRows: Int = 1 << 16

    @Option(name: .customLong("test-row-buffer"), help: "Out of core: test rows held in memory (48 bytes each) before they are sorted through a temporary file in TMPDIR (default: all of them when the limit leaves room, else at least 2^20).")
    var testRowBuffer: Int?

    func validate() throws {
        guard pieceRows >= 1 else { throw ValidationError("--piece-rows must be ≥ 1, got \(pieceRows)") }
        if let testRowBuffer, testRowBuffer < 1 { throw ValidationError("--test-row-buffer must be ≥ 1, got \(testRowBuffer)") }
        if let memory, InputLimits.parseSize(memory) == nil { throw ValidationError("--memory must be a size such as 2G, 500M or a number of bytes, got \(memory)") }
    }

    /// The limit in bytes.
    var limit: Int { memory.flatMap { InputLimits.parseSize($0) } ?? InputLimits.memoryBudget }

    /// How an out-of-core run with `spare` bytes beyond its minimum uses them.
    func plan(spare: Int) -> OutOfCoreMemory { OutOfCoreMemory(spare: spare, testRowBuffer: testRowBuffer) }

    /// The progress lines of an out-of-core run, timed from `started`.
    func log(_ command: String, since started: Date) -> (String) -> Void {
        { line in printError(String(format: "%@: [%6.1f s] %@", command, Date().timeIntervalSince(started), line)) }
    }
}

/// When a command's table is diagnosed out of core, and the messages that say so.
enum OutOfCore {
    /// The table opened for an out-of-core run when its in-memory run would need more than
    /// `limit` bytes, with the bytes left beside the out-of-core run (for the training rows, when
    /// they fit); nil when the whole table fits (or is not a schema-v1 table, read in memory).
    /// - Throws: `WorkflowError.outOfCore` when selections are asked for, or when even the
    ///   out-of-core run needs more than `limit`.
    ///   - extra: what the command keeps beside `StreamedTable.streamedBytes`: bytes per row, and what they are for.
    static func table(_ input: InputArguments, memory: MemoryOptions, softness: FeatureStorage, seed: UInt64,
                      extra: (bytesPerRow: Int, purpose: String)? = nil) throws -> (table: StreamedTable, spare: Int)? {
        let limit = memory.limit, pieceRows = memory.pieceRows
        guard try input.layout.datasetMapping().isSchema else { return nil }
        try DamagedFileProbe.check(input.file)
        let shape = try naming(input.file) { try StreamedTable.shape(path: input.file) }
        let need = StreamedTable.inMemoryBytes(rows: shape.rows, features: shape.features)
        guard need > limit else { return nil }
        let sizes = "\(shape.rows) rows × \(shape.features) features need about \(sizeText(need)) in memory, more than the limit of \(sizeText(limit))"
        if input.selectionRun != nil || input.hasTableSelection {
            throw WorkflowError.outOfCore(file: input.file, reason: "\(sizes), and an out-of-core run takes the whole table: drop --selection/--temperatures/--species/--frames/--columns, or raise --memory")
        }
        let table = try naming(input.file) { try StreamedTable(path: input.file, testFraction: input.testFraction, seed: seed) }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let streamed = table.streamedBytes(softness: softness, pieceRows: pieceRows, threads: threads) + table.rows * (extra?.bytesPerRow ?? 0)
        guard streamed <= limit else {
            let more = extra.map { ", \($0.bytesPerRow) more per row for \($0.purpose)" } ?? ""
            throw WorkflowError.outOfCore(file: input.file, reason: "\(sizes), and even out of core the run keeps \(sizeText(streamed)) in memory (4–8 bytes per row, 48 per test row up to 2^20 of them, the features of \(pieceRows)-row pieces on \(threads) threads\(more)); raise --memory or lower --piece-rows")
        }
        for note in table.notes { printError("note: \(note)") }
        printError("note: \(sizes): running out of core (the features are read from the file for every pass; about \(sizeText(streamed)) in memory)")
        return (table, limit - streamed)
    }

    /// "2.15 GB", "310 MB", "96 kB".
    static func sizeText(_ bytes: Int) -> String {
        let value = Double(bytes)
        if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
        return value >= 1e6 ? String(format: "%.0f MB", value / 1e6) : String(format: "%.0f kB", value / 1e3)
    }
}
