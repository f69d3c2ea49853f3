/// Training and test row indices of an input, in input order.
struct RowSplit {
    var training: RowIndices
    var test: RowIndices

    init(_ input: DiagnosticInput) {
        let n = input.rowCount
        var trainingCount = 0
        for i in 0..<n where input.isTraining[i] { trainingCount += 1 }
        training = RowIndices(capacity: trainingCount, rowCount: n)
        test = RowIndices(capacity: n - trainingCount, rowCount: n)
        for i in 0..<n {
            if input.isTraining[i] { training.append(i) } else { test.append(i) }
        }
    }
}

/// Row indices in a fixed order, stored as 32-bit integers (half the memory of `[Int]`) whenever
/// every row index fits.
struct RowIndices: RandomAccessCollection, Sendable {
    private var narrow: [UInt32] = []
    private var wide: [Int] = []
    private let isWide: Bool

    /// Empty list with room for `capacity` indices below `rowCount`.
    init(capacity: Int, rowCount: Int) {
        isWide = rowCount > Int(UInt32.max)
        if isWide { wide.reserveCapacity(capacity) } else { narrow.reserveCapacity(capacity) }
    }

    /// The 32-bit index array (shared, not copied), or nil when the indices are stored as `Int`.
    var narrowStorage: [UInt32]? { isWide ? nil : narrow }

    mutating func append(_ row: Int) {
        if isWide { wide.append(row) } else { narrow.append(UInt32(truncatingIfNeeded: row)) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { isWide ? wide.count : narrow.count }

    @inline(__always) subscript(position: Int) -> Int {
        isWide ? wide[position] : Int(narrow[position])
    }
}
