import Foundation

/// Scratch buffer of one centre's neighbours (index, minimum-image displacement r_j − r_i,
/// squared distance). Reused across centres by one worker to avoid allocation.
struct NeighborScratch {
    var index: [Int32] = []
    var dx: [Double] = []
    var dy: [Double] = []
    var dz: [Double] = []
    var r2: [Double] = []
    var count = 0

    init(capacity: Int) {
        index.reserveCapacity(capacity)
        dx.reserveCapacity(capacity); dy.reserveCapacity(capacity)
        dz.reserveCapacity(capacity); r2.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func removeAll() {
        index.removeAll(keepingCapacity: true)
        dx.removeAll(keepingCapacity: true); dy.removeAll(keepingCapacity: true)
        dz.removeAll(keepingCapacity: true); r2.removeAll(keepingCapacity: true)
        count = 0
    }

    @inline(__always)
    mutating func append(_ j: Int32, _ d: SIMD3<Double>, _ rr: Double) {
        index.append(j); dx.append(d.x); dy.append(d.y); dz.append(d.z); r2.append(rr)
        count += 1
    }
}

/// Linked-cell grid in fractional coordinates for periodic (incl. triclinic) boxes.
///
/// Each axis k of the cell is cut into n_k slabs whose perpendicular thickness w_k / n_k is at
/// least rc / m (m = `subdivisions`). Two points closer than rc differ in fractional coordinate k
/// by less than rc / w_k ≤ m / n_k, so their cell indices differ by at most m (cyclically on
/// periodic axes): scanning the (2m+1)³ surrounding cells finds every pair. When a periodic axis
/// has fewer than 2m+1 cells all its cells are scanned once (for n_k = 1 this is the all-pairs
/// minimum-image search). Separations use `SimulationBox.minimumImage`, exact for rc below half
/// the minimum perpendicular width, which the initializer enforces.
struct CellGrid {
    let box: SimulationBox
    let cutoff: Double
    let cutoff2: Double
    let dims: SIMD3<Int>
    let subdivisions: Int
    /// Fractional coordinates of every particle (wrapped to [0,1) on periodic axes).
    let frac: [SIMD3<Double>]
    /// Cell of every particle.
    let cellOf: [Int32]
    /// Start of each cell's run in `sortedIndex` / `sortedFrac` (count = cells + 1).
    let cellStart: [Int32]
    let sortedIndex: [Int32]
    let sortedFrac: [SIMD3<Double>]
    /// Cell offsets to scan along each axis.
    let axisOffsets: [[Int]]

    init(positions: [SIMD3<Double>], box: SimulationBox, cutoff: Double, subdivisions: Int = 2) throws {
        try box.validateCutoff(cutoff)
        guard positions.count < Int(Int32.max) else {
            throw StructureError.invalidParameter("more than 2^31 − 1 particles")
        }
        for (i, r) in positions.enumerated() where !(r.x.isFinite && r.y.isFinite && r.z.isFinite) {
            throw StructureError.nonFiniteInput("position", index: i)
        }
        self.box = box
        self.cutoff = cutoff
        self.cutoff2 = cutoff * cutoff
        let m = Swift.max(1, subdivisions)
        self.subdivisions = m
        let n = positions.count
        let widths = box.perpendicularWidths
        var dims = SIMD3<Int>(1, 1, 1)
        for k in 0..<3 {
            let q = (widths[k] * Double(m) / cutoff).rounded(.down)
            dims[k] = Swift.max(1, Swift.min(Int(Swift.min(q, 1e6)), 1 << 20))
        }
        // Cap the number of cells at ~4 per particle (tiny cutoffs in huge boxes).
        let limit = Swift.max(64, 4 * n)
        while dims.x * dims.y * dims.z > limit {
            for k in 0..<3 where dims[k] > 1 { dims[k] = Swift.max(1, dims[k] * 4 / 5) }
        }
        self.dims = dims
        var offsets: [[Int]] = []
        for k in 0..<3 {
            if box.periodic[k] && dims[k] < 2 * m + 1 {
                offsets.append(Array(0..<dims[k]))
            } else {
                offsets.append(Array(-m...m))
            }
        }
        self.axisOffsets = offsets

        var frac = [SIMD3<Double>](repeating: .zero, count: n)
        var cellOf = [Int32](repeating: 0, count: n)
        let nCells = dims.x * dims.y * dims.z
        var counts = [Int32](repeating: 0, count: nCells + 1)
        let dimsD = SIMD3<Double>(Double(dims.x), Double(dims.y), Double(dims.z))
        for i in 0..<n {
            var s = box.fractional(positions[i])
            var cidx = SIMD3<Int>.zero
            for k in 0..<3 {
                if box.periodic[k] {
                    s[k] -= s[k].rounded(.down)
                    if s[k] >= 1 { s[k] = 0 }
                }
                let q = (s[k] * dimsD[k]).rounded(.down)
                let clamped = Swift.min(Swift.max(q, 0), dimsD[k] - 1)
                cidx[k] = Int(clamped)
            }
            frac[i] = s
            let c = (cidx.z * dims.y + cidx.y) * dims.x + cidx.x
            cellOf[i] = Int32(c)
            counts[c + 1] += 1
        }
        for c in 0..<nCells { counts[c + 1] += counts[c] }
        var fill = counts
        var sortedIndex = [Int32](repeating: 0, count: n)
        var sortedFrac = [SIMD3<Double>](repeating: .zero, count: n)
        for i in 0..<n {
            let c = Int(cellOf[i])
            let p = Int(fill[c])
            sortedIndex[p] = Int32(i)
            sortedFrac[p] = frac[i]
            fill[c] += 1
        }
        self.frac = frac
        self.cellOf = cellOf
        self.cellStart = counts
        self.sortedIndex = sortedIndex
        self.sortedFrac = sortedFrac
    }

