import Foundation
import SeededRandom
import Testing
@testable import Structure

@Suite("Neighbour list")
struct NeighborListTests {

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var lengths: SIMD3<Double>
        var tilts: SIMD3<Double>
        var periodic: Periodicity
        var cutoff: Double
        var n: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "orthogonal", lengths: SIMD3(12, 11, 13), tilts: .zero, periodic: .all, cutoff: 1.6, n: 600),
        Case(name: "triclinic", lengths: SIMD3(12, 11, 13), tilts: SIMD3(5.5, -4.0, 3.9), periodic: .all, cutoff: 1.7, n: 600),
        Case(name: "tiny box (all-pairs fallback)", lengths: SIMD3(4, 4.5, 5), tilts: SIMD3(1.5, 0.8, -1.2), periodic: .all, cutoff: 1.5, n: 120),
        Case(name: "slab, z not periodic", lengths: SIMD3(9, 8, 10), tilts: SIMD3(2, 0, 0), periodic: Periodicity(true, true, false), cutoff: 1.4, n: 500),
    ]

    @Test("same pair set and displacements as brute force", arguments: cases)
    func matchesBruteForce(c: Case) throws {
        let box = try SimulationBox(lengths: c.lengths, origin: SIMD3(1, -3, 2), tilts: c.tilts, periodic: c.periodic)
        var rng = SplitMix64(seed: UInt64(c.n) &+ 17)
        let positions = randomPositions(c.n, box: box, rng: &rng)
        let list = try NeighborList(positions: positions, box: box, cutoff: c.cutoff, threads: 2)
        #expect(list.centers == Array(0..<c.n))
        var fast = Set<[Int]>()
        for (k, e) in list.entries.enumerated() {
            fast.insert([e.center, e.neighbor])
            // stored displacement is a genuine image of r_j − r_i
            let raw = positions[e.neighbor] - positions[e.center]
            let s = box.fractionalDisplacement(list.displacements[k] - raw)
            for a in 0..<3 { #expect(abs(s[a] - s[a].rounded()) < 1e-9) }
            #expect(abs(list.distances[k] - (list.displacements[k] * list.displacements[k]).sum().squareRoot()) < 1e-12)
            #expect(list.distances[k] < c.cutoff)
        }
        var brute = Set<[Int]>()
        var bruteCount = 0
        for i in 0..<c.n {
            for (j, _) in bruteNeighbors(i, positions: positions, box: box, cutoff: c.cutoff, range: 1) {
                brute.insert([i, j]); bruteCount += 1
            }
        }
        #expect(fast == brute)
        #expect(list.entryCount == bruteCount)   // no pair found twice, no multi-image pairs
        #expect(bruteCount > c.n)                  // the test is not vacuous
        // Neighbours of each centre sorted ascending (deterministic order).
        for k in 0..<list.centers.count {
            let nb = Array(list.neighbors(ofCenterAt: k))
            #expect(nb == nb.sorted())
        }
    }

    @Test("thread count does not change the list; subsets follow the requested order")
    func deterministic() throws {
        let box = try SimulationBox(lengths: SIMD3(10, 10, 10), tilts: SIMD3(3, 1, -2))
        var rng = SplitMix64(seed: 3)
        let positions = randomPositions(2000, box: box, rng: &rng)
        let a = try NeighborList(positions: positions, box: box, cutoff: 1.5, threads: 1)
        let b = try NeighborList(positions: positions, box: box, cutoff: 1.5, threads: 2)
        #expect(a.neighbors == b.neighbors)
        #expect(a.offsets == b.offsets)
        #expect(a.displacements == b.displacements)
        let sub = try NeighborList(positions: positions, box: box, cutoff: 1.5, centers: [1999, 0, 7])
        #expect(sub.centers == [1999, 0, 7])
        #expect(Array(sub.neighbors(ofCenterAt: 0)) == Array(a.neighbors(ofCenterAt: 1999)))
        #expect(Array(sub.neighbors(ofCenterAt: 2)) == Array(a.neighbors(ofCenterAt: 7)))
    }

    @Test("cutoff must be below half the minimum perpendicular width")
    func cutoffTooLarge() throws {
        let box = try SimulationBox(lengths: SIMD3(10, 10, 10), tilts: SIMD3(5, 0, 0))
        // perpendicular width along a is 10/sqrt(1.25) ≈ 8.94, so 4.6 is too large.
        #expect(abs(box.perpendicularWidths.x - 10 / (1.25).squareRoot()) < 1e-12)
        #expect(throws: StructureError.self) {
            _ = try NeighborList(positions: [SIMD3(0, 0, 0)], box: box, cutoff: 4.6)
        }
        #expect(throws: StructureError.self) {
            _ = try NeighborList(positions: [SIMD3(0, 0, 0)], box: box, cutoff: -1)
        }
        _ = try NeighborList(positions: [SIMD3(0, 0, 0)], box: box, cutoff: 4.4)
    }
}
