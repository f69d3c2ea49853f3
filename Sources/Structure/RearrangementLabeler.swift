import Foundation

/// One training label: particle `particle` at trajectory frame `frame` rearranges (+1) or not (−1).
public struct RearrangementLabel: Sendable, Equatable, Hashable {
    /// Trajectory frame index.
    public var frame: Int
    /// Particle index (position in the frame arrays).
    public var particle: Int
    /// +1 rearranging, −1 quiet.
    public var label: Int8

    public init(frame: Int, particle: Int, label: Int8) {
        self.frame = frame; self.particle = particle; self.label = label
    }
}

/// Turns p_hop into rearrangement labels (Schoenholz et al., Nature Physics 12, 469 (2016)).
///
/// - R = +1 for every (particle, frame) with p_hop > p_c (`threshold`, length² units);
/// - R = −1 for (particle, frame t) when p_hop ≤ p_c at *every* frame of [t − q, t + q]
///   (q = `quietWindow` frames); frames whose quiet window is not entirely inside the series are
///   never labelled −1;
/// - everything else (including NaN p_hop) is left unlabelled.
///
/// Cost O(N·frames) via per-particle prefix counts of frames with p_hop > p_c (or NaN).
public struct RearrangementLabeler: Sendable, Equatable {
    /// p_c.
    public let threshold: Double
    /// q, in frames.
    public let quietWindow: Int

    /// - Throws: `.invalidParameter` if p_c is not finite or q < 0.
    public init(threshold: Double, quietWindow: Int) throws {
        guard threshold.isFinite else { throw StructureError.invalidParameter("p_c must be finite") }
        guard quietWindow >= 0 else { throw StructureError.invalidParameter("quietWindow must be ≥ 0") }
        self.threshold = threshold
        self.quietWindow = quietWindow
    }

    /// Labels for a p_hop series, ordered by frame, then particle.
    /// - Throws: `.lengthMismatch` if the rows have different lengths.
    public func labels(for series: PhopSeries) throws -> [RearrangementLabel] {
        let rows = series.values
        guard let n = rows.first?.count else { return [] }
        for r in rows where r.count != n {
            throw StructureError.lengthMismatch("p_hop row", expected: n, actual: r.count)
        }
        let frames = rows.count
        // prefix[i][f] = number of "not quiet" frames among the first f frames of particle i,
        // stored frame-major: prefix[f * n + i].
        var prefix = [Int32](repeating: 0, count: (frames + 1) * n)
        for f in 0..<frames {
            for i in 0..<n {
                let p = rows[f][i]
                let loud: Int32 = (p <= threshold) ? 0 : 1   // NaN counts as not quiet
                prefix[(f + 1) * n + i] = prefix[f * n + i] + loud
            }
        }
        var out: [RearrangementLabel] = []
        let q = quietWindow
        for f in 0..<frames {
            for i in 0..<n {
                let p = rows[f][i]
                if p > threshold {
                    out.append(RearrangementLabel(frame: series.firstFrame + f, particle: i, label: 1))
                } else if f - q >= 0, f + q < frames,
                          prefix[(f + q + 1) * n + i] - prefix[(f - q) * n + i] == 0 {
                    out.append(RearrangementLabel(frame: series.firstFrame + f, particle: i, label: -1))
                }
            }
        }
        return out
    }
}
