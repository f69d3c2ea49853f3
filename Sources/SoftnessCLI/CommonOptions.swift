import ArgumentParser
import Foundation
import ParticleTable

/// `-o/--output FILE` and `--force`, shared by every command that writes a new file.
struct OutputFileOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Output HDF5 file.")
    var output: String

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func validate() throws {
        if !force && FileManager.default.fileExists(atPath: output) {
            throw ValidationError("\(output): output file exists; pass --force to replace it")
        }
    }

    /// Refuses an output that is one of `inputs` (same file, by inode), which --force would replace.
    func requireNotAmong(_ inputs: [String]) throws {
        if let input = inputs.first(where: { ResultStore.sameFile(output, $0) }) {
            throw ValidationError("\(output): is also an input (\(input)); write the output to another file")
        }
    }
}

/// `--threads N`, shared by every command that computes in parallel.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }
}

/// `--json`, shared by every command that can print its result for scripts.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print the result as JSON (sorted keys; per-row arrays left out).")
    var json = false
}
