import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The parallel loops of softness: every parallel pass over rows, chunks, files or replicates
/// goes through these few functions (built on `DispatchQueue.concurrentPerform`). Each task
/// writes only its own slot or rows, so results never depend on the number of threads.
public enum Parallel {
    /// Number of worker threads to use: the caller's request (at least 1) or every active processor.
    public static func threadCount(_ requested: Int? = nil) -> Int {
        Swift.max(1, requested ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs `body(task)` for every task in `0..<count` concurrently, on all cores.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let shared = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
        }
    }

    /// Runs `body(worker, task)` for every task in `0..<count` on up to `threads` workers
    /// (nil: all cores). Worker w takes tasks w, w + W, w + 2W, … (static interleaving, so the
    /// assignment is reproducible); one worker runs inline on the caller's thread.
    public static func interleaved(_ count: Int, threads: Int?, _ body: (_ worker: Int, _ task: Int) -> Void) {
        let workers = Swift.min(threadCount(threads), count)
        if workers <= 1 {
            for task in 0..<count { body(0, task) }
            return
        }
        forEach(workers) { worker in
            var task = worker
            while task < count {
                body(worker, task)
                task += workers
            }
        }
    }

    /// Runs `body(worker, range)` over `0..<count` cut into chunks of `chunk` items, chunks dealt
    /// to up to `threads` workers as in `interleaved`.
    public static func chunks(count: Int, chunk: Int, threads: Int?, _ body: (_ worker: Int, _ range: Range<Int>) -> Void) {
        guard count > 0 else { return }
        let size = Swift.max(1, chunk)
        interleaved((count + size - 1) / size, threads: threads) { worker, c in
            body(worker, (c * size)..<Swift.min(count, (c + 1) * size))
        }
    }

    /// Runs `body(range)` over `0..<count` cut into `parts` contiguous ranges of near-equal size,
    /// concurrently.
    public static func contiguous(count: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let parts = Swift.max(1, Swift.min(parts, count))
        forEach(parts) { part in
            body((count * part / parts)..<(count * (part + 1) / parts))
        }
    }

    /// Evaluates `body(i)` for i in 0..<count concurrently and returns the results in index order.
    public static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        if count <= 1 { return (0..<count).map(body) }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let start = buffer.baseAddress else { return }
            let base = UncheckedSendable(start)
            forEach(count) { i in (base.value + i).initialize(to: body(i)) }
            initialized = count
        }
    }
}

extension Parallel {
    /// Runs `background` on a thread of its own while `foreground` runs on the caller's thread,
    /// and returns when both are done: a two-stage pipeline, e.g. the next block of rows read
    /// (itself on all cores) while the current one is checked. A fresh thread, not a pool
    /// worker, so it can neither wait for nor starve a parallel loop. The foreground's error
    /// wins (it is about the earlier block); without a thread the two run one after the other.
    public static func concurrently(_ background: () throws -> Void, _ foreground: () throws -> Void) throws {
        try withoutActuallyEscaping(background) { background in
            let task = BackgroundTask(background)
            var foregroundError: (any Error)?
            #if canImport(Glibc)
            var thread = pthread_t()
            let context = Unmanaged.passRetained(task).toOpaque()
            let started = pthread_create(&thread, nil, { raw in
                if let raw { Unmanaged<BackgroundTask>.fromOpaque(raw).takeRetainedValue().run() }
                return nil
            }, context) == 0
            if !started {
                Unmanaged<BackgroundTask>.fromOpaque(context).release()
                task.run()
            }
            do { try foreground() } catch { foregroundError = error }
            if started { pthread_join(thread, nil) }
            #else
            task.run()
            do { try foreground() } catch { foregroundError = error }
            #endif
            if let foregroundError { throw foregroundError }
            if let error = task.error { throw error }
        }
    }
}

extension Parallel {
    /// Rows `0..<rows` in consecutive blocks of `blockRows`, as a two-stage pipeline: `read` of
    /// block k + 1 runs (`concurrently`) beside `consume` of block k. Each gets the block's rows
    /// and its slot, k % 2, so two buffers can alternate. Blocks are consumed in order; the first
    /// error (an earlier block's consume before a later block's read) is thrown.
    public static func pipelined(rows: Int, blockRows: Int, read: (_ rows: Range<Int>, _ slot: Int) throws -> Void,
                                 consume: (_ rows: Range<Int>, _ slot: Int) throws -> Void) throws {
        let step = Swift.max(1, blockRows)
        var block = 0..<Swift.min(rows, step), slot = 0
        if !block.isEmpty { try read(block, slot) }
        while !block.isEmpty {
            let following = block.upperBound..<Swift.min(rows, block.upperBound + step)
            try concurrently({ if !following.isEmpty { try read(following, 1 - slot) } }, { try consume(block, slot) })
            block = following
            slot = 1 - slot
        }
    }
}

/// The background half of `Parallel.concurrently`: its body and the error it threw.
private final class BackgroundTask {
    private var body: (() throws -> Void)?
    private(set) var error: (any Error)?

    init(_ body: @escaping () throws -> Void) { self.body = body }

    /// Runs the body once and lets go of it (so no reference outlives the call).
    func run() {
        do { try body?() } catch { self.error = error }
        body = nil
    }
}

/// Carries a value into a concurrent closure. Only for values whose concurrent use is safe by
/// construction: every worker writes disjoint memory and reads shared immutable data.
public struct UncheckedSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
