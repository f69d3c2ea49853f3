import Foundation
import SeededRandom
import Testing
@testable import Structure

/// Boxes used throughout: orthogonal and strongly tilted triclinic.
let orthogonalBox: SimulationBox? = try? SimulationBox(lengths: SIMD3(7.3, 6.9, 7.8), origin: SIMD3(-1, 2, 0.5))
let triclinicBox: SimulationBox? = try? SimulationBox(lengths: SIMD3(7.6, 7.2, 7.9), origin: SIMD3(0.3, -2, 1),
                                                      tilts: SIMD3(2.1, -1.7, 1.4))

/// Small parameter sets: uniform radial grid (recurrence path), non-uniform grid (direct path),
/// integer and non-integer ζ, resolved and pooled species.
func smallParameterSets() throws -> [StructureFunctionParameters] {
    [
        try StructureFunctionParameters(
            radialCenters: stride(from: 0.4, through: 2.4, by: 0.2).map { $0 }, radialWidth: 0.15,
            angularXi: [0.9, 1.4], angularLambda: [-1, 1], angularZeta: [1, 2, 4, 16],
            species: [1, 2, 3], speciesNames: ["A", "B", "C"], radialCutoff: 3.2, angularCutoff: 2.6),
        try StructureFunctionParameters(
            radialCenters: [0.5, 0.9, 1.0, 1.7, 2.6], radialWidth: 0.3,
            angularXi: [1.1], angularLambda: [-0.5, 1], angularZeta: [0.5, 3, 2.5],
            species: [3, 1, 2], resolveSpecies: true, radialCutoff: 3.0, angularCutoff: 2.4),
        try StructureFunctionParameters(
            radialCenters: (1...30).map { Double($0) / 10 }, radialWidth: 0.1,
            angularXi: [0.7, 1.0], angularLambda: [-1, 1], angularZeta: [1, 2],
            species: [1, 2, 3], resolveSpecies: false, radialCutoff: 3.3, angularCutoff: 2.5),
    ]
}

@Suite("Structure functions")
struct StructureFunctionTests {

    @Test("equal brute force over explicit periodic images (orthogonal and triclinic)",
          arguments: [0, 1])
    func matchesBruteForce(boxKind: Int) throws {
        let box = try #require(boxKind == 0 ? orthogonalBox : triclinicBox)
        var rng = SplitMix64(seed: 42 + UInt64(boxKind))
        let n = 180
        let positions = randomPositions(n, box: box, rng: &rng)
        let species = (0..<n).map { _ in [1, 2, 3][rng.int(3)] }
        for params in try smallParameterSets() {
            let centers = [0, 5, 17, 33, 90, 179, 64]
            let fast = try StructureFunctions.compute(positions: positions, species: species, box: box,
                                                      parameters: params, particles: centers, threads: 2)
            let brute = bruteStructure(positions: positions, species: species, box: box,
                                       parameters: params, centers: centers)
            #expect(fast.names.count == params.featureCount)
            #expect(fast.values.count == centers.count * params.featureCount)
            #expect(maxRelativeError(fast.values, brute) < 1e-10)
            // Not trivially zero: the functions see neighbours.
            #expect(fast.values.reduce(0, +) > 1)
        }
    }

    @Test("thread count and centre subset do not change results")
    func threadsAndSubset() throws {
        let box = try #require(triclinicBox)
        var rng = SplitMix64(seed: 7)
        let n = 300
        let positions = randomPositions(n, box: box, rng: &rng)
        let species = (0..<n).map { _ in 1 + rng.int(2) }
        let params = try #require(try smallParameterSets().first)
        let one = try StructureFunctions.compute(positions: positions, species: species, box: box,
                                                 parameters: params, threads: 1)
        let two = try StructureFunctions.compute(positions: positions, species: species, box: box,
                                                 parameters: params, threads: 2)
        #expect(one.values == two.values)
        let subset = [299, 3, 150]
        let sub = try StructureFunctions.compute(positions: positions, species: species, box: box,
                                                 parameters: params, particles: subset, threads: 2)
        let F = params.featureCount
        for (r, i) in subset.enumerated() {
            #expect(Array(sub.values[(r * F)..<((r + 1) * F)]) == Array(one.values[(i * F)..<((i + 1) * F)]))
        }
    }

    @Test("invariant under global translation with wrapping", arguments: [0, 1])
    func translationInvariance(boxKind: Int) throws {
        let box = try #require(boxKind == 0 ? orthogonalBox : triclinicBox)
        var rng = SplitMix64(seed: 100 + UInt64(boxKind))
        let n = 250
        let positions = randomPositions(n, box: box, rng: &rng)
        let species = (0..<n).map { _ in 1 + rng.int(2) }
        let params = try #require(try smallParameterSets().first)
        let shift = SIMD3(rng.uniform(-20, 20), rng.uniform(-20, 20), rng.uniform(-20, 20))
        let moved = positions.map { box.wrap($0 + shift).position }
        let a = try StructureFunctions.compute(positions: positions, species: species, box: box, parameters: params)
        let b = try StructureFunctions.compute(positions: moved, species: species, box: box, parameters: params)
        #expect(maxRelativeError(b.values, a.values) < 1e-10)
    }

