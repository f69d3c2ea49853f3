import Foundation
import Testing
import Learning

private struct ChiSquaredCase: Decodable { let k: Int; let x: Double; let sf: Double }
private struct ChiSquaredFixture: Decodable { let scipy_version: String; let cases: [ChiSquaredCase] }

@Suite struct StatisticsTests {
    /// P(χ²_k ≥ x) against scipy.stats.chi2.sf (tools/make_scipy_fixtures.py), from p ≈ 1 down
    /// to p ≈ 10^-40.
    @Test func chiSquaredSurvivalMatchesScipy() throws {
        let data = try Data(contentsOf: try Fixtures.url("chi2_sf", "json"))
        let fixture = try JSONDecoder().decode(ChiSquaredFixture.self, from: data)
        #expect(fixture.cases.count > 100)
        for c in fixture.cases {
            let p = Statistics.chiSquaredSurvival(c.x, degreesOfFreedom: c.k)
            #expect(abs(p - c.sf) <= 1e-12 + 1e-10 * c.sf, "k = \(c.k), χ² = \(c.x): \(p) vs scipy \(c.sf)")
        }
    }

    @Test func chiSquaredSurvivalEdges() {
        #expect(Statistics.chiSquaredSurvival(0, degreesOfFreedom: 3) == 1)
        #expect(Statistics.chiSquaredSurvival(-1, degreesOfFreedom: 3).isNaN)
        #expect(Statistics.chiSquaredSurvival(2, degreesOfFreedom: 0).isNaN)
        #expect(Statistics.chiSquaredSurvival(.infinity, degreesOfFreedom: 2).isNaN)
        // k = 2: the survival function is exp(−x/2) exactly.
        for x in [0.3, 1.0, 7.5, 40.0] {
            #expect(abs(Statistics.chiSquaredSurvival(x, degreesOfFreedom: 2) - exp(-x / 2)) < 1e-15)
        }
    }
}
