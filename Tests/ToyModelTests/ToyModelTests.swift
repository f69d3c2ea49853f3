// Tests of the toy-model generator (paper Sec. II, Eqs. 2–4; Appendix A).

import Foundation
import Testing
@testable import ToyModel

// MARK: - Helpers

/// Concatenates every block of a generator run with the given block size.
private func generate(_ c: ToyModelConfiguration, threads: Int, blockSize: Int) throws -> ToyBlock {
    var g = try ToyGenerator(c, threads: threads)
    var all = ToyBlock(firstRow: 0, rowCount: 0, featureCount: c.featureCount, features: [], labels: [],
                       temperature: [], split: [], energyBarrier: [])
    while let b = try g.nextBlock(maxRows: blockSize) {
        #expect(b.firstRow == all.rowCount)
        #expect(b.rowCount <= blockSize)
        #expect(b.features.count == b.rowCount * c.featureCount)
        #expect(b.labels.count == b.rowCount && b.temperature.count == b.rowCount)
        #expect(b.split.count == b.rowCount && b.energyBarrier.count == b.rowCount)
        all.rowCount += b.rowCount
        all.features += b.features
        all.labels += b.labels
        all.temperature += b.temperature
        all.split += b.split
        all.energyBarrier += b.energyBarrier
    }
    #expect(g.isFinished && g.rowsEmitted == c.totalRows)
    #expect(try g.nextBlock(maxRows: blockSize) == nil)
    return all
}

/// Bitwise equality (distinguishes −0.0 from 0.0, which `==` on Double does not).
private func bitIdentical(_ a: ToyBlock, _ b: ToyBlock) -> Bool {
    a.rowCount == b.rowCount && a.featureCount == b.featureCount
        && a.features.map(\.bitPattern) == b.features.map(\.bitPattern)
        && a.energyBarrier.map(\.bitPattern) == b.energyBarrier.map(\.bitPattern)
        && a.temperature.map(\.bitPattern) == b.temperature.map(\.bitPattern)
        && a.labels == b.labels && a.split == b.split
}

private func column(_ b: ToyBlock, _ j: Int) -> [Double] {
    (0..<b.rowCount).map { b.features[$0 * b.featureCount + j] }
}

private func meanVariance(_ v: [Double]) -> (mean: Double, variance: Double) {
    let m = v.reduce(0, +) / Double(v.count)
    let s = v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
    return (m, s / Double(v.count - 1))
}

private func expectThrows(_ expected: ToyModelError, _ c: ToyModelConfiguration,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try c.validate()
        Issue.record("expected \(expected), but the configuration validated", sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
        #expect(!error.description.isEmpty, sourceLocation: sourceLocation)
    }
    #expect(throws: expected, sourceLocation: sourceLocation) { _ = try ToyGenerator(c, threads: 1) }
}

// MARK: - Configuration

@Test func defaultsMatchThePaper() throws {
    let s = ToyModelConfiguration.defaults(for: .symmetric)
    #expect(s.relevantDimensions == 10 && s.noiseDimensions == 4 && s.alpha == 1.2 && s.seed == 1)
    #expect(s.temperatures == [0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0] && s.trainingTemperatures == [0.4])
    #expect(s.trainingRows == 10_000 && s.testRows == 10_000)
    #expect(s.featureCount == 14)
    #expect(s.featureNames == (1...14).map { String(format: "x%02d", $0) })
    #expect(s.trueWeights == Array(repeating: 1.2, count: 10) + Array(repeating: 0, count: 4))
    #expect(s.totalRows == 10_000 + 7 * 10_000)
    #expect(s.barrierShift == 0)
    try s.validate()

    let p = ToyModelConfiguration.defaults(for: .positive)
    #expect(p.featureCount == 14)
    #expect(abs(p.barrierShift - 2 * (14.4).squareRoot()) < 1e-12)

    let z = ToyModelConfiguration.defaults(for: .spurious)
    #expect(z.noiseDimensions == 0 && z.featureCount == 20)
    #expect(z.featureNames == (1...10).map { String(format: "x%02d", $0) } + (1...10).map { String(format: "z%02d", $0) })
    #expect(z.trueWeights == Array(repeating: 1.2, count: 10) + Array(repeating: 0, count: 10))

    var wide = s
    wide.noiseDimensions = 95
    #expect(wide.featureNames.first == "x001" && wide.featureNames.last == "x105")
}

