import Diagnostics
import Foundation
import HDF5
import Learning
import ParticleTable
import SeededRandom
import StreamedDiagnostics

/// A schema-v1 particle table opened for an out-of-core diagnostic (`softness diagnose --memory`):
/// labels, temperatures (as indices), the split and the test rows' true barrier are read into
/// compact per-row arrays (a few bytes per row); the features stay on disk and are read again in
/// row pieces for every pass.
///
/// The run sees the rows the in-memory `LoadedInput.load` gives (the same random split without
/// `/split`, the balanced training sample of `/balanced`), and records the same input digest.
public final class StreamedTable {
    /// The table file.
    public let path: String
    /// Rows N of the table.
    public let rows: Int
    /// Test rows of the run.
    public let testRows: Int
    /// The in-memory part of the input.
    public let input: StreamedDiagnosticInput
    /// Notes for the user (as `LoadedInput.notes`).
    public let notes: [String]
    /// The split drawn at random when the table has no `/split` (0 train, 1 test per row).
    public let generatedSplit: [UInt8]?

    private let reader: TableFeatureRows
    private let splitFromFile: Bool

    /// Bytes an in-memory run of a table with `rows` rows and `features` columns needs (features
    /// as float64, per-row labels, temperature, split, barrier, softness and row lists).
    public static func inMemoryBytes(rows: Int, features: Int) -> Int {
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: 8 * features + 64)
        return overflow ? Int.max / 2 : bytes
    }

    /// Rows and feature columns of the schema-v1 table at `path` (the schema is checked).
    public static func shape(path: String) throws -> (rows: Int, features: Int) {
        let blocks = try ParticleTableBlocks(path: path)
        return (blocks.rows, blocks.featureNames.count)
    }

    /// Opens the table and reads its per-row columns in blocks of `blockRows`.
    /// - Parameters:
    ///   - testFraction, seed: the random split when the table has no `/split` (as `LoadedInput.load`).
    /// - Throws: `ParticleDataError` naming the file, dataset and row of a bad value;
    ///   `WorkflowError.outOfCore` for more than 65 535 distinct temperatures.
    public init(path: String, testFraction: Double = 0.5, seed: UInt64 = 1, blockRows: Int = 1 << 16) throws {
        self.path = path
        let blocks = try ParticleTableBlocks(path: path)
        let n = blocks.rows
        rows = n
        reader = TableFeatureRows(blocks: blocks)
        var labels = [Int8](), temperatureIndex = [UInt16](), roles = [StreamedDiagnosticInput.Role]()
        labels.reserveCapacity(n)
        temperatureIndex.reserveCapacity(n)
        roles.reserveCapacity(n)
        var temperatures: [Double] = [], slot: [UInt64: UInt16] = [:]
        var generator = SplitMix64(seed: seed)
        var generated: [UInt8]? = blocks.hasSplit ? nil : []
        generated?.reserveCapacity(n)
        var energy: [Double]? = blocks.hasEnergyBarrier ? [] : nil
        var notes: [String] = []
        var tests = 0
        var start = 0
        while start < n {
            let range = start..<min(n, start + max(blockRows, 1))
            labels += try blocks.labels(range)
            for t in try blocks.temperature(range) {
                if let k = slot[t.bitPattern] {
                    temperatureIndex.append(k)
                } else {
                    guard temperatures.count < Int(UInt16.max) else {
                        throw WorkflowError.outOfCore(file: path, reason: "/temperature holds more than \(UInt16.max) distinct values; an out-of-core run groups rows by temperature (bin the temperatures, or give --memory enough to load the table)")
                    }
                    slot[t.bitPattern] = UInt16(temperatures.count)
                    temperatureIndex.append(UInt16(temperatures.count))
                    temperatures.append(t)
                }
            }
            let isTest: [Bool]
            if let values = try blocks.split(range) {
                isTest = values.map { $0 == 1 }
            } else {
                isTest = range.map { _ in !(Double.random(in: 0..<1, using: &generator) >= testFraction) }
                generated? += isTest.map { $0 ? 1 : 0 }
            }
            let balanced = try blocks.balanced(range)
            let barrier = try blocks.energyBarrier(range)
            for k in 0..<range.count {
                if isTest[k] {
                    roles.append(.test)
                    tests += 1
                    if let barrier { energy?.append(barrier[k]) }
                } else {
                    roles.append(balanced.map { $0[k] == 1 } ?? true ? .training : .unused)
                }
            }
            start = range.upperBound
        }
        if generated != nil {
            notes.append("\(path) has no /split: \(Int((testFraction * 100).rounded()))% of rows drawn at random (seed \(seed)) as test rows")
        }
        if blocks.hasBalanced {
            let training = roles.reduce(0) { $0 + ($1 == .training ? 1 : 0) }
            notes.append("training on the \(training) rows of the balanced sample (/balanced) of the training frames; P(R|S,T) on all \(tests) rows of the test frames (natural population)")
        }
        let population: TestPopulation = blocks.population?.hasPrefix(TablePopulation.balancedSampleOnly) == true ? .balancedSample
            : (blocks.hasBalanced ? .natural : .unspecified)
        input = try StreamedDiagnosticInput(features: reader, featureNames: blocks.featureNames, labels: labels,
                                            temperatureIndex: temperatureIndex, temperatures: temperatures, roles: roles,
                                            testEnergyBarrier: energy, testPopulation: population)
        testRows = tests
        self.notes = notes
        generatedSplit = generated
        splitFromFile = blocks.hasSplit
    }

    /// Bytes the out-of-core run holds in memory (`BarrierDiagnostic.streamedMemory`, plus the
    /// random split of a table without `/split`, a byte per row).
    public func streamedBytes(softness: FeatureStorage, pieceRows: Int, threads: Int) -> Int {
        BarrierDiagnostic.streamedMemory(rows: rows, testRows: testRows, features: input.featureNames.count, pieceRows: pieceRows,
                                         threads: threads, softnessBytes: softness == .float32 ? 4 : 8) + (generatedSplit == nil ? 0 : rows)
    }

    /// Runs the out-of-core diagnostic (`memory`: see `BarrierDiagnostic.runStreamed`) and
    /// returns it with the input digest.
    /// - Throws: `DiagnosticError` (a read failure as `.learning(.rowSource)` naming file, dataset and row).
    public func diagnose(options: DiagnosticOptions, softness: FeatureStorage, pieceRows: Int = 1 << 16,
                         memory: OutOfCoreMemory = .init(), progress: ((String) -> Void)? = nil) throws -> (result: StreamedDiagnosticResult, digest: String) {
        try withDigest { firstPass in
            try BarrierDiagnostic.runStreamed(input, options: options, softnessStorage: softness == .float32 ? .float32 : .float64,
                                              pieceRows: pieceRows, memory: memory, firstPass: firstPass,
                                              progress: progress)
        }
    }

    /// Runs `body` (an out-of-core run that reads every row in order on its first pass and hands
    /// each piece to the closure it is given) and returns its result with the input digest:
    /// `ParticleTableReader`'s fingerprint of features, labels, temperature and split, the
    /// features taken from that first pass.
    public func withDigest<R>(_ body: (@escaping (Range<Int>, [Double]) -> Void) throws -> R) throws -> (result: R, digest: String) {
        let digest = DigestBox()
        let result = try body { _, values in digest.value.add(values) }
        var fingerprint = digest.value
        let block = 1 << 16
        func add<T>(_ values: (Range<Int>) -> [T], _ adding: (inout FNV1a64, [T]) -> Void) {
            var start = 0
            while start < rows {
                let range = start..<min(rows, start + block)
                adding(&fingerprint, values(range))
                start = range.upperBound
            }
        }
        add({ $0.map { Double(self.input.labels[$0]) } }) { $0.add($1) }
        add({ $0.map { self.input.temperatures[Int(self.input.temperatureIndex[$0])] } }) { $0.add($1) }
        if splitFromFile { add({ $0.map { self.input.roles[$0] == .test ? UInt8(1) : 0 } }) { $0.add($1) } }
        return (result, fingerprint.hex)
    }
}

/// The digest a first pass adds to (a reference, so the pass's closure can hold it).
private final class DigestBox: @unchecked Sendable {
    var value = FNV1a64()
}

/// `/features` of a table read in row pieces. Several threads may read at once when libhdf5 is its
/// thread-safe build (Debian's, conda-forge's; it serializes its own calls): each read inflates
/// its chunks on every core outside libhdf5, so one thread's inflating overlaps another's. With
/// another build, reads take turns (a lock of its own: the raw-chunk calls inside a read take
/// `HDF5Library.serialized` on the pipeline's worker threads).
final class TableFeatureRows: FeatureRowReader, @unchecked Sendable {
    private let blocks: ParticleTableBlocks
    private let turns = NSLock()
    let rowCount: Int
    let featureCount: Int

    init(blocks: ParticleTableBlocks) {
        self.blocks = blocks
        rowCount = blocks.rows
        featureCount = blocks.featureNames.count
    }

    func features(_ range: Range<Int>) throws -> [Double] {
        if HDF5Library.isThreadSafe { return try blocks.features(range) }
        turns.lock()
        defer { turns.unlock() }
        return try blocks.features(range)
    }
}
