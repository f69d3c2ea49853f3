import Foundation

/// Parameters of the Schoenholz et al. structure functions (Nature Physics 12, 469 (2016);
/// Cubuk et al., PRL 114, 108001 (2015)); see `StructureFunctions` for the formulas.
///
/// Feature layout (the column order of `StructureFunctions.compute`):
/// 1. radial: for each neighbour species X in `species` order (or once, "all", when
///    `resolveSpecies` is false), for each r0 in `radialCenters`: G_X(i; r0);
/// 2. angular: for each unordered species pair (X, Y) with X before-or-equal Y in `species` order
///    (AA, AB, BB for two species; one "all" block when `resolveSpecies` is false), for each ξ in
///    `angularXi`, each λ in `angularLambda`, each ζ in `angularZeta`: Ψ_XY(i; ξ, λ, ζ).
///
/// Cutoffs (lengths in the positions' unit). A radial term is kept when r_ij < `radialCutoff`,
/// an angular term when both r_ij and r_ik are < `angularCutoff` (no condition on r_jk). The
/// default cutoffs make every omitted Gaussian factor smaller than `tolerance` (default 1e-8):
///
/// - radial: rc = max(r0) + δ·√(2 ln(1/tol))  (= max r0 + 6.07δ for 1e-8);
/// - angular: a term with r_ij ≥ rc has r_ij² + r_ik² + r_jk² ≥ 1.5·rc² (the minimum over
///   r_ik of r_ik² + (r_ij − r_ik)²), so rc = ξ_max·√(ln(1/tol)/1.5) (= 3.50·ξ_max for 1e-8)
///   bounds the Gaussian envelope e^{−(r_ij²+r_ik²+r_jk²)/ξ²} of every omitted term by tol.
///   The angular factor (1 + λ cos θ)^ζ ≤ 2^ζ is not part of that bound.
///
/// Both cutoffs can be set explicitly instead (e.g. to match another code).
public struct StructureFunctionParameters: Sendable, Equatable {
    /// Radial shell centres r0 (length units).
    public var radialCenters: [Double]
    /// Radial Gaussian width δ (length units): G uses exp(−(r − r0)²/(2δ²)).
    public var radialWidth: Double
    /// Angular length scales ξ (length units).
    public var angularXi: [Double]
    /// Angular λ values (normally −1 and +1; |λ| ≤ 1 required so 1 + λ cos θ ≥ 0).
    public var angularLambda: [Double]
    /// Angular exponents ζ ≥ 0 (integers are evaluated by repeated multiplication).
    public var angularZeta: [Double]
    /// Species codes as they appear in the `species` input (e.g. LAMMPS types [1, 2]).
    public var species: [Int]
    /// Names used in feature names, one per entry of `species` (e.g. ["A", "B"]).
    public var speciesNames: [String]
    /// When false all neighbours are pooled into one species "all" (radial block of
    /// `radialCenters.count` features, a single angular block); species codes must still be in
    /// `species`.
    public var resolveSpecies: Bool
    /// Radial cutoff (exclusive), see the type documentation.
    public var radialCutoff: Double
    /// Angular cutoff on r_ij and r_ik (exclusive), see the type documentation.
    public var angularCutoff: Double

