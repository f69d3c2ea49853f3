import Foundation
import HDF5
import ParticleTable
import Workflows

/// When a command's table is diagnosed out of core, and the messages that say so.
enum OutOfCore {
    /// The table opened for an out-of-core run when its in-memory run would need more than
    /// `limit` bytes; nil when it fits (or is not a schema-v1 table, which is read in memory).
    /// - Throws: `WorkflowError.outOfCore` when selections are asked for, or when even the
    ///   out-of-core run needs more than `limit`.
    static func table(_ input: InputArguments, limit: Int, softness: FeatureStorage, seed: UInt64, pieceRows: Int) throws -> StreamedTable? {
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
        return table
    }

    /// "2.15 GB".
    static func gigabytes(_ bytes: Int) -> String { String(format: "%.2f GB", Double(bytes) / 1e9) }
}
