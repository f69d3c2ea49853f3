import Foundation
import Testing

/// `make install` (tools/install.sh): the installed folder, copied elsewhere and run with an empty
/// environment, starts without the Swift toolchain and loads every library but glibc from its own
/// lib folder (checked with the dynamic loader's own trace, LD_DEBUG=libs), and runs a small
/// generate → diagnose.
@Suite(.tags(.slow)) struct InstallTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func run(_ executable: String, _ arguments: [String], environment: [String: String], in directory: URL) throws -> CommandResult {
        try runProcess(executable, arguments, environment: environment, in: directory)
    }

    @Test func installedBinaryRunsWithoutTheToolchainFromACopiedFolder() throws {
        try withScratch { dir in
            let prefix = dir.appendingPathComponent("prefix")
            let install = try run("/bin/bash", ["tools/install.sh", prefix.path, ".build-static"],
                                  environment: ProcessInfo.processInfo.environment, in: Self.repository)
            #expect(install.status == 0, "\(install.stderr)")
            #expect(install.stdout.contains("installed \(prefix.path)/bin/softness"))
            // Moved: nothing may point back at the install location or the build.
            let moved = dir.appendingPathComponent("elsewhere")
            try FileManager.default.moveItem(at: prefix, to: moved)
            let binary = moved.appendingPathComponent("bin/softness").path
            let bare = ["PATH": "/usr/bin:/bin"]
            let version = try run(binary, ["--version"], environment: bare, in: dir)
            #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0", "\(version.stderr)")

            // Every library the loader opens comes from the copied folder, except glibc's own.
            let traced = try run(binary, ["--version"], environment: bare.merging(["LD_DEBUG": "libs"]) { $1 }, in: dir)
            let opened = traced.stderr.split(separator: "\n").compactMap { line -> String? in
                guard let range = line.range(of: "calling init: ") else { return nil }
                return URL(fileURLWithPath: String(line[range.upperBound...])).standardized.path
            }
            #expect(opened.contains { $0.hasSuffix("libhdf5_serial.so.103") })
            let glibc = ["libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2"]
            for library in opened where !library.hasPrefix(moved.appendingPathComponent("lib/softness").standardized.path) {
                #expect(glibc.contains { library.hasSuffix("/" + $0) }, "\(library) was loaded from outside the installed folder")
            }
            #expect(!opened.contains { $0.contains("swift") && !$0.hasPrefix(moved.path) }, "a Swift runtime library from the toolchain: \(opened)")

            for arguments in [["generate", "-n", "2000", "--test-rows", "2000", "--seed", "4", "-o", "t.h5"], ["diagnose", "t.h5", "--bootstrap", "2"]] {
                let result = try run(binary, arguments, environment: bare, in: dir)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
                if arguments[0] == "diagnose" { #expect(result.stdout.contains("verdict: ")) }
            }
        }
    }
}
