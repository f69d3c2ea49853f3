import Diagnostics
import Foundation
import Synchronization

/// A temporary file of test rows: created in a directory (`TMPDIR`), unlinked at once, so that
/// it never outlives the process (not even a crash), and read and written at offsets. The first
/// read or write error is kept and reported by `check()`; reads after it give zeros, so a stage
/// that read them is thrown away by the caller's `check()` before its numbers are used.
final class SpillFile: @unchecked Sendable {
    private let descriptor: Int32
    /// Where the file was made, for messages.
    let directory: String
    private let failure = Mutex<String?>(nil)
    /// Bytes written so far (the next segment starts here).
    private(set) var size = 0

    init(directory: String) throws(DiagnosticError) {
        var template = Array((directory + "/softness-test-rows-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw .temporaryFile(directory: directory, reason: "cannot create a file there (\(String(cString: strerror(errno))))")
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        unlink(path)
        descriptor = fd
        self.directory = directory
    }

    deinit { close(descriptor) }

    /// Appends `values` and returns the byte offset they start at.
    func append(_ values: UnsafeBufferPointer<Double>) -> Int {
        let offset = size
        write(values, at: offset)
        size += values.count * 8
        return offset
    }

    /// Writes `values` at byte `offset` (the caller extends `size` past them).
    func write(_ values: UnsafeBufferPointer<Double>, at offset: Int) {
        guard let base = values.baseAddress else { return }
        _ = transfer(UnsafeMutableRawPointer(mutating: base), bytes: values.count * 8, at: offset, "writing") {
            pwrite(descriptor, $0, $1, $2)
        }
    }

    /// Reads `into.count` values from byte `offset` (zeros after an error).
    func read(into values: UnsafeMutableBufferPointer<Double>, at offset: Int) {
        guard let base = values.baseAddress else { return }
        if !transfer(UnsafeMutableRawPointer(base), bytes: values.count * 8, at: offset, "reading", { pread(descriptor, $0, $1, $2) }) {
            values.update(repeating: 0)
        }
    }

    /// Moves `bytes` bytes at `offset` with `call` (pread or pwrite), retried until done;
    /// false, with the error kept, when it fails.
    private func transfer(_ raw: UnsafeMutableRawPointer, bytes total: Int, at offset: Int, _ verb: String,
                          _ call: (UnsafeMutableRawPointer, Int, off_t) -> Int) -> Bool {
        var done = 0
        while done < total {
            let n = call(raw + done, total - done, off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                fail("\(verb) \(total) bytes at offset \(offset) failed (\(n < 0 ? String(cString: strerror(errno)) : "end of file or no space left"))")
                return false
            }
            done += n
        }
        return true
    }

    /// Marks the bytes up to `end` as used.
    func extend(to end: Int) { size = max(size, end) }

    private func fail(_ reason: String) {
        failure.withLock { if $0 == nil { $0 = reason } }
    }

    /// Throws the first read or write error.
    func check() throws(DiagnosticError) {
        if let reason = failure.withLock({ $0 }) { throw .temporaryFile(directory: directory, reason: reason) }
    }
}

/// `count` rows of (S, R, ΔE) in a `SpillFile`, stored as three consecutive float64 arrays from
/// byte `offset` (S, then R, then ΔE when there is a true barrier).
struct SpillSegment: GroupRowStore {
    let file: SpillFile
    let offset: Int
    let count: Int

    /// Throws the file's first read or write error.
    func check() throws(DiagnosticError) { try file.check() }

    /// S of row `index`.
    func softness(at index: Int) -> Double {
        var value = 0.0
        withUnsafeMutablePointer(to: &value) { file.read(into: UnsafeMutableBufferPointer(start: $0, count: 1), at: offset + 8 * index) }
        return value
    }

    /// Rows `range` into the three buffers (`e` unused without energy).
    func read(_ range: Range<Int>, s: UnsafeMutableBufferPointer<Double>, y: UnsafeMutableBufferPointer<Double>,
              e: UnsafeMutableBufferPointer<Double>, energy: Bool) {
        let m = range.count
        file.read(into: UnsafeMutableBufferPointer(rebasing: s[0..<m]), at: offset + 8 * range.lowerBound)
        file.read(into: UnsafeMutableBufferPointer(rebasing: y[0..<m]), at: offset + 8 * (count + range.lowerBound))
        if energy { file.read(into: UnsafeMutableBufferPointer(rebasing: e[0..<m]), at: offset + 8 * (2 * count + range.lowerBound)) }
    }

    /// The rows in consecutive pieces of `rows` rows, as `TemperatureGroup.forEachPiece`.
    func forEachPiece(rows: Int, energy: Bool, _ body: (Int, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>,
                                                          UnsafeBufferPointer<Double>) -> Void) {
        let size = min(rows, count)
        var s = [Double](repeating: 0, count: size), y = s, e = energy ? s : []
        var start = 0
        while start < count {
            let end = min(count, start + rows), m = end - start
            s.withUnsafeMutableBufferPointer { sp in
                y.withUnsafeMutableBufferPointer { yp in
                    e.withUnsafeMutableBufferPointer { ep in
                        read(start..<end, s: sp, y: yp, e: ep, energy: energy)
                        body(start, UnsafeBufferPointer(rebasing: sp[0..<m]), UnsafeBufferPointer(rebasing: yp[0..<m]),
                             energy ? UnsafeBufferPointer(rebasing: ep[0..<m]) : UnsafeBufferPointer(ep))
                    }
                }
            }
            start = end
        }
    }
}

/// The test rows' (S, R, ΔE) of an out-of-core run, grouped by temperature in canonical order
/// (`TemperatureGroup`) with at most `bufferRows` of them in memory: while they fit, the groups
/// stay in memory; beyond, an external merge sort — each full buffer is sorted and written as a
/// run to a temporary file, and the runs of a temperature are merged into one sorted segment.
/// The groups hold the same rows in the same order either way.
struct TestRowSpill {
    private let bufferRows: Int
    private let pieceRows: Int
    private let directory: String
    private let hasEnergy: Bool
    private var buffers: [[GroupEntry]]
    private var buffered = 0
    private var positives: [Int], correct: [Int], counts: [Int]
    private var runFile: SpillFile?
    /// Sorted runs written so far, per temperature index, and how many in all.
    private var runs: [[SpillSegment]]
    private(set) var runCount = 0

    /// Rows of `temperatureCount` temperatures, at most `bufferRows` (≥ 1) in memory, spilled to
    /// a file in `directory` beyond that; the groups are read `pieceRows` rows at a time.
    init(temperatureCount: Int, bufferRows: Int, hasEnergy: Bool, directory: String, pieceRows: Int = 1 << 16) {
        self.bufferRows = max(1, bufferRows)
        self.pieceRows = max(1, pieceRows)
        self.directory = directory
        self.hasEnergy = hasEnergy
        buffers = Array(repeating: [], count: temperatureCount)
        runs = Array(repeating: [], count: temperatureCount)
        positives = Array(repeating: 0, count: temperatureCount)
        correct = positives
        counts = positives
    }

    /// True once rows went to the temporary file.
    var spilled: Bool { runFile != nil }


    /// Adds a test row at temperature index `t`.
    mutating func append(_ t: Int, _ entry: GroupEntry) throws(DiagnosticError) {
        buffers[t].append(entry)
        counts[t] += 1
        if entry.y > 0 { positives[t] += 1 }
        if (entry.s > 0 ? 1.0 : -1.0) == entry.y { correct[t] += 1 }
        buffered += 1
        if buffered >= bufferRows { try flush() }
    }

    /// Writes every buffer as a sorted run.
    private mutating func flush() throws(DiagnosticError) {
        if runFile == nil { runFile = try SpillFile(directory: directory) }
        guard let file = runFile else { return }
        for t in buffers.indices where !buffers[t].isEmpty {
            buffers[t].sort(by: GroupEntry.precedes)
            runs[t].append(Self.write(buffers[t], to: file, energy: hasEnergy))
            runCount += 1
            buffers[t].removeAll(keepingCapacity: false)
        }
        buffered = 0
        try file.check()
    }

    private static func write(_ entries: [GroupEntry], to file: SpillFile, energy: Bool) -> SpillSegment {
        var offset = 0
        entries.map(\.s).withUnsafeBufferPointer { offset = file.append($0) }
        entries.map(\.y).withUnsafeBufferPointer { _ = file.append($0) }
        if energy { entries.map(\.e).withUnsafeBufferPointer { _ = file.append($0) } }
        return SpillSegment(file: file, offset: offset, count: entries.count)
    }

    /// The groups in ascending temperature (`temperatures[t]` is index t's), leaving the spill empty.
    mutating func groups(temperatures: [Double], trainingTemperatures: Set<Double>) throws(DiagnosticError) -> [TemperatureGroup] {
        if spilled { try flush() }
        var merged: SpillFile? = nil
        var groups: [TemperatureGroup] = []
        for t in temperatures.indices.sorted(by: { temperatures[$0] < temperatures[$1] }) where counts[t] > 0 {
            let temperature = temperatures[t], isTraining = trainingTemperatures.contains(temperature)
            guard spilled else {
                var group = TemperatureGroup(temperature, isTraining: isTraining, hasEnergy: hasEnergy, entries: &buffers[t])
                group.pieceRows = pieceRows
                groups.append(group)
                continue
            }
            let segment: SpillSegment
            if runs[t].count == 1 {
                segment = runs[t][0]
            } else {
                if merged == nil { merged = try SpillFile(directory: directory) }
                guard let file = merged else { continue }
                segment = merge(runs[t], into: file)
                try file.check()
            }
            runs[t] = []
            var group = TemperatureGroup(temperature: temperature, isTraining: isTraining, hasEnergy: hasEnergy,
                                         count: counts[t], positives: positives[t], correct: correct[t], rows: .stored(segment))
            group.pieceRows = pieceRows
            groups.append(group)
        }
        try runFile?.check()
        return groups
    }

    /// The sorted runs merged into one sorted segment of `file` (a binary heap of run cursors,
    /// each reading its run in chunks; the memory is about `bufferRows` rows).
    private func merge(_ runs: [SpillSegment], into file: SpillFile) -> SpillSegment {
        let total = runs.reduce(0) { $0 + $1.count }
        let chunk = max(256, bufferRows / (runs.count + 1))
        var cursors = runs.map { RunCursor(segment: $0, chunk: chunk, energy: hasEnergy) }
        var heap = Array(cursors.indices)
        func before(_ i: Int, _ j: Int) -> Bool { GroupEntry.precedes(cursors[i].current, cursors[j].current) }
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, before(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count, before(heap[right], heap[smallest]) { smallest = right }
                if smallest == parent { return }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        // Three output regions (S, R, ΔE) of the segment, each filled in chunks.
        let offset = file.size
        let regions = hasEnergy ? 3 : 2
        var out = [[Double]](repeating: [], count: regions)
        var written = 0
        func drain() {
            for k in 0..<regions {
                out[k].withUnsafeBufferPointer { values in
                    guard let base = values.baseAddress else { return }
                    file.write(UnsafeBufferPointer(start: base, count: values.count), at: offset + 8 * (k * total + written))
                }
            }
            written += out[0].count
            for k in 0..<regions { out[k].removeAll(keepingCapacity: true) }
        }
        while let top = heap.first {
            let entry = cursors[top].current
            out[0].append(entry.s)
            out[1].append(entry.y)
            if hasEnergy { out[2].append(entry.e) }
            if out[0].count == chunk { drain() }
            if cursors[top].advance() {
                siftDown(0)
            } else {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
                if !heap.isEmpty { siftDown(0) }
            }
        }
        drain()
        file.extend(to: offset + 8 * regions * total)
        return SpillSegment(file: file, offset: offset, count: total)
    }
}

/// A position in a sorted run, reading it `chunk` rows at a time.
private struct RunCursor {
    let segment: SpillSegment
    let chunk: Int
    let energy: Bool
    private var s: [Double], y: [Double], e: [Double]
    private var start = 0, index = 0

    init(segment: SpillSegment, chunk: Int, energy: Bool) {
        self.segment = segment
        self.chunk = chunk
        self.energy = energy
        s = []; y = []; e = []
        load()
    }

    var current: GroupEntry { GroupEntry(s: s[index], y: y[index], e: energy ? e[index] : 0) }

    private mutating func load() {
        let m = min(chunk, segment.count - start)
        s = [Double](repeating: 0, count: m)
        y = s
        e = energy ? s : []
        let range = start..<(start + m)
        s.withUnsafeMutableBufferPointer { sp in
            y.withUnsafeMutableBufferPointer { yp in
                e.withUnsafeMutableBufferPointer { ep in segment.read(range, s: sp, y: yp, e: ep, energy: energy) }
            }
        }
        index = 0
    }

    /// Moves to the next row; false at the end of the run.
    mutating func advance() -> Bool {
        index += 1
        if index < s.count { return true }
        start += s.count
        guard start < segment.count else { return false }
        load()
        return true
    }
}
