import Structure

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
    /// Simulation box at this frame (`Structure.SimulationBox`, LAMMPS restricted triclinic form:
    /// `a = (lx, 0, 0)`, `b = (xy, ly, 0)`, `c = (xz, yz, lz)` from `origin`). LAMMPS dumps give
    /// `origin = (xlo, ylo, zlo)`; H5MD stores no origin, so it is `(0, 0, 0)` there, except for
    /// an H5MD box without `edges` (see `H5MDReader`).
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
    /// (`SimulationBox.unwrap(position:image:)`; LAMMPS `dump` docs, "unwrapped"; H5MD `image` element).
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
                                          + "H5MD: store an 'image' element; `softness label --unwrap as-stored` when the positions "
                                          + "were written unwrapped, or `--unwrap minimum-image` to follow each particle through the "
                                          + "nearest image between frames)")
            }
            let box = self.box
            return [SIMD3<Double>](unsafeUninitializedCapacity: positions.count) { buffer, initialized in
                for i in 0..<positions.count {
                    buffer[i] = box.unwrap(position: positions[i], image: images[i])
                }
                initialized = positions.count
            }
        }
    }
}

extension SimulationBox {
    /// `unwrap(position:image:)` for the `Int32` image flags a `TrajectoryFrame` stores:
    /// `x + ix·a + iy·b + iz·c`.
    func unwrap(position x: SIMD3<Double>, image: SIMD3<Int32>) -> SIMD3<Double> {
        unwrap(position: x, image: SIMD3<Int>(truncatingIfNeeded: image))
    }
}
