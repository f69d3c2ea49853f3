// Counter-based random streams and the per-row kernel of the toy model (paper Eqs. 2–4).
//
// Every candidate row owns an independent stream whose key is a strong hash of
// (seed, temperature bit pattern, split, candidate index). A row's values therefore depend on
// nothing else — not on threads, block sizes or generation order — which is what makes the
// output bit-identical however it is produced.
//
// Draw order within a row's stream (fixed; part of the reproducibility contract):
//   1. n standard Gaussians x_1..x_n by the Marsaglia polar method, in pairs (for odd n the second
//      value of the last pair is discarded), each pair from 2 uniforms on [-1, 1) per attempt;
//   2. one uniform u on (0, 1); R = +1 iff u < P(R=+1 | x) (Eq. 4).

import Foundation
import Parallel
import SeededRandom

/// Key of one (temperature, split) segment: hash of the seed, the temperature's IEEE-754 bit pattern
/// and the split. Keying on the temperature value (not its position in the list) means that adding
/// or reordering temperatures does not change the rows generated at the other temperatures.
func toySegmentKey(seed: UInt64, temperature: Double, split: UInt8) -> UInt64 {
    var h = mix64(seed ^ 0x5EED_50F7_0E55_0001)
    h = mix64(h ^ temperature.bitPattern)
    h = mix64(h ^ (UInt64(split) &+ 0xA5A5_0000_0000_0000))
    return h
}

/// Key of the stream of candidate `index` within a segment (two rounds of mixing over a
/// SplitMix64-style counter).
@inline(__always)
func toyRowKey(segmentKey: UInt64, index: Int) -> UInt64 {
    mix64(mix64(segmentKey &+ UInt64(truncatingIfNeeded: index) &* splitMixGamma) ^ 0xD1B5_4A32_D192_ED03)
}

/// P(R = +1 | ΔE, T) = e^{−ΔE/T} / (1 + e^{−ΔE/T}) = 1 / (1 + e^{ΔE/T}) (paper Eq. 4).
@inline(__always)
func toyRearrangementProbability(_ energyBarrier: Double, _ temperature: Double) -> Double {
    1 / (1 + exp(energyBarrier / temperature))
}

/// Fixed parameters of the per-row kernel.
struct ToyKernel: Sendable {
    var dimensions: Int
    var relevantDimensions: Int
    var alpha: Double
    var shift: Double
    var spurious: Bool

    init(_ c: ToyModelConfiguration) {
        dimensions = c.dimensions
        relevantDimensions = c.relevantDimensions
        alpha = c.alpha
        shift = c.barrierShift
        spurious = c.variant == .spurious
    }

    /// Generates one row from its own stream.
    /// Writes x_1..x_n to `x[0..<n]` (Eq. 2) and, when `spurious`, z_j = x_j² · Σ_k x_k to
    /// `x[n..<2n]`. Returns ΔE = Σ_j α_j x_j + shift (Eq. 3) and R ∈ {+1, −1} drawn from Eq. 4.
    @inline(__always)
    func row(key: UInt64, temperature: Double, into x: UnsafeMutablePointer<Double>) -> (Double, Int8) {
        var stream = SplitMix64(seed: key)
        let n = dimensions
        var j = 0
        while j + 1 < n {
            let (a, b) = stream.gaussianPair()
            x[j] = a
            x[j + 1] = b
            j += 2
        }
        if j < n { x[j] = stream.gaussianPair().0 }
        let u = stream.uniformOpen()

        var energy = 0.0
        for k in 0..<relevantDimensions { energy += alpha * x[k] }
        energy += shift
        if spurious {
            var sum = 0.0
            for k in 0..<n { sum += x[k] }
            for k in 0..<n { x[n + k] = x[k] * x[k] * sum }
        }
        let label: Int8 = u < toyRearrangementProbability(energy, temperature) ? 1 : -1
        return (energy, label)
    }
}

/// Raw pointers shared by the worker threads; every worker writes a disjoint range of rows.
struct ToySharedPointers: @unchecked Sendable {
    var features: UnsafeMutablePointer<Double>
    var energy: UnsafeMutablePointer<Double>
    var labels: UnsafeMutablePointer<Int8>
}

/// Runs `body` over `0..<count` split into at most `threads` contiguous chunks of at least
/// `minimumChunk` rows, concurrently. Results do not depend on the chunking (every row is a pure
/// function of its key).
func toyParallelFor(count: Int, threads: Int, minimumChunk: Int = 512, _ body: @Sendable (Range<Int>) -> Void) {
    Parallel.contiguous(count: count, parts: min(threads, (count + minimumChunk - 1) / minimumChunk), body)
}