    /// Creates a parameter set; nil cutoffs get the tolerance-based defaults above.
    /// - Throws: `.invalidParameter` for empty or non-finite grids, δ ≤ 0, ξ ≤ 0, |λ| > 1,
    ///   ζ < 0, duplicate species, a name list of the wrong length, or bad cutoffs/tolerance.
    public init(radialCenters: [Double], radialWidth: Double,
                angularXi: [Double], angularLambda: [Double] = [-1, 1], angularZeta: [Double],
                species: [Int], speciesNames: [String]? = nil, resolveSpecies: Bool = true,
                radialCutoff: Double? = nil, angularCutoff: Double? = nil,
                tolerance: Double = 1e-8) throws {
        guard tolerance.isFinite, tolerance > 0, tolerance < 1 else {
            throw StructureError.invalidParameter("tolerance must be in (0, 1), got \(tolerance)")
        }
        guard radialWidth.isFinite, radialWidth > 0 else {
            throw StructureError.invalidParameter("radialWidth must be finite and > 0")
        }
        guard radialCenters.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw StructureError.invalidParameter("radialCenters must be finite and ≥ 0")
        }
        guard angularXi.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw StructureError.invalidParameter("angularXi must be finite and > 0")
        }
        guard angularLambda.allSatisfy({ $0.isFinite && abs($0) <= 1 }) else {
            throw StructureError.invalidParameter("angularLambda values must satisfy |λ| ≤ 1")
        }
        guard angularZeta.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw StructureError.invalidParameter("angularZeta must be finite and ≥ 0")
        }
        guard !(radialCenters.isEmpty && (angularXi.isEmpty || angularLambda.isEmpty || angularZeta.isEmpty)) else {
            throw StructureError.invalidParameter("no radial and no angular functions requested")
        }
        guard !species.isEmpty, Set(species).count == species.count else {
            throw StructureError.invalidParameter("species must be a non-empty list without duplicates")
        }
        let names = speciesNames ?? StructureFunctionParameters.defaultNames(count: species.count)
        guard names.count == species.count else {
            throw StructureError.invalidParameter("speciesNames must have one name per species")
        }
        let rcR = radialCutoff ?? ((radialCenters.max() ?? 0) + radialWidth * (2 * log(1 / tolerance)).squareRoot())
        let rcA = angularCutoff ?? ((angularXi.max() ?? 0) * (log(1 / tolerance) / 1.5).squareRoot())
        guard rcR.isFinite, rcR > 0, rcA.isFinite, rcA >= 0 else {
            throw StructureError.invalidParameter("cutoffs must be finite and > 0")
        }
        self.radialCenters = radialCenters
        self.radialWidth = radialWidth
        self.angularXi = angularXi
        self.angularLambda = angularLambda
        self.angularZeta = angularZeta
        self.species = species
        self.speciesNames = names
        self.resolveSpecies = resolveSpecies
        self.radialCutoff = rcR
        self.angularCutoff = rcA
    }

    /// "A", "B", "C", … for species 0, 1, 2, … (then "S26", "S27", …).
    static func defaultNames(count: Int) -> [String] {
        (0..<count).map { k in
            k < 26 ? String(UnicodeScalar(UInt8(65 + k))) : "S\(k)"
        }
    }

    /// r0 = 0.1, 0.2, …, 5.0 (50 values, computed as k/10 to avoid accumulated rounding).
    public static let schoenholzRadialGrid: [Double] = (1...50).map { Double($0) / 10 }

    /// Kob–Andersen binary mixture (types 1 = A, 2 = B) following Schoenholz et al. 2016:
    /// radial r0 = 0.1…5.0 σ_AA in steps of 0.1 with δ = 0.1 for each neighbour species
    /// (2 × 50 = 100 radial functions).
    ///
    /// ASSUMED angular set (the exact ξ/λ/ζ list of the paper was not available to us when this
    /// was written): ξ ∈ {1.0, 1.5, 2.0}, λ ∈ {−1, +1}, ζ ∈ {1, 2, 4, 16}, for the species pairs
    /// AA, AB, BB (3 × 24 = 72 angular functions; 172 features in total). Default cutoffs:
    /// radial 5.0 + 6.07·0.1 ≈ 5.61, angular 3.50·2.0 ≈ 7.0 — the ξ = 2 functions make this set
    /// expensive (~1700 angular neighbours at density 1.2); build a custom set with smaller ξ or
    /// an explicit `angularCutoff` for speed.
    public static var schoenholz2016KobAndersen: StructureFunctionParameters {
        // Inputs are constants that satisfy every check of the initializer.
        (try? StructureFunctionParameters(
            radialCenters: schoenholzRadialGrid, radialWidth: 0.1,
            angularXi: [1.0, 1.5, 2.0], angularLambda: [-1, 1], angularZeta: [1, 2, 4, 16],
            species: [1, 2], speciesNames: ["A", "B"])) ?? fallback
    }

    /// Benchmark configuration with exactly 50 radial and 20 angular functions, species pooled
    /// (Kob–Andersen types 1 and 2 both counted as "all"): r0 = 0.1…5.0, δ = 0.1;
    /// ξ ∈ {0.5, 0.6, 0.7, 0.8, 0.9}, λ = ±1, ζ ∈ {1, 2} (5 × 2 × 2 = 20).
    /// Default cutoffs: radial ≈ 5.61, angular 3.50·0.9 ≈ 3.15.
    public static var pooled50Radial20Angular: StructureFunctionParameters {
        (try? StructureFunctionParameters(
            radialCenters: schoenholzRadialGrid, radialWidth: 0.1,
            angularXi: [0.5, 0.6, 0.7, 0.8, 0.9], angularLambda: [-1, 1], angularZeta: [1, 2],
            species: [1, 2], speciesNames: ["A", "B"], resolveSpecies: false)) ?? fallback
    }

    /// Never used in practice: lets the static presets avoid a forced `try`.
    private static var fallback: StructureFunctionParameters {
        StructureFunctionParameters(unchecked: ())
    }

    private init(unchecked: Void) {
        radialCenters = [1]; radialWidth = 0.1; angularXi = []; angularLambda = []; angularZeta = []
        species = [1]; speciesNames = ["A"]; resolveSpecies = true; radialCutoff = 1.7; angularCutoff = 0
    }

    /// Number of neighbour-species channels (species count, or 1 when pooled).
    public var channelCount: Int { resolveSpecies ? species.count : 1 }
    /// Number of angular species-pair blocks: c(c+1)/2 for c channels.
    public var pairCount: Int { channelCount * (channelCount + 1) / 2 }
    /// Angular functions per species pair: |ξ|·|λ|·|ζ|.
    public var angularPerPair: Int { angularXi.count * angularLambda.count * angularZeta.count }
    /// Total radial features.
    public var radialFeatureCount: Int { channelCount * radialCenters.count }
    /// Total angular features.
    public var angularFeatureCount: Int { pairCount * angularPerPair }
    /// Total features per particle.
    public var featureCount: Int { radialFeatureCount + angularFeatureCount }

    /// Feature names in column order, e.g. `G_A_r0=1.50_d=0.10`, `Psi_AB_xi=2.00_l=+1_z=4`
    /// (pooled species are named `all`). Real numbers are printed with 2 decimals (more if
    /// needed to distinguish them), integer λ and ζ without decimals.
    public var featureNames: [String] {
        let channels = resolveSpecies ? speciesNames : ["all"]
        var names: [String] = []
        names.reserveCapacity(featureCount)
        for x in channels {
            for r0 in radialCenters {
                names.append("G_\(x)_r0=\(Self.fmt(r0))_d=\(Self.fmt(radialWidth))")
            }
        }
        for a in 0..<channels.count {
            for b in a..<channels.count {
                let pair = resolveSpecies ? channels[a] + channels[b] : "all"
                for xi in angularXi {
                    for l in angularLambda {
                        for z in angularZeta {
                            names.append("Psi_\(pair)_xi=\(Self.fmt(xi))_l=\(Self.fmtSigned(l))_z=\(Self.fmtInt(z))")
                        }
                    }
                }
            }
        }
        return names
    }

    static func fmt(_ v: Double) -> String {
        let two = String(format: "%.2f", v)
        if abs((Double(two) ?? v) - v) <= 1e-12 * max(1, abs(v)) { return two }
        return String(format: "%.6g", v)
    }

    static func fmtSigned(_ v: Double) -> String {
        if v == v.rounded() { return (v >= 0 ? "+" : "") + String(Int(v)) }
        return (v >= 0 ? "+" : "") + fmt(v)
    }

    static func fmtInt(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return fmt(v)
    }
}

