// swift-tools-version: 6.0
import PackageDescription

// Module graph (ARCHITECTURE.md): dependencies point one way, each target lists exactly what it
// imports. SeededRandom and Parallel are small internal building blocks; only the pipeline modules
// (Workflows, TrajectoryTables, Conversion, AppliedSoftness, ReportFiles, Campaign) and the CLI
// combine file I/O with computation.
// The numeric targets are optimized in debug builds too: `swift test` then runs the statistical
// tests (bootstrap RFE, SVM fits on 10^5 rows) at the sizes the issues name, 10-20x faster than
// -Onone, while the I/O targets stay debuggable.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "softness",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "softness", targets: ["SoftnessCLI"]),
        .library(name: "HDF5", targets: ["HDF5"]),
        .library(name: "ParticleTable", targets: ["ParticleTable"]),
        .library(name: "ToyModel", targets: ["ToyModel"]),
        .library(name: "Structure", targets: ["Structure"]),
        .library(name: "Trajectory", targets: ["Trajectory"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "Diagnostics", targets: ["Diagnostics"]),
        .library(name: "Interchange", targets: ["Interchange"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Workflows", targets: ["Workflows"]),
        .library(name: "TrajectoryTables", targets: ["TrajectoryTables"]),
        .library(name: "Conversion", targets: ["Conversion"]),
        .library(name: "AppliedSoftness", targets: ["AppliedSoftness"]),
        .library(name: "ReportFiles", targets: ["ReportFiles"]),
        .library(name: "Campaign", targets: ["Campaign"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Zip archives for numpy's .npz (stored or deflated entries, Zip64 for large arrays).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // TOML for `softness batch --config batch.toml` (and TOML manifests).
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .target(name: "SeededRandom"),
        .target(name: "Parallel"),
        // libhdf5 from Debian (libhdf5-dev, pkg-config "hdf5") plus a header-only shim for macros.
        .systemLibrary(
            name: "CHDF5",
            path: "Sources/CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        // Intel ISA-L's igzip (Debian libisal-dev, pkg-config "libisal"): deflate and gunzip.
        .systemLibrary(name: "CISAL", path: "Sources/CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "HDF5", dependencies: ["CHDF5", "CISAL", "Parallel"]),
        .target(name: "ToyModel", dependencies: ["SeededRandom", "Parallel"], swiftSettings: optimizedInDebug),
        .target(name: "Structure", dependencies: ["Parallel"], swiftSettings: optimizedInDebug),
        .target(name: "Trajectory", dependencies: ["HDF5", "CISAL", "CZstd", "Structure", "Parallel"]),
        .target(name: "ParticleTable", dependencies: ["HDF5", "Parallel", "SeededRandom"]),
        .target(name: "Learning", dependencies: ["SeededRandom", "Parallel"], swiftSettings: optimizedInDebug),
        .target(name: "Diagnostics", dependencies: ["Learning", "SeededRandom", "Parallel"], swiftSettings: optimizedInDebug),
        // The diagnostic, RFE and scan on a table larger than memory: features read from disk for
        // every pass, test rows beyond memory sorted through a temporary file.
        .target(name: "StreamedDiagnostics", dependencies: ["Diagnostics", "Learning"], swiftSettings: optimizedInDebug),
        // Interchange formats (CSV/TSV, LIBSVM text, NPY, NPZ): readers and writers of plain
        // columns, no particle-table or science knowledge; Conversion connects them to particle tables.
        .target(name: "Interchange", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Figures (SVG) and the HTML page of `softness report`, from plain run records; no file
        // formats (ReportFiles reads the results file and writes the folder).
        .target(name: "Report"),
        // The diagnostic runs' files: a table into a DiagnosticInput (selection, balanced sample),
        // results into a run group, binned tables, toy tables.
        .target(name: "Workflows", dependencies: ["HDF5", "ParticleTable", "ToyModel", "Learning", "Diagnostics", "StreamedDiagnostics", "SeededRandom"]),
        // Trajectories into particle tables: label (p_hop), featurize (labelled selection, balance),
        // join.
        .target(name: "TrajectoryTables", dependencies: ["HDF5", "ParticleTable", "Structure", "Trajectory", "SeededRandom"]),
        // `softness convert`: particle tables to and from CSV, LIBSVM, NPY, NPZ.
        .target(name: "Conversion", dependencies: ["HDF5", "ParticleTable", "Interchange", "Parallel"]),
        // `softness apply`: a stored run's softness on new tables and trajectories.
        .target(name: "AppliedSoftness", dependencies: [
            "HDF5", "ParticleTable", "Interchange", "Structure", "Trajectory", "TrajectoryTables", "Learning", "Diagnostics",
        ]),
        // `softness report`: runs of results files, labels files and tables into the report folder.
        .target(name: "ReportFiles", dependencies: ["HDF5", "ParticleTable", "Report", "Diagnostics"]),
        // Campaigns of many trajectories (`softness batch`): discovery, temperatures, per-file
        // sidecars, shards and the batch runner; the pipeline steps themselves are Workflows'.
        .target(name: "Campaign", dependencies: [
            "Workflows", "TrajectoryTables", "ParticleTable", "HDF5", "Trajectory", "Diagnostics", "Learning", "Interchange", "Parallel",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .executableTarget(
            name: "SoftnessCLI",
            dependencies: [
                "HDF5", "ParticleTable", "ToyModel", "Structure", "Learning", "Diagnostics", "StreamedDiagnostics", "Workflows", "TrajectoryTables", "Conversion",
                "AppliedSoftness", "ReportFiles", "Interchange", "Campaign", "Parallel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ParallelTests", dependencies: ["Parallel"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "CHDF5", "SeededRandom"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ParticleTableTests", dependencies: ["ParticleTable", "HDF5", "SeededRandom"]),
        .testTarget(name: "ToyModelTests", dependencies: ["ToyModel"]),
        .testTarget(name: "TrajectoryTests", dependencies: ["Trajectory", "Structure", "HDF5", "CZstd", "SeededRandom"], exclude: ["Fixtures"]),
        .testTarget(name: "WorkflowsTests", dependencies: ["Workflows", "ParticleTable", "ToyModel", "HDF5", "Diagnostics", "Learning", "SeededRandom"]),
        .testTarget(name: "ConversionTests", dependencies: ["Conversion", "ParticleTable", "HDF5", "SeededRandom"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "SeededRandom"]),
        .testTarget(name: "InterchangeTests", dependencies: ["Interchange", "SeededRandom"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "SeededRandom"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "Learning", "ToyModel", "SeededRandom"]),
        .testTarget(name: "StreamedDiagnosticsTests", dependencies: ["StreamedDiagnostics", "Diagnostics", "Learning", "ToyModel", "SeededRandom"]),
        .testTarget(name: "StructureTests", dependencies: ["Structure", "SeededRandom"]),
        // Runs the built `softness` executable end to end (bad input, exit codes, files untouched);
        // it depends on SoftnessCLI only so that the executable is built first.
        .testTarget(name: "CampaignTests", dependencies: ["Campaign"]),
        .testTarget(name: "CLITests", dependencies: ["SoftnessCLI", "HDF5", "ParticleTable", "SeededRandom", "Interchange", "Trajectory", "CZstd",
                                                 .product(name: "ZIPFoundation", package: "ZIPFoundation")], exclude: ["Fixtures"]),
    ]
)
