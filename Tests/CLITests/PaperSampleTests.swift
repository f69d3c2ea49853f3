import Foundation
import Testing
import ParticleTable

/// The committed compact Kob–Andersen tables (sample-data/ka-paper/, N = 4096, five temperatures,
/// A particles, made by tools/ka_results.sh) load, validate, and run through the natural-rate
/// diagnostic with one logistic fit and one accuracy per temperature and an Arrhenius fit.
@Suite(.tags(.slow)) struct PaperSampleTests {
    @Test func compactKobAndersenTablesValidateAndDiagnose() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-data/ka-paper")
        let temperatures = ["0.50", "0.55", "0.60", "0.65", "0.70"]
        let tables = temperatures.map { sample.appendingPathComponent("ka_T\($0).table.h5").path }
        for table in tables { #expect(FileManager.default.fileExists(atPath: table), "missing \(table)") }
        try withScratch { dir in
            let joined = try softness(["join"] + tables + ["-o", "ka.h5", "--split-by", "frame", "--seed", "1"], in: dir)
            #expect(joined.status == 0, "\(joined.stderr)")
            let summary = try ParticleTableSummary.read(path: dir.appendingPathComponent("ka.h5").path)
            #expect(summary.featureCount == 172)
            #expect(summary.cells.allSatisfy { $0.rearranging > 0 && $0.notRearranging > 0 })
            let validated = try softness(["validate", "ka.h5"], in: dir)
            #expect(validated.status == 0, "\(validated.stdout)\(validated.stderr)")
            let diagnosed = try softness(["diagnose", "ka.h5", "--bootstrap", "0", "--json", "--dry-run"], in: dir)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(diagnosed.stdout.utf8)) as? [String: Any],
                                    "\(diagnosed.stderr)")
            #expect((json["accuracyByTemperature"] as? [Any])?.count == temperatures.count)
            #expect((json["logistic"] as? [Any])?.count == temperatures.count)
            #expect(json["arrhenius"] != nil)
            #expect((json["testAccuracy"] as? Double ?? 0) > 0.5)
        }
    }
}
