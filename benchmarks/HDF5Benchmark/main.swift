// Times writing and reading a 10^6 × 20 float64 matrix through the HDF5 layer, chunked with
// deflate level 4 and uncompressed, with the same chunk shape and filters as benchmarks/h5py_bench.py.
// Usage: HDF5Benchmark [rows] [directory] [repeats]; prints one line per figure (best of repeats).
import Foundation
import HDF5

let arguments = CommandLine.arguments
let rows = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let directory = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory()
let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
let columns = 20
let chunkRows = 16_384

// Gaussian-ish values from a fixed linear congruential sequence (contents matter for deflate only).
var state: UInt64 = 42
let values = (0..<(rows * columns)).map { _ -> Double in
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(Int64(bitPattern: state >> 11)) / Double(1 << 52) - 1
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let layouts: [(String, DatasetOptions)] = [
    ("deflate4", DatasetOptions(chunks: [chunkRows, columns], deflateLevel: 4)),
    ("uncompressed", .contiguous),
]
do {
    for (name, options) in layouts {
        let path = (directory as NSString).appendingPathComponent("softness-bench-\(name).h5")
        var bestWrite = Double.infinity, bestRead = Double.infinity
        for _ in 0..<repeats {
            bestWrite = min(bestWrite, try seconds {
                let file = try File.create(path, mode: .truncate)
                try file.createDataset("x", values: values, shape: [rows, columns], options: options)
                file.close()
            })
            var check = 0.0
            bestRead = min(bestRead, try seconds {
                let file = try File.open(path)
                let back: [Double] = try file.dataset("x").read()
                check = back[back.count - 1]
                file.close()
            })
            precondition(check == values[values.count - 1], "read back differs")
        }
        print(String(format: "swift %@ write %.4f s read %.4f s", name, bestWrite, bestRead))
        if ProcessInfo.processInfo.environment["KEEP"] == nil { try? FileManager.default.removeItem(atPath: path) }
    }
} catch {
    FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
    exit(1)
}
