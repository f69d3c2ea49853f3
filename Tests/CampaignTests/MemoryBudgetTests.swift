import Foundation
import Testing
@testable import Campaign

/// `MemoryBudget`: files whose estimates do not fit together never run at once; one that does
/// not fit alone still runs, alone.
@Suite struct MemoryBudgetTests {
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var running = 0, most = 0
        func enter() { lock.lock(); running += 1; most = max(most, running); lock.unlock() }
        func leave() { lock.lock(); running -= 1; lock.unlock() }
    }

    private func run(_ needs: [Int], limit: Int) -> Int {
        let budget = MemoryBudget(limit: limit), tally = Tally()
        DispatchQueue.concurrentPerform(iterations: needs.count) { k in
            budget.acquire(needs[k])
            tally.enter()
            Thread.sleep(forTimeInterval: 0.1)
            tally.leave()
            budget.release(needs[k])
        }
        return tally.most
    }

    @Test func estimatesThatDoNotFitTogetherRunOneAtATime() {
        #expect(run([6, 6, 6, 6], limit: 10) == 1)
        #expect(run([30, 30], limit: 10) == 1, "too large alone: run alone")
        // What fits goes at once, what does not waits; alone, anything goes.
        let budget = MemoryBudget(limit: 10)
        #expect(budget.tryAcquire(6) && !budget.tryAcquire(6) && budget.tryAcquire(4) && !budget.tryAcquire(1))
        budget.release(6)
        #expect(budget.tryAcquire(5) && !budget.tryAcquire(2))
        budget.release(5)
        budget.release(4)
        #expect(budget.tryAcquire(30), "too large alone, but nothing else runs")
    }

    @Test func sizesAndEstimates() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(count: 1000).write(to: dir.appendingPathComponent("a.dump"))
        try Data(count: 1000).write(to: dir.appendingPathComponent("a.dump.gz"))
        #expect(MemoryBudget.estimate(path: dir.appendingPathComponent("a.dump").path) == 2000)
        #expect(MemoryBudget.estimate(path: dir.appendingPathComponent("a.dump.gz").path) == 8000)
        #expect(MemoryBudget.estimate(path: dir.appendingPathComponent("missing").path) == 0)
    }
}
