/// A trajectory read frame by frame, in file order, never holding the whole file in memory.
///
/// Every frame returned has its particles sorted by id, and the same ids as the first frame
/// (a frame with other ids or another count throws `TrajectoryError` of kind
/// `.inconsistentParticles`), so row `i` is one particle across the whole trajectory.
///
/// ```swift
/// var trajectory = try TrajectoryFormat.open(path: "run.dump.gz")
/// while let frame = try trajectory.nextFrame() {
///     let r = try frame.unwrappedPositions()
/// }
/// ```
public protocol Trajectory {
    /// Path of the file being read.
    var path: String { get }
    /// The next frame, or nil after the last one.
    mutating func nextFrame() throws -> TrajectoryFrame?
}

/// The trajectory file formats `softness` reads.
public enum TrajectoryFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// LAMMPS text dump (`dump custom` / `dump atom`), plain, gzip- or Zstandard-compressed.
    /// Spec: https://docs.lammps.org/dump.html
    case lammpsDump = "lammps-dump"
    /// H5MD, HDF5 for molecular data. Spec: https://www.nongnu.org/h5md/h5md.html
    case h5md

    /// The format name used on the command line: `lammps-dump` or `h5md`.
    public var description: String { rawValue }

    /// The format of the file at `path`, decided by its content: the HDF5 signature
    /// (`\x89HDF\r\n\x1a\n` at byte 0, 512, 1024, … — the user-block positions) means H5MD;
    /// anything else (plain text, gzip `1f 8b`, Zstandard `28 b5 2f fd`) is read as a LAMMPS dump.
    /// An HDF5 file named `*.dump` is still H5MD, a text file named `*.h5` a LAMMPS dump.
    ///
    /// - Throws: `TrajectoryError` `.unreadable` if the file cannot be opened.
    public static func detect(path: String) throws -> TrajectoryFormat {
        let prefix = try trajectoryFilePrefix(path, count: 8)
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
        if prefix == signature { return .h5md }
        if prefix.count == 8, try hasUserBlockSignature(path: path, signature: signature) { return .h5md }
        return .lammpsDump
    }

    /// Opens `path` with the reader for its format (see `detect(path:)`), with default options.
    ///
    /// - Throws: `TrajectoryError` when the file is unreadable or its header is invalid.
    public static func open(path: String) throws -> any Trajectory {
        switch try detect(path: path) {
        case .lammpsDump: return try LAMMPSDumpReader(path: path)
        case .h5md: return try H5MDReader(path: path)
        }
    }

    /// HDF5 files may start with a user block of 512·2^k bytes; the signature then follows it.
    private static func hasUserBlockSignature(path: String, signature: [UInt8]) throws -> Bool {
        let prefix = try trajectoryFilePrefix(path, count: 8192 + 8)
        var offset = 512
        while offset + 8 <= prefix.count {
            if Array(prefix[offset..<(offset + 8)]) == signature { return true }
            offset *= 2
        }
        return false
    }
}
