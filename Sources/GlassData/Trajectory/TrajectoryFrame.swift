/// Whether the Cartesian positions of a `TrajectoryFrame` are continuous in time.
///
/// Dynamic labels such as p_hop (DESIGN.md §2) need *unwrapped* positions: the trajectory a
/// particle would follow if it were never folded back into the periodic box.
public enum PositionKind: Sendable, Equatable, CustomStringConvertible {
    /// Unwrapped positions (LAMMPS `xu yu zu` / `xsu ysu zsu`, or an H5MD file the caller declared
    /// unwrapped): usable as they are.
    case unwrapped
    /// Positions folded into the box (LAMMPS `x y z` / `xs ys zs`, H5MD `position` without
    /// `image`), with no image flags: the true displacement between frames is unknown.
    case wrapped
    /// Positions folded into the box together with integer image flags (LAMMPS `ix iy iz`,
    /// H5MD `image`): `TrajectoryFrame.unwrappedPositions()` reconstructs the unwrapped ones.
    case wrappedWithImages

    /// A short phrase for messages, e.g. "wrapped with image flags".
    public var description: String {
        switch self {
        case .unwrapped: return "unwrapped"
        case .wrapped: return "wrapped (no image flags)"
        case .wrappedWithImages: return "wrapped with image flags"
        }
    }
}

/// Periodicity of the three box directions (true: periodic).
public struct BoxPeriodicity: Sendable, Equatable, CustomStringConvertible {
    /// Periodic along the first edge vector `a`.
    public var x: Bool
    /// Periodic along the second edge vector `b`.
    public var y: Bool
    /// Periodic along the third edge vector `c`.
    public var z: Bool

    /// Creates the flags for the three directions.
    public init(x: Bool, y: Bool, z: Bool) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// Periodic in all three directions (the usual bulk glass).
    public static let all = BoxPeriodicity(x: true, y: true, z: true)
    /// Periodic in no direction.
    public static let none = BoxPeriodicity(x: false, y: false, z: false)

    /// LAMMPS-like flags, `p` periodic and `f` not, e.g. "p p f".
    public var description: String { [x, y, z].map { $0 ? "p" : "f" }.joined(separator: " ") }
}

/// A (possibly triclinic) simulation box: the parallelepiped `origin + u·a + v·b + w·c`,
/// u, v, w ∈ [0, 1), in the length unit of the trajectory.
///
/// For LAMMPS boxes the edge vectors have LAMMPS' restricted triclinic form
/// (https://docs.lammps.org/Howto_triclinic.html): `a = (lx, 0, 0)`, `b = (xy, ly, 0)`,
/// `c = (xz, yz, lz)`, and `origin = (xlo, ylo, zlo)`; an orthogonal box has zero tilts.
/// H5MD boxes (https://www.nongnu.org/h5md/h5md.html#simulation-box) store the edge vectors as
/// the rows of `edges` (or its diagonal); H5MD defines no origin, so it is `(0, 0, 0)` there.
public struct SimulationBox: Sendable, Equatable {
    /// Lower corner of the box.
    public var origin: SIMD3<Double>
    /// First edge vector.
    public var a: SIMD3<Double>
    /// Second edge vector.
    public var b: SIMD3<Double>
    /// Third edge vector.
    public var c: SIMD3<Double>
    /// Which directions are periodic.
    public var periodic: BoxPeriodicity

    /// Creates a box from its origin, edge vectors and periodicity.
    public init(origin: SIMD3<Double>, a: SIMD3<Double>, b: SIMD3<Double>, c: SIMD3<Double>, periodic: BoxPeriodicity) {
        self.origin = origin
        self.a = a
        self.b = b
        self.c = c
        self.periodic = periodic
    }

    /// An orthogonal box `[lo, hi)` in each direction.
    public init(lo: SIMD3<Double>, hi: SIMD3<Double>, periodic: BoxPeriodicity = .all) {
        let length = hi - lo
        self.init(origin: lo, a: SIMD3(length.x, 0, 0), b: SIMD3(0, length.y, 0), c: SIMD3(0, 0, length.z), periodic: periodic)
    }

    /// Whether all edge vectors are along the coordinate axes (no tilt).
    public var isOrthogonal: Bool {
        a.y == 0 && a.z == 0 && b.x == 0 && b.z == 0 && c.x == 0 && c.y == 0
    }

