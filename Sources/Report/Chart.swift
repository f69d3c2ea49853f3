/// One figure of the report: two axes with names and units and a stack of layers (points with
/// error bars, lines, error bands, bars, density cells, vertical markers). `ChartSVG` draws it;
/// every drawn mark carries its data values as `data-*` attributes, so a test (or a user) can
/// compare the picture with the results file.
public struct Chart: Sendable {
    /// File stem of the figure (`RUN-ID.svg`) and anchor in the page.
    public var id: String
    /// Title above the plot.
    public var title: String
    /// Axis names with units, e.g. "1/T (1 / temperature units)".
    public var xLabel: String, yLabel: String
    /// Linear or logarithmic axes.
    public var xKind: AxisScale.Kind = .linear, yKind: AxisScale.Kind = .linear
    /// Names of categories on the x axis (bar charts over features); nil for numeric ticks.
    public var xCategories: [String]? = nil
    /// What is drawn, bottom to top.
    public var layers: [Layer]
    /// One or two sentences under the figure: what it shows and how to read it.
    public var caption: String

    /// A chart with linear axes.
    public init(id: String, title: String, xLabel: String, yLabel: String, layers: [Layer], caption: String) {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.layers = layers
        self.caption = caption
    }
}

/// One layer of a chart.
public struct Layer: Sendable {
    /// How the values are drawn.
    public enum Mark: Sendable {
        /// Circles at (x, y) with optional symmetric error bars ±error.
        case points(x: [Double], y: [Double], error: [Double]?)
        /// A polyline through (x, y); dashed for references (identity lines, fits).
        case line(x: [Double], y: [Double], dashed: Bool)
        /// A shaded band between low and high over x.
        case band(x: [Double], low: [Double], high: [Double])
        /// Bars from 0 to y centred at x, `width` wide in data units, optional error ±error.
        case bars(x: [Double], y: [Double], width: Double, error: [Double]?)
        /// Density cells: counts[row * (xEdges.count − 1) + column], shaded by count.
        case cells(xEdges: [Double], yEdges: [Double], counts: [Int])
        /// A vertical marker line at x with a short label.
        case rule(x: Double, label: String)
    }

    /// Legend entry; nil for none.
    public var name: String?
    /// Identifier of the data drawn (`data-series`), e.g. "logistic-T0.4".
    public var series: String
    /// Stroke/fill colour (`Palette`).
    public var colour: String
    /// The values.
    public var mark: Mark

    /// A layer.
    public init(name: String?, series: String, colour: String, _ mark: Mark) {
        self.name = name
        self.series = series
        self.colour = colour
        self.mark = mark
    }

    /// Every x value the layer spans (for the axis range).
    var xValues: [Double] {
        switch mark {
        case .points(let x, _, _), .line(let x, _, _), .band(let x, _, _): return x
        case .bars(let x, _, let width, _): return x.map { $0 - width / 2 } + x.map { $0 + width / 2 }
        case .cells(let xEdges, _, _): return xEdges
        case .rule(let x, _): return [x]
        }
    }

    /// Every y value the layer spans, error bars included.
    var yValues: [Double] {
        switch mark {
        case .points(_, let y, let error):
            guard let error else { return y }
            return zip(y, error).flatMap { [$0 - ($1.isFinite ? $1 : 0), $0 + ($1.isFinite ? $1 : 0)] }
        case .line(_, let y, _): return y
        case .band(_, let low, let high): return low + high
        case .bars(_, let y, _, let error):
            let e = error ?? y.map { _ in 0 }
            return [0] + zip(y, e).flatMap { [$0 - ($1.isFinite ? $1 : 0), $0 + ($1.isFinite ? $1 : 0)] }
        case .cells(_, let yEdges, _): return yEdges
        case .rule: return []
        }
    }
}
