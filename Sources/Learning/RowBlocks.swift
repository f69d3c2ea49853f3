import Dispatch
import Foundation

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
        let workers = min(resolvedThreadCount(threads), count)
        if workers <= 1 {
            for block in 0..<count { body(block) }
            return
        }
        // Each block writes only its own slot of the caller's buffers, so sharing the
        // non-Sendable closure across the worker threads is safe.
        nonisolated(unsafe) let work = body
        let count = self.count
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var block = worker
            while block < count {
                work(block)
                block += workers
            }
        }
    }
}

/// Thread count to use: the requested one, or every active processor.
func resolvedThreadCount(_ requested: Int?) -> Int {
    max(requested ?? ProcessInfo.processInfo.activeProcessorCount, 1)
}
