import Foundation
import Parallel

/// Neighbour list under periodic boundary conditions (orthogonal or triclinic boxes).
///
/// For every requested centre i it stores all particles j ≠ i with minimum-image separation
/// |r_j − r_i| < `cutoff` (strict), together with the displacement r_j − r_i (minimum image,
/// length units of the positions) and the distance. Construction is O(N) with a linked-cell grid
/// in fractional coordinates (cells at least rc/2 thick, a (5×5×5)-cell stencil); boxes too small
/// for that stencil degrade gracefully to an all-pairs minimum-image scan. Work is spread over
/// centres with `Parallel.chunks`.
///
/// Output order is deterministic: centres in the order given, each centre's neighbours sorted by
/// increasing particle index, independent of the thread count.
///
/// Requirement: `cutoff` < half the smallest perpendicular width along periodic axes
/// (see `SimulationBox.validateCutoff(_:)`), so each pair has at most one image within range.
public struct NeighborList: Sendable {
    /// Cutoff radius rc (exclusive).
    public let cutoff: Double
    /// Centre particle indices, in the order requested.
    public let centers: [Int]
    /// CSR offsets: neighbours of `centers[c]` occupy `offsets[c] ..< offsets[c + 1]`.
    public let offsets: [Int]
    /// Neighbour particle indices j.
    public let neighbors: [Int]
    /// Minimum-image displacement vectors r_j − r_i.
    public let displacements: [SIMD3<Double>]
    /// Distances |r_j − r_i|.
    public let distances: [Double]

    /// Builds the list.
    /// - Parameters:
    ///   - positions: Cartesian positions (wrapped or not; any image is fine on periodic axes).
    ///   - box: the periodic cell.
    ///   - cutoff: rc, same length unit as positions.
    ///   - centers: subset of centre particles (default: all, in index order).
    ///   - threads: worker count (default: active processor count).
    /// - Throws: `.invalidCutoff`, `.cutoffTooLargeForBox`, `.nonFiniteInput`, `.indexOutOfRange`.
    public init(positions: [SIMD3<Double>], box: SimulationBox, cutoff: Double,
                centers: [Int]? = nil, threads: Int? = nil) throws {
        let grid = try CellGrid(positions: positions, box: box, cutoff: cutoff)
        let n = positions.count
        let centerList = centers ?? Array(0..<n)
        for c in centerList where c < 0 || c >= n { throw StructureError.indexOutOfRange(c, count: n) }
        let nThreads = Parallel.threadCount(threads)
        let chunk = 256
        let nChunks = (centerList.count + chunk - 1) / chunk
        // Per-chunk results, written by exactly one worker each.
        var partIdx = [[Int]](repeating: [], count: nChunks)
        var partDisp = [[SIMD3<Double>]](repeating: [], count: nChunks)
        var partCount = [[Int]](repeating: [], count: nChunks)
        partIdx.withUnsafeMutableBufferPointer { pIdx in
        partDisp.withUnsafeMutableBufferPointer { pDisp in
        partCount.withUnsafeMutableBufferPointer { pCount in
            Parallel.chunks(count: centerList.count, chunk: chunk, threads: nThreads) { _, range in
                var scratch = NeighborScratch(capacity: 128)
                var idx: [Int] = [], disp: [SIMD3<Double>] = [], cnt: [Int] = []
                var order: [Int] = []
                for c in range {
                    grid.gather(center: centerList[c], into: &scratch)
                    order = Array(0..<scratch.count)
                    order.sort { scratch.index[$0] < scratch.index[$1] }
                    for o in order {
                        idx.append(Int(scratch.index[o]))
                        disp.append(SIMD3(scratch.dx[o], scratch.dy[o], scratch.dz[o]))
                    }
                    cnt.append(scratch.count)
                }
                let k = range.lowerBound / chunk
                pIdx[k] = idx; pDisp[k] = disp; pCount[k] = cnt
            }
        }
        }
        }
        var offsets = [Int](repeating: 0, count: centerList.count + 1)
        var c = 0
        for part in partCount { for v in part { offsets[c + 1] = offsets[c] + v; c += 1 } }
        self.cutoff = cutoff
        self.centers = centerList
        self.offsets = offsets
        self.neighbors = partIdx.flatMap { $0 }
        self.displacements = partDisp.flatMap { $0 }
        self.distances = self.displacements.map { ($0 * $0).sum().squareRoot() }
    }

    /// Total number of stored (centre, neighbour) entries; each unordered pair appears twice
    /// when both particles are centres.
    public var entryCount: Int { neighbors.count }

    /// Neighbour indices of the c-th centre (`centers[c]`), sorted ascending.
    public func neighbors(ofCenterAt c: Int) -> ArraySlice<Int> {
        neighbors[offsets[c]..<offsets[c + 1]]
    }

    /// Every stored entry as (centre, neighbour), in storage order. Convenience for tests and
    /// small systems.
    public var entries: [(center: Int, neighbor: Int)] {
        var out: [(center: Int, neighbor: Int)] = []
        out.reserveCapacity(neighbors.count)
        for c in 0..<centers.count {
            for p in offsets[c]..<offsets[c + 1] { out.append((centers[c], neighbors[p])) }
        }
        return out
    }
}
