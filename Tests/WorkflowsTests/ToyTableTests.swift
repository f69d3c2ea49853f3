import Foundation
import Testing
import HDF5
import ParticleTable
import ToyModel
@testable import Workflows

private func withDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-workflow-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

@Suite struct ToyTableTests {
    @Test func toyTableHoldsTheModel() throws {
        try withDirectory { directory in
            let path = directory.appendingPathComponent("toy.h5").path
            var configuration = ToyModelConfiguration.defaults(for: .spurious)
            configuration.trainingRows = 3000
            configuration.testRows = 500
            configuration.temperatures = [0.4, 0.6]
            var reported: [Int] = []
            try ToyTable.write(configuration, to: path, storage: .float64, blockRows: 1000) { done, _ in reported.append(done) }
            #expect(reported == [0, 1000, 2000, 3000, 4000])
            let file = try File.open(path)
            #expect(ParticleSchema.v1.problems(in: file) == [])
            #expect(try file.dataset("features").shape() == [4000, 20])
            #expect(try file.dataset("true_weights").read(as: Double.self) == configuration.trueWeights)
            #expect(try file.attribute("toy_variant") == .string("spurious"))
            // Spurious columns hold z_j = x_j² Σ_k x_k (paper Sec. II), checked on the stored rows.
            let rows: [Double] = try file.dataset("features").readRows(100..<110)
            for r in 0..<10 {
                let x = Array(rows[(r * 20)..<(r * 20 + 10)])
                let sum = x.reduce(0, +)
                for j in 0..<10 { #expect(abs(rows[r * 20 + 10 + j] - x[j] * x[j] * sum) <= 1e-12 * max(1, abs(x[j] * x[j] * sum))) }
            }
            // The table equals the generator's own output block for block.
            var generator = try ToyGenerator(configuration)
            let first = try #require(try generator.nextBlock(maxRows: 4000))
            #expect(try file.dataset("features").read(as: Double.self) == first.features)
            #expect(try file.dataset("energy_barrier").read(as: Double.self) == first.energyBarrier)
            #expect(try file.dataset("labels").read(as: Int8.self) == first.labels)
        }
    }
}
