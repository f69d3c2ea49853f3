/// Function value, gradient and explicit generalized Hessian of the squared-hinge primal
///
///     f(w̃) = 0.5·‖w̃‖² + C·Σᵢ max(0, 1 − yᵢ·w̃·x̃ᵢ)²,   x̃ᵢ = (xᵢ, 1),
///     ∇f   = w̃ − 2C·Σ_{i∈A} yᵢ·(1 − mᵢ)·x̃ᵢ,
///     H    = I + 2C·Σ_{i∈A} x̃ᵢ x̃ᵢᵀ,                 A = {i : mᵢ = yᵢ·w̃·x̃ᵢ < 1}
///
/// (Lin, Weng & Keerthi 2008, eqs. for L2-loss SVM; Mangasarian's generalized Hessian),
/// all three in ONE pass over the data. Rows are split into fixed `RowBlocks`; each block
/// accumulates its own partial sums (gathering active rows, 64 at a time, into a feature-major
/// scratch tile and doing SIMD dot products for the rank-64 update), and the partials are added
/// in block order, so the result is bitwise independent of the number of threads.
///
/// The data are a `TrainingView`: rows of a view that is not the raw matrix itself (row or
/// column subset, standardization) are computed as they are loaded, four at a time, into a small
/// per-block staging buffer, with the same operations as `TrainingView.materialize()`, so the
/// result is bitwise that of the materialized matrix.
final class SquaredHingeEvaluator: SquaredHingeObjective {
    let x: TrainingView
    let labels: [Double]
    let threads: Int?
    private var sums: SquaredHingeSums

    static let tile = 64

    init(x: TrainingView, labels: [Double], c: Double, threads: Int?) {
        self.x = x
        self.labels = labels
        self.threads = threads
        sums = SquaredHingeSums(rowCount: x.rowCount, columns: x.columnCount, c: c)
    }

    var rowCount: Int { x.rowCount }

    /// f, ∇f and H at `w` (p = columns + 1 values, bias last).
    func evaluate(_ w: [Double]) -> SquaredHingeEvaluation {
        let d = sums.d, p = sums.p, stride = sums.stride, blocks = sums.blocks
        x.withRowSource { source in
            labels.withUnsafeBufferPointer { yBuffer in
                w.withUnsafeBufferPointer { wBuffer in
                    sums.partials.withUnsafeMutableBufferPointer { partialBuffer in
                        guard let yBase = yBuffer.baseAddress,
                              let wBase = wBuffer.baseAddress, let out = partialBuffer.baseAddress
                        else { return }
                        blocks.forEachBlock(threads: threads) { block in
                            var accumulator = SquaredHingeBlockAccumulator(d: d, p: p, out: out + block * stride)
                            accumulator.consume(x: source, y: yBase, rows: blocks.range(block), w: wBase)
                            accumulator.finish()
                        }
                    }
                }
            }
        }
        return sums.evaluation(at: w)
    }

    /// ∇f(0) = −2C·Σᵢ yᵢ·x̃ᵢ (all rows active at w̃ = 0), for liblinear's stopping rule.
    func gradientAtZero() -> [Double] {
        let d = sums.d, p = sums.p, blocks = sums.blocks
        var partial = [Double](repeating: 0, count: blocks.count * p)
        x.withRowSource { source in
            labels.withUnsafeBufferPointer { yBuffer in
                partial.withUnsafeMutableBufferPointer { sumBuffer in
                    guard let yBase = yBuffer.baseAddress, let out = sumBuffer.baseAddress else { return }
                    blocks.forEachBlock(threads: threads) { block in
                        addLabelledRows(x: source, y: yBase, rows: blocks.range(block), d: d, out: out + block * p)
                    }
                }
            }
        }
        return sums.gradientAtZero(partial)
    }
}

/// The squared-hinge primal as the trust-region Newton solver sees it: f, ∇f and H at w̃ from one
/// pass over the training rows, and ∇f(0). In memory (`SquaredHingeEvaluator`) or streamed from a
/// file (`StreamedSquaredHingeEvaluator`); both accumulate the same fixed row blocks with the same
/// operations, so they give bitwise the same numbers.
protocol SquaredHingeObjective {
    /// Training rows l.
    var rowCount: Int { get }
    func evaluate(_ w: [Double]) throws(LearningError) -> SquaredHingeEvaluation
    func gradientAtZero() throws(LearningError) -> [Double]
}

/// f(w̃), ∇f(w̃) and the generalized Hessian H at one w̃.
struct SquaredHingeEvaluation {
    var objective: Double
    var gradient: [Double]
    /// Row-major p×p generalized Hessian (symmetric, both triangles filled).
    var hessian: [Double]
}

