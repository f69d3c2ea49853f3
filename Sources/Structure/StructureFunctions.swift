import Foundation

/// Per-particle structure functions of Schoenholz, Cubuk, Sussman, Kaxiras & Liu,
/// Nature Physics 12, 469 (2016) (introduced in Cubuk et al., PRL 114, 108001 (2015),
/// after Behler & Parrinello, PRL 98, 146401 (2007)); definitions as in DESIGN.md §2.
///
/// For a centre particle i, with minimum-image distances r_ij (length units of the positions):
///
/// - radial, per neighbour species X and shell centre r0:
///   G_X(i; r0) = Σ_{j ≠ i, species(j) = X, r_ij < rc_rad} exp(−(r_ij − r0)² / (2δ²));
/// - angular, per unordered neighbour species pair (X, Y):
///   Ψ_XY(i; ξ, λ, ζ) = Σ_{j < k; j, k ≠ i; {species(j), species(k)} = {X, Y};
///   r_ij, r_ik < rc_ang} exp(−(r_ij² + r_ik² + r_jk²)/ξ²) · (1 + λ cos θ_jik)^ζ,
///   θ_jik the angle at i between r_j − r_i and r_k − r_i, r_jk the j–k separation
///   (each unordered pair {j, k} counted once).
///
/// Dimensionless results. Cutoffs and the column layout are described in
/// `StructureFunctionParameters`. Implementation: a linked-cell search gathers each centre's
/// neighbours once; radial Gaussians on a uniform r0 grid use the exact recurrence
/// g_{k±1} = g_k·q_k, q_{k±1} = q_k·e^{−Δ²/δ²} (3 exponentials per neighbour; terms below 1e-30
/// are dropped); angular terms loop over neighbour pairs once, with one exponential per (pair, ξ)
/// and integer powers by repeated squaring (pairs whose Gaussian exp(−s/ξ²) is below e^{−50}
/// for a given ξ are skipped). Work is split over centre particles with
/// `DispatchQueue.concurrentPerform`; results do not depend on the thread count.
public enum StructureFunctions {

    /// Computes all structure functions for the centre particles.
    /// - Parameters:
    ///   - positions: Cartesian positions of all N particles (any periodic image).
    ///   - species: species code of each particle (must occur in `parameters.species`).
    ///   - box: periodic cell; both cutoffs must be below half its minimum perpendicular width.
    ///   - parameters: functions and cutoffs.
    ///   - particles: centre particles (default all, in index order); all N particles still act
    ///     as neighbours.
    ///   - threads: worker count (default: active processor count).
    /// - Returns: `values`, row-major (centre × feature) with `parameters.featureCount` columns,
    ///   rows in the order of `particles`; `names`, `parameters.featureNames`.
    /// - Throws: `.lengthMismatch`, `.nonFiniteInput`, `.unknownSpecies`, `.indexOutOfRange`,
    ///   `.invalidCutoff`, `.cutoffTooLargeForBox`.
    public static func compute(positions: [SIMD3<Double>], species: [Int], box: SimulationBox,
                               parameters: StructureFunctionParameters, particles: [Int]? = nil,
                               threads: Int? = nil) throws -> (values: [Double], names: [String]) {
        let n = positions.count
        guard species.count == n else {
            throw StructureError.lengthMismatch("species", expected: n, actual: species.count)
        }
        let p = parameters
        var code = [Int: Int]()
        for (k, s) in p.species.enumerated() { code[s] = k }
        var channel = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            guard let k = code[species[i]] else { throw StructureError.unknownSpecies(species[i], particle: i) }
            channel[i] = p.resolveSpecies ? Int32(k) : 0
        }
        let centers = particles ?? Array(0..<n)
        for c in centers where c < 0 || c >= n { throw StructureError.indexOutOfRange(c, count: n) }

