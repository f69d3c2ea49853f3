import Foundation
import HDF5

/// An HDF5 file written block by block under a temporary name (`AtomicFile`) and moved onto its
/// path only when complete: the lifecycle the particle-table writer and the `apply` writer share.
/// Creating it writes the provenance attributes (`schema`, `schema_version`, `creator`,
/// `created` (see `CreationTime`) and the caller's); a failed write removes the temporary file; `finish` closes the
/// caller's datasets before the file (`File.closeAfterWriting` refuses otherwise) and publishes.
public final class AtomicHDF5Output {
    /// Final output path.
    public let path: String
    /// The open file; nil once finished or abandoned.
    public private(set) var file: File?
    /// True when a write failed and the temporary file was removed.
    public private(set) var abandoned = false
    private let destination: AtomicFile

    /// Creates the temporary file with the root attributes.
    public init(path: String, schema: String, schemaVersion: Int, attributes: [String: AttributeValue]) throws {
        self.path = path
        destination = AtomicFile(destination: path)
        let file: File
        do {
            file = try File.create(destination.temporaryPath, mode: .truncate)
        } catch {
            throw destination.abandon(after: error)
        }
        self.file = file
        do {
            try file.setAttribute("schema", .string(schema))
            try file.setAttribute("schema_version", .integer(schemaVersion))
            try file.setAttribute("creator", .string("softness \(SoftnessVersion.current)"))
            if let created = CreationTime.stamp() { try file.setAttribute("created", .string(created)) }
            for (name, value) in attributes.sorted(by: { $0.key < $1.key }) { try file.setAttribute(name, value) }
        } catch {
            throw abandon(after: error)
        }
    }

    /// Closes the file and removes the temporary file after `error`; returns the error to throw
    /// (a full disk named as such, see `AtomicFile.abandon`).
    public func abandon(after error: Error) -> Error {
        file?.close()
        file = nil
        abandoned = true
        return destination.abandon(after: error)
    }

    /// Closes `datasets` (the caller's handles into the file), flushes and closes the file and
    /// moves it onto `path`. Does nothing when already finished.
    public func finish(closing datasets: [Dataset]) throws {
        guard let file else { return }
        self.file = nil
        do {
            for dataset in datasets { dataset.close() }
            try file.closeAfterWriting()
        } catch {
            throw destination.abandon(after: error)
        }
        try destination.publish()
    }

    /// Abandons an unfinished file (removes the temporary file).
    deinit {
        file?.close()
        destination.discard()
    }
}
