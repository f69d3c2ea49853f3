import Foundation

/// One axis of a chart: the data range, linear or logarithmic, mapped onto a pixel interval,
/// with "nice" tick values (1, 2, 5 × 10^k steps; Heckbert, Graphics Gems, 1990) and tick labels.
public struct AxisScale: Sendable, Equatable {
    /// Linear or base-10 logarithmic.
    public enum Kind: Sendable, Equatable { case linear, logarithmic }

    /// Linear or logarithmic.
    public var kind: Kind
    /// Data range shown (after padding and rounding to ticks).
    public var low: Double, high: Double

    /// An axis covering `values` (non-finite ones ignored, and non-positive ones on a log axis),
    /// padded by 4 % of the range on a linear axis; a constant or empty set gets a unit range.
    public init(covering values: [Double], kind: Kind = .linear) {
        self.kind = kind
        let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        var low = usable.min() ?? (kind == .linear ? 0 : 1), high = usable.max() ?? (kind == .linear ? 1 : 10)
        switch kind {
        case .linear:
            if high - low <= 1e-12 * max(1, abs(low)) { low -= max(0.5, abs(low) * 0.1); high += max(0.5, abs(high) * 0.1) }
            let pad = 0.04 * (high - low)
            low -= pad
            high += pad
        case .logarithmic:
            low = pow(10, (log10(low)).rounded(.down))
            high = pow(10, (log10(high)).rounded(.up))
            if high <= low { high = low * 10 }
        }
        self.low = low
        self.high = high
    }

    /// Position in [0, 1] of `value` along the axis (outside for values out of range).
    public func fraction(_ value: Double) -> Double {
        switch kind {
        case .linear: return (value - low) / (high - low)
        case .logarithmic: return value > 0 ? (log10(value) - log10(low)) / (log10(high) - log10(low)) : -1
        }
    }

    /// Tick values inside the range: about `target` nice linear steps, or the decades.
    public func ticks(target: Int = 5) -> [Double] {
        switch kind {
        case .logarithmic:
            let first = Int(log10(low).rounded(.up)), last = Int(log10(high).rounded(.down))
            return first <= last ? (first...last).map { pow(10, Double($0)) } : [low, high]
        case .linear:
            let step = Self.niceStep((high - low) / Double(max(1, target)))
            var ticks: [Double] = []
            var k = (low / step).rounded(.up)
            while k * step <= high + step * 1e-9, ticks.count < 50 {
                let t = k * step
                ticks.append(abs(t) < step * 1e-9 ? 0 : t)
                k += 1
            }
            return ticks
        }
    }

    /// Tick label: decades as 10^k on a log axis, otherwise the fewest decimals the step needs.
    public func label(_ tick: Double, ticks: [Double]) -> String {
        if kind == .logarithmic {
            let exponent = Int(log10(tick).rounded())
            return (-3...4).contains(exponent) ? String(format: "%g", tick) : "1e\(exponent)"
        }
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : max(abs(tick), 1)
        let magnitude = max(abs(ticks.first ?? tick), abs(ticks.last ?? tick))
        if magnitude >= 1e5 || (magnitude > 0 && magnitude < 1e-3) {
            let digits = max(2, Int(log10(magnitude / step).rounded(.up)) + 1)
            return String(format: "%.\(digits)g", tick)
        }
        let decimals = max(0, -Int(log10(step).rounded(.down)))
        return String(format: "%.\(decimals)f", tick)
    }

    /// 1, 2 or 5 × 10^k nearest above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        let m = raw / magnitude
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * magnitude
    }
}
