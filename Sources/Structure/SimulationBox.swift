import Foundation

/// Periodicity flags of the three cell axes (along the edge vectors a, b, c).
public struct Periodicity: Sendable, Equatable, Hashable {
    public var x: Bool
    public var y: Bool
    public var z: Bool
    /// Flags for the axes along a, b, c.
    public init(_ x: Bool, _ y: Bool, _ z: Bool) { self.x = x; self.y = y; self.z = z }
    /// Periodic along all three axes (LAMMPS `pp pp pp`).
    public static let all = Periodicity(true, true, true)
    /// Not periodic along any axis.
    public static let none = Periodicity(false, false, false)
    /// Flag of axis k (0, 1, 2); out-of-range k reads as false.
    public subscript(k: Int) -> Bool {
        switch k { case 0: return x; case 1: return y; case 2: return z; default: return false }
    }
}

/// A periodic simulation cell in the LAMMPS "restricted triclinic" convention.
///
/// The cell is spanned from `origin` = (xlo, ylo, zlo) by the edge vectors
///
///     a = (lx, 0, 0),   b = (xy, ly, 0),   c = (xz, yz, lz)
///
/// (LAMMPS manual, "Howto triclinic"). An orthogonal box has xy = xz = yz = 0.
/// A point with fractional coordinates s = (s₁, s₂, s₃) sits at
/// r = origin + s₁·a + s₂·b + s₃·c; the cell interior is 0 ≤ sₖ < 1.
/// Lengths are in the simulation's length unit (σ_AA for Kob–Andersen).
///
/// Each axis k is periodic or not (`periodic`); for a non-periodic axis no image shifts are
/// ever applied along the corresponding edge vector.
public struct SimulationBox: Sendable, Equatable {
    /// Lower corner (xlo, ylo, zlo).
    public let origin: SIMD3<Double>
    /// Edge lengths (lx, ly, lz) = (xhi − xlo, yhi − ylo, zhi − zlo).
    public let lengths: SIMD3<Double>
    /// Tilt factors (xy, xz, yz), all zero for an orthogonal box.
    public let tilts: SIMD3<Double>
    /// Periodicity of each of the three axes (along a, b, c).
    public let periodic: Periodicity

    /// Builds a box from edge lengths, lower corner and tilt factors (LAMMPS xy, xz, yz).
    /// - Throws: `StructureError.invalidBoxLength` for a non-positive or non-finite length,
    ///   `.nonFiniteBoxParameter` for a non-finite origin or tilt.
    public init(lengths: SIMD3<Double>,
                origin: SIMD3<Double> = .zero,
                tilts: SIMD3<Double> = .zero,
                periodic: Periodicity = .all) throws {
        for k in 0..<3 {
            guard lengths[k].isFinite, lengths[k] > 0 else {
                throw StructureError.invalidBoxLength(axis: k, value: lengths[k])
            }
            guard origin[k].isFinite else { throw StructureError.nonFiniteBoxParameter("origin[\(k)]") }
            guard tilts[k].isFinite else { throw StructureError.nonFiniteBoxParameter("tilts[\(k)]") }
        }
        // Lengths like 1e300 are finite, but their volume and cell widths are not.
        let volume = lengths.x * lengths.y * lengths.z
        guard volume.isFinite else {
            throw StructureError.nonFiniteBoxParameter("volume lx·ly·lz = \(lengths.x)·\(lengths.y)·\(lengths.z)")
        }
        self.origin = origin
        self.lengths = lengths
        self.tilts = tilts
        self.periodic = periodic
    }