    /// Collects all j ≠ i with |minimumImage(r_j − r_i)| < cutoff into `out` (cleared first).
    /// Order: scanned cells in a fixed order, particles within a cell by increasing index.
    func gather(center i: Int, into out: inout NeighborScratch) {
        out.removeAll()
        let c = Int(cellOf[i])
        let cx = c % dims.x
        let cy = (c / dims.x) % dims.y
        let cz = c / (dims.x * dims.y)
        let si = frac[i]
        let per = box.periodic
        let L = box.lengths, T = box.tilts
        let rc2 = cutoff2
        let i32 = Int32(truncatingIfNeeded: i)
        let magic = SIMD3<Double>(repeating: 6755399441055744.0)
        let pm = SIMD3<Double>(per.x ? 1 : 0, per.y ? 1 : 0, per.z ? 1 : 0)
        sortedFrac.withUnsafeBufferPointer { sf in
        sortedIndex.withUnsafeBufferPointer { sidx in
        cellStart.withUnsafeBufferPointer { cs in
            for oz in axisOffsets[2] {
                var z = per.z && dims.z < 2 * subdivisions + 1 ? oz : cz + oz
                if per.z { z = ((z % dims.z) + dims.z) % dims.z } else if z < 0 || z >= dims.z { continue }
                for oy in axisOffsets[1] {
                    var y = per.y && dims.y < 2 * subdivisions + 1 ? oy : cy + oy
                    if per.y { y = ((y % dims.y) + dims.y) % dims.y } else if y < 0 || y >= dims.y { continue }
                    for ox in axisOffsets[0] {
                        var x = per.x && dims.x < 2 * subdivisions + 1 ? ox : cx + ox
                        if per.x { x = ((x % dims.x) + dims.x) % dims.x } else if x < 0 || x >= dims.x { continue }
                        let cell = (z * dims.y + y) * dims.x + x
                        let lo = Int(cs[cell]), hi = Int(cs[cell + 1])
                        var p = lo
                        while p < hi {
                            let j = sidx[p]
                            if j != i32 {
                                // |Δs| < 1 on periodic axes: round with the 1.5·2^52 trick
                                // (no libm call); pm is 1 on periodic axes, 0 otherwise.
                                var s = sf[p] - si
                                s -= ((s + magic) - magic) * pm
                                let dxv = s.x * L.x + s.y * T.x + s.z * T.y
                                let dyv = s.y * L.y + s.z * T.z
                                let dzv = s.z * L.z
                                let rr = dxv * dxv + dyv * dyv + dzv * dzv
                                if rr < rc2 { out.append(j, SIMD3(dxv, dyv, dzv), rr) }
                            }
                            p += 1
                        }
                    }
                }
            }
        }
        }
        }
    }
}
