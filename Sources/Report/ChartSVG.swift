import Foundation

/// Draws a `Chart` as a standalone SVG 1.1 document (fixed 640 × 420 user units, scalable,
/// system sans-serif fonts, no scripts): frame, ticks and tick labels, axis names, layers
/// clipped to the plot area, and a legend to the right when layers are named.
public enum ChartSVG {
    static let width = 640.0, height = 420.0
    static let left = 72.0, top = 36.0, bottom = 58.0, legendWidth = 172.0
    static let font = "DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif"

    /// The SVG text of `chart`; `idPrefix` keeps element ids unique when several charts are
    /// inlined in one page.
    public static func render(_ chart: Chart, idPrefix: String = "") -> String {
        let named = chart.layers.filter { $0.name != nil }
        let right = named.isEmpty ? 20.0 : legendWidth + 16
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let x = AxisScale(covering: chart.layers.flatMap(\.xValues), kind: chart.xKind)
        let y = AxisScale(covering: chart.layers.flatMap(\.yValues), kind: chart.yKind)
        func px(_ v: Double) -> Double { left + x.fraction(v) * plotWidth }
        func py(_ v: Double) -> Double { top + (1 - y.fraction(v)) * plotHeight }
        let c = Markup.coordinate
        let clip = "clip-\(idPrefix)\(chart.id)"

        var svg = Markup()
        svg.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        svg.element("svg", ["xmlns": "http://www.w3.org/2000/svg", "version": "1.1", "width": c(width), "height": c(height),
                            "viewBox": "0 0 \(c(width)) \(c(height))", "font-family": font, "font-size": "13",
                            "data-chart": chart.id, "role": "img", "aria-label": chart.title]) { svg in
            svg.element("title") { $0.text(chart.title) }
            svg.element("rect", ["x": "0", "y": "0", "width": c(width), "height": c(height), "fill": "#FFFFFF"])
            svg.element("defs") { defs in
                defs.element("clipPath", ["id": clip]) { $0.element("rect", ["x": c(left), "y": c(top), "width": c(plotWidth), "height": c(plotHeight)]) }
            }
            svg.element("text", ["x": c(left), "y": "22", "font-size": "15", "font-weight": "bold"]) { $0.text(chart.title) }
            // Grid, ticks and tick labels.
            let yTicks = y.ticks()
            for t in yTicks {
                svg.element("line", ["x1": c(left), "x2": c(left + plotWidth), "y1": c(py(t)), "y2": c(py(t)), "stroke": "#E5E5E5"])
                svg.element("text", ["x": c(left - 6), "y": c(py(t) + 4), "text-anchor": "end"]) { $0.text(y.label(t, ticks: yTicks)) }
            }
            if let categories = chart.xCategories {
                let step = max(1, Int((Double(categories.count) / (plotWidth / 14)).rounded(.up)))
                for (k, name) in categories.enumerated() where k % step == 0 {
                    let xk = px(Double(k))
                    svg.element("text", ["x": c(xk), "y": c(top + plotHeight + 8), "text-anchor": "end", "font-size": "10",
                                         "transform": "rotate(-60 \(c(xk)) \(c(top + plotHeight + 8)))"]) { $0.text(name) }
                }
            } else {
                let xTicks = x.ticks()
                for t in xTicks {
                    svg.element("line", ["x1": c(px(t)), "x2": c(px(t)), "y1": c(top), "y2": c(top + plotHeight), "stroke": "#E5E5E5"])
                    svg.element("text", ["x": c(px(t)), "y": c(top + plotHeight + 18), "text-anchor": "middle"]) { $0.text(x.label(t, ticks: xTicks)) }
                }
            }
            svg.element("rect", ["x": c(left), "y": c(top), "width": c(plotWidth), "height": c(plotHeight), "fill": "none", "stroke": "#333333"])
            svg.element("text", ["x": c(left + plotWidth / 2), "y": c(height - 10), "text-anchor": "middle", "font-size": "14"]) { $0.text(chart.xLabel) }
            svg.element("text", ["x": "16", "y": c(top + plotHeight / 2), "text-anchor": "middle", "font-size": "14",
                                 "transform": "rotate(-90 16 \(c(top + plotHeight / 2)))"]) { $0.text(chart.yLabel) }
            // Layers.
            svg.element("g", ["clip-path": "url(#\(clip))"]) { g in
                for layer in chart.layers { draw(layer, into: &g, px: px, py: py, y: y) }
            }
            // Legend.
            for (k, layer) in named.enumerated() {
                let ly = top + 8 + Double(k) * 18, lx = width - legendWidth - 4
                guard ly < height - 20 else { break }
                switch layer.mark {
                case .points: svg.element("circle", ["cx": c(lx + 8), "cy": c(ly), "r": "4", "fill": layer.colour])
                case .band: svg.element("rect", ["x": c(lx), "y": c(ly - 5), "width": "16", "height": "10", "fill": layer.colour, "fill-opacity": "0.25"])
                case .bars, .cells: svg.element("rect", ["x": c(lx), "y": c(ly - 5), "width": "16", "height": "10", "fill": layer.colour])
                case .line(_, _, let dashed):
                    svg.element("line", ["x1": c(lx), "x2": c(lx + 16), "y1": c(ly), "y2": c(ly), "stroke": layer.colour, "stroke-width": "2",
                                         "stroke-dasharray": dashed ? "5 3" : "none"])
                case .rule: svg.element("line", ["x1": c(lx + 8), "x2": c(lx + 8), "y1": c(ly - 6), "y2": c(ly + 6), "stroke": layer.colour, "stroke-width": "2"])
                }
                let name = layer.name ?? ""
                svg.element("text", ["x": c(lx + 22), "y": c(ly + 4), "font-size": "12"]) { $0.text(name.count > 24 ? name.prefix(23) + "…" : name) }
            }
        }
        return svg.text + "\n"
    }