    /// Builds a box from an H5MD-style edge description (`/particles/<group>/box/edges`).
    ///
    /// `edgeVectors` holds either 3 numbers (the diagonal lx, ly, lz of an orthogonal box) or
    /// 9 numbers, the row-major 3×3 matrix whose rows are the edge vectors a, b, c.
    /// The matrix must already be in LAMMPS form: a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz)
    /// with lx, ly, lz > 0 (entries that must vanish may deviate by 1e-12 relative).
    /// H5MD does not fix the origin; pass the lower corner your positions use.
    /// - Throws: `.malformedBoxDescription`, `.edgeVectorsNotLammpsForm`, or the errors of
    ///   `init(lengths:origin:tilts:periodic:)`.
    public init(edgeVectors: [Double], origin: SIMD3<Double> = .zero,
                periodic: Periodicity = .all) throws {
        for (i, v) in edgeVectors.enumerated() where !v.isFinite {
            throw StructureError.nonFiniteBoxParameter("edge value \(i)")
        }
        switch edgeVectors.count {
        case 3:
            try self.init(lengths: SIMD3(edgeVectors[0], edgeVectors[1], edgeVectors[2]),
                          origin: origin, periodic: periodic)
        case 9:
            let m = edgeVectors
            let scale = m.map { Swift.abs($0) }.max() ?? 1
            let tol = 1e-12 * Swift.max(scale, 1e-300)
            // a = row 0, b = row 1, c = row 2.
            guard Swift.abs(m[1]) <= tol, Swift.abs(m[2]) <= tol, Swift.abs(m[5]) <= tol else {
                throw StructureError.edgeVectorsNotLammpsForm(
                    "need a = (lx,0,0) and b = (xy,ly,0); got a = (\(m[0]), \(m[1]), \(m[2])), b = (\(m[3]), \(m[4]), \(m[5]))")
            }
            try self.init(lengths: SIMD3(m[0], m[4], m[8]), origin: origin,
                          tilts: SIMD3(m[3], m[6], m[7]), periodic: periodic)
        default:
            throw StructureError.malformedBoxDescription("edge description must have 3 or 9 numbers, got \(edgeVectors.count)")
        }
    }

    // MARK: - Geometry

    /// Edge vector a = (lx, 0, 0).
    public var a: SIMD3<Double> { SIMD3(lengths.x, 0, 0) }
    /// Edge vector b = (xy, ly, 0).
    public var b: SIMD3<Double> { SIMD3(tilts.x, lengths.y, 0) }
    /// Edge vector c = (xz, yz, lz).
    public var c: SIMD3<Double> { SIMD3(tilts.y, tilts.z, lengths.z) }
    /// True when all tilt factors are zero.
    public var isOrthogonal: Bool { tilts == .zero }
    /// Cell volume lx·ly·lz.
    public var volume: Double { lengths.x * lengths.y * lengths.z }

    /// Perpendicular widths of the cell: the distances between the pairs of opposite faces
    /// spanned by (b, c), (c, a) and (a, b), i.e. V / |b×c|, V / |c×a|, V / |a×b|.
    public var perpendicularWidths: SIMD3<Double> {
        func cross(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
        }
        func norm(_ u: SIMD3<Double>) -> Double { (u * u).sum().squareRoot() }
        let v = volume
        return SIMD3(v / norm(cross(b, c)), v / norm(cross(c, a)), v / norm(cross(a, b)))
    }

    /// Half the smallest perpendicular width over the periodic axes (+∞ if no axis is periodic).
    /// Minimum-image distances are exact below this length.
    public var halfMinimumPeriodicWidth: Double {
        let w = perpendicularWidths
        var m = Double.infinity
        for k in 0..<3 where periodic[k] { m = Swift.min(m, 0.5 * w[k]) }
        return m
    }

    /// Checks that `cutoff` is usable with `minimumImage(_:)`: finite, > 0 and strictly below
    /// half the minimum perpendicular width along every periodic axis.
    /// - Throws: `.invalidCutoff` or `.cutoffTooLargeForBox`.
    public func validateCutoff(_ cutoff: Double) throws {
        guard cutoff.isFinite, cutoff > 0 else { throw StructureError.invalidCutoff(cutoff) }
        let half = halfMinimumPeriodicWidth
        guard cutoff < half else {
            throw StructureError.cutoffTooLargeForBox(cutoff: cutoff, halfMinimumWidth: half)
        }
    }

