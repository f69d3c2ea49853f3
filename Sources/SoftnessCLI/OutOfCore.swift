import Foundation
import HDF5
import ParticleTable
import Workflows

/// When a command's table is diagnosed out of core, and the messages that say so.
enum OutOfCore {
    /// The table opened for an out-of-core run when its in-memory run would need more than
    /// `limit` bytes, with the bytes left beside the out-of-core run (for the training rows, when
    /// they fit); nil when the whole table fits (or is not a schema-v1 table, read in memory).
    /// - Throws: `WorkflowError.outOfCore` when selections are asked for, or when even the
    ///   out-of-core run needs more than `limit`.
    static func table(_ input: InputArguments, limit: Int, softness: FeatureStorage, seed: UInt64, pieceRows: Int) throws -> (table: StreamedTable, spare: Int)? {
        guard try input.layout.datasetMapping().isSchema else { return nil }
        try DamagedFileProbe.check(input.file)
        let shape = try naming(input.file) { try StreamedTable.shape(path: input.file) }
        let need = StreamedTable.inMemoryBytes(rows: shape.rows, features: shape.features)
        guard need > limit else { return nil }
        let sizes = "\(shape.rows) rows × \(shape.features) features need about \(gigabytes(need)) in memory, more than the limit of \(gigabytes(limit))"
        if input.selectionRun != nil || input.hasTableSelection {
            throw WorkflowError.outOfCore(file: input.file, reason: "\(sizes), and an out-of-core run takes the whole table: drop --selection/--temperatures/--species/--frames/--columns, or raise --memory")
        }
        let table = try naming(input.file) { try StreamedTable(path: input.file, testFraction: input.testFraction, seed: seed) }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let streamed = table.streamedBytes(softness: softness, pieceRows: pieceRows, threads: threads)
        guard streamed <= limit else {
            throw WorkflowError.outOfCore(file: input.file, reason: "\(sizes), and even out of core the run keeps \(gigabytes(streamed)) in memory (\(table.testRows) test rows at about 96 bytes each, 4–8 bytes per row); raise --memory or hold out fewer test rows")
        }
        for note in table.notes { printError("note: \(note)") }
        printError("note: \(sizes): diagnosing out of core (the features are read from the file for every pass; about \(gigabytes(streamed)) in memory)")
        return (table, limit - streamed)
    }

    /// "2.15 GB", "310 MB", "96 kB".
    static func gigabytes(_ bytes: Int) -> String {
        let value = Double(bytes)
        if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
        return value >= 1e6 ? String(format: "%.0f MB", value / 1e6) : String(format: "%.0f kB", value / 1e3)
    }
}
