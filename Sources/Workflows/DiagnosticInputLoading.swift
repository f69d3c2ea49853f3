import Diagnostics
import Foundation
import Learning
import ParticleTable
import SeededRandom

/// A diagnostic input read from a particle table, with what is needed for provenance.
public struct LoadedInput: Sendable {
    public var input: DiagnosticInput
    /// Digest of the input datasets (recorded with every run).
    public var digest: String
    public var path: String
    /// Notes for the user (e.g. "no /split: rows split at random").
    public var notes: [String]
    /// The split drawn at random (0 train, 1 test, one entry per row of the file) when the file
    /// has no `/split`; stored with the run so the same rows can be found again.
    public var generatedSplit: [UInt8]?
    /// What `--temperatures`/`--species`/`--frames`/`--columns`/… kept, nil without a selection.
    public var selection: TableSelection.Outcome?
}

/// Training rows recorded by `softness validate --balance`: the row indices and the digest of
/// the data they were drawn from.
public struct TrainingSelection: Sendable {
    /// Where the selection is stored (`FILE:/results/RUN`), for messages.
    public var source: String
    /// Row indices into the input (test rows among them stay test rows).
    public var rows: [Int]
    /// `input_digest` of the run that recorded the selection.
    public var digest: String?

    public init(source: String, rows: [Int], digest: String?) {
        self.source = source
        self.rows = rows
        self.digest = digest
    }
}

extension LoadedInput {
    /// Reads the particle table at `path` into a `DiagnosticInput`.
    ///
    /// Without `/split`, rows are split at random (seeded by `seed`): a fraction `testFraction`
    /// becomes test rows. With `trainingSelection` (for example a balanced selection recorded by
    /// `softness validate --balance`) only those rows train; all test rows stay test rows.
    /// With a non-empty `tableSelection`, only its rows and feature columns are kept (after the
    /// split is drawn on every row, so a row keeps its train/test role whatever is selected; the
    /// digest stays that of the whole table).
    /// - Throws: `ParticleDataError`, `WorkflowError`, `TableSelectionError` (with the file name).
    public static func load(path: String, labels: LabelEncoding = .plusMinusOne, mapping: DatasetMapping = .schemaV1,
                            testFraction: Double = 0.5, seed: UInt64 = 1, trainingSelection: TrainingSelection? = nil,
                            tableSelection: TableSelection? = nil) throws -> LoadedInput {
        let tableSelection = tableSelection.flatMap { $0.isEmpty ? nil : $0 }
        // Read /species and /frame first, so a bad selection fails before the features are read.
        let rowData = try tableSelection?.readRowData(path: path)
        if let tableSelection, let rowData {
            if tableSelection.species != nil && rowData.species == nil { throw TableSelectionError.noSpeciesDataset(file: path) }
            if tableSelection.frames != nil && rowData.frames == nil { throw TableSelectionError.noFrameDataset(file: path) }
        }
        let data = try ParticleTableReader.load(path: path, labels: labels, mapping: mapping)
        var notes: [String] = []
        var isTraining: [Bool]
        var generatedSplit: [UInt8]?
        if let split = data.split {
            isTraining = split.map { $0 == 0 }
        } else {
            var generator = SplitMix64(seed: seed)
            isTraining = (0..<data.rows).map { _ in Double.random(in: 0..<1, using: &generator) >= testFraction }
            generatedSplit = isTraining.map { $0 ? 0 : 1 }
            notes.append("\(path) has no /split: \(Int((testFraction * 100).rounded()))% of rows drawn at random (seed \(seed)) as test rows")
        }
        var rows: [Int]?
        if trainingSelection == nil, let flags = data.balanced {
            // featurize --balance: train on the balanced sample of the training frames, measure
            // P(R|S,T) on every row of the test frames (the natural population).
            let keep = (0..<data.rows).filter { !isTraining[$0] || flags[$0] == 1 }
            rows = keep
            let trainingKept = keep.count - isTraining.indices.filter { !isTraining[$0] }.count
            notes.append("training on the \(trainingKept) rows of the balanced sample (/balanced) of the training frames; P(R|S,T) on all \(data.rows - isTraining.filter { $0 }.count) rows of the test frames (natural population)")
        }
        if let selection = trainingSelection {
            guard selection.digest == data.digest else {
                throw WorkflowError.selectionForOtherData(source: selection.source, input: path,
                                                          recorded: selection.digest ?? "none", actual: data.digest)
            }
            if let bad = selection.rows.first(where: { $0 < 0 || $0 >= data.rows }) {
                throw WorkflowError.selectionRowInvalid(source: selection.source, row: bad, rows: data.rows)
            }
            let chosen = Set(selection.rows)
            var keep: [Int] = []
            for i in 0..<data.rows where !isTraining[i] || chosen.contains(i) { keep.append(i) }
            rows = keep
            notes.append("training on the \(selection.rows.count) selected rows of \(selection.source)")
        }
        let features = try DenseMatrix(rows: data.rows, columns: data.featureCount, values: data.features)
        var input = try DiagnosticInput(features: features, labels: data.labels, temperature: data.temperature,
                                        isTraining: isTraining, energyBarrier: data.energyBarrier, featureNames: data.featureNames)
        input.testPopulation = data.population?.hasPrefix(TablePopulation.balancedSampleOnly) == true ? .balancedSample
            : (data.balanced != nil ? .natural : .unspecified)
        var outcome: TableSelection.Outcome?
        if let tableSelection {
            let applied = try tableSelection.apply(to: input, rowData: rowData ?? .init(), among: rows, file: path)
            input = applied.input
            outcome = applied.outcome
        } else if let rows {
            input = try input.selectingRows(rows)
        }
        return LoadedInput(input: input, digest: data.digest, path: path, notes: notes, generatedSplit: generatedSplit, selection: outcome)
    }
}
