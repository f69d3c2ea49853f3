import Foundation
import Testing
import Diagnostics
import Learning
import HDF5
@testable import Workflows

/// 6 rows × 4 columns: row i has features 10·i + j, T alternating 0.5, 0.6, 0.7, labels ±1.
private func smallInput() throws -> DiagnosticInput {
    let values = (0..<6).flatMap { i in (0..<4).map { j in Double(10 * i + j) } }
    return try DiagnosticInput(features: try DenseMatrix(rows: 6, columns: 4, values: values),
                               labels: [1, -1, 1, -1, 1, -1], temperature: [0.5, 0.6, 0.7, 0.5, 0.6, 0.7],
                               isTraining: [true, false, true, false, true, false], energyBarrier: [0, 1, 2, 3, 4, 5],
                               featureNames: ["G2_a", "G2_b", "psi_1", "psi_2"])
}

@Suite struct TableSelectionTests {
    @Test func temperaturesKeepTheirRowsWithinTheTolerance() throws {
        let input = try smallInput()
        let applied = try TableSelection(temperatures: [0.5 * (1 + 1e-12), 0.7]).apply(to: input, file: "t.h5")
        #expect(applied.input.rowCount == 4)
        #expect(applied.input.temperature == [0.5, 0.7, 0.5, 0.7])
        #expect(applied.input.energyBarrier == [0, 2, 3, 5])
        #expect(applied.input.isTraining == [true, true, false, false])
        #expect(applied.input.features.row(1) == [20, 21, 22, 23])
        #expect(applied.outcome.summary == "selection: 2 of 3 temperatures, 4 of 4 columns, 4 of 6 rows")
        #expect(applied.outcome.parameters["selected_temperatures"] == .reals([0.5 * (1 + 1e-12), 0.7]))
        #expect(applied.outcome.parameters["selected_columns"] == nil, "no column selection was asked")
        #expect(throws: TableSelectionError.temperatureNotPresent(file: "t.h5", requested: [0.5 + 1e-6], present: [0.5, 0.6, 0.7])) {
            try TableSelection(temperatures: [0.5 + 1e-6]).apply(to: input, file: "t.h5")
        }
        let message = "\(TableSelectionError.temperatureNotPresent(file: "t.h5", requested: [0.8], present: [0.5, 0.6, 0.7]))"
        #expect(message == "t.h5: --temperatures: no rows at T = 0.8; the table holds T = 0.5, 0.6, 0.7")
    }

    @Test func columnsByNameAndGlobInTableOrder() throws {
        let input = try smallInput()
        let applied = try TableSelection(columns: ["psi_?", "G2_a"]).apply(to: input, file: "t.h5")
        #expect(applied.input.featureNames == ["G2_a", "psi_1", "psi_2"])
        #expect(applied.input.features.row(2) == [20, 22, 23])
        #expect(applied.input.rowCount == 6)
        #expect(applied.outcome.summary == "selection: 3 of 3 temperatures, 3 of 4 columns, 6 of 6 rows")
        #expect(applied.outcome.parameters["selected_columns"] == .strings(["G2_a", "psi_1", "psi_2"]))
        let excluded = try TableSelection(excludedColumns: ["G2_*"]).apply(to: input, file: "t.h5")
        #expect(excluded.input.featureNames == ["psi_1", "psi_2"])
        #expect(excluded.input.features.row(0) == [2, 3])
        let both = try TableSelection(columns: ["*"], excludedColumns: ["*_2", "G2_b"]).apply(to: input, file: "t.h5")
        #expect(both.input.featureNames == ["G2_a", "psi_1"])
    }

    @Test func globMatching() {
        #expect(TableSelection.glob("G2_*", matches: "G2_abc"))
        #expect(TableSelection.glob("*", matches: ""))
        #expect(TableSelection.glob("a*b*c", matches: "axxbyyc"))
        #expect(!TableSelection.glob("a*b*c", matches: "axxbyy"))
        #expect(TableSelection.glob("psi_?", matches: "psi_1"))
        #expect(!TableSelection.glob("psi_?", matches: "psi_12"))
        #expect(!TableSelection.glob("G2", matches: "G2_a"))
    }

    @Test func unknownColumnsAndEmptySelectionsAreErrors() throws {
        let input = try smallInput()
        let names = ["G2_a", "G2_b", "psi_1", "psi_2"]
        #expect(throws: TableSelectionError.unknownColumn(file: "t.h5", option: "--columns", name: "phi*", available: names)) {
            try TableSelection(columns: ["G2_a", "phi*"]).apply(to: input, file: "t.h5")
        }
        #expect(throws: TableSelectionError.unknownColumn(file: "t.h5", option: "--exclude-columns", name: "nope", available: names)) {
            try TableSelection(excludedColumns: ["nope"]).apply(to: input, file: "t.h5")
        }
        #expect(throws: TableSelectionError.noColumnsLeft(file: "t.h5")) {
            try TableSelection(excludedColumns: ["*"]).apply(to: input, file: "t.h5")
        }
        #expect("\(TableSelectionError.unknownColumn(file: "t.h5", option: "--columns", name: "phi*", available: names))"
            == "t.h5: --columns: no feature column matches 'phi*'; available: G2_a, G2_b, psi_1, psi_2")
    }

    @Test func recommendedFeaturesPickTheirColumns() throws {
        let input = try smallInput()
        let from = TableSelection.RecommendedFeatures(source: "t.results.h5:/results/rfe", names: ["psi_2", "G2_b"])
        let applied = try TableSelection(featuresFrom: from).apply(to: input, file: "t.h5")
        #expect(applied.input.featureNames == ["G2_b", "psi_2"])
        #expect(applied.input.features.row(1) == [11, 13])
        #expect(applied.outcome.parameters["features_from"] == .string("t.results.h5:/results/rfe"))
        let missing = TableSelection.RecommendedFeatures(source: "r.h5:/results/rfe", names: ["other"])
        #expect(throws: TableSelectionError.unknownColumn(file: "t.h5", option: "--features-from r.h5:/results/rfe", name: "other",
                                                          available: ["G2_a", "G2_b", "psi_1", "psi_2"])) {
            try TableSelection(featuresFrom: missing).apply(to: input, file: "t.h5")
        }
    }

    @Test func speciesAndFrames() throws {
        let input = try smallInput()
        let data = TableSelection.RowData(species: [1, 2, 1, 2, 1, 2], frames: [0, 0, 100, 100, 200, 200], speciesNames: ["A": 1, "B": 2])
        let byCode = try TableSelection(species: ["2"]).apply(to: input, rowData: data, file: "t.h5")
        #expect(byCode.input.energyBarrier == [1, 3, 5])
        let byName = try TableSelection(species: ["A"], frames: TableSelection.parseFrames("100:300")).apply(to: input, rowData: data, file: "t.h5")
        #expect(byName.input.energyBarrier == [2, 4])
        #expect(byName.outcome.summary == "selection: 2 of 3 temperatures, 4 of 4 columns, 2 of 6 rows")
        #expect(byName.outcome.parameters["selected_species"] == .strings(["A"]))
        #expect(byName.outcome.parameters["selected_frames"] == .string("100:300"))
        #expect(try TableSelection(frames: TableSelection.parseFrames(":100")).apply(to: input, rowData: data, file: "t.h5").input.rowCount == 2)
        #expect(throws: TableSelectionError.noRowsInFrames(file: "t.h5", range: "300:400", framesPresent: [0, 100, 200])) {
            try TableSelection(frames: TableSelection.parseFrames("300:400")).apply(to: input, rowData: data, file: "t.h5")
        }
        #expect(throws: TableSelectionError.unknownSpecies(file: "t.h5", species: "C", present: [1, 2], names: ["A=1", "B=2"])) {
            try TableSelection(species: ["C"]).apply(to: input, rowData: data, file: "t.h5")
        }
        #expect(throws: TableSelectionError.noSpeciesDataset(file: "t.h5")) {
            try TableSelection(species: ["1"]).apply(to: input, file: "t.h5")
        }
        #expect(throws: TableSelectionError.noFrameDataset(file: "t.h5")) {
            try TableSelection(frames: TableSelection.parseFrames("0:1")).apply(to: input, file: "t.h5")
        }
        #expect(throws: TableSelectionError.noRowsLeft(file: "t.h5")) {
            // Species A (rows 0 and 3) has no row at T = 0.6 (rows 1 and 4).
            let disjoint = TableSelection.RowData(species: [1, 2, 2, 1, 2, 2], speciesNames: ["A": 1, "B": 2])
            return try TableSelection(temperatures: [0.6], species: ["A"]).apply(to: input, rowData: disjoint, file: "t.h5")
        }
        #expect(throws: TableSelectionError.invalidFrameRange(text: "5:2", reason: "the start must be below the end (a ≤ frame < b)")) {
            try TableSelection.parseFrames("5:2")
        }
        #expect(throws: TableSelectionError.invalidFrameRange(text: "x:2", reason: "'x' is not an integer")) {
            try TableSelection.parseFrames("x:2")
        }
        #expect("\(TableSelectionError.noRowsInFrames(file: "t.h5", range: "300:400", framesPresent: [0, 100, 200]))"
            == "t.h5: --frames 300:400: no rows with a frame in 300:400 (a ≤ frame < b); frames present: 3 frames from 0 to 200: 0, 100, 200")
    }

    @Test func selectionAmongTrainingSelectionRows() throws {
        let input = try smallInput()
        let applied = try TableSelection(temperatures: [0.5]).apply(to: input, among: [0, 1, 2, 3], file: "t.h5")
        #expect(applied.input.energyBarrier == [0, 3])
        #expect(applied.outcome.summary == "selection: 1 of 3 temperatures, 4 of 4 columns, 2 of 4 rows")
    }

    @Test func loadingReadsSpeciesAndFramesFromTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("softness-selection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.h5").path
        let rows = 8
        let file = try File.create(path)
        try file.setAttribute("schema", .string("softness.particles"))
        try file.setAttribute("schema_version", .integer(1))
        try file.setAttribute("structure_species", .integers([1, 2]))
        try file.setAttribute("structure_species_names", .strings(["A", "B"]))
        try file.createDataset("features", values: (0..<(rows * 2)).map(Double.init), shape: [rows, 2])
        try file.createStringDataset("feature_names", values: ["a", "b"])
        try file.createDataset("labels", values: (0..<rows).map { Int8($0 % 2 == 0 ? 1 : -1) })
        try file.createDataset("temperature", values: [Double](repeating: 0.5, count: rows))
        try file.createDataset("split", values: (0..<rows).map { UInt8($0 % 2) })
        try file.createDataset("species", values: (0..<rows).map { Int32($0 < 4 ? 1 : 2) })
        try file.createDataset("frame", values: (0..<rows).map { Int64($0 % 4) })
        file.close()
        let loaded = try LoadedInput.load(path: path, tableSelection: TableSelection(species: ["B"], frames: TableSelection.parseFrames("1:3"), columns: ["b"]))
        #expect(loaded.input.rowCount == 2)
        #expect(loaded.input.features.column(0) == [11, 13])
        #expect(loaded.selection?.summary == "selection: 1 of 1 temperatures, 1 of 2 columns, 2 of 8 rows")
        let whole = try LoadedInput.load(path: path)
        #expect(whole.digest == loaded.digest, "the digest is that of the whole table")
        #expect(whole.selection == nil)
    }
}
