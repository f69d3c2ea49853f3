import Structure
import Testing
import Trajectory

/// `ITEM: BOX BOUNDS` lines of a LAMMPS dump → the simulation cell (LAMMPS `dump` manual).
@Suite struct LAMMPSBoxBoundsTests {
    @Test func triclinicBoundsGiveTheCell() throws {
        // Cell: xlo=0 xhi=10, ylo=1 yhi=9, zlo=-2 zhi=5, xy=1.5 xz=-0.8 yz=0.6.
        // Dump bounds: xlo_bound = 0 + min(0,1.5,-0.8,0.7) = -0.8, xhi_bound = 10 + max(...) = 11.5,
        // ylo_bound = 1 + min(0,0.6) = 1, yhi_bound = 9 + 0.6 = 9.6, z unchanged.
        let box = try SimulationBox(lammpsBounds: [[-0.8, 11.5, 1.5], [1.0, 9.6, -0.8], [-2.0, 5.0, 0.6]])
        #expect(box.origin == SIMD3(0, 1, -2))
        #expect(box.lengths == SIMD3(10, 8, 7))
        #expect(box.tilts == SIMD3(1.5, -0.8, 0.6))
        // The same cell from an H5MD-style edge matrix.
        #expect(try SimulationBox(edgeVectors: [10, 0, 0, 1.5, 8, 0, -0.8, 0.6, 7], origin: SIMD3(0, 1, -2)) == box)
    }

    @Test func orthogonalBoundsKeepThePeriodicity() throws {
        let box = try SimulationBox(lammpsBounds: [[0, 9.4], [-1, 8.4], [2, 11.4]], periodic: Periodicity(true, true, false))
        #expect(box.isOrthogonal)
        #expect(box.lengths == SIMD3(9.4, 9.4, 9.4))
        #expect(box.origin == SIMD3(0, -1, 2))
        #expect(box.periodic == Periodicity(true, true, false))
    }

    @Test func malformedBoundsAreRefused() {
        #expect(throws: StructureError.malformedBoxDescription("expected 3 bounds rows, got 2")) {
            _ = try SimulationBox(lammpsBounds: [[0, 1], [0, 1]])
        }
        #expect(throws: StructureError.self) { _ = try SimulationBox(lammpsBounds: [[0, 1, 0], [0, 1], [0, 1]]) }
        #expect(throws: StructureError.self) { _ = try SimulationBox(lammpsBounds: [[1, 0], [0, 1], [0, 1]]) }
        #expect(throws: StructureError.self) { _ = try SimulationBox(lammpsBounds: [[0, 1], [0, .nan], [0, 1]]) }
    }
}