/// The per-block partial sums of one pass and their reduction in block order (which makes every
/// pass independent of the thread count).
struct SquaredHingeSums {
    let c: Double
    let d: Int
    let p: Int
    let blocks: RowBlocks
    /// Per block: [loss, G (p values), S (p×p, upper triangle filled)].
    var partials: [Double]
    let stride: Int

    init(rowCount: Int, columns: Int, c: Double) {
        self.c = c
        d = columns
        p = columns + 1
        blocks = RowBlocks(rowCount: rowCount)
        stride = 1 + p + p * p
        partials = [Double](repeating: 0, count: blocks.count * stride)
    }

    /// Adds the block partials in block order and forms f, ∇f = w̃ − 2C·G, H = I + 2C·S.
    func evaluation(at w: [Double]) -> SquaredHingeEvaluation {
        var loss = 0.0
        var g = [Double](repeating: 0, count: p)
        var s = [Double](repeating: 0, count: p * p)
        partials.withUnsafeBufferPointer { part in
            for block in 0..<blocks.count {
                let base = block * stride
                loss += part[base]
                for j in 0..<p { g[j] += part[base + 1 + j] }
                for j in 0..<p {
                    for l in j..<p { s[j * p + l] += part[base + 1 + p + j * p + l] }
                }
            }
        }
        let twoC = 2 * c
        var h = [Double](repeating: 0, count: p * p)
        for j in 0..<p {
            for l in j..<p {
                let value = twoC * s[j * p + l] + (j == l ? 1 : 0)
                h[j * p + l] = value
                h[l * p + j] = value
            }
        }
        for j in 0..<p { g[j] = w[j] - twoC * g[j] }
        let objective = 0.5 * dot(w, w) + c * loss
        return SquaredHingeEvaluation(objective: objective, gradient: g, hessian: h)
    }

    /// −2C·Σ_blocks (Σᵢ yᵢ·x̃ᵢ), the per-block sums (p each) added in block order.
    func gradientAtZero(_ partial: [Double]) -> [Double] {
        var g = [Double](repeating: 0, count: p)
        for block in 0..<blocks.count {
            for j in 0..<p { g[j] += partial[block * p + j] }
        }
        return g.map { -2 * c * $0 }
    }
}

/// out[0..<d] += Σᵢ yᵢ·xᵢ, out[d] += Σᵢ yᵢ over `rows`, row by row in order.
func addLabelledRows(x: RowSource, y: UnsafePointer<Double>, rows: Range<Int>, d: Int, out o: UnsafeMutablePointer<Double>) {
    let stage = UnsafeMutablePointer<Double>.allocate(capacity: max(d, 1))
    defer { stage.deallocate() }
    for i in rows {
        let yi = y[i]
        let row = x.row(i, stage: stage)
        for j in 0..<d { o[j] += yi * row[j] }
        o[d] += yi
    }
}

/// One block's partial sums, accumulated over its rows in order, possibly in several pieces
/// (`consume` may be called repeatedly; the tile carries over, so the sums are bitwise those of
/// one call over all rows): out[0] = Σ slack², out[1...p] = Σ y·slack·x̃,
/// out[1+p ..< 1+p+p²] = Σ x̃x̃ᵀ (upper triangle), over active rows (margin < 1).
struct SquaredHingeBlockAccumulator {
    let d: Int
    let p: Int
    let out: UnsafeMutablePointer<Double>
    /// Feature-major tile: column j of the gathered active rows at at[j*tile ..< (j+1)*tile];
    /// coefficients y·slack after it, then four staged rows (used when the view is not read in place).
    private let scratch: UnsafeMutableRawPointer
    private let at: UnsafeMutablePointer<Double>
    private var filled = 0
    private var loss = 0.0

    init(d: Int, p: Int, out: UnsafeMutablePointer<Double>) {
        self.d = d
        self.p = p
        self.out = out
        let tile = SquaredHingeEvaluator.tile
        out.initialize(repeating: 0, count: 1 + p + p * p)
        scratch = UnsafeMutableRawPointer.allocate(byteCount: ((p + 1) * tile + 4 * d) * 8, alignment: 64)
        at = scratch.bindMemory(to: Double.self, capacity: (p + 1) * tile + 4 * d)
    }

