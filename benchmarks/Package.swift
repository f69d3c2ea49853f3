// swift-tools-version: 6.0
// The benchmarks, as their own package so that building softness never builds them.
// Build: `swift build -c release --package-path benchmarks` (benchmarks/*.sh do this).
import Foundation
import PackageDescription

// A path dependency's identity is its folder name, which depends on where the repository was cloned.
let softness = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "softness-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "HDF5Benchmark",
            dependencies: [.product(name: "HDF5", package: softness)],
            path: "HDF5Benchmark"
        ),
        .executableTarget(
            name: "DiagnosticsBenchmark",
            dependencies: [
                .product(name: "Diagnostics", package: softness),
                .product(name: "Workflows", package: softness),
                .product(name: "ParticleTable", package: softness),
                .product(name: "HDF5", package: softness),
                .product(name: "Learning", package: softness),
            ],
            path: "DiagnosticsBenchmark"
        ),
    ]
)
