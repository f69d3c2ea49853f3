// Streaming, multithreaded, reproducible generator of the toy model (paper Sec. II, Eqs. 2–4;
// Appendix A).

import Dispatch
import Foundation
import Parallel

/// A contiguous run of generated rows (paper Eqs. 2–4), in output order.
///
/// Row i of the block is row `firstRow + i` of the whole data set.
public struct ToyBlock: Sendable, Equatable {
    /// Index of this block's first row in the whole data set.
    public var firstRow: Int
    /// Number of rows in the block.
    public var rowCount: Int
    /// Number of feature columns (`ToyModelConfiguration.featureCount`).
    public var featureCount: Int
    /// Features, row-major `rowCount × featureCount`: x_1..x_n (Eq. 2), then z_1..z_n for `.spurious`.
    public var features: [Double]
    /// Labels R ∈ {+1 (rearranges), −1 (does not)} drawn from Eq. 4.
    public var labels: [Int8]
    /// Temperature T of each row.
    public var temperature: [Double]
    /// 0 = training row, 1 = test row.
    public var split: [UInt8]
    /// True barrier ΔE of each row (Eq. 3; plus `barrierShift` for `.positive`).
    public var energyBarrier: [Double]

    /// Feature j of row i.
    @inlinable public func feature(row i: Int, column j: Int) -> Double { features[i * featureCount + j] }
}

/// Generates a toy data set block by block with bounded memory (paper Sec. II, Eqs. 2–4; App. A).
///
/// Row layout: for each T in `configuration.temperatures` in order, `trainingRows` rows with
/// split = 0 if T is a training temperature, then `testRows` rows with split = 1.
///
/// Reproducibility: every candidate row draws from its own random stream keyed by
/// (seed, T, split, candidate index) — see `ToyRandom.swift` for the exact draw order — so the output
/// is bit-identical for any `threads` and any sequence of `maxRows` values.
///
/// `.positive` (Appendix A): candidates of a (T, split) segment are examined in index order; a
/// candidate with ΔE ≥ 0 is accepted into its class while that class is below its quota
/// (⌈m/2⌉ rows with R = +1, ⌊m/2⌋ with R = −1, for m rows wanted), otherwise skipped. Rows are
/// emitted in acceptance order, so at low T the tail of a segment is mostly R = +1 (shuffle if the
/// order matters to you). If 10^4·m + 10^6 candidates do not fill both quotas,
/// `ToyModelError.acceptanceCapExceeded` is thrown (and again on every later call).
public struct ToyGenerator: Sendable {
    /// The (validated) configuration being generated.
    public let configuration: ToyModelConfiguration
    /// Number of worker threads used for each block.
    public let threads: Int
    /// Rows returned so far.
    public private(set) var rowsEmitted: Int = 0
    /// Total number of rows the generator will return.
    public var totalRows: Int { configuration.totalRows }
    /// True when every row has been returned.
    public var isFinished: Bool { rowsEmitted >= totalRows }

    struct Segment: Sendable {
        var temperature: Double
        var split: UInt8
        var rows: Int
        var key: UInt64
    }

    private let kernel: ToyKernel
    private let segments: [Segment]
    private var segmentIndex = 0
    private var rowInSegment = 0
    private var failure: ToyModelError?

    // Positive-variant acceptance state of the current segment.
    private var nextCandidate = 0
    private var acceptedPlus = 0
    private var acceptedMinus = 0
    private var batchStart = 0
    private var batchCount = 0
    private var batchFeatures: [Double] = []
    private var batchEnergy: [Double] = []
    private var batchLabels: [Int8] = []

    /// Candidates generated per parallel batch in the positive variant (does not affect output).
    static let candidateBatchSize = 1 << 15
    /// Candidate cap per segment: `candidateCapPerRow · m + candidateCapConstant` (tests lower it).
    var candidateCapPerRow = 10_000
    var candidateCapConstant = 1_000_000

