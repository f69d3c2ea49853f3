import Foundation
import ZIPFoundation

/// Writes a numpy `.npz`: a zip archive with one `NAME.npy` entry per array, as `numpy.savez`
/// (stored entries) or `numpy.savez_compressed` (`compress`: deflated entries) write it, readable
/// by `numpy.load`. Entries are streamed: each array's bytes are produced block by block while
/// the zip is written (Zip64 records for entries beyond 4 GiB, as ZIPFoundation writes them).
/// Entry times are fixed (2000-01-01) so the same arrays give the same bytes.
public final class NPZWriter {
    /// The archive file.
    public let path: String
    private var archive: Archive?
    private let compress: Bool
    private static let entryDate = Date(timeIntervalSince1970: 946_684_800)

    /// Creates `path` (which must not exist: write to a temporary path and rename).
    public init(path: String, compress: Bool = false) throws {
        self.path = path
        self.compress = compress
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create, pathEncoding: nil)
        } catch {
            throw InterchangeError.cannotWrite(file: path, reason: "cannot create the zip archive: \(error)", errno: errno)
        }
    }

    /// Adds the array `name` (stored as `name.npy`): `header`, then the data bytes that
    /// `nextBlock` returns until it returns nil. Their total must equal `header.dataByteCount`.
    public func add(name: String, header: NPYHeader, nextBlock: () throws -> [UInt8]?) throws {
        guard let archive else { throw InterchangeError.cannotWrite(file: path, reason: "the archive is closed", errno: 0) }
        let headerBytes = header.encoded()
        let total = headerBytes.count + header.dataByteCount
        var pending = headerBytes
        var consumed = 0
        var exhausted = false
        var producerError: Error?
        do {
            try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(total),
                                 modificationDate: Self.entryDate, permissions: 0o644,
                                 compressionMethod: compress ? .deflate : .none, bufferSize: 1 << 20) { _, size in
                // ZIPFoundation asks for exactly `size` bytes at consecutive positions.
                while pending.count - consumed < size && !exhausted {
                    do {
                        if let block = try nextBlock() {
                            if consumed > 0 {
                                pending.removeSubrange(0..<consumed)
                                consumed = 0
                            }
                            pending += block
                        } else {
                            exhausted = true
                        }
                    } catch {
                        producerError = error
                        throw error
                    }
                }
                let count = min(size, pending.count - consumed)
                let chunk = Data(pending[consumed..<(consumed + count)])
                consumed += count
                if count < size {
                    let error = InterchangeError.badArray(file: "\(self.path):\(name)", message: "the array produced fewer bytes than its shape \(header.shape) needs")
                    producerError = error
                    throw error
                }
                return chunk
            }
        } catch {
            if let producerError { throw producerError }
            throw InterchangeError.cannotWrite(file: path, reason: "cannot add \(name).npy: \(error)", errno: errno)
        }
        if (try? nextBlock()) ?? nil != nil {
            throw InterchangeError.badArray(file: "\(path):\(name)", message: "the array produced more bytes than its shape \(header.shape) holds")
        }
    }

    /// Finishes the archive (closes the file).
    public func close() { archive = nil }
}

/// Reads a numpy `.npz`: lists its arrays and extracts one at a time into a folder, where it
/// is read with `NPYReader` in row blocks (so memory stays bounded for large arrays).
public final class NPZReader {
    /// The archive file.
    public let path: String
    private let archive: Archive

    /// Opens `path`; a missing file, a folder or a file that is not a zip archive is an error.
    public init(path: String) throws {
        self.path = path
        try InterchangeError.requireRegularFile(path)
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read, pathEncoding: nil)
        } catch {
            throw InterchangeError.notZip(file: path, reason: "\(error)")
        }
    }

    /// Names of the arrays (entries ending in `.npy`, without that ending).
    public var arrayNames: [String] {
        archive.compactMap { entry in entry.type == .file && entry.path.hasSuffix(".npy") ? String(entry.path.dropLast(4)) : nil }
    }

    /// True when the archive holds array `name`.
    public func contains(_ name: String) -> Bool { archive[name + ".npy"] != nil }

    /// Extracts array `name` into `folder` (under a name of its own choosing, never the entry's
    /// path) and opens it. Messages call it `ARCHIVE:name`.
    public func open(_ name: String, extractingInto folder: URL) throws -> NPYReader {
        guard let entry = archive[name + ".npy"] else {
            throw InterchangeError.missingArray(file: path, name: name, found: arrayNames)
        }
        let destination = folder.appendingPathComponent("array-\(name.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: "-")).npy")
        try? FileManager.default.removeItem(at: destination)
        do {
            _ = try archive.extract(entry, to: destination)
        } catch {
            throw InterchangeError.badArray(file: "\(path):\(name)", message: "cannot extract the array from the zip archive: \(error)")
        }
        return try NPYReader(path: destination.path, name: "\(path):\(name)")
    }
}
