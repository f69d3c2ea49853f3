import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Report

/// Collects start tags with their attributes; parse() is false for malformed XML.
final class TagCollector: NSObject, XMLParserDelegate {
    var tags: [(name: String, attributes: [String: String])] = []
    var text = ""
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        tags.append((name, attributes))
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    static func parse(_ markup: String) -> TagCollector? {
        let collector = TagCollector(), parser = XMLParser(data: Data(markup.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }
}

@Suite struct ChartSVGTests {
    @Test func marksCarryTheirValuesExactlyAndTextIsEscaped() throws {
        let x = [0.1, 1.0 / 3, 2.5e-7, -4], y = [1e300, -0.0, .pi, 7]
        let chart = Chart(id: "t", title: "a < b & \"c\" 'd'", xLabel: "x <units>", yLabel: "y & z", layers: [
            Layer(name: "points & more", series: "p", colour: Palette.category(0), .points(x: x, y: y, error: [0.1, .nan, 0.2, 0])),
            Layer(name: nil, series: "l", colour: Palette.category(1), .line(x: [0, 1], y: [2, 3], dashed: true)),
            Layer(name: nil, series: "b", colour: Palette.category(2), .bars(x: [1, 2], y: [5, .nan], width: 0.5, error: nil)),
        ], caption: "")
        let svg = ChartSVG.render(chart)
        let parsed = try #require(TagCollector.parse(svg))
        let circles = parsed.tags.filter { $0.name == "circle" && $0.attributes["data-x"] != nil }
        #expect(circles.compactMap { $0.attributes["data-x"].flatMap(Double.init) } == x)
        #expect(circles.compactMap { $0.attributes["data-y"].flatMap(Double.init) } == y)
        #expect(circles.compactMap { $0.attributes["data-error"] } == ["0.1", "0.2", "0.0"])
        #expect(parsed.tags.filter { $0.name == "rect" && $0.attributes["data-x"] != nil }.count == 1)
        #expect(parsed.text.contains("a < b & \"c\" 'd'") && parsed.text.contains("points & more"))
        #expect(parsed.tags.first { $0.name == "polyline" }?.attributes["data-y"] == "2.0 3.0")
    }

    @Test func theSequentialRampRunsFromDarkPurpleToYellow() {
        #expect(Palette.sequential(0) == "#440154")
        #expect(Palette.sequential(1) == "#FDE725")
        #expect(Palette.sequential(.nan) == "#440154")
        #expect(Set((0...20).map { Palette.sequential(Double($0) / 20) }).count == 21)
    }

    @Test func aNonConvergedFitIsAFailedRowOfTheConvergenceTable() {
        var run = RunRecord(name: "r")
        run.logistic = .init(temperature: [0.3, 0.4], intercept: [0, 0], slope: [1, 1], interceptError: [0.1, 0.1], slopeError: [0.1, 0.1],
                             covariance: [0, 0], rows: [100, 100], converged: [true, false])
        let table = ConvergenceTable(run)
        #expect(table.rows.count == 2 && table.failures.map(\.fit) == ["logistic fit at T = 0.4"])
        let page = ReportPage.html(source: .init(resultsFiles: ["x.results.h5"], inputs: [], generated: "now", version: "test"),
                                   runs: [(run, RunFigures.charts(for: run).map { ($0, "r-\($0.id).svg") })])
        #expect(TagCollector.parse(page) != nil)
        #expect(page.contains("fit failed or rejected: logistic fit at T = 0.4"))
    }
}
