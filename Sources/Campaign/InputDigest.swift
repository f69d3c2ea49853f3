import Foundation

/// What identifies a trajectory's content cheaply: size, modification time and a hash of its
/// first bytes (the header). A sidecar is reused only while the digest is unchanged, so an edited,
/// replaced or regrown file is processed again without reading it whole.
public struct InputDigest: Sendable, Equatable, Codable {
    /// Size in bytes.
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var modified: Int64
    /// FNV-1a 64 of the first `headerBytes` bytes, 16 hex digits.
    public var headerHash: String

    /// Bytes of the header hashed.
    public static let headerBytes = 1 << 16

    /// A digest from its parts.
    public init(size: Int64, modified: Int64, headerHash: String) {
        self.size = size
        self.modified = modified
        self.headerHash = headerHash
    }

    enum CodingKeys: String, CodingKey {
        case size, modified = "mtime_ns", headerHash = "header_fnv1a64"
    }

    /// The digest of the file at `path`.
    /// - Throws: `CampaignError.malformedDocument` when it cannot be read.
    public static func of(path: String) throws -> InputDigest {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw CampaignError.malformedDocument(file: path, reason: "cannot read it (\(String(cString: strerror(errno))))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CampaignError.malformedDocument(file: path, reason: "not a regular file")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CampaignError.malformedDocument(file: path, reason: "cannot open it (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: headerBytes)
        var filled = 0
        while filled < headerBytes {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, headerBytes - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            filled += n
        }
        let nanoseconds = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        return InputDigest(size: Int64(status.st_size), modified: nanoseconds, headerHash: FNV1a.hex(buffer[0..<filled]))
    }
}
