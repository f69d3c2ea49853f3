import Dispatch
import Parallel
import Testing

private struct Failure: Error, Equatable { let stage: String }

@Suite struct ConcurrentlyTests {
    /// The two halves run at the same time: each waits for the other's signal, which one after
    /// the other could not give (the wait gives up after 30 s instead of hanging the run).
    @Test func bothHalvesRunAtTheSameTime() throws {
        let fromBackground = DispatchSemaphore(value: 0), fromForeground = DispatchSemaphore(value: 0)
        var backgroundSaw = DispatchTimeoutResult.timedOut, foregroundSaw = DispatchTimeoutResult.timedOut
        try Parallel.concurrently({
            fromBackground.signal()
            backgroundSaw = fromForeground.wait(timeout: .now() + 30)
        }, {
            fromForeground.signal()
            foregroundSaw = fromBackground.wait(timeout: .now() + 30)
        })
        #expect(backgroundSaw == .success)
        #expect(foregroundSaw == .success)
    }

    /// Both halves finish whatever the other throws; the foreground's error (the earlier block)
    /// wins, the background's is thrown when the foreground succeeds.
    @Test func errorsComeInBlockOrder() {
        for (failBackground, failForeground) in [(true, true), (true, false), (false, true), (false, false)] {
            var finished: [String] = []
            let finishedLock = DispatchSemaphore(value: 1)
            func done(_ stage: String) { finishedLock.wait(); finished.append(stage); finishedLock.signal() }
            var caught: Failure?
            do {
                try Parallel.concurrently({
                    done("background")
                    if failBackground { throw Failure(stage: "background") }
                }, {
                    done("foreground")
                    if failForeground { throw Failure(stage: "foreground") }
                })
            } catch let error as Failure {
                caught = error
            } catch {
                Issue.record("unexpected error \(error)")
            }
            #expect(Set(finished) == ["background", "foreground"])
            let expected: Failure? = failForeground ? Failure(stage: "foreground") : failBackground ? Failure(stage: "background") : nil
            #expect(caught == expected, "background fails: \(failBackground), foreground fails: \(failForeground)")
        }
    }

    /// A pipeline over blocks: block k + 1 filled in the background while block k is summed,
    /// gives the sums of the serial loop.
    @Test func aTwoStagePipelineEqualsTheSerialLoop() throws {
        let blocks = 9
        var buffers = [[Int]](repeating: [], count: blocks)
        func fill(_ k: Int) { buffers[k] = (0..<1000).map { $0 * (k + 1) } }
        var sums: [Int] = []
        fill(0)
        for k in 0..<blocks {
            let current = buffers[k]
            try Parallel.concurrently({ if k + 1 < blocks { fill(k + 1) } }, { sums.append(current.reduce(0, +)) })
        }
        #expect(sums == (0..<blocks).map { 499_500 * ($0 + 1) })
    }

    /// `pipelined` visits every block once in order, with alternating slots, and its consume
    /// sees what its read wrote into that slot.
    @Test func pipelinedBlocksAlternateSlotsInOrder() throws {
        for (rows, blockRows) in [(0, 64), (10, 64), (64, 64), (1000, 64), (1000, 1)] {
            var slots: [[Int]] = [[], []], seen: [Range<Int>] = [], sums: [Int] = [], order: [Int] = []
            try Parallel.pipelined(rows: rows, blockRows: blockRows, read: { range, slot in
                slots[slot] = Array(range)
            }) { range, slot in
                seen.append(range)
                order.append(slot)
                sums.append(slots[slot].reduce(0, +))
            }
            let expected = stride(from: 0, to: rows, by: blockRows).map { $0..<min(rows, $0 + blockRows) }
            #expect(seen == expected, "\(rows) rows in blocks of \(blockRows)")
            #expect(sums == expected.map { $0.reduce(0, +) })
            #expect(order == expected.indices.map { $0 % 2 })
        }
    }

    /// An earlier block's consume error wins over a later block's read error; nothing after it runs.
    @Test func pipelinedStopsAtTheFirstErrorInBlockOrder() {
        var consumed: [Int] = []
        let caught = #expect(throws: Failure.self) {
            try Parallel.pipelined(rows: 100, blockRows: 10, read: { range, _ in
                if range.lowerBound == 40 { throw Failure(stage: "read 40") }
            }) { range, _ in
                consumed.append(range.lowerBound)
                if range.lowerBound == 30 { throw Failure(stage: "consume 30") }
            }
        }
        #expect(caught == Failure(stage: "consume 30"))
        #expect(consumed == [0, 10, 20, 30])
        let readFailure = #expect(throws: Failure.self) {
            try Parallel.pipelined(rows: 100, blockRows: 10, read: { range, _ in
                if range.lowerBound == 40 { throw Failure(stage: "read 40") }
            }) { _, _ in }
        }
        #expect(readFailure == Failure(stage: "read 40"))
    }
}