    /// Box volume `|a · (b × c)|`.
    public var volume: Double {
        let cross = SIMD3(b.y * c.z - b.z * c.y, b.z * c.x - b.x * c.z, b.x * c.y - b.y * c.x)
        return abs((a * cross).sum())
    }

    /// Converts fractional (scaled) coordinates `s` to Cartesian: `origin + s.x·a + s.y·b + s.z·c`
    /// (LAMMPS `xs ys zs` → `x y z`).
    @inlinable
    public func cartesian(fractional s: SIMD3<Double>) -> SIMD3<Double> {
        origin + s.x * a + s.y * b + s.z * c
    }

    /// The displacement of the periodic image `image`: `ix·a + iy·b + iz·c`.
    @inlinable
    public func imageShift(_ image: SIMD3<Int32>) -> SIMD3<Double> {
        Double(image.x) * a + Double(image.y) * b + Double(image.z) * c
    }
}

/// One snapshot of a trajectory, with the particles sorted by ascending id so that row `i` is
/// the same particle in every frame of a trajectory (readers enforce this; see `Trajectory`).
///
/// Lengths are in the unit of the source file (LAMMPS `units` style, H5MD `unit` attributes are
/// not interpreted); `time` likewise.
public struct TrajectoryFrame: Sendable, Equatable {
    /// Path of the file the frame was read from (for error messages).
    public var source: String
    /// Position of the frame in the file, counting from 0.
    public var index: Int
    /// Integration step (LAMMPS `ITEM: TIMESTEP`, H5MD `position/step`).
    public var timestep: Int
    /// Physical time when the file records it (LAMMPS `ITEM: TIME`, H5MD `position/time`).
    public var time: Double?
    /// Simulation box at this frame.
    public var box: SimulationBox
    /// Particle ids, strictly ascending.
    public var ids: [Int64]
    /// Particle species (LAMMPS `type`, H5MD `species`), one per row; 0 when the file has none.
    public var species: [Int32]
    /// Cartesian positions, one per row; see `positionKind`.
    public var positions: [SIMD3<Double>]
    /// Whether `positions` are unwrapped, wrapped, or wrapped with `images`.
    public var positionKind: PositionKind
    /// Periodic image flags, one per row, when the file has them (LAMMPS `ix iy iz`, H5MD `image`).
    public var images: [SIMD3<Int32>]?

    /// Creates a frame; readers build these, tests and converters may too.
    public init(source: String, index: Int, timestep: Int, time: Double?, box: SimulationBox,
                ids: [Int64], species: [Int32], positions: [SIMD3<Double>],
                positionKind: PositionKind, images: [SIMD3<Int32>]?) {
        self.source = source
        self.index = index
        self.timestep = timestep
        self.time = time
        self.box = box
        self.ids = ids
        self.species = species
        self.positions = positions
        self.positionKind = positionKind
        self.images = images
    }

    /// Number of particles.
    public var count: Int { ids.count }

    /// Unwrapped Cartesian positions: `positions` when they are unwrapped already, otherwise
    /// `x + ix·a + iy·b + iz·c` from the image flags and this frame's box edge vectors
    /// (LAMMPS `dump` docs, "unwrapped"; H5MD `image` element).
    ///
    /// - Throws: `TrajectoryError` of kind `.missingImages`, naming the file and the frame, when
    ///   the positions are wrapped and the file has no image flags.
    public func unwrappedPositions() throws -> [SIMD3<Double>] {
        switch positionKind {
        case .unwrapped:
            return positions
        case .wrapped, .wrappedWithImages:
            guard let images, images.count == positions.count else {
                throw TrajectoryError(.missingImages, file: source, frame: index, timestep: timestep,
                                      message: "frame \(index) (timestep \(timestep)) has wrapped coordinates and no image flags, "
                                          + "so unwrapped positions cannot be computed (LAMMPS: dump xu yu zu, or add ix iy iz; "
                                          + "H5MD: store an 'image' element, or declare the positions unwrapped)")
            }
            let box = self.box
            return [SIMD3<Double>](unsafeUninitializedCapacity: positions.count) { buffer, initialized in
                for i in 0..<positions.count {
                    buffer[i] = positions[i] + box.imageShift(images[i])
                }
                initialized = positions.count
            }
        }
    }
}