        let nR = p.radialCenters.count
        let nA = p.angularPerPair
        let hasRadial = nR > 0
        let hasAngular = nA > 0 && p.angularCutoff > 0
        let rcR = hasRadial ? p.radialCutoff : 0
        let rcA = hasAngular ? p.angularCutoff : 0
        let rcMax = max(rcR, rcA)
        let grid = try CellGrid(positions: positions, box: box, cutoff: rcMax)
        let kernel = Kernel(parameters: p)
        let F = p.featureCount
        var values = [Double](repeating: 0, count: centers.count * F)
        let nThreads = resolvedThreadCount(threads)
        // Visit centres cell by cell so consecutive centres share neighbour cells (cache reuse);
        // each row is computed independently, so the visiting order does not affect results.
        let rowOrder = (0..<centers.count).sorted {
            (grid.cellOf[centers[$0]], $0) < (grid.cellOf[centers[$1]], $1)
        }
        values.withUnsafeMutableBufferPointer { out in
            channel.withUnsafeBufferPointer { ch in
                parallelChunks(count: centers.count, chunk: 32, threads: nThreads) { _, range in
                    var scratch = NeighborScratch(capacity: 1024)
                    var work = Kernel.Workspace(kernel: kernel)
                    for slot in range {
                        let row = rowOrder[slot]
                        grid.gather(center: centers[row], into: &scratch)
                        let dst = UnsafeMutableBufferPointer(rebasing: out[(row * F)..<((row + 1) * F)])
                        kernel.evaluate(scratch, channels: ch, rcRadial2: rcR * rcR,
                                        rcAngular2: rcA * rcA, workspace: &work, into: dst)
                    }
                }
            }
        }
        return (values, p.featureNames)
    }
}

/// Precomputed constants of one parameter set, and the per-centre evaluation.
struct Kernel: Sendable {
    let nChannels: Int
    let radialCenters: [Double]
    let invTwoDelta2: Double
    /// Uniform-grid recurrence data (nil → direct exponentials).
    let uniform: (r0: Double, step: Double, rho: Double, invDelta2: Double)?
    let invXi2: [Double]
    let minInvXi2: Double
    let lambdas: [Double]
    let zetas: [Double]
    let intZetas: [Int]?
    let pairIndex: [Int]          // nChannels × nChannels → unordered pair block
    let angularOffset: Int
    let nA: Int
    let nLZ: Int

    static let expCut = 50.0

    init(parameters p: StructureFunctionParameters) {
        nChannels = p.channelCount
        radialCenters = p.radialCenters
        let d2 = p.radialWidth * p.radialWidth
        invTwoDelta2 = 1 / (2 * d2)
        var uni: (Double, Double, Double, Double)? = nil
        let r = p.radialCenters
        if r.count >= 2 {
            let step = (r[r.count - 1] - r[0]) / Double(r.count - 1)
            var ok = step > 0 && step * step / d2 <= 50 && p.radialCutoff * step / d2 <= 600
            if ok {
                for k in 0..<r.count where abs(r[k] - (r[0] + Double(k) * step)) > 1e-12 * max(1, abs(r[k])) {
                    ok = false; break
                }
            }
            if ok { uni = (r[0], step, exp(-step * step / d2), 1 / d2) }
        }
        uniform = uni.map { (r0: $0.0, step: $0.1, rho: $0.2, invDelta2: $0.3) }
        invXi2 = p.angularXi.map { 1 / ($0 * $0) }
        minInvXi2 = invXi2.min() ?? 0
        lambdas = p.angularLambda
        zetas = p.angularZeta
        if p.angularZeta.allSatisfy({ $0 == $0.rounded() && $0 <= 4096 }) {
            intZetas = p.angularZeta.map { Int($0) }
        } else {
            intZetas = nil
        }
        var table = [Int](repeating: 0, count: nChannels * nChannels)
        var block = 0
        for a in 0..<nChannels {
            for b in a..<nChannels {
                table[a * nChannels + b] = block
                table[b * nChannels + a] = block
                block += 1
            }
        }
        pairIndex = table
        angularOffset = p.radialFeatureCount
        nA = p.angularPerPair
        nLZ = p.angularLambda.count * p.angularZeta.count
    }

