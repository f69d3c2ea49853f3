import Foundation
import Testing
@testable import HDF5

/// Writes random arrays of every supported type and rank 0...3 and reads them back.
@Suite struct RoundTripTests {
    func roundTrip<T: HDF5Scalar & Equatable>(_: T.Type, seed: UInt64, make: (inout SeededGenerator) -> T) throws {
        var rng = SeededGenerator(seed: seed)
        try withTemporaryFile { path in
            let file = try File.create(path)
            var expected: [String: ([Int], [T])] = [:]
            for case_ in 0..<12 {
                let rank = case_ % 4
                let shape = (0..<rank).map { _ in Int.random(in: 0...5, using: &rng) }
                let values = (0..<shape.reduce(1, *)).map { _ in make(&rng) }
                let chunked = case_ % 3 == 1 && rank > 0
                let options = chunked ? DatasetOptions(chunks: [2], deflateLevel: 4, shuffle: true) : .contiguous
                let name = "g\(case_ % 2)/d\(case_)"
                try file.createDataset(name, values: values, shape: shape, options: options)
                expected[name] = (shape, values)
            }
            file.close()
            let reopened = try File.open(path)
            for (name, (shape, values)) in expected {
                let dataset = try reopened.dataset(name)
                #expect(try dataset.shape() == shape, "\(T.self) \(name)")
                #expect(try dataset.elementType() == T.elementType)
                #expect(try dataset.read(as: T.self) == values, "\(T.self) \(name) shape \(shape)")
            }
            #expect(reopened.openObjectCount == 1)
        }
    }

    @Test func everyTypeAndRank() throws {
        try roundTrip(Float.self, seed: 1) { Float.random(in: -1e6...1e6, using: &$0) }
        try roundTrip(Double.self, seed: 2) { Double.random(in: -1e300...1e300, using: &$0) }
        try roundTrip(Int8.self, seed: 3) { Int8.random(in: .min ... .max, using: &$0) }
        try roundTrip(Int16.self, seed: 4) { Int16.random(in: .min ... .max, using: &$0) }
        try roundTrip(Int32.self, seed: 5) { Int32.random(in: .min ... .max, using: &$0) }
        try roundTrip(Int64.self, seed: 6) { Int64.random(in: .min ... .max, using: &$0) }
        try roundTrip(UInt8.self, seed: 7) { UInt8.random(in: .min ... .max, using: &$0) }
    }

    @Test func rowRangesMatchTheWholeArray() throws {
        var rng = SeededGenerator(seed: 11)
        try withTemporaryFile { path in
            let file = try File.create(path)
            let values = (0..<(37 * 3)).map { _ in Double.random(in: -5...5, using: &rng) }
            let dataset = try file.createDataset("x", values: values, shape: [37, 3], options: .rowChunked(8))
            for _ in 0..<25 {
                let a = Int.random(in: 0...37, using: &rng), b = Int.random(in: 0...37, using: &rng)
                let rows = min(a, b)..<max(a, b)
                let part: [Double] = try dataset.readRows(rows)
                #expect(part == Array(values[(rows.lowerBound * 3)..<(rows.upperBound * 3)]), "rows \(rows)")
            }
            #expect(throws: HDF5Error.self) { try dataset.readRows(30..<38, as: Double.self) }
            #expect(file.openObjectCount == 2)
        }
    }

