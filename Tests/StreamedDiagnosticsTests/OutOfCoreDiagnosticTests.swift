import Foundation
import Testing
@testable import Diagnostics
@testable import StreamedDiagnostics
import Learning

/// Features served from memory in pieces, as a file would serve them; optionally failing at a row.
struct ArrayFeatureRows: FeatureRowReader {
    let matrix: DenseMatrix
    var failingRow: Int? = nil
    var rowCount: Int { matrix.rows }
    var featureCount: Int { matrix.columns }

    struct ReadFailure: Error, CustomStringConvertible {
        let row: Int
        var description: String { "table.h5: /features: row \(row) cannot be read" }
    }

    func features(_ range: Range<Int>) throws -> [Double] {
        if let failingRow, range.contains(failingRow) { throw ReadFailure(row: failingRow) }
        let d = matrix.columns
        return matrix.withUnsafeBufferPointer { Array($0[(range.lowerBound * d)..<(range.upperBound * d)]) }
    }
}

/// `BarrierDiagnostic.runStreamed` (out of core): for any piece size and thread count, every number
/// equals the in-memory `run` on the same rows bit for bit — standardization, SVM, per-row
/// softness, logistic fits, Arrhenius lines, accuracies, variance and its bootstrap error, truth
/// check — including rows left out of a balanced sample; a read failure is an error naming the row.
@Suite struct OutOfCoreDiagnosticTests {
    /// The streamed form of `input`; `unused` rows are training rows outside the balanced sample.
    static func streamed(_ input: DiagnosticInput, unused: Set<Int> = [], failingRow: Int? = nil) throws -> StreamedDiagnosticInput {
        var temperatures: [Double] = [], index: [UInt16] = []
        for t in input.temperature {
            if let k = temperatures.firstIndex(of: t) { index.append(UInt16(k)) } else {
                index.append(UInt16(temperatures.count))
                temperatures.append(t)
            }
        }
        let roles: [StreamedDiagnosticInput.Role] = (0..<input.rowCount).map {
            input.isTraining[$0] ? (unused.contains($0) ? .unused : .training) : .test
        }
        let energy = input.energyBarrier.map { e in (0..<input.rowCount).filter { !input.isTraining[$0] }.map { e[$0] } }
        return try StreamedDiagnosticInput(features: ArrayFeatureRows(matrix: input.features, failingRow: failingRow),
                                           featureNames: input.featureNames, labels: input.labels.map { Int8($0) },
                                           temperatureIndex: index, temperatures: temperatures, roles: roles,
                                           testEnergyBarrier: energy, testPopulation: input.testPopulation)
    }

