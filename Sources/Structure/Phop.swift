import Foundation
import Parallel

/// p_hop values for a run of consecutive frames.
public struct PhopSeries: Sendable, Equatable {
    /// Trajectory frame index of `values[0]` (= `halfWindow` when computed from frame 0).
    public var firstFrame: Int
    /// `values[f][i]`: p_hop of particle i at frame `firstFrame + f` (length² units).
    public var values: [[Double]]

    /// Creates a series; all rows must have the same length.
    public init(firstFrame: Int, values: [[Double]]) {
        self.firstFrame = firstFrame
        self.values = values
    }
}

/// Streaming calculator of the hop indicator of Candelier, Dauchot & Biroli
/// (PRL 102, 088001 (2009)), as used by Schoenholz et al., Nature Physics 12, 469 (2016):
///
///     p_hop(i, t) = sqrt( ⟨(r_i − ⟨r_i⟩_B)²⟩_A · ⟨(r_i − ⟨r_i⟩_A)²⟩_B )
///
/// with the windows A = [t − h, t] and B = [t, t + h] in frame units (both inclusive, h + 1
/// frames each, h = `halfWindow` = t_R/2 in frames) and ⟨·⟩ the average over a window's frames.
/// Positions must be *unwrapped* (see `SimulationBox.unwrap(position:image:)`); p_hop has units
/// of length². It is defined for frames h … F − 1 − h of an F-frame trajectory.
///
/// Algorithm: with μ_W and σ²_W = ⟨|r − μ_W|²⟩_W the mean and variance over a window,
/// ⟨(r − μ_B)²⟩_A = σ²_A + |μ_A − μ_B|² and ⟨(r − μ_A)²⟩_B = σ²_B + |μ_A − μ_B|². Window sums
/// Σ(r − r_ref) and Σ|r − r_ref|² slide by one frame in O(1) per particle (O(N) per frame,
/// O(N·frames) total); every h + 1 frames they are recomputed exactly from the stored frames with a
/// fresh reference position r_ref taken inside the window, so rounding does not accumulate and
/// variances never suffer from cancellation against large unwrapped coordinates. The statistics of
/// the last h + 1 windows are kept so A(t) = W(t) is available when B(t) = W(t + h) completes.
/// Memory: (h + 1)·N positions plus (h + 1)·N window statistics. Work is parallel over particles.
public struct PhopCalculator: Sendable {
    /// Number of particles per frame.
    public let particleCount: Int
    /// h: frames on each side of t (window length h + 1 frames).
    public let halfWindow: Int
    /// Frames received so far.
    public private(set) var framesAdded = 0
    /// Worker count (nil: active processor count).
    public var threads: Int?

    private var ring: [SIMD3<Double>]        // last h + 1 frames, slot f % (h + 1)
    private var ref: [SIMD3<Double>]
    private var sum1: [SIMD3<Double>]
    private var sum2: [Double]
    private var winMean: [SIMD3<Double>]     // stats of W(f), slot f % (h + 1)
    private var winVar: [Double]
    private var framesSinceRecompute = 0

    /// - Throws: `.invalidParameter` if `particleCount` < 0 or `halfWindow` < 1.
    public init(particleCount: Int, halfWindow: Int, threads: Int? = nil) throws {
        guard particleCount >= 0 else { throw StructureError.invalidParameter("particleCount must be ≥ 0") }
        guard halfWindow >= 1 else { throw StructureError.invalidParameter("halfWindow must be ≥ 1 frame") }
        self.particleCount = particleCount
        self.halfWindow = halfWindow
        self.threads = threads
        let slots = halfWindow + 1
        ring = [SIMD3<Double>](repeating: .zero, count: slots * particleCount)
        ref = [SIMD3<Double>](repeating: .zero, count: particleCount)
        sum1 = [SIMD3<Double>](repeating: .zero, count: particleCount)
        sum2 = [Double](repeating: 0, count: particleCount)
        winMean = [SIMD3<Double>](repeating: .zero, count: slots * particleCount)
        winVar = [Double](repeating: 0, count: slots * particleCount)
    }

