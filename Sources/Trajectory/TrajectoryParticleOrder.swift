/// Puts the rows of every frame in ascending-id order and checks that each frame holds exactly
/// the particles of the first frame, so that row `i` is the same particle throughout.
///
/// The first frame's sorted ids become the reference. Later frames map each id to its slot in
/// the reference through a dense table (when ids are reasonably compact, the usual 1…N) or a
/// dictionary, which costs O(N) per frame and no sort.
struct TrajectoryParticleOrder {
    /// A problem with a frame's ids, turned into a `TrajectoryError` by the reader (which knows lines).
    enum Problem: Error {
        case duplicate(id: Int64, firstRow: Int, secondRow: Int)
        case countChanged(count: Int, reference: Int)
        case unknownID(id: Int64, row: Int)
    }

    private enum Lookup {
        case dense(minimum: Int64, slots: [Int32])
        case sparse([Int64: Int32])
    }

    /// Sorted ids of the first frame (nil before it).
    private(set) var referenceIDs: [Int64]?
    private var lookup: Lookup?

    /// Number of particles of the first frame, once it has been seen.
    var referenceCount: Int? { referenceIDs?.count }

    /// Returns `order` with `order[k]` = the row of `ids` that goes to sorted slot `k`, or nil when
    /// the rows are in order already. Records the first frame as the reference.
    mutating func order(ids: [Int64]) throws(Problem) -> [Int]? {
        guard let reference = referenceIDs, let lookup else {
            let order = try Self.sortOrder(ids)
            let sorted = order.map { order in order.map { ids[$0] } } ?? ids
            referenceIDs = sorted
            self.lookup = Self.makeLookup(sorted)
            return order
        }
        guard ids.count == reference.count else {
            throw .countChanged(count: ids.count, reference: reference.count)
        }
        if ids == reference { return nil }
        var order = [Int](repeating: -1, count: ids.count)
        switch lookup {
        case .dense(let minimum, let slots):
            for (row, id) in ids.enumerated() {
                let offset = id &- minimum
                guard offset >= 0, offset < Int64(slots.count), slots[Int(offset)] >= 0 else {
                    throw .unknownID(id: id, row: row)
                }
                let slot = Int(slots[Int(offset)])
                if order[slot] >= 0 { throw .duplicate(id: id, firstRow: order[slot], secondRow: row) }
                order[slot] = row
            }
        case .sparse(let slots):
            for (row, id) in ids.enumerated() {
                guard let found = slots[id] else { throw .unknownID(id: id, row: row) }
                let slot = Int(found)
                if order[slot] >= 0 { throw .duplicate(id: id, firstRow: order[slot], secondRow: row) }
                order[slot] = row
            }
        }
        return order
    }

    /// Stable ascending order of `ids`, nil if already strictly ascending; throws on duplicates.
    private static func sortOrder(_ ids: [Int64]) throws(Problem) -> [Int]? {
        var ascending = true
        for i in ids.indices.dropFirst() where ids[i - 1] >= ids[i] {
            ascending = false
            break
        }
        if ascending { return nil }
        let order = ids.indices.sorted { ids[$0] < ids[$1] || (ids[$0] == ids[$1] && $0 < $1) }
        for k in order.indices.dropFirst() where ids[order[k - 1]] == ids[order[k]] {
            throw .duplicate(id: ids[order[k]], firstRow: order[k - 1], secondRow: order[k])
        }
        return order
    }

    private static func makeLookup(_ sorted: [Int64]) -> Lookup {
        guard let first = sorted.first, let last = sorted.last else { return .dense(minimum: 0, slots: []) }
        let (span, overflow) = last.subtractingReportingOverflow(first)
        if !overflow, span < Int64(4 * sorted.count + 1024), sorted.count < Int(Int32.max) {
            var slots = [Int32](repeating: -1, count: Int(span) + 1)
            for (slot, id) in sorted.enumerated() { slots[Int(id - first)] = Int32(slot) }
            return .dense(minimum: first, slots: slots)
        }
        var slots: [Int64: Int32] = [:]
        slots.reserveCapacity(sorted.count)
        for (slot, id) in sorted.enumerated() { slots[id] = Int32(slot) }
        return .sparse(slots)
    }
}

/// `values` rearranged so that element `k` is `values[order[k]]`.
@inline(__always)
func trajectoryPermuted<T>(_ values: [T], _ order: [Int]) -> [T] {
    values.withUnsafeBufferPointer { source in
        [T](unsafeUninitializedCapacity: order.count) { buffer, initialized in
            for k in 0..<order.count {
                buffer.initializeElement(at: k, to: source[order[k]])
            }
            initialized = order.count
        }
    }
}