@Test func validationErrors() {
    var c = ToyModelConfiguration(trainingRows: 10, testRows: 10)

    c.relevantDimensions = 0
    expectThrows(.invalidRelevantDimensions(0), c)
    c.relevantDimensions = 10

    c.noiseDimensions = -1
    expectThrows(.invalidNoiseDimensions(-1), c)
    c.noiseDimensions = 4

    c.alpha = .nan
    do { try c.validate(); Issue.record("NaN alpha accepted") } catch {
        guard case .invalidAlpha(let a) = error, a.isNaN else { Issue.record("wrong error \(error)"); return }
    }
    c.alpha = .infinity
    expectThrows(.invalidAlpha(.infinity), c)
    c.alpha = 1.2

    var e = c
    e.temperatures = []
    e.trainingTemperatures = []
    expectThrows(.emptyTemperatureList, e)

    for bad in [0.0, -0.4, .infinity] {
        var t = c
        t.temperatures = [bad, 0.4]
        expectThrows(.invalidTemperature(bad), t)
    }
    var nanT = c
    nanT.temperatures = [0.4, .nan]
    #expect(throws: ToyModelError.self) { try nanT.validate() }

    var dup = c
    dup.temperatures = [0.3, 0.4, 0.3]
    expectThrows(.duplicateTemperature(0.3), dup)
    var dupTrain = c
    dupTrain.trainingTemperatures = [0.4, 0.4]
    expectThrows(.duplicateTemperature(0.4), dupTrain)

    var missing = c
    missing.trainingTemperatures = [0.45]
    expectThrows(.trainingTemperatureNotInList(0.45, available: c.temperatures), missing)

    var negTrain = c
    negTrain.trainingRows = -1
    expectThrows(.negativeRowCount(name: "trainingRows", value: -1), negTrain)
    var negTest = c
    negTest.testRows = -5
    expectThrows(.negativeRowCount(name: "testRows", value: -5), negTest)

    var none = c
    none.trainingRows = 0
    none.testRows = 0
    expectThrows(.noRows(trainingRows: 0, trainingTemperatureCount: 1, testRows: 0), none)
    var noTrainingTemps = c
    noTrainingTemps.trainingTemperatures = []
    noTrainingTemps.testRows = 0
    expectThrows(.noRows(trainingRows: 10, trainingTemperatureCount: 0, testRows: 0), noTrainingTemps)

    var huge = c
    huge.testRows = Int.max / 2
    expectThrows(.tooManyRows, huge)

    #expect(throws: ToyModelError.invalidThreadCount(0)) { _ = try ToyGenerator(c, threads: 0) }
    #expect(throws: ToyModelError.invalidBlockSize(0)) {
        var g = try ToyGenerator(c, threads: 1)
        _ = try g.nextBlock(maxRows: 0)
    }

    // Messages name the offending value.
    #expect(ToyModelError.invalidTemperature(-0.4).description.contains("-0.4"))
    #expect(ToyModelError.trainingTemperatureNotInList(0.45, available: [0.3, 0.4]).description.contains("0.45"))
}

// MARK: - Layout

@Test(arguments: ToyVariant.allCases)
func rowLayout(variant: ToyVariant) throws {
    var c = ToyModelConfiguration.defaults(for: variant)
    c.temperatures = [1.0, 0.5, 0.8]
    c.trainingTemperatures = [0.8, 1.0]
    c.trainingRows = 5
    c.testRows = 7
    #expect(c.totalRows == 2 * 5 + 3 * 7)
    let b = try generate(c, threads: 2, blockSize: 4)
    #expect(b.rowCount == 31)
    let expectedT = [Double](repeating: 1.0, count: 12) + [Double](repeating: 0.5, count: 7)
        + [Double](repeating: 0.8, count: 12)
    let expectedSplit: [UInt8] = [UInt8](repeating: 0, count: 5) + [UInt8](repeating: 1, count: 7)
        + [UInt8](repeating: 1, count: 7) + [UInt8](repeating: 0, count: 5) + [UInt8](repeating: 1, count: 7)
    #expect(b.temperature == expectedT)
    #expect(b.split == expectedSplit)
    #expect(b.labels.allSatisfy { $0 == 1 || $0 == -1 })

    // Only test rows when there are no training rows.
    c.trainingRows = 0
    let t = try ToyGenerator.generateAll(c, threads: 1)
    #expect(t.rowCount == 21 && t.split.allSatisfy { $0 == 1 })
}

// MARK: - Statistics of the symmetric model