    /// Blocks read into one large buffer equal the array reads, through every path: parallel raw
    /// chunks (float64 as stored, float32 widened) and libhdf5's hyperslab (contiguous layout).
    @Test func rowsReadIntoABufferMatchTheArrayRead() throws {
        var rng = SeededGenerator(seed: 12)
        try withTemporaryFile { path in
            let file = try File.create(path)
            let rows = 5 * 64 + 9
            let values = (0..<(rows * 3)).map { _ in Double.random(in: -5...5, using: &rng) }
            let sets = [try file.createDataset("chunked", values: values, shape: [rows, 3], options: .rowChunked(64, deflateLevel: 4)),
                        try file.createDataset("narrow", values: values.map { Float($0) }, shape: [rows, 3], options: .rowChunked(64, deflateLevel: 4)),
                        try file.createDataset("contiguous", values: values, shape: [rows, 3])]
            for set in sets {
                let whole: [Double] = try set.read()
                var filled = [Double](repeating: .nan, count: rows * 3)
                try filled.withUnsafeMutableBufferPointer { buffer in
                    for start in stride(from: 0, to: rows, by: 150) {
                        let range = start..<min(rows, start + 150)
                        try set.readRows(range, into: UnsafeMutableBufferPointer(rebasing: buffer[(range.lowerBound * 3)..<(range.upperBound * 3)]))
                    }
                }
                #expect(filled == whole, "\(set.objectPath)")
            }
            var small = [Double](repeating: 0, count: 5)
            let error = #expect(throws: HDF5Error.self) {
                try small.withUnsafeMutableBufferPointer { try sets[0].readRows(0..<2, into: $0) }
            }
            #expect(error?.kind == .shapeMismatch)
            #expect(error?.description.contains("hold 6 values, the buffer 5") == true)
        }
    }

    @Test func appendGrowsAnExtendableDataset() throws {
        try withTemporaryFile { path in
            let file = try File.create(path)
            let dataset = try file.createDataset("rows", of: Float.self, shape: [0, 2], options: .rowChunked(4))
            var all: [Double] = []
            for block in 0..<5 {
                let rows = (0..<(block * 3)).flatMap { [Double(block) + Double($0), -Double($0)] }
                try dataset.append(rows)
                all += rows
            }
            #expect(try dataset.shape() == [all.count / 2, 2])
            #expect(try dataset.chunks() == [4, 2])
            #expect(try dataset.read(as: Double.self) == all)
            let error = #expect(throws: HDF5Error.self) { try dataset.append([1.0, 2.0, 3.0]) }
            #expect(error?.kind == .shapeMismatch)
            let fixed = try file.createDataset("fixed", values: [1.0, 2.0])
            let notExtendable = #expect(throws: HDF5Error.self) { try fixed.append([3.0]) }
            #expect(notExtendable?.description.contains("/fixed") == true)
        }
    }

    /// Chunks compressed on all cores (ChunkPipeline) must be byte-compatible with libhdf5's own
    /// shuffle + deflate filters in both directions, including a partial last chunk.
    @Test func parallelChunksMatchLibraryFilters() throws {
        var rng = SeededGenerator(seed: 5)
        try withTemporaryFile { path in
            let file = try File.create(path)
            let rows = 3 * 64 + 17
            let values = (0..<(rows * 3)).map { _ in Float.random(in: -1...1, using: &rng) }
            // Written by the parallel path (≥ 2 chunks), read back in pieces below an eighth of a
            // chunk by libhdf5's filters, and in pieces that straddle chunks by the raw-chunk path.
            let parallel = try file.createDataset("parallel", values: values, shape: [rows, 3], options: .rowChunked(64, deflateLevel: 5))
            for step in [7, 50] {
                var pieces: [Float] = [], widened: [Double] = []
                for start in stride(from: 0, to: rows, by: step) {
                    pieces += try parallel.readRows(start..<min(rows, start + step), as: Float.self)
                    widened += try parallel.readRows(start..<min(rows, start + step), as: Double.self)
                }
                #expect(pieces == values, "pieces of \(step) rows")
                #expect(widened == values.map(Double.init), "pieces of \(step) rows as float64")
            }
            // Written by libhdf5 row block by row block, read back by the parallel path.
            let library = try file.createDataset("library", of: Float.self, shape: [0, 3], options: .rowChunked(64, deflateLevel: 5))
            for start in stride(from: 0, to: rows, by: 40) {
                try library.append(Array(values[(start * 3)..<(min(rows, start + 40) * 3)]))
            }
            #expect(try library.read(as: Float.self) == values)
            #expect(try library.readRows(10..<200, as: Float.self) == Array(values[30..<600]))
            #expect(try parallel.read(as: Float.self) == values)
            // Other memory types go through libhdf5's conversion.
            #expect(try parallel.read(as: Double.self) == values.map(Double.init))
        }
    }

    @Test func conversionOnRead() throws {
        try withTemporaryFile { path in
            let file = try File.create(path)
            let stored = try file.createDataset("f32", of: Float.self, shape: [3])
            try stored.write([0.1, 1e10, -2.5] as [Double])
            let asDouble: [Double] = try stored.read()
            #expect(asDouble == [Double(Float(0.1)), Double(Float(1e10)), -2.5])
            try file.createDataset("i8", values: [Int8(-3), 4, 127])
            #expect(try file.dataset("i8").read(as: Double.self) == [-3, 4, 127])
            #expect(try file.dataset("i8").read(as: Int64.self) == [-3, 4, 127])
            let truncating = #expect(throws: HDF5Error.self) { try stored.read(as: Int32.self) }
            #expect(truncating?.kind == .typeMismatch)
            #expect(truncating?.description.contains("float32") == true)
        }
    }

    @Test func scalarAndEmptyDatasets() throws {
        try withTemporaryFile { path in
            let file = try File.create(path)
            try file.createDataset("scalar", values: [42.5], shape: [])
            #expect(try file.dataset("scalar").readScalar(as: Double.self) == 42.5)
            #expect(try file.dataset("scalar").shape() == [])
            try file.createDataset("empty", values: [Int32](), shape: [0, 4])
            #expect(try file.dataset("empty").read(as: Int32.self) == [])
            #expect(throws: HDF5Error.self) { try file.dataset("scalar").readRows(0..<1, as: Double.self) }
            let appendToScalar = #expect(throws: HDF5Error.self) { try file.dataset("scalar").append([1.0]) }
            #expect(appendToScalar?.description.contains("is a scalar") == true)
        }
    }
}
