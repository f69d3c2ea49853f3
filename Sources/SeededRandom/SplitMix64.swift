// The one seeded random-number generator of softness.
//
// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
// a 64-bit counter advanced by the golden-ratio increment and passed through a bijective mixing
// function. Independent streams are made by hashing a key (seed, purpose, indices) into the
// starting state, so results never depend on thread scheduling or block sizes.

import Foundation

/// The SplitMix64 finalizer: a bijective 64-bit mixing function.
@inlinable @inline(__always)
public func mix64(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Golden-ratio increment of SplitMix64.
public let splitMixGamma: UInt64 = 0x9E37_79B9_7F4A_7C15

/// What a random stream is for: part of the key of keyed streams, so that streams of
/// different purposes never coincide.
public enum StreamPurpose: UInt64, Sendable {
    /// Bootstrap resampling of test rows (error of Var(ΔE_inf)).
    case bootstrap = 0xB007_57A9
    /// Random training subsets of the N × C scan.
    case scanSubset = 0x5CA7_5B5E
    /// Bootstrap resampling of training and test rows for the error bars of feature elimination.
    case rfeBootstrap = 0x3FEB_0075
}

/// A SplitMix64 stream; also a `RandomNumberGenerator` for Swift's `shuffled(using:)` and
/// `random(in:using:)`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    /// A stream whose state starts at `seed` (the classic SplitMix64 seeding).
    @inlinable public init(seed: UInt64) { state = seed }

    /// A stream for `purpose`, keyed by a seed and further words (indices, bit patterns).
    public init(seed: UInt64, purpose: StreamPurpose, _ words: UInt64...) {
        var h = mix64(seed ^ 0xD1A6_0571_C5EE_D001)
        for w in [purpose.rawValue] + words { h = mix64(h ^ w &+ splitMixGamma) }
        state = h
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= splitMixGamma
        return mix64(state)
    }

    /// Uniform on the open interval (0, 1), 53 random bits.
    @inlinable @inline(__always)
    public mutating func uniformOpen() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Uniform on [-1, 1), 53 random bits.
    @inlinable @inline(__always)
    public mutating func uniformSigned() -> Double {
        Double(Int64(bitPattern: next()) >> 11) * 0x1p-52
    }

    /// Uniform integer in 0..<bound (bound ≥ 1), by the multiply-high method (bias < bound/2⁶⁴).
    @inlinable @inline(__always)
    public mutating func nextInt(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// The value the `index`-th call of `next()` (0-based) would return, without advancing the
    /// stream: SplitMix64's state is a counter, so any position of a stream is reached directly.
    @inlinable @inline(__always)
    public func value(at index: Int) -> UInt64 {
        mix64(state &+ (UInt64(truncatingIfNeeded: index) &+ 1) &* splitMixGamma)
    }

    /// A Poisson(1) count (P(k) = e⁻¹/k!) drawn by inversion from `value(at: index)`: how often
    /// item `index` appears in a Poisson bootstrap resample (Hanley & MacGibbon, Comput. Methods
    /// Programs Biomed. 83, 57 (2006)), the form of resampling with replacement that needs no
    /// other item's draw, so a resample can be generated piece by piece.
    @inlinable @inline(__always)
    public func poissonOne(at index: Int) -> Int {
        let u = (Double(value(at: index) >> 11) + 0.5) * 0x1p-53
        // Inversion: the smallest k with P(K ≤ k) ≥ u. P(K ≤ k) for k = 0…7 are the partial sums
        // e⁻¹·Σ 1/j! (summed in this order), compared without branches; the rare tail (P(K ≥ 8) =
        // 1.0·10⁻⁵) continues the same sums, up to k = 20.
        var k = (u > 0.36787944117144233 ? 1 : 0) + (u > 0.7357588823428847 ? 1 : 0)
        k += (u > 0.9196986029286058 ? 1 : 0) + (u > 0.9810118431238463 ? 1 : 0)
        k += (u > 0.9963401531726563 ? 1 : 0) + (u > 0.9994058151824183 ? 1 : 0)
        k += (u > 0.999916758850712 ? 1 : 0) + (u > 0.9999897508033253 ? 1 : 0)
        if k == 8 {
            var p = 0.36787944117144233, cdf = 0.9999897508033253
            for j in 1...7 { p /= Double(j) }
            while k < 20 {
                p /= Double(k)
                cdf += p
                if u <= cdf { break }
                k += 1
            }
        }
        return k
    }

    /// Two independent N(0, 1) values (Marsaglia polar method).
    @inlinable @inline(__always)
    public mutating func gaussianPair() -> (Double, Double) {
        while true {
            let u = uniformSigned()
            let v = uniformSigned()
            let s = u * u + v * v
            if s < 1 && s > 0 {
                let f = (-2 * log(s) / s).squareRoot()
                return (u * f, v * f)
            }
        }
    }
}