extension StructureFunctionParameters {
    /// Recovers a parameter set from the feature names it writes (`featureNames`, e.g.
    /// `G_A_r0=0.50_d=0.10`, `Psi_AB_xi=1.00_l=-1_z=2`, pooled species `all`): the radial centres,
    /// width, ξ, λ and ζ grids, species names and pooling come from the names; species codes are
    /// `species` (default 1, 2, … in the order the names first appear, as every `featurize` preset
    /// uses) and the cutoffs are the tolerance-based defaults. Numbers are as precise as the
    /// names print them (2 decimals unless more are needed).
    /// - Throws: `.invalidParameter` naming the first name that is not a structure function, or
    ///   when the recovered set would not write exactly `names` in this order.
    public init(parsingFeatureNames names: [String], species: [Int]? = nil) throws {
        var channels: [String] = []
        var centers: [Double] = [], widths: [Double] = []
        var xi: [Double] = [], lambda: [Double] = [], zeta: [Double] = []
        func number(_ text: Substring, in name: String) throws -> Double {
            guard let value = Double(text), value.isFinite else {
                throw StructureError.invalidParameter("feature '\(name)': '\(text)' is not a number")
            }
            return value
        }
        func appendUnique(_ value: Double, to list: inout [Double]) { if !list.contains(value) { list.append(value) } }
        for name in names {
            let parts = name.split(separator: "_", omittingEmptySubsequences: false)
            if parts.count == 4, parts[0] == "G", parts[2].hasPrefix("r0="), parts[3].hasPrefix("d=") {
                let channel = String(parts[1])
                if !channels.contains(channel) { channels.append(channel) }
                appendUnique(try number(parts[2].dropFirst(3), in: name), to: &centers)
                appendUnique(try number(parts[3].dropFirst(2), in: name), to: &widths)
            } else if parts.count == 5, parts[0] == "Psi", parts[2].hasPrefix("xi="), parts[3].hasPrefix("l="), parts[4].hasPrefix("z=") {
                appendUnique(try number(parts[2].dropFirst(3), in: name), to: &xi)
                appendUnique(try number(parts[3].dropFirst(2), in: name), to: &lambda)
                appendUnique(try number(parts[4].dropFirst(2), in: name), to: &zeta)
            } else {
                throw StructureError.invalidParameter("feature '\(name)' is not a structure function name (G_X_r0=…_d=… or Psi_XY_xi=…_l=…_z=…)")
            }
        }
        guard widths.count <= 1 else {
            throw StructureError.invalidParameter("the radial names use several widths d (\(widths.map { String($0) }.joined(separator: ", "))); featurize writes one")
        }
        let pooled = channels == ["all"] || (channels.isEmpty && names.allSatisfy { $0.hasPrefix("Psi_all_") })
        let speciesNames: [String]
        if pooled {
            speciesNames = species.map { StructureFunctionParameters.defaultNames(count: $0.count) } ?? ["A", "B"]
        } else if channels.isEmpty {
            throw StructureError.invalidParameter("no radial functions among the names: the species cannot be recovered")
        } else {
            speciesNames = channels
        }
        let codes = species ?? (1...speciesNames.count).map { $0 }
        let recovered = try StructureFunctionParameters(
            radialCenters: centers, radialWidth: widths.first ?? 0.1, angularXi: xi, angularLambda: lambda.isEmpty ? [-1, 1] : lambda,
            angularZeta: zeta, species: codes, speciesNames: speciesNames, resolveSpecies: !pooled)
        let written = recovered.featureNames
        guard written == names else {
            let first = zip(written, names).first { $0.0 != $0.1 }
            throw StructureError.invalidParameter("the names are not one complete structure-function set in featurize order"
                + (first.map { " (expected '\($0.0)' where the names have '\($0.1)')" } ?? " (\(written.count) functions expected, \(names.count) names)"))
        }
        self = recovered
    }
}
