import Testing
@testable import Diagnostics
import Learning
import SeededRandom

/// The bootstrap error of Var(ΔE_inf) (Poisson resampling of the test rows) measures what it says:
/// with the same training rows (so the same SVM and softness), Var(ΔE_inf) on disjoint test sets of
/// one size spreads by about the bootstrap error of one of them. (The test sets are random parts:
/// the toy generator's row order is not random, and every k-th row would give stratified sets that
/// spread less.)
@Suite struct BootstrapCalibrationTests {
    @Test func theBootstrapErrorMatchesTheSpreadOverDisjointTestSets() throws {
        let parts = 16
        let input = try toyInput(trainingRows: 4000, testRows: 1000 * parts, seed: 21)
        let training = (0..<input.rowCount).filter { input.isTraining[$0] }
        var rng = SplitMix64(seed: 5)
        let test = (0..<input.rowCount).filter { !input.isTraining[$0] }.shuffled(using: &rng)
        var variances: [Double] = [], errors: [Double] = []
        for part in 0..<parts {
            let rows = training + test.enumerated().filter { $0.offset % parts == part }.map(\.element)
            let result = try BarrierDiagnostic.run(try input.selectingRows(rows), options: DiagnosticOptions(bootstrapSamples: 20, seed: UInt64(part)))
            variances.append(try #require(result.varianceOfInferredBarrier))
            errors.append(try #require(result.varianceError))
            #expect(result.bootstrapReplicates == 20)
        }
        let spread = try #require(Statistics.meanAndSampleSD(variances)).sd
        let error = errors.reduce(0, +) / Double(parts)
        print("Var(ΔE_inf) over \(parts) disjoint test sets: sd \(spread); mean bootstrap error \(error)")
        #expect(error > 0.6 * spread && error < 1.6 * spread, "bootstrap error \(error) vs spread \(spread)")
    }
}