    private static func draw(_ layer: Layer, into g: inout Markup, px: (Double) -> Double, py: (Double) -> Double, y: AxisScale) {
        let c = Markup.coordinate, v = Markup.value
        switch layer.mark {
        case .points(let xs, let ys, let errors):
            g.element("g", ["data-series": layer.series, "fill": layer.colour, "stroke": layer.colour]) { g in
                for i in xs.indices where xs[i].isFinite && ys[i].isFinite {
                    let e = errors?[i] ?? .nan
                    if e.isFinite, e > 0 {
                        g.element("line", ["x1": c(px(xs[i])), "x2": c(px(xs[i])), "y1": c(py(ys[i] - e)), "y2": c(py(ys[i] + e)), "stroke-width": "1.2"])
                    }
                    var attributes: [(key: String, value: String)] = [("cx", c(px(xs[i]))), ("cy", c(py(ys[i]))), ("r", "3.5"),
                                                                      ("data-x", v(xs[i])), ("data-y", v(ys[i]))]
                    if e.isFinite { attributes.append(("data-error", v(e))) }
                    g.element("circle", attributes: attributes)
                }
            }
        case .line(let xs, let ys, let dashed):
            let kept = xs.indices.filter { xs[$0].isFinite && ys[$0].isFinite }
            guard kept.count >= 2 else { return }
            g.element("polyline", ["data-series": layer.series, "fill": "none", "stroke": layer.colour, "stroke-width": "2",
                                   "stroke-dasharray": dashed ? "6 4" : "none",
                                   "points": kept.map { "\(c(px(xs[$0]))),\(c(py(ys[$0])))" }.joined(separator: " "),
                                   "data-x": kept.map { v(xs[$0]) }.joined(separator: " "),
                                   "data-y": kept.map { v(ys[$0]) }.joined(separator: " ")])
        case .band(let xs, let low, let high):
            let kept = xs.indices.filter { xs[$0].isFinite && low[$0].isFinite && high[$0].isFinite }
            guard kept.count >= 2 else { return }
            let outline = kept.map { "\(c(px(xs[$0]))),\(c(py(high[$0])))" } + kept.reversed().map { "\(c(px(xs[$0]))),\(c(py(low[$0])))" }
            g.element("polygon", ["data-series": layer.series, "fill": layer.colour, "fill-opacity": "0.25", "stroke": "none",
                                  "points": outline.joined(separator: " ")])
        case .bars(let xs, let ys, let width, let errors):
            let base = y.kind == .logarithmic ? y.low : 0
            g.element("g", ["data-series": layer.series, "fill": layer.colour]) { g in
                for i in xs.indices where xs[i].isFinite && ys[i].isFinite {
                    let x0 = px(xs[i] - width / 2), x1 = px(xs[i] + width / 2)
                    let top = min(py(ys[i]), py(base)), h = abs(py(ys[i]) - py(base))
                    g.element("rect", ["x": c(x0), "y": c(top), "width": c(max(0.5, x1 - x0)), "height": c(h),
                                       "data-x": v(xs[i]), "data-y": v(ys[i])])
                    if let e = errors?[i], e.isFinite, e > 0 {
                        g.element("line", ["x1": c((x0 + x1) / 2), "x2": c((x0 + x1) / 2), "y1": c(py(ys[i] - e)), "y2": c(py(ys[i] + e)),
                                           "stroke": "#333333", "stroke-width": "1.2"])
                    }
                }
            }
        case .cells(let xEdges, let yEdges, let counts):
            let nx = xEdges.count - 1, ny = yEdges.count - 1
            guard nx > 0, ny > 0, counts.count == nx * ny, let top = counts.max(), top > 0 else { return }
            g.element("g", ["data-series": layer.series]) { g in
                for row in 0..<ny {
                    for column in 0..<nx where counts[row * nx + column] > 0 {
                        let count = counts[row * nx + column]
                        let x0 = px(xEdges[column]), x1 = px(xEdges[column + 1]), y0 = py(yEdges[row + 1]), y1 = py(yEdges[row])
                        g.element("rect", ["x": c(x0), "y": c(y0), "width": c(x1 - x0 + 0.3), "height": c(y1 - y0 + 0.3),
                                           "fill": Palette.sequential(log(Double(count) + 1) / log(Double(top) + 1)),
                                           "data-count": String(count)])
                    }
                }
            }
        case .rule(let x, let label):
            g.element("line", ["data-series": layer.series, "data-x": v(x), "x1": c(px(x)), "x2": c(px(x)), "y1": c(py(y.high)), "y2": c(py(y.low)),
                               "stroke": layer.colour, "stroke-width": "1.5", "stroke-dasharray": "3 3"])
            g.element("text", ["x": c(px(x) + 4), "y": c(py(y.high) + 14), "fill": layer.colour, "font-size": "12"]) { $0.text(label) }
        }
    }
}
