// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "softness",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "softness", targets: ["SoftnessCLI"]),
        .library(name: "HDF5", targets: ["HDF5"]),
        .library(name: "GlassData", targets: ["GlassData"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "Diagnostics", targets: ["Diagnostics"]),
        .library(name: "Structure", targets: ["Structure"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // libhdf5 from Debian (libhdf5-dev, pkg-config "hdf5") plus a header-only shim for macros.
        .systemLibrary(
            name: "CHDF5",
            path: "Sources/CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .target(name: "HDF5", dependencies: ["CHDF5"]),
        .target(name: "GlassData", dependencies: ["HDF5", "Structure"]),
        .target(name: "Learning"),
        .target(name: "Diagnostics", dependencies: ["Learning", "GlassData"]),
        .target(name: "Structure"),
        // Reads particle tables into the diagnostics and writes their results into HDF5.
        .target(name: "DiagnosticsIO", dependencies: ["Diagnostics", "GlassData", "HDF5", "Learning"]),
        .executableTarget(
            name: "SoftnessCLI",
            dependencies: [
                "HDF5", "GlassData", "Learning", "Diagnostics", "DiagnosticsIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "HDF5Benchmark",
            dependencies: ["HDF5"],
            path: "benchmarks/HDF5Benchmark"
        ),
        .executableTarget(
            name: "DiagnosticsBenchmark",
            dependencies: ["Learning", "Diagnostics", "DiagnosticsIO", "GlassData", "HDF5"],
            path: "benchmarks/DiagnosticsBenchmark"
        ),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GlassDataTests", dependencies: ["GlassData", "HDF5"], exclude: ["Fixtures"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "Learning", "GlassData"]),
        .testTarget(name: "StructureTests", dependencies: ["Structure"]),
        // Runs the built `softness` executable end to end (bad input, exit codes, files untouched).
        .testTarget(name: "CLITests", dependencies: ["SoftnessCLI", "HDF5", "GlassData"]),
    ]
)
