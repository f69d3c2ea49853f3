import Learning

/// The test rows of one temperature in canonical order (ascending S, then label, then ΔE), so
/// that results, the bootstrap included, do not depend on the order of the input rows. The rows
/// are in memory or in a `GroupRowStore` (out of core: a segment of `StreamedDiagnostics`'
/// temporary file); every stage
/// after the softness visits them in the same pieces in the same order, so both give the same
/// numbers bit for bit.
package struct TemperatureGroup: Sendable {
    /// Temperature T.
    package var temperature: Double
    /// True when T also has training rows.
    package var isTraining: Bool
    /// True when the rows carry the true barrier ΔE (toy data).
    package var hasEnergy: Bool
    /// Test rows at T.
    package var count: Int
    /// Rows with R = +1.
    package var positives: Int
    /// Rows whose label sign(S) predicts (+1 iff S > 0).
    package var correct: Int
    /// Where the rows are.
    package var rows: Rows

    /// Where the (S, R, ΔE) of a group are.
    package enum Rows: Sendable {
        /// In arrays (ΔE empty without a true barrier).
        case memory(s: [Double], y: [Double], e: [Double])
        /// In a store outside memory (a temporary file).
        case stored(any GroupRowStore)
    }

    /// Rows visited at a time (the weights of a bootstrap replicate are made per piece); the
    /// numbers do not depend on it.
    package var pieceRows = 1 << 16

    /// Fraction of the rows with R = +1.
    package var rearrangingFraction: Double { count == 0 ? 0 : Double(positives) / Double(count) }

    /// A group from (S, R, ΔE) entries: sorted into canonical order, counted, and `entries` emptied.
    package init(_ temperature: Double, isTraining: Bool, hasEnergy: Bool, entries list: inout [GroupEntry]) {
        list.sort(by: GroupEntry.precedes)
        var positives = 0, correct = 0
        for entry in list {
            if entry.y > 0 { positives += 1 }
            if (entry.s > 0 ? 1.0 : -1.0) == entry.y { correct += 1 }
        }
        self.init(temperature: temperature, isTraining: isTraining, hasEnergy: hasEnergy, count: list.count,
                  positives: positives, correct: correct,
                  rows: .memory(s: list.map(\.s), y: list.map(\.y), e: hasEnergy ? list.map(\.e) : []))
        list = []
    }

    /// A group of `count` rows already in canonical order, with their counts.
    package init(temperature: Double, isTraining: Bool, hasEnergy: Bool, count: Int, positives: Int, correct: Int, rows: Rows) {
        self.temperature = temperature
        self.isTraining = isTraining
        self.hasEnergy = hasEnergy
        self.count = count
        self.positives = positives
        self.correct = correct
        self.rows = rows
    }

    /// Calls `body` with consecutive pieces of the rows in canonical order: the first row's
    /// position, S, R (±1) and ΔE (empty without a true barrier).
    package func forEachPieceWithBarrier(_ body: (_ offset: Int, _ s: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>,
                               _ e: UnsafeBufferPointer<Double>) -> Void) {
        switch rows {
        case let .memory(s, y, e):
            s.withUnsafeBufferPointer { sp in
                y.withUnsafeBufferPointer { yp in
                    e.withUnsafeBufferPointer { ep in
                        var start = 0
                        while start < count {
                            let end = min(count, start + pieceRows)
                            body(start, UnsafeBufferPointer(rebasing: sp[start..<end]), UnsafeBufferPointer(rebasing: yp[start..<end]),
                                 ep.isEmpty ? ep : UnsafeBufferPointer(rebasing: ep[start..<end]))
                            start = end
                        }
                    }
                }
            }
        case let .stored(store):
            store.forEachPiece(rows: pieceRows, energy: hasEnergy, body)
        }
    }

    /// S of row `index` (canonical order).
    package func softness(at index: Int) -> Double {
        switch rows {
        case let .memory(s, _, _): return s[index]
        case let .stored(store): return store.softness(at: index)
        }
    }

    /// Calls `body` with S and ΔE of every row, in canonical order.
    package func forEachRow(_ body: (_ s: Double, _ e: Double) -> Void) {
        forEachPieceWithBarrier { _, s, _, e in
            for i in 0..<s.count { body(s[i], e.isEmpty ? 0 : e[i]) }
        }
    }
}

extension TemperatureGroup: LogisticRows {
    package func forEachPiece(_ body: (Int, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>?) -> Void) {
        forEachPieceWithBarrier { offset, s, y, _ in body(offset, s, y, nil) }
    }
}

/// Rows of a temperature group kept outside memory, read back in pieces (out of core: a
/// segment of a temporary file). Read errors are kept and thrown by `check()`.
package protocol GroupRowStore: Sendable {
    /// S of row `index`.
    func softness(at index: Int) -> Double
    /// The rows in consecutive pieces of `rows` rows, as `TemperatureGroup.forEachPieceWithBarrier`.
    func forEachPiece(rows: Int, energy: Bool, _ body: (Int, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>,
                                                          UnsafeBufferPointer<Double>) -> Void)
    /// Throws the first read error.
    func check() throws(DiagnosticError)
}

/// (S, R, ΔE) of one test row while its temperature group is built.
package struct GroupEntry: Sendable {
    package var s: Double
    package var y: Double
    package var e: Double

    package init(s: Double, y: Double, e: Double) {
        self.s = s
        self.y = y
        self.e = e
    }

    /// The canonical order: ascending S, then label, then ΔE.
    @inline(__always)
    package static func precedes(_ p: GroupEntry, _ q: GroupEntry) -> Bool {
        if p.s != q.s { return p.s < q.s }
        if p.y != q.y { return p.y < q.y }
        return p.e < q.e
    }
}

/// Order statistics of the softness of several groups, each sorted by S, without merging them:
/// the value of rank `rank` (0-based) in their union, found by bisecting the order-preserving
/// integer image of doubles and counting the rows ≤ a value in each group by binary search.
package func unionOrderStatistic(_ groups: [TemperatureGroup], rank: Int) -> Double {
    func key(_ v: Double) -> UInt64 { v.sign == .minus ? ~v.bitPattern : v.bitPattern | (1 << 63) }
    func value(_ k: UInt64) -> Double { k >> 63 == 1 ? Double(bitPattern: k & ~(1 << 63)) : Double(bitPattern: ~k) }
    func rowsAtMost(_ v: Double) -> Int {
        groups.reduce(0) { total, g in
            var lo = 0, hi = g.count  // first index with S > v
            while lo < hi {
                let mid = (lo + hi) / 2
                if g.softness(at: mid) <= v { lo = mid + 1 } else { hi = mid }
            }
            return total + lo
        }
    }
    var lo = groups.filter { $0.count > 0 }.map { key($0.softness(at: 0)) }.min() ?? 0
    var hi = groups.filter { $0.count > 0 }.map { key($0.softness(at: $0.count - 1)) }.max() ?? 0
    // The smallest key whose value has more than `rank` rows at or below it.
    while lo < hi {
        let mid = lo + (hi - lo) / 2
        if rowsAtMost(value(mid)) > rank { hi = mid } else { lo = mid + 1 }
    }
    return value(lo)
}

extension TemperatureGroup {
    /// Throws the store's first read or write error, if the rows are in one.
    package func checkStorage() throws(DiagnosticError) {
        if case let .stored(store) = rows { try store.check() }
    }
}