    /// Reusable per-worker buffers.
    struct Workspace {
        var ax: [Double] = [], ay: [Double] = [], az: [Double] = []
        var ar2: [Double] = [], ainv: [Double] = []
        var ach: [Int] = []
        var pw: [SIMD4<Double>]
        var acc: [SIMD4<Double>]
        var segStart: [Int]
        var fill: [Int]
        init(kernel: Kernel) {
            pw = [SIMD4<Double>](repeating: .zero, count: max(1, kernel.nLZ))
            let blocks = kernel.nChannels * (kernel.nChannels + 1) / 2
            acc = [SIMD4<Double>](repeating: .zero, count: max(1, blocks * kernel.nA))
            segStart = [Int](repeating: 0, count: kernel.nChannels + 1)
            fill = [Int](repeating: 0, count: kernel.nChannels + 1)
        }
    }

    /// Fills `out` (one centre's row, zeroed here) from that centre's neighbour scratch.
    func evaluate(_ nb: NeighborScratch, channels ch: UnsafeBufferPointer<Int32>,
                  rcRadial2: Double, rcAngular2: Double,
                  workspace w: inout Workspace, into out: UnsafeMutableBufferPointer<Double>) {
        for f in 0..<out.count { out[f] = 0 }
        let nR = radialCenters.count
        guard let o = out.baseAddress else { return }
        // Radial.
        if nR > 0 {
            nb.index.withUnsafeBufferPointer { idx in
            nb.r2.withUnsafeBufferPointer { r2 in
            radialCenters.withUnsafeBufferPointer { r0 in
                for q in 0..<nb.count where r2[q] < rcRadial2 {
                    let r = r2[q].squareRoot()
                    let row = o + Int(ch[Int(idx[q])]) * nR
                    if let u = uniform {
                        var k0 = ((r - u.r0) / u.step).rounded()
                        k0 = min(max(k0, 0), Double(nR - 1))
                        let ks = Int(k0)
                        let x = r - r0[ks]
                        // g0 is the largest term of this neighbour: skip when all are < 1e-30.
                        let arg = x * x * invTwoDelta2
                        if arg > 69 { continue }
                        let g0 = exp(-arg)
                        row[ks] += g0
                        // upward: g_{k+1} = g_k · q_k, q_k = exp((Δ(r − r0_k) − Δ²/2)/δ²), q_{k+1} = q_k·ρ
                        var g = g0
                        var qq = exp((u.step * x - 0.5 * u.step * u.step) * u.invDelta2)
                        var k = ks + 1
                        while k < nR {
                            g *= qq
                            if g < 1e-30 { break }
                            row[k] += g
                            qq *= u.rho
                            k += 1
                        }
                        g = g0
                        qq = exp((-u.step * x - 0.5 * u.step * u.step) * u.invDelta2)
                        k = ks - 1
                        while k >= 0 {
                            g *= qq
                            if g < 1e-30 { break }
                            row[k] += g
                            qq *= u.rho
                            k -= 1
                        }
                    } else {
                        for k in 0..<nR {
                            let x = r - r0[k]
                            row[k] += exp(-x * x * invTwoDelta2)
                        }
                    }
                }
            }
            }
            }
        }
        // Angular.
        guard nA > 0, rcAngular2 > 0 else { return }
        angular(nb, channels: ch, rcAngular2: rcAngular2, workspace: &w, into: o + angularOffset)
    }