@Test func featureMomentsAndBarrierVariance() throws {
    var c = ToyModelConfiguration.defaults(for: .symmetric)
    c.temperatures = [1.0]
    c.trainingTemperatures = [1.0]
    c.trainingRows = 100_000
    c.testRows = 100_000
    let b = try ToyGenerator.generateAll(c, threads: 4)
    let n = Double(b.rowCount)
    #expect(b.rowCount == 200_000 && b.featureCount == 14)

    var columns: [[Double]] = []
    for j in 0..<14 {
        let col = column(b, j)
        columns.append(col)
        let (m, v) = meanVariance(col)
        #expect(abs(m) < 5 / n.squareRoot(), "mean of x\(j + 1) = \(m)")
        #expect(abs(v - 1) < 5 * (2 / n).squareRoot(), "variance of x\(j + 1) = \(v)")
        // Fourth moment of a Gaussian is 3 (checks the shape, not only the first two moments).
        let k4 = col.reduce(0) { $0 + $1 * $1 * $1 * $1 } / n
        #expect(abs(k4 - 3) < 5 * (96 / n).squareRoot(), "E[x^4] of x\(j + 1) = \(k4)")
    }
    // Independent columns: correlation ≈ 0 (SE 1/sqrt(n)).
    for (i, k) in [(0, 1), (0, 13), (5, 9), (12, 13)] {
        let r = zip(columns[i], columns[k]).reduce(0) { $0 + $1.0 * $1.1 } / n
        #expect(abs(r) < 5 / n.squareRoot(), "corr(x\(i + 1), x\(k + 1)) = \(r)")
    }

    // ΔE = Σ α_j x_j (Eq. 3), Var(ΔE) = 10 · 1.2² = 14.4.
    for i in stride(from: 0, to: b.rowCount, by: 997) {
        let e = (0..<10).reduce(0.0) { $0 + 1.2 * b.features[i * 14 + $1] }
        #expect(abs(e - b.energyBarrier[i]) < 1e-12 * max(1, abs(e)))
    }
    let (mE, vE) = meanVariance(b.energyBarrier)
    #expect(abs(mE) < 5 * (14.4 / n).squareRoot())
    #expect(abs(vE - 14.4) < 5 * 14.4 * (2 / n).squareRoot(), "Var(ΔE) = \(vE)")
    #expect(b.labels.allSatisfy { $0 == 1 || $0 == -1 })
    // Symmetric barriers: classes balanced on average.
    let plus = Double(b.labels.filter { $0 == 1 }.count)
    #expect(abs(plus / n - 0.5) < 5 * (0.25 / n).squareRoot())
}

@Test func oddDimensionCountAndNoiseOnly() throws {
    var c = ToyModelConfiguration(relevantDimensions: 3, noiseDimensions: 2, alpha: 0.7,
                                  temperatures: [0.5], trainingTemperatures: [], trainingRows: 0,
                                  testRows: 40_000, seed: 99)
    let b = try ToyGenerator.generateAll(c, threads: 3)
    let n = Double(b.rowCount)
    for j in 0..<5 {
        let (m, v) = meanVariance(column(b, j))
        #expect(abs(m) < 5 / n.squareRoot() && abs(v - 1) < 5 * (2 / n).squareRoot())
    }
    let (_, vE) = meanVariance(b.energyBarrier)
    #expect(abs(vE - 3 * 0.49) < 5 * 1.47 * (2 / n).squareRoot())
    c.alpha = 0   // ΔE ≡ 0 → P(R=+1) = 1/2 exactly
    let z = try ToyGenerator.generateAll(c, threads: 1)
    #expect(z.energyBarrier.allSatisfy { $0 == 0 })
    #expect(abs(Double(z.labels.filter { $0 == 1 }.count) / n - 0.5) < 5 * (0.25 / n).squareRoot())
}

