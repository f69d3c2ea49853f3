import HDF5
import Structure

/// Reads the particle trajectory of an H5MD file (https://www.nongnu.org/h5md/h5md.html) one
/// frame at a time, each frame by row-range (hyperslab) reads of the `value` datasets, so memory
/// holds one frame whatever the file size.
///
/// Layout read, for the particle group `<group>` of `/particles` (N particles, D = 3):
///
///     particles/<group>/position/{step, time, value [frames][N][3]}   required (or a fixed [N][3] dataset: one frame)
///     particles/<group>/box        attributes dimension (must be 3), boundary ("periodic"/"none" ×3)
///     particles/<group>/box/edges  [3] | [3][3] fixed, or edges/{step, value [frames][3] | [frames][3][3]}
///     particles/<group>/species    optional, integer, [N] fixed or species/value [frames][N]
///     particles/<group>/id         optional, integer, [N] or id/value [frames][N] (default: 0..<N)
///     particles/<group>/image      optional, integer or float, [N][3] or image/value [frames][N][3]
///
/// Samples of `box`, `species`, `id` and `image` are matched to position frames by step.
/// Edge-vector rows are the box vectors a, b, c (a vector `edges` is a cuboid's diagonal); they
/// become a `Structure.SimulationBox` through `SimulationBox(edgeVectors:origin:periodic:)`, so a
/// [3][3] `edges` must already be in LAMMPS restricted-triclinic form (a = (lx,0,0),
/// b = (xy,ly,0), c = (xz,yz,lz)) with positive lx, ly, lz. H5MD stores no box origin, so
/// `origin` is zero. A box without `edges` is accepted only when every direction is
/// non-periodic (`boundary` = "none" ×3); each frame's box is then the axis-aligned bounding box
/// of that frame's positions (origin = the smallest coordinates, lengths = the extents, an extent
/// of zero — one particle, a planar configuration, no particles — counted as 1 length unit).
/// No image shift is ever applied along a non-periodic direction, so this box only sets the
/// frame's extent. Per the spec, positions along periodic directions
/// are those of an *arbitrary* periodic image: with `image` they are `.wrappedWithImages`;
/// without it they are `.wrapped` unless every direction is non-periodic or the caller declares
/// them unwrapped (`Options.positionsAreUnwrapped`). `unit` attributes are not interpreted.
/// Not supported: enumerated `species` (libhdf5 enum types), 2-D boxes, id fill values.
public final class H5MDReader: Trajectory {
    /// Reader options.
    public struct Options: Sendable {
        /// Name of the subgroup of `/particles` to read; nil picks the only one, or `all`.
        public var particleGroup: String?
        /// Treat positions as unwrapped when the file has no `image` element (H5MD itself leaves
        /// the periodic image arbitrary, so only the writer of the file can vouch for this).
        public var positionsAreUnwrapped: Bool

        /// Creates options; the defaults read the only particle group and trust only `image`.
        public init(particleGroup: String? = nil, positionsAreUnwrapped: Bool = false) {
            self.particleGroup = particleGroup
            self.positionsAreUnwrapped = positionsAreUnwrapped
        }
    }

    /// Path of the H5MD file.
    public let path: String
    /// The particle group read, e.g. `all`.
    public let particleGroup: String
    /// Number of frames (samples of `position`).
    public let frameCount: Int
    /// Number of particles per frame.
    public let particleCount: Int
    /// Periodicity from `box/boundary` (all periodic when the attribute is absent).
    public let periodicity: Periodicity

    private let file: File
    private let groupPath: String
    private let position: H5MDElement
    private let positionSteps: [Int]
    private let edges: H5MDElement?
    private let species: H5MDElement?
    private let ids: H5MDElement?
    private let image: H5MDElement?
    private let positionKind: PositionKind
    private var nextIndex = 0
    private var order = TrajectoryParticleOrder()