    /// Angular part: neighbours within rc_ang grouped by channel, then for each j and each channel
    /// segment of k > j, 4 pairs at a time in SIMD lanes with a vectorized exponential.
    @inline(__always)
    func angular(_ nb: NeighborScratch, channels ch: UnsafeBufferPointer<Int32>, rcAngular2: Double,
                 workspace w: inout Workspace, into ang: UnsafeMutablePointer<Double>) {
        let nCh = nChannels
        // Counting sort of the angular neighbours by channel (stable).
        for c in 0...nCh { w.segStart[c] = 0 }
        var m = 0
        for q in 0..<nb.count where nb.r2[q] < rcAngular2 {
            w.segStart[Int(ch[Int(nb.index[q])]) + 1] += 1
            m += 1
        }
        guard m >= 2 else { return }
        for c in 0..<nCh { w.segStart[c + 1] += w.segStart[c] }
        if w.ax.count < m {
            let cap = max(m, 2 * w.ax.count)
            w.ax = [Double](repeating: 0, count: cap); w.ay = w.ax; w.az = w.ax; w.ar2 = w.ax; w.ainv = w.ax
            w.ach = [Int](repeating: 0, count: cap)
        }
        for c in 0..<nCh { w.fill[c] = w.segStart[c] }
        for q in 0..<nb.count where nb.r2[q] < rcAngular2 {
            let c = Int(ch[Int(nb.index[q])])
            let p = w.fill[c]
            w.fill[c] = p + 1
            w.ax[p] = nb.dx[q]; w.ay[p] = nb.dy[q]; w.az[p] = nb.dz[q]
            w.ar2[p] = nb.r2[q]; w.ainv[p] = 1 / nb.r2[q].squareRoot(); w.ach[p] = c
        }
        // Sort each channel segment by distance so SIMD lanes hold similar r_ik (better skipping).
        for c in 0..<nCh {
            let lo = w.segStart[c], hi = w.segStart[c + 1]
            if hi - lo < 2 { continue }
            for a in (lo + 1)..<hi {
                let kx = w.ax[a], ky = w.ay[a], kz = w.az[a], kr = w.ar2[a], ki = w.ainv[a]
                var b = a - 1
                while b >= lo && w.ar2[b] > kr {
                    w.ax[b + 1] = w.ax[b]; w.ay[b + 1] = w.ay[b]; w.az[b + 1] = w.az[b]
                    w.ar2[b + 1] = w.ar2[b]; w.ainv[b + 1] = w.ainv[b]
                    b -= 1
                }
                w.ax[b + 1] = kx; w.ay[b + 1] = ky; w.az[b + 1] = kz; w.ar2[b + 1] = kr; w.ainv[b + 1] = ki
            }
        }
        let nXi = invXi2.count, nL = lambdas.count, nZ = zetas.count, nLZ = self.nLZ, nA = self.nA
        let cutS = Kernel.expCut / minInvXi2
        let nAcc = (nCh * (nCh + 1) / 2) * nA
        for t in 0..<nAcc { w.acc[t] = .zero }
        typealias V = SIMD4<Double>
        w.ax.withUnsafeBufferPointer { ax in
        w.ay.withUnsafeBufferPointer { ay in
        w.az.withUnsafeBufferPointer { az in
        w.ar2.withUnsafeBufferPointer { ar2 in
        w.ainv.withUnsafeBufferPointer { ainv in
        w.ach.withUnsafeBufferPointer { ach in
        w.segStart.withUnsafeBufferPointer { seg in
        w.pw.withUnsafeMutableBufferPointer { pw in
        w.acc.withUnsafeMutableBufferPointer { acc in
        invXi2.withUnsafeBufferPointer { ix2 in
        lambdas.withUnsafeBufferPointer { lam in
        zetas.withUnsafeBufferPointer { zet in
        pairIndex.withUnsafeBufferPointer { pidx in
            let lane = V(0, 1, 2, 3)
            for j in 0..<(m - 1) {
                let xj = V(repeating: ax[j]), yj = V(repeating: ay[j]), zj = V(repeating: az[j])
                let rj2 = V(repeating: ar2[j]), ij = V(repeating: ainv[j])
                let cj = ach[j] * nCh
                for c2 in ach[j]..<nCh {
                    let lo = max(seg[c2], j + 1), hi = seg[c2 + 1]
                    if lo >= hi { continue }
                    let base = pidx[cj + c2] * nA
                    var k = lo
                    while k < hi {
                        let avail = hi - k
                        let k1 = avail > 1 ? k + 1 : k, k2 = avail > 2 ? k + 2 : k, k3 = avail > 3 ? k + 3 : k
                        let xk = V(ax[k], ax[k1], ax[k2], ax[k3])
                        let yk = V(ay[k], ay[k1], ay[k2], ay[k3])
                        let zk = V(az[k], az[k1], az[k2], az[k3])
                        let rk2 = V(ar2[k], ar2[k1], ar2[k2], ar2[k3])
                        let ik = V(ainv[k], ainv[k1], ainv[k2], ainv[k3])
                        k += 4
                        let ex = xj - xk, ey = yj - yk, ez = zj - zk
                        let sv = rk2 + (ex * ex + ey * ey + ez * ez) + rj2
                        let valid = (lane .< V(repeating: Double(avail))) .& (sv .<= V(repeating: cutS))
                        if !any(valid) { continue }
                        let maskv = V.zero.replacing(with: 1, where: valid)
                        var cth = (xj * xk + yj * yk + zj * zk) * ik * ij
                        cth = cth.clamped(lowerBound: V(repeating: -1), upperBound: V(repeating: 1))
                        for l in 0..<nL {
                            let b = (1 + lam[l] * cth).replacing(with: 0, where: (1 + lam[l] * cth) .< 0)
                            if let iz = intZetas {
                                for z in 0..<nZ { pw[l * nZ + z] = Kernel.intPow(b, iz[z]) }
                            } else {
                                for z in 0..<nZ {
                                    pw[l * nZ + z] = V(pow(b[0], zet[z]), pow(b[1], zet[z]),
                                                       pow(b[2], zet[z]), pow(b[3], zet[z]))
                                }
                            }
                        }
                        for mm in 0..<nXi {
                            let arg = sv * ix2[mm]
                            if !any((arg .<= V(repeating: Kernel.expCut)) .& valid) { continue }
                            let e = Kernel.vexp(-arg) * maskv.replacing(with: 0, where: arg .> V(repeating: Kernel.expCut))
                            let dst = base + mm * nLZ
                            for t in 0..<nLZ { acc[dst + t] += e * pw[t] }
                        }
                    }
                }
            }
            for t in 0..<nAcc { ang[t] += acc[t].sum() }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
    }

    @inline(__always)
    static func intPow(_ base: SIMD4<Double>, _ e: Int) -> SIMD4<Double> {
        var result = SIMD4<Double>(repeating: 1), b = base, k = e
        while k > 0 {
            if k & 1 == 1 { result *= b }
            k >>= 1
            if k > 0 { b *= b }
        }
        return result
    }

    /// e^x for x ≤ 0, lane-wise: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln 2),
    /// degree-12 Taylor polynomial for e^r (truncation < 2e-16 relative), scaling by 2^n through
    /// the exponent bits. Arguments below −700 are clamped (result ≈ 1e-304, never subnormal).
    /// Relative error ≲ 4e-16 over the used range.
    @inline(__always)
    static func vexp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let xc = x.replacing(with: -700, where: x .< -700)
        let magic = V(repeating: 6755399441055744.0)          // 1.5·2^52
        let t = xc * 1.4426950408889634 + magic
        let n = t - magic
        let r = (xc - n * 0.693147180369123816490) - n * 1.90821492927058770002e-10
        var p = V(repeating: 1.0 / 479001600.0)                 // 1/12!
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let bits = unsafeBitCast(t, to: SIMD4<UInt64>.self)
        let scaleBits = (bits &- 0x4338_0000_0000_0000 &+ 1023) &<< 52
        return p * unsafeBitCast(scaleBits, to: V.self)
    }
}
