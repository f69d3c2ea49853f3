import CHDF5
import Foundation
import Synchronization
import Testing
@testable import HDF5

/// The ISA-L deflate codec writes ordinary zlib streams (zlib, the reference, inflates them and
/// it inflates zlib's), and checks what it reads.
@Suite struct DeflateCodecTests {
    /// Random bytes (incompressible: stored blocks), a constant run, shuffled float data and one byte.
    static func samples() -> [[UInt8]] {
        var rng = SeededGenerator(seed: 21)
        let random = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let floats = (0..<50_000).map { _ in Float.random(in: 0.9...1.1, using: &rng) }
        let floatBytes = floats.withUnsafeBytes { Array($0) }
        return [random, [UInt8](repeating: 7, count: 1 << 20), floatBytes, [42]]
    }

    func zlibInflate(_ stream: [UInt8], count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: max(count, 1))
        var length = uLongf(out.count)
        let status = out.withUnsafeMutableBytes { o in
            stream.withUnsafeBytes { uncompress(o.baseAddress?.assumingMemoryBound(to: Bytef.self), &length,
                                                $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(stream.count)) }
        }
        return status == Z_OK ? Array(out.prefix(Int(length))) : nil
    }

    @Test(arguments: [0, 1, 4, 9])
    func streamsAreZlibStreamsAtEveryLevel(level: Int) throws {
        for plain in Self.samples() {
            let stream = try #require(plain.withUnsafeBytes { DeflateCodec.compress($0, level: level) })
            #expect(zlibInflate(stream, count: plain.count) == plain, "zlib reads the stream (\(plain.count) bytes, level \(level))")
            guard case .bytes(let back) = stream.withUnsafeBytes({ DeflateCodec.inflate($0, room: plain.count) }) else {
                Issue.record("the codec does not inflate its own stream")
                continue
            }
            #expect(back == plain)
            if plain.count == 1 << 20 { #expect(stream.count < 10_000, "a constant run compresses") }
            if plain.count == 200_000 { #expect(stream.count < plain.count + plain.count / 100, "random bytes barely grow") }
        }
    }

    /// The same bytes compress to the same stream whatever ran before, on any thread (igzip's
    /// stream state and level buffer, its hash table, left as the allocator handed them out,
    /// changed the matches found: a batch's labels files differed between runs with other --jobs).
    @Test(arguments: [1, 4, 9])
    func sameInputSameStream(level: Int) throws {
        let samples = Self.samples()
        let chunks = (0..<64).map { Array(samples[2].dropFirst($0 * 800).prefix(800)) }
        let reference = chunks.map { chunk in chunk.withUnsafeBytes { DeflateCodec.compress($0, level: level) } }
        for _ in 0..<10 {
            let results = Mutex<[Int: [UInt8]]>([:])
            DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
                // A large chunk first, as in a batch that compresses tables and labels files.
                _ = samples[index % 3].withUnsafeBytes { DeflateCodec.compress($0, level: level) }
                let stream = chunks[index].withUnsafeBytes { DeflateCodec.compress($0, level: level) }
                results.withLock { $0[index] = stream }
            }
            let differing = results.withLock { dict in chunks.indices.filter { dict[$0] != reference[$0] } }
            #expect(differing.isEmpty, "chunks compressed to other bytes: \(differing)")
        }
    }

    /// The shuffle and its inverse, for every element size and any range of elements.
    @Test(arguments: [1, 2, 3, 4, 8, 12])
    func unshuffleInvertsTheShuffle(elementSize: Int) {
        var rng = SeededGenerator(seed: UInt64(elementSize))
        let n = 1000
        let plain = (0..<(n * elementSize)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let planes = ChunkPipeline.shuffled(plain, elementSize: elementSize)
        #expect(elementSize == 1 || planes != plain)
        for range in [0..<n, 0..<1, 17..<503, (n - 1)..<n, 5..<5] {
            var out = [UInt8](repeating: 0, count: range.count * elementSize)
            planes.withUnsafeBufferPointer { source in
                out.withUnsafeMutableBytes { target in
                    guard let base = target.baseAddress, let planeBase = source.baseAddress else { return }
                    ChunkPipeline.unshuffle(planeBase, elements: n, elementSize: elementSize, range: range, into: base)
                }
            }
            #expect(out == Array(plain[(range.lowerBound * elementSize)..<(range.upperBound * elementSize)]), "\(range)")
        }
    }

    @Test func inflatesZlibAndRefusesWhatIsNotAStream() throws {
        let plain = Array("softness ".utf8.flatMap { [$0] }) + [UInt8](repeating: 1, count: 5000)
        var length = compressBound(uLong(plain.count))
        var stream = [UInt8](repeating: 0, count: Int(length))
        _ = stream.withUnsafeMutableBytes { o in
            plain.withUnsafeBytes { compress2(o.baseAddress?.assumingMemoryBound(to: Bytef.self), &length,
                                              $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(plain.count), 6) }
        }
        stream = Array(stream.prefix(Int(length)))
        guard case .bytes(let back) = stream.withUnsafeBytes({ DeflateCodec.inflate($0, limit: 1 << 20) }) else {
            Issue.record("zlib's stream not inflated")
            return
        }
        #expect(back == plain)
        // Room too small, growing room, a flipped checksum byte, garbage.
        if case .tooLarge = stream.withUnsafeBytes({ DeflateCodec.inflate($0, room: 100) }) {} else { Issue.record("room of 100 bytes accepted") }
        if case .tooLarge = stream.withUnsafeBytes({ DeflateCodec.inflate($0, limit: 1000) }) {} else { Issue.record("limit of 1000 bytes accepted") }
        var damaged = stream
        damaged[damaged.count - 1] ^= 0xFF
        if case .corrupt = damaged.withUnsafeBytes({ DeflateCodec.inflate($0, room: plain.count) }) {} else { Issue.record("a wrong Adler-32 accepted") }
        let garbage: [UInt8] = [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF]
        if case .bytes = garbage.withUnsafeBytes({ DeflateCodec.inflate($0, room: 1000) }) { Issue.record("garbage inflated") }
    }
}