    /// Validates `configuration` (throwing its `ToyModelError`) and prepares to stream it.
    /// - Parameter threads: worker threads per block (default: active processor count); ≥ 1.
    public init(_ configuration: ToyModelConfiguration,
                threads: Int = Parallel.threadCount()) throws(ToyModelError) {
        try configuration.validate()
        guard threads >= 1 else { throw .invalidThreadCount(threads) }
        self.configuration = configuration
        self.threads = threads
        self.kernel = ToyKernel(configuration)
        var segments: [Segment] = []
        for t in configuration.temperatures {
            if configuration.trainingTemperatures.contains(t), configuration.trainingRows > 0 {
                segments.append(Segment(temperature: t, split: 0, rows: configuration.trainingRows,
                                        key: toySegmentKey(seed: configuration.seed, temperature: t, split: 0)))
            }
            if configuration.testRows > 0 {
                segments.append(Segment(temperature: t, split: 1, rows: configuration.testRows,
                                        key: toySegmentKey(seed: configuration.seed, temperature: t, split: 1)))
            }
        }
        self.segments = segments
    }

    /// Generates the whole data set as one block (convenient for small N).
    public static func generateAll(_ configuration: ToyModelConfiguration,
                                   threads: Int = Parallel.threadCount())
        throws(ToyModelError) -> ToyBlock
    {
        var generator = try ToyGenerator(configuration, threads: threads)
        return try generator.nextBlock(maxRows: max(1, configuration.totalRows))!
    }

    /// Returns the next `min(maxRows, remaining)` rows (Eqs. 2–4), or nil when all rows are out.
    /// A block may span several (temperature, split) segments. Memory is O(maxRows · featureCount).
    public mutating func nextBlock(maxRows: Int) throws(ToyModelError) -> ToyBlock? {
        if let failure { throw failure }
        guard maxRows >= 1 else { throw .invalidBlockSize(maxRows) }
        let remaining = totalRows - rowsEmitted
        guard remaining > 0 else { return nil }
        let count = min(maxRows, remaining)
        let d = configuration.featureCount

        var features = [Double](unsafeUninitializedCapacity: count * d) { _, n in n = count * d }
        var energy = [Double](unsafeUninitializedCapacity: count) { _, n in n = count }
        var labels = [Int8](unsafeUninitializedCapacity: count) { _, n in n = count }
        var temperature: [Double] = []
        var split: [UInt8] = []
        temperature.reserveCapacity(count)
        split.reserveCapacity(count)

        var error: ToyModelError?
        features.withUnsafeMutableBufferPointer { fb in
            energy.withUnsafeMutableBufferPointer { eb in
                labels.withUnsafeMutableBufferPointer { lb in
                    let out = ToySharedPointers(features: fb.baseAddress!, energy: eb.baseAddress!,
                                                labels: lb.baseAddress!)
                    var filled = 0
                    while filled < count {
                        let segment = segments[segmentIndex]
                        let take = min(count - filled, segment.rows - rowInSegment)
                        if configuration.variant == .positive {
                            if let e = fillPositive(segment, take: take, out: out, offset: filled) {
                                error = e
                                return
                            }
                        } else {
                            fillDirect(segment, first: rowInSegment, take: take, out: out, offset: filled)
                        }
                        temperature.append(contentsOf: repeatElement(segment.temperature, count: take))
                        split.append(contentsOf: repeatElement(segment.split, count: take))
                        filled += take
                        rowInSegment += take
                        if rowInSegment == segment.rows { advanceSegment() }
                    }
                }
            }
        }
        if let error {
            failure = error
            throw error
        }
        let block = ToyBlock(firstRow: rowsEmitted, rowCount: count, featureCount: d, features: features,
                             labels: labels, temperature: temperature, split: split, energyBarrier: energy)
        rowsEmitted += count
        return block
    }

    private mutating func advanceSegment() {
        segmentIndex += 1
        rowInSegment = 0
        nextCandidate = 0
        acceptedPlus = 0
        acceptedMinus = 0
        batchStart = 0
        batchCount = 0
    }

    /// Symmetric and spurious variants: row c of a segment is candidate c.
    private func fillDirect(_ segment: Segment, first: Int, take: Int, out: ToySharedPointers, offset: Int) {
        let kernel = self.kernel
        let d = configuration.featureCount
        let key = segment.key
        let t = segment.temperature
        toyParallelFor(count: take, threads: threads) { range in
            for i in range {
                let row = offset + i
                let (e, label) = kernel.row(key: toyRowKey(segmentKey: key, index: first + i), temperature: t,
                                            into: out.features + row * d)
                out.energy[row] = e
                out.labels[row] = label
            }
        }
    }

