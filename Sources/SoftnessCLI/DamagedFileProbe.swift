import ArgumentParser
import Foundation
import HDF5

/// `softness probe FILE` (hidden): reads all metadata of an HDF5 file (`File.probe`); run by
/// `DamagedFileProbe` in a child process.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every piece of metadata of an HDF5 file (used internally to detect damaged files).",
        shouldDisplay: false)

    @Argument(help: "HDF5 file.")
    var file: String

    func run() throws { try File.probe(file) }
}

/// Runs `softness probe FILE` in a child process before an HDF5 input is opened: a file on
/// which libhdf5 itself crashes, hangs or fails while reading metadata is reported from the
/// probe, and this process never touches it (libhdf5 1.10.8 reads some damaged metadata
/// nondeterministically: an error in one run, a segmentation fault in the next).
/// Set `SOFTNESS_NO_PROBE=1` to skip it (about 20–40 ms per file).
enum DamagedFileProbe {
    /// How long the metadata of one file may take to read (intact files take well under a second).
    static let timeout: TimeInterval = 20

    /// Throws `DamagedFileError` when the probe of `path` dies from a signal, fails or does not
    /// finish. Missing files and files without the HDF5 signature (LAMMPS dumps, CSV) are left to
    /// the readers, which report them precisely.
    static func check(_ path: String) throws {
        guard ProcessInfo.processInfo.environment["SOFTNESS_NO_PROBE"] == nil, File.isHDF5(path),
              let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["probe", "--", path]
        process.standardOutput = FileHandle.nullDevice
        let messages = Pipe()
        process.standardError = messages
        process.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        do { try process.run() } catch { return }
        // Collect the probe's message on another thread so a full pipe never blocks it.
        nonisolated(unsafe) var output = Data()
        let reader = Thread { output = messages.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw DamagedFileError(file: path, reason: "reading its metadata did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        let readDeadline = Date().addingTimeInterval(2)
        while !reader.isFinished && Date() < readDeadline { usleep(1_000) }
        if process.terminationReason == .uncaughtSignal {
            throw DamagedFileError(file: path, reason: "libhdf5 crashes while reading its metadata (signal \(process.terminationStatus) in a probe process)")
        }
        if process.terminationStatus != 0 {
            // The probe's own message (it names the file and the object), as the command would give it.
            let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let message = text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text
            throw ProbeFailure(message: message.isEmpty ? "\(path): damaged HDF5 file: its metadata cannot be read" : message)
        }
    }

    /// Checks every HDF5 file among `paths`.
    static func check(_ paths: [String]) throws { for path in paths { try check(path) } }
}

/// The probe's error message for a file whose metadata cannot be read.
struct ProbeFailure: Error, CustomStringConvertible {
    let description: String
    init(message: String) { description = message }
}

/// A damaged HDF5 file that libhdf5 cannot read safely.
struct DamagedFileError: Error, CustomStringConvertible {
    let file: String
    let reason: String
    var description: String {
        "\(file): damaged HDF5 file: \(reason). Restore it from a copy or write it again (h5dump may fail on it too)."
    }
}
