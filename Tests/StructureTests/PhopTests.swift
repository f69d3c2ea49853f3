import Foundation
import SeededRandom
import Testing
@testable import Structure

/// Direct O(window) evaluation of p_hop from its definition.
func directPhop(_ traj: [SIMD3<Double>], t: Int, h: Int) -> Double {
    let A = Array(traj[(t - h)...t]), B = Array(traj[t...(t + h)])
    func mean(_ w: [SIMD3<Double>]) -> SIMD3<Double> { w.reduce(.zero, +) / Double(w.count) }
    func msd(_ w: [SIMD3<Double>], _ m: SIMD3<Double>) -> Double {
        w.map { (($0 - m) * ($0 - m)).sum() }.reduce(0, +) / Double(w.count)
    }
    return (msd(A, mean(B)) * msd(B, mean(A))).squareRoot()
}

@Suite("p_hop and labels")
struct PhopTests {

    @Test("single hop: analytic peak, zero for static particles, labels")
    func singleHop() throws {
        let h = 4, frames = 20, t0 = 9
        let D = SIMD3<Double>(0.9, -0.6, 0.8)            // |D|² = 1.81
        let D2 = (D * D).sum()
        let far = SIMD3<Double>(1.0e4, -3.0e3, 2.5e4)   // large unwrapped offsets
        var traj: [[SIMD3<Double>]] = []
        for f in 0..<frames {
            traj.append([far, SIMD3(1, 2, 3) + (f >= t0 ? D : .zero), SIMD3(-5, 0.5, 7)])
        }
        let series = try PhopCalculator.compute(frames: traj, halfWindow: h, threads: 2)
        #expect(series.firstFrame == h)
        #expect(series.values.count == frames - 2 * h)
        // Pure step between frames t0−1 and t0, windows of n = h + 1 frames:
        // t = t0 + m (0 ≤ m ≤ h): A holds h − m frames at 0 and m + 1 at D, B is all D, so
        //   ⟨(r − ⟨r⟩_B)²⟩_A = (h − m)/(h + 1)·D², ⟨(r − ⟨r⟩_A)²⟩_B = ((h − m)/(h + 1))²·D²,
        //   p_hop = D²·((h − m)/(h + 1))^{3/2}; by symmetry the same at t = t0 − 1 − m; 0 elsewhere.
        // Peak value D²·(h/(h+1))^{3/2} = 1.81·0.8^{1.5} ≈ 1.2951 at t0 − 1 and t0.
        for (row, values) in series.values.enumerated() {
            let t = series.firstFrame + row
            var m = -1
            if t >= t0 && t - t0 <= h { m = t - t0 }
            if t < t0 && t0 - 1 - t <= h { m = t0 - 1 - t }
            let expected = m >= 0 ? D2 * pow(Double(h - m) / Double(h + 1), 1.5) : 0
            #expect(abs(values[1] - expected) < 1e-10)
            #expect(abs(values[0]) < 1e-9)
            #expect(abs(values[2]) < 1e-12)
        }
        let peak = series.values.map { $0[1] }
        let maxValue = peak.max() ?? 0
        #expect(abs(maxValue - D2 * pow(0.8, 1.5)) < 1e-10)
        #expect(abs(peak[t0 - h] - maxValue) < 1e-12 && abs(peak[t0 - 1 - h] - maxValue) < 1e-12)

        // Labels with p_c = 0.3·D², quiet window q = 2. p_hop/D² = 0.7155, 0.4648, 0.2530, …
        // → +1 at t ∈ {7, 8, 9, 10}; series covers t = 4…15, quiet windows must lie inside
        // → −1 candidates t ∈ 6…13; particle 1 is quiet only at t = 13 ([11, 15] all ≤ p_c).
        let labeler = try RearrangementLabeler(threshold: 0.3 * D2, quietWindow: 2)
        let labels = try labeler.labels(for: series)
        let plus = Set(labels.filter { $0.label == 1 }.map { [$0.frame, $0.particle] })
        #expect(plus == Set([[7, 1], [8, 1], [9, 1], [10, 1]]))
        let minus1 = labels.filter { $0.label == -1 && $0.particle == 1 }.map(\.frame)
        #expect(minus1 == [13])
        for p in [0, 2] {
            #expect(labels.filter { $0.label == -1 && $0.particle == p }.map(\.frame) == Array(6...13))
        }
        #expect(labels.count == 4 + 1 + 16)
        // ordered by frame, then particle
        #expect(labels == labels.sorted { ($0.frame, $0.particle) < ($1.frame, $1.particle) })
    }

    @Test("streaming running sums equal the direct definition on random walks")
    func randomWalk() throws {
        var rng = SplitMix64(seed: 21)
        let n = 37, frames = 160
        for h in [1, 3, 10] {
            var pos = (0..<n).map { _ in SIMD3(rng.uniform(-1e3, 1e3), rng.uniform(-1e3, 1e3), rng.uniform(-1e3, 1e3)) }
            var traj: [[SIMD3<Double>]] = []
            for _ in 0..<frames {
                traj.append(pos)
                pos = pos.map { $0 + SIMD3(rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3))
                                   + (rng.uniform() < 0.02 ? SIMD3(1.5, 0, 0) : .zero) }
            }
            var calc = try PhopCalculator(particleCount: n, halfWindow: h, threads: 2)
            var emitted = 0
            for (f, frame) in traj.enumerated() {
                if let out = try calc.add(frame: frame) {
                    #expect(out.frame == f - h)
                    for i in 0..<n {
                        let direct = directPhop(traj.map { $0[i] }, t: out.frame, h: h)
                        #expect(abs(out.values[i] - direct) <= 1e-9 * max(1, direct))
                    }
                    emitted += 1
                } else {
                    #expect(f < 2 * h)
                }
            }
            #expect(emitted == frames - 2 * h)
        }
    }

    @Test("bad input is rejected")
    func errors() throws {
        #expect(throws: StructureError.self) { _ = try PhopCalculator(particleCount: 3, halfWindow: 0) }
        var calc = try PhopCalculator(particleCount: 2, halfWindow: 2)
        #expect(throws: StructureError.self) { _ = try calc.add(frame: [SIMD3(0, 0, 0)]) }
        #expect(throws: StructureError.self) { _ = try calc.add(frame: [SIMD3(0, 0, 0), SIMD3(.nan, 0, 0)]) }
        #expect(calc.framesAdded == 0)
        #expect(throws: StructureError.self) { _ = try RearrangementLabeler(threshold: .nan, quietWindow: 1) }
        let labeler = try RearrangementLabeler(threshold: 1, quietWindow: 0)
        #expect(throws: StructureError.self) {
            _ = try labeler.labels(for: PhopSeries(firstFrame: 0, values: [[0, 0], [0]]))
        }
    }
}
