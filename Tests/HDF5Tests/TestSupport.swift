import Foundation
@testable import HDF5
import SeededRandom

/// A fresh temporary directory per test, removed afterwards by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-hdf5-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` with the path of a not-yet-existing .h5 file in a temporary directory.
func withTemporaryFile<R>(_ body: (String) throws -> R) throws -> R {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory.appendingPathComponent("test.h5").path)
}

/// The project's seeded generator, so the property tests are reproducible.
typealias SeededGenerator = SplitMix64

func fixturePath(_ name: String) throws -> String {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw HDF5Error(.fileNotFound, file: name, message: "fixture missing from the test bundle")
    }
    return url.path
}
