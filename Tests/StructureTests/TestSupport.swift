import Foundation
@testable import Structure
import SeededRandom

/// The project's seeded generator, with the draws the tests use.
extension SplitMix64 {
    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Random positions inside the cell; `scatter` adds random lattice shifts (unwrapped input).
func randomPositions(_ n: Int, box: SimulationBox, rng: inout SplitMix64, scatter: Bool = true) -> [SIMD3<Double>] {
    (0..<n).map { _ in
        var s = SIMD3(rng.uniform(), rng.uniform(), rng.uniform())
        if scatter {
            for k in 0..<3 where box.periodic[k] { s[k] += Double(rng.int(5) - 2) }
        }
        return box.cartesian(fractional: s)
    }
}

/// Every (j, image displacement) with |r_j + shift − r_i| < rc, by explicit enumeration of lattice
/// shifts −range…range along the periodic axes (j == i allowed with a non-zero shift).
func bruteNeighbors(_ i: Int, positions: [SIMD3<Double>], box: SimulationBox, cutoff: Double,
                    range: Int = 2) -> [(j: Int, d: SIMD3<Double>)] {
    var out: [(j: Int, d: SIMD3<Double>)] = []
    let rx = box.periodic.x ? range : 0, ry = box.periodic.y ? range : 0, rz = box.periodic.z ? range : 0
    // Bring j into the same lattice cell as i first (fractional difference in [-0.5, 0.5)),
    // then enumerate shifts explicitly.
    for j in positions.indices {
        let base = positions[j] - positions[i]
        var s = box.fractionalDisplacement(base)
        for k in 0..<3 where box.periodic[k] { s[k] -= s[k].rounded(.down) }
        let d0 = box.cartesianDisplacement(fractional: s)
        for a in -rx...rx { for b in -ry...ry { for c in -rz...rz {
            if j == i && a == 0 && b == 0 && c == 0 { continue }
            let d = d0 + Double(a) * box.a + Double(b) * box.b + Double(c) * box.c
            if (d * d).sum() < cutoff * cutoff { out.append((j, d)) }
        } } }
    }
    return out
}

/// Structure functions by direct summation over explicitly enumerated periodic images.
func bruteStructure(positions: [SIMD3<Double>], species: [Int], box: SimulationBox,
                    parameters p: StructureFunctionParameters, centers: [Int]) -> [Double] {
    var code = [Int: Int]()
    for (k, s) in p.species.enumerated() { code[s] = k }
    let nCh = p.channelCount
    func ch(_ j: Int) -> Int { p.resolveSpecies ? (code[species[j]] ?? -1) : 0 }
    var pairBlock = [[Int]](repeating: [Int](repeating: 0, count: nCh), count: nCh)
    var blk = 0
    for a in 0..<nCh { for b in a..<nCh { pairBlock[a][b] = blk; pairBlock[b][a] = blk; blk += 1 } }
    var out: [Double] = []
    let nR = p.radialCenters.count
    for i in centers {
        var row = [Double](repeating: 0, count: p.featureCount)
        for (j, d) in bruteNeighbors(i, positions: positions, box: box, cutoff: p.radialCutoff) {
            let r = (d * d).sum().squareRoot()
            for (k, r0) in p.radialCenters.enumerated() {
                row[ch(j) * nR + k] += exp(-(r - r0) * (r - r0) / (2 * p.radialWidth * p.radialWidth))
            }
        }
        let nb = bruteNeighbors(i, positions: positions, box: box, cutoff: p.angularCutoff)
        if nb.count >= 2 && p.angularPerPair > 0 {
            for u in 0..<(nb.count - 1) {
                for v in (u + 1)..<nb.count {
                    let dj = nb[u].d, dk = nb[v].d
                    let rij = (dj * dj).sum().squareRoot(), rik = (dk * dk).sum().squareRoot()
                    let e = dj - dk
                    let rjk2 = (e * e).sum()
                    let cosT = (dj * dk).sum() / (rij * rik)
                    let base = p.radialFeatureCount + pairBlock[ch(nb[u].j)][ch(nb[v].j)] * p.angularPerPair
                    var t = 0
                    for xi in p.angularXi {
                        let g = exp(-(rij * rij + rik * rik + rjk2) / (xi * xi))
                        for l in p.angularLambda {
                            for z in p.angularZeta {
                                row[base + t] += g * pow(max(0, 1 + l * cosT), z)
                                t += 1
                            }
                        }
                    }
                }
            }
        }
        out += row
    }
    return out
}

/// max over entries of |a − b| / max(1, |b|).
func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var m = 0.0
    for k in a.indices { m = max(m, abs(a[k] - b[k]) / max(1, abs(b[k]))) }
    return m
}