    /// Adds rows `rows` of `x` (labels `y`, indexed like the rows) at weights `w` (bias last).
    mutating func consume(x: RowSource, y: UnsafePointer<Double>, rows: Range<Int>, w: UnsafePointer<Double>) {
        let tile = SquaredHingeEvaluator.tile, d = self.d, p = self.p, out = self.out, at = self.at
        let coef = at + p * tile
        let stage = coef + tile
        var filled = self.filled
        var loss = self.loss
        let bias = w[d]

        @inline(__always) func consider(_ i: Int, _ score: Double, _ row: UnsafePointer<Double>) {
            let yi = y[i]
            let margin = yi * score
            if margin < 1 {
                let slack = 1 - margin
                loss += slack * slack
                coef[filled] = yi * slack
                for j in 0..<d { at[j * tile + filled] = row[j] }
                at[d * tile + filled] = 1
                filled += 1
                if filled == tile {
                    flushTile(at: at, coef: coef, count: tile, p: p, out: out)
                    filled = 0
                }
            }
        }

        var i = rows.lowerBound
        let end = rows.upperBound
        while i + 4 <= end {
            let r0 = x.row(i, stage: stage), r1 = x.row(i + 1, stage: stage + d)
            let r2 = x.row(i + 2, stage: stage + 2 * d), r3 = x.row(i + 3, stage: stage + 3 * d)
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            for j in 0..<d {
                let wj = w[j]
                s0 += wj * r0[j]
                s1 += wj * r1[j]
                s2 += wj * r2[j]
                s3 += wj * r3[j]
            }
            consider(i, s0 + bias, r0)
            consider(i + 1, s1 + bias, r1)
            consider(i + 2, s2 + bias, r2)
            consider(i + 3, s3 + bias, r3)
            i += 4
        }
        while i < end {
            let r0 = x.row(i, stage: stage)
            var s0 = 0.0
            for j in 0..<d { s0 += w[j] * r0[j] }
            consider(i, s0 + bias, r0)
            i += 1
        }
        self.filled = filled
        self.loss = loss
    }

    /// Flushes the last partial tile, stores the loss and frees the scratch memory.
    mutating func finish() {
        let tile = SquaredHingeEvaluator.tile
        let coef = at + p * tile
        if filled > 0 {
            let padded = (filled + 3) & ~3
            for k in filled..<padded {
                coef[k] = 0
                for j in 0..<p { at[j * tile + k] = 0 }
            }
            flushTile(at: at, coef: coef, count: padded, p: p, out: out)
            filled = 0
        }
        out[0] = loss
        scratch.deallocate()
    }
}

/// Adds the tile's contribution: G += Σ_r coef[r]·x̃_r, S += Σ_r x̃_r x̃_rᵀ (upper triangle).
/// `count` is a multiple of 4.
@inline(__always)
private func flushTile(at: UnsafeMutablePointer<Double>, coef: UnsafeMutablePointer<Double>, count: Int,
                       p: Int, out: UnsafeMutablePointer<Double>) {
    let tile = SquaredHingeEvaluator.tile
    let raw = UnsafeRawPointer(at)
    let coefRaw = UnsafeRawPointer(coef)
    let gOut = out + 1
    let sOut = out + 1 + p
    for j in 0..<p {
        let aj = j * tile * 8
        var acc = SIMD4<Double>(repeating: 0)
        var r = 0
        while r < count {
            acc += coefRaw.load(fromByteOffset: r * 8, as: SIMD4<Double>.self)
                * raw.load(fromByteOffset: aj + r * 8, as: SIMD4<Double>.self)
            r += 4
        }
        gOut[j] += acc.sum()
    }
    // Upper triangle, two rows (j, j+1) × two columns (l, l+1) at a time to halve the loads.
    var j = 0
    while j < p {
        let j1 = min(j + 1, p - 1)
        let aj0 = j * tile * 8, aj1 = j1 * tile * 8
        var l = j
        while l < p {
            let l1 = min(l + 1, p - 1)
            let al0 = l * tile * 8, al1 = l1 * tile * 8
            var a00 = SIMD4<Double>(repeating: 0), a01 = SIMD4<Double>(repeating: 0)
            var a10 = SIMD4<Double>(repeating: 0), a11 = SIMD4<Double>(repeating: 0)
            var r = 0
            while r < count {
                let x0 = raw.load(fromByteOffset: aj0 + r * 8, as: SIMD4<Double>.self)
                let x1 = raw.load(fromByteOffset: aj1 + r * 8, as: SIMD4<Double>.self)
                let z0 = raw.load(fromByteOffset: al0 + r * 8, as: SIMD4<Double>.self)
                let z1 = raw.load(fromByteOffset: al1 + r * 8, as: SIMD4<Double>.self)
                a00 += x0 * z0
                a01 += x0 * z1
                a10 += x1 * z0
                a11 += x1 * z1
                r += 4
            }
            // Write only entries that are in the upper triangle and distinct.
            sOut[j * p + l] += a00.sum()
            if l1 != l { sOut[j * p + l1] += a01.sum() }
            if j1 != j {
                if l >= j1 { sOut[j1 * p + l] += a10.sum() }
                if l1 != l && l1 >= j1 { sOut[j1 * p + l1] += a11.sum() }
            }
            l += 2
        }
        j += 2
    }
}
