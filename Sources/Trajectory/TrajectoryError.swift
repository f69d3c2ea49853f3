import Structure

/// An error while reading a trajectory. Its description names the file, and the line number
/// (LAMMPS dumps) or the object path inside the file (H5MD), and the frame where relevant, e.g.
/// `run.dump:1234: expected 5 values (id type xu yu zu), found 4`.
public struct TrajectoryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Category of the failure, for callers and tests that react to it.
    public enum Kind: Sendable, Equatable {
        /// The file does not exist or cannot be opened or read.
        case unreadable
        /// The file ends inside a frame (fewer atom lines than announced, or a missing header line).
        case truncated
        /// A line has a different number of values than the `ITEM: ATOMS` header announces.
        case wrongColumnCount
        /// A value that must be a number is not one (or is NaN/infinite).
        case notANumber
        /// A header line or item is not what the format allows.
        case malformed
        /// A frame has no box (`ITEM: BOX BOUNDS` / H5MD `box`).
        case missingBox
        /// The id, type or position columns (or H5MD elements) are missing.
        case missingColumns
        /// Two particles of a frame share an id.
        case duplicateID
        /// A frame's particle count or id set differs from the first frame's.
        case inconsistentParticles
        /// Unwrapped positions were requested for wrapped coordinates without image flags.
        case missingImages
        /// A required H5MD group or dataset does not exist.
        case missingObject
        /// An H5MD dataset has a shape the specification does not allow.
        case wrongShape
        /// A valid but unsupported feature (2-D boxes, enumerated species, …).
        case unsupported
        /// `gzip` failed to decompress the file.
        case decompression
        /// libhdf5 reported an error (its messages are in `message`).
        case hdf5
    }

    /// What went wrong.
    public let kind: Kind
    /// Path of the trajectory file.
    public let file: String
    /// 1-based line number in the (decompressed) text, for line-based formats.
    public let line: Int?
    /// Path of the object inside an HDF5 file (e.g. `/particles/all/box`).
    public let object: String?
    /// Index of the frame (from 0) where the error happened, when known.
    public let frame: Int?
    /// Timestep of that frame, when known.
    public let timestep: Int?
    /// Human-readable explanation.
    public let message: String

    /// Creates an error; `message` should already mention the frame when it matters to the reader.
    public init(_ kind: Kind, file: String, line: Int? = nil, object: String? = nil,
                frame: Int? = nil, timestep: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.object = object
        self.frame = frame
        self.timestep = timestep
        self.message = message
    }

    /// `file[:line][: object]: message`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let object { text += ": \(object)" }
        return text + ": " + message
    }
}

extension TrajectoryError.Kind {
    /// The kind under which a reader reports a `StructureError` thrown while building a frame's
    /// `SimulationBox`: `.unsupported` for edge vectors not in LAMMPS restricted-triclinic form,
    /// `.notANumber` for non-finite box numbers, `.malformed` otherwise (e.g. a non-positive length).
    init(boxError: StructureError) {
        switch boxError {
        case .edgeVectorsNotLammpsForm: self = .unsupported
        case .nonFiniteBoxParameter: self = .notANumber
        default: self = .malformed
        }
    }
}
