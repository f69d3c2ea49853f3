import Foundation
import Dispatch

/// Runs `body(range)` over `0..<count` split into chunks of `chunk` items, on `threads` workers.
/// Worker w handles chunks w, w + threads, w + 2·threads, … (static interleaving, so the split
/// is reproducible); `threads == 1` runs inline on the caller's thread.
@inline(__always)
func parallelChunks(count: Int, chunk: Int, threads: Int, _ body: (Int, Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunkSize = Swift.max(1, chunk)
    let chunks = (count + chunkSize - 1) / chunkSize
    let workers = Swift.max(1, Swift.min(threads, chunks))
    if workers == 1 {
        for c in 0..<chunks { body(0, (c * chunkSize)..<Swift.min(count, (c + 1) * chunkSize)) }
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let shared = UncheckedSendable(escapable)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var c = w
            while c < chunks {
                shared.value(w, (c * chunkSize)..<Swift.min(count, (c + 1) * chunkSize))
                c += workers
            }
        }
    }
}

/// Number of worker threads to use: the caller's request (≥ 1) or the active processor count.
func resolvedThreadCount(_ requested: Int?) -> Int {
    if let r = requested { return Swift.max(1, r) }
    return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// Carries a value into `concurrentPerform`'s `@Sendable` closure. Only used where every worker
/// writes disjoint memory (distinct output rows / chunk slots) and reads shared immutable data.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
