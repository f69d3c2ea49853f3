import Foundation
import Testing
@testable import HDF5

/// Files libhdf5 opens for us are close-on-exec, so a child process (the damaged-file probe,
/// `gzip -dc`, a test's `softness`) never inherits one and its lock.
@Suite struct FileDescriptorTests {
    /// Descriptors of this process that point at `path`, with whether each is close-on-exec.
    func descriptors(of path: String) throws -> [(fd: Int32, closeOnExec: Bool)] {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { entry in
            guard let fd = Int32(entry),
                  let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(entry)"),
                  URL(fileURLWithPath: link).resolvingSymlinksInPath().path == target else { return nil }
            let flags = fcntl(fd, F_GETFD)
            return (fd, flags >= 0 && flags & FD_CLOEXEC != 0)
        }
    }

    @Test func createdAndOpenedFilesAreCloseOnExec() throws {
        try withTemporaryFile { path in
            let created = try File.create(path)
            let whileWriting = try descriptors(of: path)
            #expect(whileWriting.count == 1 && whileWriting.allSatisfy(\.closeOnExec), "\(whileWriting)")
            created.close()
            let opened = try File.open(path)
            let whileReading = try descriptors(of: path)
            #expect(whileReading.count == 1 && whileReading.allSatisfy(\.closeOnExec), "\(whileReading)")
            opened.close()
            #expect(try descriptors(of: path).isEmpty)
        }
    }

    /// A writer that closes the file while it still holds a dataset would publish a file that
    /// stays open and locked: `closeAfterWriting` refuses; closing the dataset first works, and
    /// the descriptor is really gone.
    @Test func closeAfterWritingRefusesOpenObjects() throws {
        try withTemporaryFile { path in
            let file = try File.create(path)
            let held = try file.createDataset("x", values: [1.0, 2.0])
            #expect(throws: HDF5Error.self) { try file.closeAfterWriting() }
            held.close()
            #expect(try descriptors(of: path).isEmpty)
            let again = try File.create(path, mode: .truncate)
            let released = try again.createDataset("x", values: [3.0])
            released.close()
            try again.closeAfterWriting()
            #expect(try descriptors(of: path).isEmpty)
            #expect(try File.withFile(path) { try $0.dataset("x").read(as: Double.self) } == [3.0])
        }
    }
}