/// Eq. 4: logit P(R = +1 | ΔE) = −ΔE/T, checked in bins of ΔE.
@Test(arguments: [0.4, 1.0])
func empiricalLogitFollowsEquation4(temperature t: Double) throws {
    var c = ToyModelConfiguration.defaults(for: .symmetric)
    c.temperatures = [t]
    c.trainingTemperatures = []
    c.trainingRows = 0
    c.testRows = 100_000
    c.seed = 7
    let b = try ToyGenerator.generateAll(c, threads: 2)

    let width = 0.1 * t
    let lo = -3.5 * t
    let binCount = Int((7.0 * t / width).rounded())
    var count = [Double](repeating: 0, count: binCount)
    var plus = [Double](repeating: 0, count: binCount)
    var sumE = [Double](repeating: 0, count: binCount)
    var sumP = [Double](repeating: 0, count: binCount)
    for i in 0..<b.rowCount {
        let e = b.energyBarrier[i]
        let k = Int(((e - lo) / width).rounded(.down))
        guard k >= 0 && k < binCount else { continue }
        count[k] += 1
        sumE[k] += e
        sumP[k] += ToyGenerator.rearrangementProbability(energyBarrier: e, temperature: t)
        if b.labels[i] == 1 { plus[k] += 1 }
    }
    // Per bin: empirical logit vs −⟨ΔE⟩/T, tolerance 5 standard errors plus the (tiny) bias of
    // comparing logit⟨p⟩ with −⟨ΔE⟩/T in a bin of width 0.1 T.
    var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, sw = 0.0
    var checked = 0
    for k in 0..<binCount where count[k] >= 200 && plus[k] >= 20 && count[k] - plus[k] >= 20 {
        let meanE = sumE[k] / count[k]
        let pBar = sumP[k] / count[k]
        let se = 1 / (count[k] * pBar * (1 - pBar)).squareRoot()
        let empirical = log(plus[k] / (count[k] - plus[k]))
        #expect(abs(empirical - (-meanE / t)) < 5 * se + 0.01,
                "T = \(t), bin ⟨ΔE⟩ = \(meanE): logit \(empirical) vs \(-meanE / t) ± \(se)")
        let w = 1 / (se * se)
        sw += w; sx += w * meanE; sy += w * empirical; sxx += w * meanE * meanE; sxy += w * meanE * empirical
        checked += 1
    }
    #expect(checked >= 30)
    // Weighted least-squares slope of the logit against ΔE: −1/T.
    let slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx)
    let intercept = (sy - slope * sx) / sw
    #expect(abs(slope * t + 1) < 0.05, "slope \(slope), expected \(-1 / t)")
    #expect(abs(intercept) < 0.05, "intercept \(intercept)")
}

// MARK: - Spurious variant

@Test func spuriousColumnsAreExact() throws {
    var c = ToyModelConfiguration.defaults(for: .spurious)
    c.temperatures = [0.4, 1.0]
    c.trainingRows = 3_000
    c.testRows = 3_000
    let b = try ToyGenerator.generateAll(c, threads: 2)
    #expect(b.featureCount == 20 && b.rowCount == 9_000)
    var maxError = 0.0
    for i in 0..<b.rowCount {
        let x = Array(b.features[(i * 20)..<(i * 20 + 10)])
        let s = x.reduce(0, +)
        for j in 0..<10 {
            let z = b.features[i * 20 + 10 + j]
            maxError = max(maxError, abs(z - x[j] * x[j] * s) / max(1, abs(z)))
        }
        let e = x.reduce(0) { $0 + 1.2 * $1 }
        #expect(abs(e - b.energyBarrier[i]) < 1e-12 * max(1, abs(e)))
    }
    #expect(maxError <= 1e-12)
    // The z's are correlated with the x's (E[x_j z_j] = E[x_j^4] = 3) but are not the x's.
    let r = (0..<b.rowCount).reduce(0.0) { $0 + b.features[$1 * 20] * b.features[$1 * 20 + 10] } / Double(b.rowCount)
    #expect(abs(r - 3) < 1.5)
}

// MARK: - Positive variant (Appendix A)

@Test func positiveVariantIsPositiveAndBalanced() throws {
    var c = ToyModelConfiguration.defaults(for: .positive)
    c.temperatures = [0.3, 0.4, 1.0]
    c.trainingTemperatures = [0.4]
    c.trainingRows = 2_001
    c.testRows = 1_500
    let b = try generate(c, threads: 2, blockSize: 1_000)
    #expect(b.rowCount == 2_001 + 3 * 1_500)
    #expect(b.energyBarrier.allSatisfy { $0 >= 0 })
    let shift = c.barrierShift
    for i in stride(from: 0, to: b.rowCount, by: 7) {
        let e = (0..<10).reduce(0.0) { $0 + 1.2 * b.features[i * 14 + $1] } + shift
        #expect(abs(e - b.energyBarrier[i]) < 1e-12 * max(1, abs(e)))
    }
    for t in c.temperatures {
        for s: UInt8 in [0, 1] {
            let rows = (0..<b.rowCount).filter { b.temperature[$0] == t && b.split[$0] == s }
            let m = s == 0 ? (t == 0.4 ? 2_001 : 0) : 1_500
            #expect(rows.count == m)
            let plus = rows.filter { b.labels[$0] == 1 }.count
            let minus = rows.filter { b.labels[$0] == -1 }.count
            #expect(plus == (m + 1) / 2 && minus == m / 2, "T = \(t), split \(s): \(plus) vs \(minus)")
            if m > 0 {
                // Rearranging rows have lower barriers (Eq. 4).
                let ePlus = rows.filter { b.labels[$0] == 1 }.map { b.energyBarrier[$0] }.reduce(0, +) / Double(plus)
                let eMinus = rows.filter { b.labels[$0] == -1 }.map { b.energyBarrier[$0] }.reduce(0, +) / Double(minus)
                #expect(ePlus < eMinus)
            }
        }
    }
    // Non-rearranging rows at high T are nearly the truncated, shifted Gaussian: mean ΔE well above 0.
    let highT = (0..<b.rowCount).filter { b.temperature[$0] == 1.0 && b.labels[$0] == -1 }.map { b.energyBarrier[$0] }
    #expect(meanVariance(highT).mean > shift)
}