    @Test("invariant under permutation of particles")
    func permutationInvariance() throws {
        let box = try #require(triclinicBox)
        var rng = SplitMix64(seed: 5)
        let n = 250
        let positions = randomPositions(n, box: box, rng: &rng)
        let species = (0..<n).map { _ in 1 + rng.int(2) }
        var perm = Array(0..<n)
        for k in stride(from: n - 1, to: 0, by: -1) { perm.swapAt(k, rng.int(k + 1)) }
        // New particle m is old particle perm[m].
        let pPos = perm.map { positions[$0] }
        let pSpec = perm.map { species[$0] }
        let params = try #require(try smallParameterSets().first)
        let F = params.featureCount
        let a = try StructureFunctions.compute(positions: positions, species: species, box: box, parameters: params)
        let b = try StructureFunctions.compute(positions: pPos, species: pSpec, box: box, parameters: params)
        var worst = 0.0
        for m in 0..<n {
            worst = max(worst, maxRelativeError(Array(b.values[(m * F)..<((m + 1) * F)]),
                                                Array(a.values[(perm[m] * F)..<((perm[m] + 1) * F)])))
        }
        #expect(worst < 1e-10)
    }

    @Test("feature names and counts")
    func names() throws {
        let ka = StructureFunctionParameters.schoenholz2016KobAndersen
        #expect(ka.radialFeatureCount == 100)
        #expect(ka.angularFeatureCount == 72)
        let names = ka.featureNames
        #expect(names.count == 172)
        #expect(names[0] == "G_A_r0=0.10_d=0.10")
        #expect(names[14] == "G_A_r0=1.50_d=0.10")
        #expect(names[50] == "G_B_r0=0.10_d=0.10")
        #expect(names.contains("Psi_AB_xi=2.00_l=+1_z=4"))
        #expect(names[100] == "Psi_AA_xi=1.00_l=-1_z=1")
        #expect(Set(names).count == names.count)
        let bench = StructureFunctionParameters.pooled50Radial20Angular
        #expect(bench.radialFeatureCount == 50)
        #expect(bench.angularFeatureCount == 20)
        #expect(bench.featureNames[0] == "G_all_r0=0.10_d=0.10")
        // Default cutoffs follow the documented tolerance rule.
        #expect(abs(ka.radialCutoff - (5.0 + 0.1 * (2 * log(1e8)).squareRoot())) < 1e-12)
        #expect(abs(ka.angularCutoff - 2.0 * (log(1e8) / 1.5).squareRoot()) < 1e-12)
    }

    @Test("default cutoffs truncate below the tolerance")
    func truncationError() throws {
        // A single neighbour just inside/outside the default radial cutoff contributes < 1e-8.
        let p = try StructureFunctionParameters(radialCenters: [1.0, 1.5], radialWidth: 0.1,
                                                angularXi: [], angularZeta: [], species: [1])
        let edge = p.radialCutoff
        #expect(exp(-(edge - 1.5) * (edge - 1.5) / 0.02) <= 1.0000001e-8)
    }

    @Test("rejects bad input")
    func errors() throws {
        let box = try #require(orthogonalBox)
        let params = try #require(try smallParameterSets().first)
        let pos = [SIMD3<Double>(0, 0, 0), SIMD3(1, 0, 0)]
        #expect(throws: StructureError.self) {
            _ = try StructureFunctions.compute(positions: pos, species: [1], box: box, parameters: params)
        }
        #expect(throws: StructureError.unknownSpecies(7, particle: 1)) {
            _ = try StructureFunctions.compute(positions: pos, species: [1, 7], box: box, parameters: params)
        }
        #expect(throws: StructureError.self) {
            _ = try StructureFunctions.compute(positions: [SIMD3(.nan, 0, 0), SIMD3(1, 0, 0)], species: [1, 1],
                                               box: box, parameters: params)
        }
        #expect(throws: StructureError.indexOutOfRange(2, count: 2)) {
            _ = try StructureFunctions.compute(positions: pos, species: [1, 1], box: box, parameters: params,
                                               particles: [2])
        }
        let tiny = try SimulationBox(lengths: SIMD3(4, 4, 4))
        #expect(throws: StructureError.self) {
            _ = try StructureFunctions.compute(positions: pos, species: [1, 1], box: tiny, parameters: params)
        }
        #expect(throws: StructureError.self) {
            _ = try StructureFunctionParameters(radialCenters: [1], radialWidth: 0, angularXi: [], angularZeta: [],
                                                species: [1])
        }
        #expect(throws: StructureError.self) {
            _ = try StructureFunctionParameters(radialCenters: [1], radialWidth: 0.1, angularXi: [1],
                                                angularLambda: [2], angularZeta: [1], species: [1])
        }
    }
}