    /// Positive variant (Appendix A): sequential acceptance over candidates generated in parallel
    /// batches. Returns an error if the candidate cap is reached.
    private mutating func fillPositive(_ segment: Segment, take: Int, out: ToySharedPointers,
                                       offset: Int) -> ToyModelError? {
        let n = configuration.dimensions
        let quotaPlus = (segment.rows + 1) / 2
        let quotaMinus = segment.rows / 2
        let (capProduct, o1) = candidateCapPerRow.multipliedReportingOverflow(by: segment.rows)
        let (capSum, o2) = capProduct.addingReportingOverflow(candidateCapConstant)
        let cap = (o1 || o2) ? Int.max : capSum

        var written = 0
        while written < take {
            if nextCandidate >= batchStart + batchCount {
                if nextCandidate >= cap {
                    let scarcePlus = acceptedPlus < quotaPlus
                    let accepted = scarcePlus ? acceptedPlus : acceptedMinus
                    return .acceptanceCapExceeded(
                        temperature: segment.temperature, split: segment.split, label: scarcePlus ? 1 : -1,
                        accepted: accepted, needed: scarcePlus ? quotaPlus : quotaMinus,
                        candidates: nextCandidate,
                        acceptanceRate: Double(accepted) / Double(max(nextCandidate, 1)))
                }
                generateBatch(segment, start: nextCandidate,
                              count: min(Self.candidateBatchSize, cap - nextCandidate))
            }
            var c = nextCandidate
            let end = batchStart + batchCount
            batchFeatures.withUnsafeBufferPointer { bf in
                while c < end && written < take {
                    let i = c - batchStart
                    c += 1
                    guard batchEnergy[i] >= 0 else { continue }
                    let label = batchLabels[i]
                    if label == 1 {
                        guard acceptedPlus < quotaPlus else { continue }
                        acceptedPlus += 1
                    } else {
                        guard acceptedMinus < quotaMinus else { continue }
                        acceptedMinus += 1
                    }
                    let row = offset + written
                    (out.features + row * n).update(from: bf.baseAddress! + i * n, count: n)
                    out.energy[row] = batchEnergy[i]
                    out.labels[row] = label
                    written += 1
                }
            }
            nextCandidate = c
        }
        return nil
    }

    /// Generates candidates `start ..< start + count` of a segment into the batch buffers.
    private mutating func generateBatch(_ segment: Segment, start: Int, count: Int) {
        let n = configuration.dimensions
        if batchEnergy.count < count {
            batchFeatures = [Double](repeating: 0, count: count * n)
            batchEnergy = [Double](repeating: 0, count: count)
            batchLabels = [Int8](repeating: 0, count: count)
        }
        let kernel = self.kernel
        let key = segment.key
        let t = segment.temperature
        let threads = self.threads
        batchFeatures.withUnsafeMutableBufferPointer { fb in
            batchEnergy.withUnsafeMutableBufferPointer { eb in
                batchLabels.withUnsafeMutableBufferPointer { lb in
                    let out = ToySharedPointers(features: fb.baseAddress!, energy: eb.baseAddress!,
                                                labels: lb.baseAddress!)
                    toyParallelFor(count: count, threads: threads) { range in
                        for i in range {
                            let (e, label) = kernel.row(key: toyRowKey(segmentKey: key, index: start + i),
                                                        temperature: t, into: out.features + i * n)
                            out.energy[i] = e
                            out.labels[i] = label
                        }
                    }
                }
            }
        }
        batchStart = start
        batchCount = count
    }
}

extension ToyGenerator {
    /// P(R = +1 | ΔE, T) = e^{−ΔE/T} / (1 + e^{−ΔE/T}) (paper Eq. 4), exactly as the generator uses it.
    public static func rearrangementProbability(energyBarrier: Double, temperature: Double) -> Double {
        toyRearrangementProbability(energyBarrier, temperature)
    }
}