    static func expectSame(_ streamed: StreamedDiagnosticResult, _ reference: DiagnosticResult) {
        let r = streamed.result
        #expect(r.standardization == reference.standardization)
        #expect(r.model.weights == reference.model.weights && r.model.bias == reference.model.bias)
        #expect(r.model.report.iterations == reference.model.report.iterations)
        if case let .float64(s) = streamed.softness { #expect(s == reference.softness) } else { Issue.record("float64 asked for") }
        #expect(r.logistic == reference.logistic)
        #expect(r.arrhenius?.a0 == reference.arrhenius?.a0 && r.arrhenius?.b1 == reference.arrhenius?.b1)
        #expect(r.arrhenius?.grid.map(\.softness) == reference.arrhenius?.grid.map(\.softness))
        #expect(r.accuracyByTemperature == reference.accuracyByTemperature)
        #expect(r.trainingAccuracy == reference.trainingAccuracy && r.testAccuracy == reference.testAccuracy)
        #expect(r.varianceOfInferredBarrier == reference.varianceOfInferredBarrier)
        #expect(r.varianceError == reference.varianceError && r.bootstrapReplicates == reference.bootstrapReplicates)
        #expect(r.truth?.slope == reference.truth?.slope && r.truth?.r2 == reference.truth?.r2)
        #expect(r.warnings == reference.warnings && r.caveats == reference.caveats)
        #expect(r.empiricalRates == reference.empiricalRates)
        #expect(r.trainingRowCount == reference.trainingRowCount && r.testRowCount == reference.testRowCount)
    }

    /// `testRowBuffer` below the test rows sorts them through a temporary file.
    @Test(arguments: [(1, 1, nil), (7, 2, 1), (1000, 2, 333), (1 << 16, 1, 4899)] as [(Int, Int, Int?)])
    func streamedEqualsInMemoryBitForBit(pieceRows: Int, threads: Int, testRowBuffer: Int?) throws {
        let input = try toyInput(trainingRows: 6000, testRows: 700)
        var options = DiagnosticOptions(bootstrapSamples: 4)
        options.svm.threadCount = threads
        let reference = try BarrierDiagnostic.run(input, options: options)
        var lines: [String] = []
        let streamed = try BarrierDiagnostic.runStreamed(Self.streamed(input), options: options, softnessStorage: .float64,
                                                         pieceRows: pieceRows, memory: OutOfCoreMemory(testRowBuffer: testRowBuffer),
                                                         progress: { lines.append($0) })
        #expect(lines.contains { $0.contains("temporary file") } == (testRowBuffer != nil), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("logistic fits at 7 temperatures (") } && lines.contains { $0.hasPrefix("bootstrap: 4 replicates (") },
                "a line per stage after the softness: \(lines)")
        Self.expectSame(streamed, reference)
        #expect(streamed.passes >= 4 + reference.model.report.iterations,
                "two standardization passes, one per Newton evaluation (≥ iterations + 1), one softness pass")
    }

    @Test func rowsOutsideTheBalancedSampleAreLeftOutAsInMemory() throws {
        let input = try toyInput(trainingRows: 4000, testRows: 500, seed: 3)
        let unused = Set((0..<input.rowCount).filter { input.isTraining[$0] && $0 % 3 == 0 })
        let kept = (0..<input.rowCount).filter { !unused.contains($0) }
        var options = DiagnosticOptions(bootstrapSamples: 3)
        options.svm.threadCount = 2
        let reference = try BarrierDiagnostic.run(try input.selectingRows(kept), options: options)
        let streamed = try BarrierDiagnostic.runStreamed(Self.streamed(input, unused: unused), options: options,
                                                         softnessStorage: .float64, pieceRows: 333)
        Self.expectSame(streamed, reference)
        #expect(streamed.softness.count == kept.count)
    }

    @Test func float32SoftnessIsTheRoundedFloat64() throws {
        let input = try toyInput(trainingRows: 3000, testRows: 300)
        let options = DiagnosticOptions(bootstrapSamples: 0)
        let reference = try BarrierDiagnostic.run(input, options: options)
        let streamed = try BarrierDiagnostic.runStreamed(Self.streamed(input), options: options, softnessStorage: .float32, pieceRows: 500)
        guard case let .float32(s) = streamed.softness else { Issue.record("float32 asked for"); return }
        #expect(s == reference.softness.map { Float($0) })
    }

    @Test func aFailingReadIsAnErrorNamingTheRow() throws {
        let input = try toyInput(trainingRows: 3000, testRows: 300)
        let broken = try Self.streamed(input, failingRow: 4321)
        #expect(throws: DiagnosticError.self) { try BarrierDiagnostic.runStreamed(broken, pieceRows: 1000) }
        do {
            _ = try BarrierDiagnostic.runStreamed(broken, pieceRows: 1000)
        } catch {
            #expect("\(error)".contains("table.h5: /features: row 4321"), "\(error)")
        }
    }

    @Test func theMemoryEstimateCountsRowsTestRowsAndPieces() {
        let bytes = BarrierDiagnostic.streamedMemory(rows: 100_000_000, testRows: 10_000_000, features: 20, pieceRows: 1 << 16,
                                                     threads: 2, softnessBytes: 4)
        #expect(bytes == 100_000_000 * 8 + (1 << 20) * 48 + 2 * 2 * 65536 * 160, "test rows beyond 2^20 go to a temporary file")
        #expect(BarrierDiagnostic.streamedMemory(rows: Int.max / 2, testRows: 1, features: 1, pieceRows: 1, threads: 1, softnessBytes: 8) == Int.max / 2)
    }

    /// With bootstrap replicates: the same resample (copies of rows, read again for every pass)
    /// and bitwise the same error bars and choices, with the SVM streamed (spare 0, pieces that
    /// split blocks and the copies of a row) or fitted on gathered rows, rows outside a balanced
    /// sample left out.
    @Test(arguments: [(0, 1, 0), (0, 777, 1), (1 << 30, 500, 1)])
    func rfeOutOfCoreEqualsInMemoryStepByStep(spare: Int, pieceRows: Int, everyThirdUnused: Int) throws {
        let input = try toyInput(variant: .spurious, trainingRows: 3000, testRows: 300)
        let unused = Set((0..<input.rowCount).filter { everyThirdUnused == 1 && input.isTraining[$0] && $0 % 3 == 0 })
        let options = DiagnosticOptions(bootstrapSamples: 3)
        let reference = try RecursiveFeatureElimination.run(input.selectingRows((0..<input.rowCount).filter { !unused.contains($0) }),
                                                            options: options, minimumFeatures: 15)
        var lines: [String] = []
        let streamed = try RecursiveFeatureElimination.runStreamed(Self.streamed(input, unused: unused), options: options,
                                                                   minimumFeatures: 15, pieceRows: pieceRows,
                                                                   memory: OutOfCoreMemory(spare: spare), log: { lines.append($0) })
        #expect(streamed.steps.count == reference.steps.count && streamed.steps.count == input.featureCount - 14)
        for (a, b) in zip(streamed.steps, reference.steps) {
            #expect(a.kept == b.kept && a.removed == b.removed && a.weights == b.weights)
            #expect(a.variance == b.variance && a.testAccuracy == b.testAccuracy && a.slope == b.slope)
            #expect(a.varianceError == b.varianceError && a.varianceError != nil && a.timesChosen == b.timesChosen)
        }
        #expect(streamed.recommended == reference.recommended && streamed.peakIndex == reference.peakIndex)
        #expect(streamed.replicates == 3 && reference.replicates == 3 && streamed.warnings == reference.warnings)
        #expect(lines.filter { $0.hasPrefix("bootstrap replicate ") }.count == 3, "\(lines)")
        #expect(lines.contains { $0.contains("one pass over the table per Newton evaluation") } == (spare == 0), "\(lines)")
    }

    /// A replicate's rows counted with their copies: row r appears copies[r] times, in table
    /// order, for any piece size; the training rows of a replicate keep each temperature's count.
    @Test(arguments: [1, 5, 4096, 10_000])
    func streamedTrainingRowsRepeatEachRowAsOftenAsItIsDrawn(pieceRows: Int) throws {
        let input = try toyInput(trainingRows: 9000, testRows: 300)
        let streamed = try Self.streamed(input)
        let copies = RecursiveFeatureElimination.replicateCopies(streamed, seed: 7, replicate: 2)
        var expected: [Int] = []
        for r in 0..<input.rowCount where input.isTraining[r] { expected += Array(repeating: r, count: Int(copies[r])) }
        #expect(expected.count == (0..<input.rowCount).filter { input.isTraining[$0] }.count, "a resample keeps the count")
        #expect(copies.contains(0) && copies.contains { $0 >= 2 }, "rows left out and rows drawn twice")
        var analysis = StreamedAnalysis(input: streamed, pieceRows: pieceRows, memory: OutOfCoreMemory(), progress: nil)
        let prepared = try analysis.prepare(roles: streamed.roles, copies: copies)
        let st = try prepared.standardization([0], names: input.featureNames)
        let source = StreamedTrainingRows(input: streamed, prepared: prepared, columns: [0], standardization: st, pieceRows: pieceRows)
        #expect(source.rowCount == expected.count)
        for range in [0..<expected.count, 4095..<4097, 4096..<8193, 1..<2, (expected.count - 3)..<expected.count] {
            var seen: [Double] = []
            try source.forEachPiece(of: range) { view, _ in
                let z = view.materialize()
                seen += (0..<z.rows).map { z[$0, 0] }
            }
            let want = range.map { (input.features[expected[$0], 0] - st.means[0]) * (1 / st.standardDeviations[0]) }
            #expect(seen == want, "rows \(range)")
        }
    }

    @Test(arguments: [0, 1 << 30])
    func scanOutOfCoreEqualsInMemoryCellByCell(trainingMemory: Int) throws {
        let input = try toyInput(trainingRows: 4000, testRows: 300)
        let options = DiagnosticOptions(bootstrapSamples: 0)
        let sizes = [200, 1500], cs = [0.1, 1.0], seeds: [UInt64] = [1, 2]
        let reference = try Scan.run(input, trainingSizes: sizes, cValues: cs, seeds: seeds, options: options)
        let streamed = try Scan.runStreamed(Self.streamed(input), trainingSizes: sizes, cValues: cs, seeds: seeds, options: options,
                                            pieceRows: 500, memory: OutOfCoreMemory(spare: trainingMemory))
        #expect(streamed.count == 4)
        for (a, b) in zip(streamed, reference) {
            #expect(a.n == b.n && a.c == b.c && a.slopes == b.slopes && a.accuracies == b.accuracies && a.variances == b.variances)
        }
        #expect(throws: DiagnosticError.self) {
            try Scan.runStreamed(Self.streamed(input), trainingSizes: [5_000_000], cValues: cs, seeds: seeds)
        }
    }
}
