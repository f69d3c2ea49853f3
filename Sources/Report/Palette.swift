/// Colours of the report: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008),
/// distinguishable with the common colour-vision deficiencies, for categories (temperatures, N),
/// and a viridis-like sequential ramp for ordered values (the 15 S values of Fig. 1b, densities).
public enum Palette {
    /// Okabe–Ito colours without black and yellow (too light on white), in the order used.
    public static let categorical = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]

    /// The colour of category `index` (cycles after seven).
    public static func category(_ index: Int) -> String { categorical[((index % categorical.count) + categorical.count) % categorical.count] }

    /// Viridis anchor colours (perceptually uniform, colour-blind safe), from low to high.
    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37),
    ]

    /// The sequential colour at `fraction` in [0, 1] (clamped), linear between viridis anchors.
    public static func sequential(_ fraction: Double) -> String {
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let position = f * Double(viridis.count - 1)
        let k = min(viridis.count - 2, Int(position)), t = position - Double(k)
        let (a, b) = (viridis[k], viridis[k + 1])
        func channel(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * t).rounded()) }
        return hex(channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
    }

    private static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        let digits = Array("0123456789ABCDEF")
        return "#" + [r, g, b].map { String([digits[$0 / 16], digits[$0 % 16]]) }.joined()
    }
}
