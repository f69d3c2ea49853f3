import Parallel

/// A fixed partition of `0..<rowCount` into contiguous row blocks for parallel passes.
///
/// The partition depends only on the row count (never on the thread count), and callers write
/// one partial result per block and reduce them in block order, so every parallel pass gives
/// bitwise the same result whatever the number of threads.
struct RowBlocks: Sendable {
    let rowCount: Int
    let rowsPerBlock: Int
    let count: Int

    init(rowCount: Int, minimumRowsPerBlock: Int = 2048, maximumBlocks: Int = 64) {
        self.rowCount = rowCount
        let perBlock = max(minimumRowsPerBlock, (rowCount + maximumBlocks - 1) / max(maximumBlocks, 1))
        rowsPerBlock = max(perBlock, 1)
        count = rowCount == 0 ? 0 : (rowCount + rowsPerBlock - 1) / rowsPerBlock
    }

    func range(_ block: Int) -> Range<Int> {
        let start = block * rowsPerBlock
        return start..<min(start + rowsPerBlock, rowCount)
    }

    /// Runs `body(block)` once for every block, on up to `threads` threads
    /// (nil: all active processors). Blocks are dealt round-robin to workers.
    func forEachBlock(threads: Int?, _ body: (Int) -> Void) {
        Parallel.interleaved(count, threads: threads) { _, block in body(block) }
    }
}