    /// Opens `path` and checks the structure of the particle group (shapes of every element).
    ///
    /// - Throws: `TrajectoryError` naming the file and object: `.missingObject` (no `particles`
    ///   group, no `position`, no `box`, no `edges` while some direction
    ///   is periodic), `.wrongShape`, `.unsupported`, `.unreadable`.
    public init(path: String, options: Options = Options()) throws {
        self.path = path
        let file: File
        do {
            file = try File.open(path)
        } catch let error as HDF5Error {
            throw TrajectoryError(.unreadable, file: path, message: error.message)
        }
        self.file = file
        func fail(_ kind: TrajectoryError.Kind, _ object: String, _ message: String) -> TrajectoryError {
            TrajectoryError(kind, file: path, object: object, message: message)
        }
        do {
            guard file.isGroup("particles") else {
                throw fail(.missingObject, "/particles", "no 'particles' group: this is not an H5MD trajectory")
            }
            let particles = try file.group("particles")
            let groups = try particles.memberNames().filter { particles.isGroup($0) }
            let chosen: String
            if let requested = options.particleGroup {
                guard groups.contains(requested) else {
                    throw fail(.missingObject, "/particles/\(requested)", "no such particle group (groups: \(groups.joined(separator: ", ")))")
                }
                chosen = requested
            } else if groups.count == 1, let only = groups.first {
                chosen = only
            } else if groups.contains("all") {
                chosen = "all"
            } else if groups.isEmpty {
                throw fail(.missingObject, "/particles", "has no particle group")
            } else {
                throw fail(.unsupported, "/particles", "has several particle groups (\(groups.joined(separator: ", "))); choose one")
            }
            particleGroup = chosen
            groupPath = "/particles/" + chosen
            let group = try particles.group(chosen)

            // Position: [frames][N][3] time series, or one fixed [N][3] configuration.
            guard let position = try H5MDElement.open(group, "position") else {
                throw fail(.missingObject, groupPath + "/position", "no 'position' element")
            }
            let sample = position.sampleShape
            guard sample.count == 2, sample[1] == 3 else {
                throw fail(.wrongShape, position.data.objectPath, "has shape \(position.shape); expected [frames][N][3]\(position.timeDependent ? "" : " or [N][3]")")
            }
            self.position = position
            frameCount = position.sampleCount
            particleCount = sample[0]
            positionSteps = position.timeDependent ? (position.steps ?? Array(0..<frameCount)) : [0]

            // Box.
            guard group.isGroup("box") else {
                throw fail(.missingObject, groupPath + "/box", "no 'box' group (H5MD requires one in every particle group)")
            }
            let box = try group.group("box")
            if let dimension = try box.attribute("dimension") {
                guard let value = dimension.integerValue else {
                    throw fail(.wrongShape, box.objectPath + " attribute 'dimension'", "is '\(dimension)', not an integer")
                }
                guard value == 3 else {
                    throw fail(.unsupported, box.objectPath + " attribute 'dimension'", "is \(value); only 3-D boxes are supported")
                }
            }
            var periodic = Periodicity.all
            if let boundary = try box.attribute("boundary") {
                let values: [String]
                switch boundary {
                case .strings(let v): values = v
                case .string(let v): values = [v]
                default: values = []
                }
                guard values.count == 3, values.allSatisfy({ $0 == "periodic" || $0 == "none" }) else {
                    throw fail(.wrongShape, box.objectPath + " attribute 'boundary'", "is \(boundary); expected three of \"periodic\" / \"none\"")
                }
                periodic = Periodicity(values[0] == "periodic", values[1] == "periodic", values[2] == "periodic")
            }
            periodicity = periodic
            let edges = try H5MDElement.open(box, "edges")
            if let edges {
                guard edges.sampleShape == [3] || edges.sampleShape == [3, 3] else {
                    throw fail(.wrongShape, edges.data.objectPath, "has shape \(edges.shape); expected \(edges.timeDependent ? "[frames][3] or [frames][3][3]" : "[3] or [3][3]")")
                }
            } else if periodic != .none {
                throw fail(.missingObject, box.objectPath + "/edges", "no 'edges' although the box is periodic")
            }
            self.edges = edges

            // Optional per-particle elements.
            species = try H5MDElement.open(group, "species")
            if let species, species.sampleShape != [particleCount] {
                throw fail(.wrongShape, species.data.objectPath, "has shape \(species.shape); expected \(species.timeDependent ? "[frames]" : "")[\(particleCount)]")
            }
            ids = try H5MDElement.open(group, "id")
            if let ids, ids.sampleShape != [particleCount] {
                throw fail(.wrongShape, ids.data.objectPath, "has shape \(ids.shape); expected \(ids.timeDependent ? "[frames]" : "")[\(particleCount)]")
            }
            image = try H5MDElement.open(group, "image")
            if let image, image.sampleShape != [particleCount, 3] {
                throw fail(.wrongShape, image.data.objectPath, "has shape \(image.shape); expected \(image.timeDependent ? "[frames]" : "")[\(particleCount)][3]")
            }
            if image != nil {
                positionKind = .wrappedWithImages
            } else if options.positionsAreUnwrapped || periodic == .none {
                positionKind = .unwrapped
            } else {
                positionKind = .wrapped
            }
        } catch let error as HDF5Error {
            throw Self.translate(error, file: path, frame: nil, timestep: nil)
        }
    }

