import Foundation
import SeededRandom
import Testing
@testable import Structure

@Suite("Simulation box")
struct BoxTests {

    @Test("triclinic box → wrap/unwrap round trip")
    func triclinicRoundTrip() throws {
        // Cell: xlo=0 xhi=10, ylo=1 yhi=9, zlo=-2 zhi=5, xy=1.5 xz=-0.8 yz=0.6.
        let box = try SimulationBox(lengths: SIMD3(10, 8, 7), origin: SIMD3(0, 1, -2), tilts: SIMD3(1.5, -0.8, 0.6))
        #expect(box.c == SIMD3(-0.8, 0.6, 7))

        // Same cell from an H5MD-style edge matrix.
        let h5md = try SimulationBox(edgeVectors: [10, 0, 0, 1.5, 8, 0, -0.8, 0.6, 7], origin: SIMD3(0, 1, -2))
        #expect(h5md == box)

        var rng = SplitMix64(seed: 11)
        for _ in 0..<500 {
            let r = SIMD3(rng.uniform(-60, 60), rng.uniform(-60, 60), rng.uniform(-60, 60))
            let (w, image) = box.wrap(r)
            let s = box.fractional(w)
            for k in 0..<3 { #expect(s[k] >= 0 && s[k] < 1) }
            let back = box.unwrap(position: w, image: image)
            #expect(((back - r) * (back - r)).sum().squareRoot() < 1e-11)
            let f = box.fractional(r)
            let rr = box.cartesian(fractional: f)
            #expect(((rr - r) * (rr - r)).sum().squareRoot() < 1e-11)
        }
        // unwrap is x + ix a + iy b + iz c
        let u = box.unwrap(position: SIMD3(1, 2, 3), image: SIMD3(1, -2, 3))
        let expected = SIMD3<Double>(1, 2, 3) + box.a - 2 * box.b + 3 * box.c
        #expect(u == expected)
    }

    @Test("orthogonal box with a non-periodic axis")
    func orthogonalBox() throws {
        let box = try SimulationBox(lengths: SIMD3(9.4, 9.4, 9.4), origin: SIMD3(0, -1, 2),
                                    periodic: Periodicity(true, true, false))
        #expect(box.isOrthogonal)
        #expect(box.lengths == SIMD3(9.4, 9.4, 9.4))
        #expect(box.origin == SIMD3(0, -1, 2))
        #expect(box.periodic == Periodicity(true, true, false))
        // non-periodic z is never wrapped
        let w = box.wrap(SIMD3(10, 0, 40))
        #expect(w.image == SIMD3(1, 0, 0))
        #expect(abs(w.position.z - 40) < 1e-12)
        let diag = try SimulationBox(edgeVectors: [9.4, 9.4, 9.4], origin: SIMD3(0, -1, 2),
                                     periodic: Periodicity(true, true, false))
        #expect(diag == box)
    }

    @Test("minimum image is the shortest image in a triclinic box")
    func minimumImage() throws {
        let box = try SimulationBox(lengths: SIMD3(6, 7, 8), tilts: SIMD3(3, -2.5, 3.4))
        let half = box.halfMinimumPeriodicWidth
        var rng = SplitMix64(seed: 99)
        var checked = 0
        for _ in 0..<400 {
            let d = SIMD3(rng.uniform(-12, 12), rng.uniform(-12, 12), rng.uniform(-12, 12))
            var best = Double.infinity
            for a in -5...5 { for b in -5...5 { for c in -5...5 {
                let e = d + Double(a) * box.a + Double(b) * box.b + Double(c) * box.c
                best = min(best, (e * e).sum().squareRoot())
            } } }
            let m = box.minimumImage(d)
            let len = (m * m).sum().squareRoot()
            if best < half {
                #expect(abs(len - best) < 1e-9)
                checked += 1
            }
            // always a lattice image of d
            let s = box.fractionalDisplacement(m - d)
            for k in 0..<3 { #expect(abs(s[k] - s[k].rounded()) < 1e-9) }
        }
        #expect(checked > 10)
        #expect(throws: StructureError.self) { _ = try box.minimumImage(SIMD3(1, 0, 0), validFor: half * 1.01) }
        _ = try box.minimumImage(SIMD3(1, 0, 0), validFor: half * 0.99)
    }

    @Test("invalid descriptions throw")
    func invalid() {
        #expect(throws: StructureError.self) { _ = try SimulationBox(lengths: SIMD3(1, 0, 1)) }
        #expect(throws: StructureError.self) { _ = try SimulationBox(lengths: SIMD3(1, .infinity, 1)) }
        #expect(throws: StructureError.self) { _ = try SimulationBox(edgeVectors: [1, 2]) }
        #expect(throws: StructureError.self) {
            _ = try SimulationBox(edgeVectors: [10, 1, 0, 0, 10, 0, 0, 0, 10])  // a not along x
        }
    }
}