    /// Fractional coordinates s of a Cartesian point r: r = origin + s₁a + s₂b + s₃c.
    @inlinable
    public func fractional(_ r: SIMD3<Double>) -> SIMD3<Double> {
        let d = r - origin
        let s3 = d.z / lengths.z
        let s2 = (d.y - s3 * tilts.z) / lengths.y
        let s1 = (d.x - s2 * tilts.x - s3 * tilts.y) / lengths.x
        return SIMD3(s1, s2, s3)
    }

    /// Cartesian point origin + s₁a + s₂b + s₃c of fractional coordinates s.
    @inlinable
    public func cartesian(fractional s: SIMD3<Double>) -> SIMD3<Double> {
        origin + cartesianDisplacement(fractional: s)
    }

    /// Cartesian vector s₁a + s₂b + s₃c (no origin) of a fractional displacement s.
    @inlinable
    public func cartesianDisplacement(fractional s: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(s.x * lengths.x + s.y * tilts.x + s.z * tilts.y,
              s.y * lengths.y + s.z * tilts.z,
              s.z * lengths.z)
    }

    /// Fractional components of a displacement vector (no origin shift).
    @inlinable
    public func fractionalDisplacement(_ d: SIMD3<Double>) -> SIMD3<Double> {
        let s3 = d.z / lengths.z
        let s2 = (d.y - s3 * tilts.z) / lengths.y
        let s1 = (d.x - s2 * tilts.x - s3 * tilts.y) / lengths.x
        return SIMD3(s1, s2, s3)
    }

    /// Minimum-image convention: shifts the displacement d by lattice vectors along the
    /// periodic axes so that each fractional component lies in [−½, ½].
    ///
    /// For a triclinic cell this is the true shortest image whenever that image is shorter than
    /// half the minimum perpendicular width (`halfMinimumPeriodicWidth`); consequently every pair
    /// closer than a cutoff accepted by `validateCutoff(_:)` is found with its exact separation.
    /// Longer vectors are returned as *some* image, not necessarily the shortest.
    @inlinable
    public func minimumImage(_ d: SIMD3<Double>) -> SIMD3<Double> {
        var s = fractionalDisplacement(d)
        for k in 0..<3 where periodic[k] { s[k] -= s[k].rounded(.toNearestOrEven) }
        return cartesianDisplacement(fractional: s)
    }

    /// Minimum image of d that is guaranteed correct for separations below `cutoff`.
    /// - Throws: the errors of `validateCutoff(_:)`.
    public func minimumImage(_ d: SIMD3<Double>, validFor cutoff: Double) throws -> SIMD3<Double> {
        try validateCutoff(cutoff)
        return minimumImage(d)
    }

    /// Unwrapped position x + ix·a + iy·b + iz·c from a wrapped position and integer image flags
    /// (LAMMPS `ix iy iz`).
    @inlinable
    public func unwrap(position x: SIMD3<Double>, image: SIMD3<Int>) -> SIMD3<Double> {
        x + Double(image.x) * a + Double(image.y) * b + Double(image.z) * c
    }

    /// Wraps a position into the cell along the periodic axes.
    /// - Returns: the wrapped position (fractional coordinates in [0, 1) on periodic axes) and
    ///   the image flags such that `unwrap(position: wrapped, image: image)` gives back `r`
    ///   (to rounding).
    @inlinable
    public func wrap(_ r: SIMD3<Double>) -> (position: SIMD3<Double>, image: SIMD3<Int>) {
        var s = fractional(r)
        var image = SIMD3<Int>.zero
        for k in 0..<3 where periodic[k] {
            let f = s[k].rounded(.down)
            s[k] -= f
            if s[k] >= 1 { s[k] = 0 } // guards s = 1 − ε rounding up
            image[k] = Swift.abs(f) < 9.0e18 ? Int(f) : (f > 0 ? Int.max : Int.min)
        }
        return (cartesian(fractional: s), image)
    }

    /// Converts LAMMPS scaled coordinates (`xs ys zs`, fractional) to Cartesian positions.
    @inlinable
    public func positionFromScaled(_ s: SIMD3<Double>) -> SIMD3<Double> { cartesian(fractional: s) }
}