    /// Turns an error of the HDF5 layer into a `TrajectoryError` with the frame attached.
    private static func translate(_ error: HDF5Error, file: String, frame: Int?, timestep: Int?) -> TrajectoryError {
        let kind: TrajectoryError.Kind
        switch error.kind {
        case .objectNotFound: kind = .missingObject
        case .shapeMismatch: kind = .wrongShape
        case .typeMismatch: kind = .unsupported
        case .fileNotFound, .notHDF5: kind = .unreadable
        default: kind = .hdf5
        }
        var message = error.message
        if !error.libraryMessages.isEmpty { message += " (libhdf5: " + error.libraryMessages.joined(separator: "; ") + ")" }
        if let frame { message = "frame \(frame)\(timestep.map { " (step \($0))" } ?? ""): " + message }
        return TrajectoryError(kind, file: file, object: error.object, frame: frame, timestep: timestep, message: message)
    }

    /// Reads the next frame, or returns nil after the last one.
    ///
    /// - Throws: `TrajectoryError` naming the file, object and frame (`.duplicateID`,
    ///   `.inconsistentParticles`, `.notANumber`, `.missingObject`, `.unsupported`, `.hdf5`).
    ///   A box that `SimulationBox` rejects is reported against the `edges` dataset (or `box`): `.unsupported` when
    ///   the [3][3] edges are not in LAMMPS restricted-triclinic form, `.notANumber` for a
    ///   non-finite value, `.malformed` for a non-positive edge length.
    public func nextFrame() throws -> TrajectoryFrame? {
        guard nextIndex < frameCount else { return nil }
        let frame = nextIndex
        let step = positionSteps[frame]
        do {
            let result = try readFrame(frame, step: step)
            nextIndex += 1
            return result
        } catch let error as HDF5Error {
            throw Self.translate(error, file: path, frame: frame, timestep: step)
        }
    }

    /// The box of an edge-less (fully non-periodic) H5MD frame: the axis-aligned bounding box of
    /// `positions`, an extent of zero counted as 1.
    private static func boundingBox(of positions: [SIMD3<Double>], periodic: Periodicity) throws -> SimulationBox {
        guard var low = positions.first else {
            return try SimulationBox(lengths: SIMD3(1, 1, 1), origin: .zero, periodic: periodic)
        }
        var high = low
        for p in positions.dropFirst() {
            low = pointwiseMin(low, p)
            high = pointwiseMax(high, p)
        }
        var lengths = high - low
        for k in 0..<3 where !(lengths[k] > 0) { lengths[k] = 1 }
        return try SimulationBox(lengths: lengths, origin: low, periodic: periodic)
    }

