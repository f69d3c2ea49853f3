import Foundation
import Testing
import HDF5
import SeededRandom

/// Natural-rate estimation (issue 10 item 1): a table that marks a balanced training sample
/// (`/balanced`, `featurize --balance`) trains the SVM on it and fits P(R|S,T) on every test row;
/// a table of a balanced sample only gets a warning and a caveat.
@Suite struct NaturalRateTests {
    /// 4000 rows, one feature, ~10 % rearranging (P_R rises with x and T), two temperatures,
    /// half test rows; the balanced sample: all training R = +1 rows and as many R = −1 ones.
    private func writeTable(_ path: String, population: String) throws -> (labels: [Int8], temperature: [Double], split: [UInt8], balanced: [UInt8]) {
        var generator = SplitMix64(seed: 8)
        let n = 4000
        let x = (0..<n).map { _ in Double.random(in: -2...2, using: &generator) }
        let t = (0..<n).map { [0.5, 0.8][$0 % 2] }
        let y: [Int8] = (0..<n).map { i in Double.random(in: 0..<1, using: &generator) < 1 / (1 + exp(-(2 * x[i] - 3) / t[i])) ? 1 : -1 }
        let split = (0..<n).map { UInt8(($0 / 2) % 2) }
        var quietLeft = y.indices.filter { split[$0] == 0 && y[$0] > 0 }.count
        let balanced: [UInt8] = (0..<n).map { i in
            guard split[i] == 0 else { return 0 }
            if y[i] > 0 { return 1 }
            guard quietLeft > 0 else { return 0 }
            quietLeft -= 1
            return 1
        }
        let file = try File.create(path)
        try file.setAttribute("schema", .string("softness.particles"))
        try file.setAttribute("schema_version", .integer(1))
        try file.setAttribute("population", .string(population))
        try file.createDataset("features", values: x, shape: [n, 1])
        try file.createStringDataset("feature_names", values: ["x"])
        try file.createDataset("labels", values: y)
        try file.createDataset("temperature", values: t)
        try file.createDataset("split", values: split)
        try file.createDataset("balanced", values: balanced)
        file.close()
        return (y, t, split, balanced)
    }

    private func diagnose(_ file: String, in dir: URL) throws -> [String: Any] {
        let run = try softness(["diagnose", file, "--dry-run", "--json", "--bootstrap", "0"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    @Test func trainsOnTheSampleAndFitsRatesOnEveryTestRow() throws {
        try withScratch { dir in
            let table = try writeTable(dir.appendingPathComponent("t.h5").path, population: "natural (every labelled pair; /balanced marks the balanced training sample)")
            let json = try diagnose("t.h5", in: dir)
            let sampleRows = table.balanced.filter { $0 == 1 }.count
            #expect(json["trainingRows"] as? Int == sampleRows)
            let logistic = try #require(json["logistic"] as? [[String: Any]])
            for fit in logistic {
                let t = try #require(fit["temperature"] as? Double)
                let test = table.labels.indices.filter { table.split[$0] == 1 && table.temperature[$0] == t }
                #expect(fit["rows"] as? Int == test.count)
                let natural = Double(test.filter { table.labels[$0] > 0 }.count) / Double(test.count)
                #expect(fit["rearrangingFraction"] as? Double == natural)
                #expect(natural < 0.2, "a natural population, beyond 80/20")
            }
            // The natural imbalance of the test rows is the rate itself: no imbalance caveat.
            let caveats = (json["caveats"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            #expect(!caveats.contains("testImbalance") && !caveats.contains("balancedTestRows"), "\(caveats)")
            // The stored empirical rates count the same rows.
            let rates = try #require(json["empiricalRates"] as? [String: Any])
            let rows = try #require(rates["rows"] as? [[Int]]), outside = try #require(rates["outsideRows"] as? [Int])
            #expect(zip(rows, outside).map { $0.reduce(0, +) + $1 } == logistic.compactMap { $0["rows"] as? Int })
        }
    }

    @Test func aBalancedSampleOnlyTableIsFlagged() throws {
        try withScratch { dir in
            _ = try writeTable(dir.appendingPathComponent("b.h5").path, population: "balanced sample only")
            let json = try diagnose("b.h5", in: dir)
            let warnings = (json["warnings"] as? [String]) ?? []
            #expect(warnings.contains { $0.hasPrefix("P(R|S,T) is estimated on a balanced sample of the test frames") }, "\(warnings)")
            #expect((json["caveats"] as? [[String: Any]])?.contains { $0["kind"] as? String == "balancedTestRows" } == true)
            #expect((json["verdict"] as? String)?.contains("P(R|S,T) from balanced test rows") == true)
        }
    }
}