@Test func positiveVariantCapErrorNamesTemperatureAndRate() throws {
    var c = ToyModelConfiguration.defaults(for: .positive)
    c.temperatures = [1.0, 1e-4]
    c.trainingTemperatures = []
    c.trainingRows = 0
    c.testRows = 100
    var g = try ToyGenerator(c, threads: 2)
    g.candidateCapPerRow = 10
    g.candidateCapConstant = 2_000
    // T = 1: quotas fill easily.
    let first = try g.nextBlock(maxRows: 100)
    #expect(first?.rowCount == 100)
    do {
        _ = try g.nextBlock(maxRows: 100)
        Issue.record("expected the candidate cap to be hit at T = 1e-4")
    } catch {
        guard case let .acceptanceCapExceeded(t, split, label, accepted, needed, candidates, rate) = error else {
            Issue.record("wrong error \(error)")
            return
        }
        #expect(t == 1e-4 && split == 1 && label == 1 && needed == 50)
        #expect(candidates == 10 * 100 + 2_000)
        #expect(accepted < needed && rate == Double(accepted) / Double(candidates))
        #expect(error.description.contains("T = 0.0001"))
        #expect(error.description.contains("acceptance rate"))
    }
    // The generator stays failed.
    #expect(throws: ToyModelError.self) { _ = try g.nextBlock(maxRows: 10) }
}

// MARK: - Reproducibility

@Test(arguments: ToyVariant.allCases)
func sameSeedSameDataForAnyThreadsAndBlockSize(variant: ToyVariant) throws {
    var c = ToyModelConfiguration.defaults(for: variant)
    c.temperatures = [0.4, 0.6, 1.0]
    c.trainingRows = 3_000
    c.testRows = 2_000
    let reference = try ToyGenerator.generateAll(c, threads: 1)
    #expect(reference.rowCount == 9_000)
    let fourThreads = try ToyGenerator.generateAll(c, threads: 4)
    #expect(bitIdentical(reference, fourThreads))
    let blocks = try generate(c, threads: 4, blockSize: 777)
    #expect(bitIdentical(reference, blocks))
    let singleRows = try generate(c, threads: 1, blockSize: variant == .positive ? 1 : 1_999)
    #expect(bitIdentical(reference, singleRows))

    var other = c
    other.seed = 2
    let different = try ToyGenerator.generateAll(other, threads: 4)
    #expect(different.rowCount == reference.rowCount)
    #expect(different.temperature == reference.temperature && different.split == reference.split)
    let same = zip(reference.features, different.features).filter { $0 == $1 }.count
    #expect(same == 0)
    #expect(reference.energyBarrier != different.energyBarrier)
    #expect(reference.labels != different.labels)
}

@Test func rowsAtATemperatureDoNotDependOnTheOtherTemperatures() throws {
    var c = ToyModelConfiguration(temperatures: [0.4, 1.0], trainingTemperatures: [0.4],
                                  trainingRows: 500, testRows: 500)
    let a = try ToyGenerator.generateAll(c, threads: 1)
    c.temperatures = [0.3, 1.0, 0.4]
    let b = try ToyGenerator.generateAll(c, threads: 2)
    let rowsA = (0..<a.rowCount).filter { a.temperature[$0] == 0.4 }
    let rowsB = (0..<b.rowCount).filter { b.temperature[$0] == 0.4 }
    #expect(rowsA.count == 1_000 && rowsB.count == 1_000)
    #expect(rowsA.map { a.energyBarrier[$0] } == rowsB.map { b.energyBarrier[$0] })
    #expect(rowsA.map { a.labels[$0] } == rowsB.map { b.labels[$0] })
    // Training and test rows at the same temperature are different draws.
    let train = (0..<a.rowCount).filter { a.temperature[$0] == 0.4 && a.split[$0] == 0 }.map { a.energyBarrier[$0] }
    let test = (0..<a.rowCount).filter { a.temperature[$0] == 0.4 && a.split[$0] == 1 }.map { a.energyBarrier[$0] }
    #expect(Set(train).isDisjoint(with: Set(test)))
}