    private func readFrame(_ frame: Int, step: Int) throws -> TrajectoryFrame {
        let n = particleCount
        func fail(_ kind: TrajectoryError.Kind, _ object: String, _ message: String) -> TrajectoryError {
            TrajectoryError(kind, file: path, object: object, frame: frame, timestep: step,
                            message: "frame \(frame) (step \(step)): " + message)
        }

        let flat: [Double] = try position.read(frame: frame, step: step, as: Double.self)
        var positions = [SIMD3<Double>](repeating: .zero, count: n)
        for i in 0..<n {
            let p = SIMD3(flat[3 * i], flat[3 * i + 1], flat[3 * i + 2])
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else {
                throw fail(.notANumber, position.data.objectPath, "particle row \(i) has a non-finite position \(p)")
            }
            positions[i] = p
        }

        let box: SimulationBox
        let boxObject = edges?.data.objectPath ?? (groupPath + "/box")
        do {
            if let edges {
                let values: [Double] = try edges.read(frame: frame, step: step, as: Double.self)
                guard values.count == 3 || values.count == 9 else {
                    throw fail(.wrongShape, edges.data.objectPath, "read \(values.count) edge values, expected 3 or 9")
                }
                box = try SimulationBox(edgeVectors: values, origin: .zero, periodic: periodicity)
            } else {
                box = try Self.boundingBox(of: positions, periodic: periodicity)
            }
        } catch let error as StructureError {
            if case .edgeVectorsNotLammpsForm(let detail) = error {
                throw fail(.unsupported, boxObject, "box edges not in LAMMPS restricted-triclinic form are not supported (\(detail))")
            }
            throw fail(TrajectoryError.Kind(boxError: error), boxObject, "invalid box: \(error)")
        }

        var speciesValues = [Int32](repeating: 0, count: n)
        if let species {
            speciesValues = try species.read(frame: frame, step: step, as: Int32.self)
        }
        var idValues: [Int64] = (0..<Int64(n)).map { $0 }
        if let ids {
            idValues = try ids.read(frame: frame, step: step, as: Int64.self)
        }
        var images: [SIMD3<Int32>]?
        if let image {
            let values: [Double] = try image.read(frame: frame, step: step, as: Double.self)
            var flags = [SIMD3<Int32>](repeating: .zero, count: n)
            for i in 0..<n {
                for axis in 0..<3 {
                    let value = values[3 * i + axis]
                    guard let flag = Int32(exactly: value) else {
                        throw fail(.notANumber, image.data.objectPath, "particle row \(i) has a non-integral image flag \(value)")
                    }
                    flags[i][axis] = flag
                }
            }
            images = flags
        }

        let permutation: [Int]?
        do {
            permutation = try order.order(ids: idValues)
        } catch {
            let idObject = ids?.path ?? (groupPath + "/id")
            switch error {
            case .duplicate(let id, let first, let second):
                throw fail(.duplicateID, idObject, "particle id \(id) appears twice (rows \(first) and \(second))")
            case .countChanged(let count, let reference):
                throw fail(.inconsistentParticles, idObject, "has \(count) particles, the first frame had \(reference)")
            case .unknownID(let id, let row):
                throw fail(.inconsistentParticles, idObject, "particle id \(id) (row \(row)) is not in the first frame (the set of ids changed)")
            }
        }
        if let permutation {
            idValues = trajectoryPermuted(idValues, permutation)
            speciesValues = trajectoryPermuted(speciesValues, permutation)
            positions = trajectoryPermuted(positions, permutation)
            images = images.map { trajectoryPermuted($0, permutation) }
        }
        let time = position.times.flatMap { frame < $0.count ? $0[frame] : nil }
        return TrajectoryFrame(source: path, index: frame, timestep: step, time: time, box: box,
                               ids: idValues, species: speciesValues, positions: positions,
                               positionKind: positionKind, images: images)
    }
}
