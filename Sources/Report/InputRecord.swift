/// A labels file (`softness label`) or a particle table (`softness featurize`, `join`) given to
/// the report: the p_hop distribution with its threshold p_c, and the classes per frame and per
/// temperature, so the labelling and balancing can be judged before the diagnostic.
public struct InputRecord: Sendable {
    /// Labels file or particle table.
    public enum Kind: String, Sendable { case labels, table }

    /// Path of the file as given.
    public var file: String
    /// What it is.
    public var kind: Kind
    /// Histogram of p_hop over every particle and frame (labels files): bin edges (length units
    /// squared of the trajectory) and counts.
    public var phopEdges: [Double] = [], phopCounts: [Int] = []
    /// p_hop values above the last edge (the histogram stops at the 99.9 % quantile or 3 p_c).
    public var phopAbove = 0
    /// Threshold p_c of the labels (labels files).
    public var threshold: Double?
    /// Frames with labelled rows, ascending, and their rows with R = +1 and R = −1.
    public var frames: [Int] = [], rearranging: [Int] = [], quiet: [Int] = []
    /// Temperatures of the rows (particle tables), ascending, and their rows per class.
    public var temperatures: [Double] = [], rearrangingByTemperature: [Int] = [], quietByTemperature: [Int] = []

    /// An empty record of `file`.
    public init(file: String, kind: Kind) {
        self.file = file
        self.kind = kind
    }
}

/// The figures of the labels files and particle tables given to the report.
public enum InputFigures {
    /// p_hop distributions of every labels file in one chart (with each p_c), classes per frame of
    /// every file, and classes per temperature of every table.
    public static func charts(for inputs: [InputRecord]) -> [Chart] {
        var charts: [Chart] = []
        let labels = inputs.filter { $0.kind == .labels && $0.phopEdges.count >= 2 }
        if !labels.isEmpty {
            var layers: [Layer] = []
            for (k, record) in labels.enumerated() {
                let edges = record.phopEdges, total = Double(record.phopCounts.reduce(0, +) + record.phopAbove)
                let centres = (0..<(edges.count - 1)).map { (edges[$0] + edges[$0 + 1]) / 2 }
                let kept = centres.indices.filter { record.phopCounts[$0] > 0 }
                let density = kept.map { Double(record.phopCounts[$0]) / total / (edges[$0 + 1] - edges[$0]) }
                layers.append(Layer(name: short(record.file), series: "phop-\(k)", colour: Palette.category(k),
                                    .points(x: kept.map { centres[$0] }, y: density, error: nil)))
                layers.append(Layer(name: nil, series: "phop-\(k)-line", colour: Palette.category(k), .line(x: kept.map { centres[$0] }, y: density, dashed: false)))
                if let p = record.threshold {
                    layers.append(Layer(name: nil, series: "p_c-\(k)", colour: Palette.category(k), .rule(x: p, label: "p_c = \(RunFigures.label(p))")))
                }
            }
            var chart = Chart(id: "phop-distribution", title: "Distribution of p_hop", xLabel: "p_hop (length² units of the trajectory)",
                              yLabel: "probability density (1 / length²)", layers: layers,
                              caption: "Histogram of p_hop over every particle and frame of each labels file, log scale; the dashed line is the threshold p_c above which a particle is labelled rearranging (R = +1).")
            chart.yKind = .logarithmic
            charts.append(chart)
        }
        let framed = inputs.filter { !$0.frames.isEmpty }
        if !framed.isEmpty {
            var layers: [Layer] = []
            for (k, record) in framed.enumerated() {
                let x = record.frames.map(Double.init)
                layers.append(Layer(name: "\(short(record.file)) R = +1", series: "frames-\(k)-rearranging", colour: Palette.category(k),
                                    .line(x: x, y: record.rearranging.map(Double.init), dashed: false)))
                layers.append(Layer(name: "\(short(record.file)) R = −1", series: "frames-\(k)-quiet", colour: Palette.category(k),
                                    .line(x: x, y: record.quiet.map(Double.init), dashed: true)))
            }
            charts.append(Chart(id: "classes-per-frame", title: "Labelled rows per frame and class", xLabel: "frame", yLabel: "rows", layers: layers,
                                caption: "Rows with R = +1 (solid) and R = −1 (dashed) in every frame: a balanced training set has the lines together; frames without rearrangements contribute nothing to a balanced set."))
        }
        let tables = inputs.filter { !$0.temperatures.isEmpty }
        if !tables.isEmpty {
            var layers: [Layer] = []
            let all = Array(Set(tables.flatMap(\.temperatures))).sorted()
            let spacing = zip(all.dropFirst(), all).map { $0 - $1 }.min() ?? max(0.1, abs(all.first ?? 1) * 0.2)
            let width = 0.7 * spacing / Double(tables.count)
            for (k, record) in tables.enumerated() {
                let x = record.temperatures.map { $0 + (Double(k) - Double(tables.count - 1) / 2) * width }
                let fraction = record.temperatures.indices.map { t -> Double in
                    let n = record.rearrangingByTemperature[t] + record.quietByTemperature[t]
                    return n > 0 ? Double(record.rearrangingByTemperature[t]) / Double(n) : .nan
                }
                layers.append(Layer(name: short(record.file), series: "table-\(k)-fraction", colour: Palette.category(k),
                                    .bars(x: x, y: fraction, width: width, error: nil)))
            }
            charts.append(Chart(id: "classes-per-temperature", title: "Fraction R = +1 per temperature", xLabel: "temperature T (temperature units)",
                                yLabel: "fraction of rows with R = +1 (1)", layers: layers,
                                caption: "Class balance of each particle table per temperature (0.5 is balanced; beyond 0.2 or 0.8 the verdict adds a caveat)."))
        }
        return charts
    }

    /// The file name without its folder.
    static func short(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}