    /// Feeds the next frame (unwrapped positions, one per particle).
    /// - Returns: once at least 2h + 1 frames have been added, the frame index t = (index of this
    ///   frame) − h and p_hop(i, t) for every particle; nil before that.
    /// - Throws: `.lengthMismatch` or `.nonFiniteInput` (the frame is then not added).
    public mutating func add(frame positions: [SIMD3<Double>]) throws -> (frame: Int, values: [Double])? {
        let n = particleCount
        guard positions.count == n else {
            throw StructureError.lengthMismatch("frame positions", expected: n, actual: positions.count)
        }
        for (i, r) in positions.enumerated() where !(r.x.isFinite && r.y.isFinite && r.z.isFinite) {
            throw StructureError.nonFiniteInput("position", index: i)
        }
        let h = halfWindow, slots = h + 1
        let f = framesAdded
        let slot = f % slots
        // Frames currently in the ring: max(0, f − h) … f − 1. After this call: f − h … f.
        let windowFull = f >= h                        // W(f) has all h + 1 frames
        let recompute = windowFull && (f == h || framesSinceRecompute >= h)
        let invCount = 1 / Double(slots)
        let t = f - h
        let emit = f >= 2 * h
        var result = emit ? [Double](repeating: 0, count: n) : []
        let tSlot = ((t % slots) + slots) % slots
        let nThreads = Parallel.threadCount(threads)
        ring.withUnsafeMutableBufferPointer { ringP in
        ref.withUnsafeMutableBufferPointer { refP in
        sum1.withUnsafeMutableBufferPointer { s1 in
        sum2.withUnsafeMutableBufferPointer { s2 in
        winMean.withUnsafeMutableBufferPointer { wm in
        winVar.withUnsafeMutableBufferPointer { wv in
        result.withUnsafeMutableBufferPointer { res in
        positions.withUnsafeBufferPointer { pos in
            Parallel.chunks(count: n, chunk: 4096, threads: nThreads) { _, range in
                for i in range {
                    let r = pos[i]
                    if recompute {
                        // Window W(f) = frames f − h … f: the ring holds f − h … f − 1 plus r.
                        let reference = ringP[((f - h) % slots) * n + i]
                        var a = r - reference
                        var b = (a * a).sum()
                        for g in (f - h)..<f {
                            let d = ringP[(g % slots) * n + i] - reference
                            a += d
                            b += (d * d).sum()
                        }
                        refP[i] = reference
                        s1[i] = a
                        s2[i] = b
                    } else if windowFull {
                        let d = r - refP[i]
                        // Here f > h (f == h always recomputes): frame f − h − 1 leaves the window.
                        let old = ringP[slot * n + i] - refP[i]
                        s1[i] += d - old
                        s2[i] += (d * d).sum() - (old * old).sum()
                    }
                    ringP[slot * n + i] = r
                    if windowFull {
                        let m = s1[i] * invCount
                        let v = Swift.max(0, s2[i] * invCount - (m * m).sum())
                        let mean = refP[i] + m
                        wm[slot * n + i] = mean
                        wv[slot * n + i] = v
                        if emit {
                            let meanA = wm[tSlot * n + i], varA = wv[tSlot * n + i]
                            let dm = meanA - mean
                            let shift = (dm * dm).sum()
                            res[i] = ((varA + shift) * (v + shift)).squareRoot()
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
        if recompute { framesSinceRecompute = 0 } else if windowFull { framesSinceRecompute += 1 }
        framesAdded = f + 1
        return emit ? (t, result) : nil
    }

    /// p_hop for a whole trajectory of unwrapped frames (frame 0 first).
    /// - Returns: a series starting at frame h with F − 2h rows (empty if F < 2h + 1).
    /// - Throws: as `init` and `add(frame:)`.
    public static func compute(frames: [[SIMD3<Double>]], halfWindow: Int,
                               threads: Int? = nil) throws -> PhopSeries {
        var calc = try PhopCalculator(particleCount: frames.first?.count ?? 0,
                                      halfWindow: halfWindow, threads: threads)
        var rows: [[Double]] = []
        for frame in frames {
            if let out = try calc.add(frame: frame) { rows.append(out.values) }
        }
        return PhopSeries(firstFrame: halfWindow, values: rows)
    }
}
