import Foundation
import HDF5
import Parallel
import SeededRandom

/// Result of `softness validate`: every problem that would stop the diagnostic, warnings that
/// would not, class balance per temperature and split, and the standardization status.
public struct ValidationReport: Codable, Sendable {
    /// Per-column statistics over the training rows (all rows when there is no split).
    public struct ColumnStatistics: Codable, Sendable {
        public var name: String
        public var mean: Double
        /// Population standard deviation (as used for standardization, DESIGN 1.2).
        public var standardDeviation: Double
        public var minimum: Double
        public var maximum: Double
    }

    public var file: String
    public var rows: Int
    public var featureCount: Int
    public var problems: [String]
    public var warnings: [String]
    public var counts: [ParticleTableSummary.Cell]
    public var columns: [ColumnStatistics]
    /// True when every column already has |mean| < 0.05 and |sd − 1| < 0.05 on the training rows.
    /// The diagnostic standardizes from training rows either way.
    public var isStandardized: Bool
    public var isValid: Bool { problems.isEmpty }

    enum CodingKeys: String, CodingKey {
        case file, rows, featureCount = "feature_count", problems, warnings, counts, columns
        case isStandardized = "is_standardized"
    }
}

/// The validation stage (DESIGN 1.2): schema, shapes, NaN/Inf, constant columns, label encoding,
/// split values, temperatures, class balance and standardization status, streamed in row blocks.
public enum ParticleTableValidator {
    /// Minority-class fraction below which a temperature/split cell gets a warning.
    public static let imbalanceWarning = 0.1

    /// Training rows (per temperature) whose minority class is below `trainingImbalanceLimit`
    /// (the CLI passes `VerdictRules.imbalanceLimit`, 80/20) are a problem; nil leaves them a
    /// warning (for `validate --balance`, whose selection removes the imbalance, or
    /// `--allow-imbalance`).
    public static func validate(path: String, labels encoding: LabelEncoding = .plusMinusOne, blockRows: Int = 1 << 18,
                                trainingImbalanceLimit: Double? = nil) throws -> ValidationReport {
        let file = try File.open(path)
        defer { file.close() }
        try ParticleSchema.v1.requireConforming(file)

        let featuresSet = try file.dataset("features")
        let shape = try featuresSet.shape()
        let labelsSet = try file.dataset("labels")
        let temperatureSet = try file.dataset("temperature")
        let splitSet = file.isDataset("split") ? try file.dataset("split") : nil
        // A table with /balanced (featurize --balance) trains on that sample: its other rows are
        // the natural population, far from 50/50 by nature.
        let sampled = file.isDataset("balanced")
        var report = try validate(file: path, rows: shape[0], names: try file.dataset("feature_names").readStrings(), hasSplit: splitSet != nil,
                                  datasets: .schemaV1, encoding: encoding, blockRows: blockRows,
                                  trainingImbalanceLimit: sampled ? nil : trainingImbalanceLimit, naturalPopulation: sampled) { range, block in
            let d = block.featureCount
            try block.features.withUnsafeMutableBufferPointer { try featuresSet.readRows(range, into: UnsafeMutableBufferPointer(rebasing: $0[0..<(range.count * d)])) }
            try block.labels.withUnsafeMutableBufferPointer { try labelsSet.readRows(range, into: UnsafeMutableBufferPointer(rebasing: $0[0..<range.count])) }
            try block.temperature.withUnsafeMutableBufferPointer { try temperatureSet.readRows(range, into: UnsafeMutableBufferPointer(rebasing: $0[0..<range.count])) }
            if let splitSet {
                try block.split.withUnsafeMutableBufferPointer { try splitSet.readRows(range, into: UnsafeMutableBufferPointer(rebasing: $0[0..<range.count])) }
            }
        }
        if sampled { report.warnings.insert("the table marks a balanced training sample (/balanced): the diagnostic trains on it and measures P(R|S,T) on every test row, so the class counts are those of the natural population", at: 0) }
        return report
    }

    /// Validates a table read through a mapped layout (`ParticleTableReader.load` with a
    /// `DatasetMapping`, which already refused non-finite values and labels outside the stated
    /// encoding): the remaining checks — constant columns, split, classes, balance, size.
    public static func validate(mapped data: ParticleTableData, mapping: DatasetMapping, trainingImbalanceLimit: Double? = nil) throws -> ValidationReport {
        let d = data.featureCount
        return try validate(file: data.path, rows: data.rows, names: data.featureNames, hasSplit: data.split != nil,
                            datasets: DatasetNames(features: mapping.features, labels: mapping.labels, temperature: "temperature", split: mapping.split ?? "/split"),
                            encoding: .plusMinusOne, blockRows: 1 << 18, trainingImbalanceLimit: trainingImbalanceLimit) { range, block in
            block.features.replaceSubrange(0..<(range.count * d), with: data.features[(range.lowerBound * d)..<(range.upperBound * d)])
            block.temperature.replaceSubrange(0..<range.count, with: data.temperature[range])
            for (k, i) in range.enumerated() {
                block.labels[k] = Int64(data.labels[i])
                if let split = data.split { block.split[k] = Int64(split[i]) }
            }
        }
    }

    /// The reusable buffers of one block of rows (features row-major, raw labels, temperature,
    /// split), of room for `blockRows` rows; a block fills the first rows of each.
    struct Block {
        let featureCount: Int
        var features: [Double], labels: [Int64], temperature: [Double], split: [Int64]
    }

    /// What the checks count over the blocks: per-column sums over training rows (two-sum,
    /// Welford-free) and min/max over all rows, the cells, and the first bad value of each kind.
    struct BlockTally {
        var sum: [Double], sumSquares: [Double], minimum: [Double], maximum: [Double]
        var trainingRows = 0
        var nonFinite = 0, firstNonFinite: (Int, Int)?
        var badLabels = 0, firstBadLabel: (Int, Int64)?
        var badSplit = 0, badTemperature = 0
        var counter = ParticleTableSummary.CellCounter()

        init(columns d: Int) {
            sum = [Double](repeating: 0, count: d)
            sumSquares = sum
            minimum = [Double](repeating: .infinity, count: d)
            maximum = [Double](repeating: -.infinity, count: d)
        }

        /// Adds rows `range`, held in the first rows of `block`.
        mutating func add(_ range: Range<Int>, _ block: Block, hasSplit: Bool, encoding: LabelEncoding) {
            let (labels, temperature) = (block.labels, block.temperature)
            let split = hasSplit ? block.split : nil
            counter.add(labels: labels, temperature: temperature, split: split, count: range.count)
            for i in 0..<range.count {
                if encoding.map(labels[i]) == nil {
                    badLabels += 1
                    if firstBadLabel == nil { firstBadLabel = (range.lowerBound + i, labels[i]) }
                }
                if !(temperature[i].isFinite && temperature[i] > 0) { badTemperature += 1 }
                if let split, split[i] != 0 && split[i] != 1 { badSplit += 1 }
                if split.map({ $0[i] == 0 }) ?? true { trainingRows += 1 }
            }
            // A block is first added as if every value were finite (no branch per value); a block
            // with a value that is not is added again value by value from the tallies before it,
            // so sums, minima and maxima are over the finite values either way.
            let before = (sum, sumSquares, minimum, maximum)
            if !addAssumingFinite(block.features, rows: range.count, d: block.featureCount, split: split) {
                (sum, sumSquares, minimum, maximum) = before
                addCheckingEachValue(range, block.features, d: block.featureCount, split: split)
            }
        }

        /// The feature tallies of the first `rows` rows of `x`; false when a value is not finite
        /// (the tallies are then to be restored).
        private mutating func addAssumingFinite(_ x: [Double], rows: Int, d: Int, split: [Int64]?) -> Bool {
            var zero = [Double](repeating: 0, count: d)
            x.withUnsafeBufferPointer { x in
                sum.withUnsafeMutableBufferPointer { sum in
                    sumSquares.withUnsafeMutableBufferPointer { squares in
                        minimum.withUnsafeMutableBufferPointer { low in
                            maximum.withUnsafeMutableBufferPointer { high in
                                zero.withUnsafeMutableBufferPointer { zero in
                                    for i in 0..<rows {
                                        let row = i * d
                                        for j in 0..<d {
                                            let value = x[row + j]
                                            zero[j] += value - value  // NaN for ±∞ and NaN
                                            low[j] = min(low[j], value)
                                            high[j] = max(high[j], value)
                                        }
                                        guard split.map({ $0[i] == 0 }) ?? true else { continue }
                                        for j in 0..<d {
                                            let value = x[row + j]
                                            sum[j] += value
                                            squares[j] += value * value
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return zero.allSatisfy { $0 == 0 }
        }

        /// The feature tallies value by value, counting and skipping values that are not finite.
        private mutating func addCheckingEachValue(_ range: Range<Int>, _ x: [Double], d: Int, split: [Int64]?) {
            for i in 0..<range.count {
                let isTraining = split.map { $0[i] == 0 } ?? true
                for j in 0..<d {
                    let value = x[i * d + j]
                    guard value.isFinite else {
                        nonFinite += 1
                        if firstNonFinite == nil { firstNonFinite = (range.lowerBound + i, j) }
                        continue
                    }
                    minimum[j] = min(minimum[j], value)
                    maximum[j] = max(maximum[j], value)
                    if isTraining {
                        sum[j] += value
                        sumSquares[j] += value * value
                    }
                }
            }
        }
    }

    /// The dataset names problems are reported against.
    struct DatasetNames {
        var features: String, labels: String, temperature: String, split: String
        static let schemaV1 = DatasetNames(features: "/features", labels: "/labels", temperature: "/temperature", split: "/split")
    }

    /// The checks over row blocks from `block` (features row-major, raw labels, temperature, split).
    private static func validate(file path: String, rows: Int, names: [String], hasSplit: Bool, datasets: DatasetNames, encoding: LabelEncoding,
                                 blockRows: Int, trainingImbalanceLimit: Double?, naturalPopulation: Bool = false,
                                 fill: (Range<Int>, inout Block) throws -> Void) throws -> ValidationReport {
        let d = names.count
        var problems: [String] = []
        var warnings: [String] = []
        if d == 0 { problems.append("\(datasets.features) has no columns (d = 0)") }
        if rows == 0 { problems.append("\(datasets.features) has no rows (N = 0)") }

        let room = max(1, min(blockRows, rows))
        let (values, overflow) = room.multipliedReportingOverflow(by: d)
        guard !overflow, InputLimits.fitsInMemory(values, stride: MemoryLayout<Double>.stride) else {
            throw ParticleDataError.mapping(file: path, dataset: datasets.features, message: "has \(d) columns: a block of \(room) rows would not fit in \(InputLimits.memoryBudgetDescription) — a damaged extent?")
        }
        func buffers() -> Block {
            Block(featureCount: d, features: LargeBuffer.array(repeating: 0, count: values), labels: LargeBuffer.array(repeating: 0, count: room),
                  temperature: LargeBuffer.array(repeating: 0, count: room), split: LargeBuffer.array(repeating: 0, count: hasSplit ? room : 0))
        }
        var tally = BlockTally(columns: d)
        // Two sets of buffers (slots 0 and 1): the next block is read (on all cores) while this
        // one is checked.
        var even = buffers(), odd = rows > room ? buffers() : even
        try Parallel.pipelined(rows: rows, blockRows: room, read: { range, slot in
            if slot == 0 { try fill(range, &even) } else { try fill(range, &odd) }
        }) { range, slot in
            tally.add(range, slot == 0 ? even : odd, hasSplit: hasSplit, encoding: encoding)
        }
        let (sum, sumSquares, minimum, maximum) = (tally.sum, tally.sumSquares, tally.minimum, tally.maximum)
        let (trainingRows, nonFinite, firstNonFinite) = (tally.trainingRows, tally.nonFinite, tally.firstNonFinite)
        let (badLabels, firstBadLabel, badSplit, badTemperature) = (tally.badLabels, tally.firstBadLabel, tally.badSplit, tally.badTemperature)
        if let (row, column) = firstNonFinite {
            problems.append("\(datasets.features): \(nonFinite) non-finite values (NaN or Inf), first at row \(row), column \(column) (\(names[column]))")
        }
        if let (row, value) = firstBadLabel {
            var message = "\(datasets.labels): \(badLabels) rows hold values outside \(encoding == .plusMinusOne ? "{+1, -1}" : "{0, 1}"), first \(value) at row \(row)"
            if encoding == .plusMinusOne && value == 0 { message += "; the labels look like 0/1: pass --label-encoding 01 to accept them" }
            problems.append(message)
        }
        if badTemperature > 0 { problems.append("\(datasets.temperature): \(badTemperature) rows are not positive and finite") }
        if badSplit > 0 { problems.append("\(datasets.split): \(badSplit) rows hold values other than 0 (train) and 1 (test)") }

        var columns: [ValidationReport.ColumnStatistics] = []
        for j in 0..<d {
            let n = Double(max(trainingRows, 1))
            let mean = sum[j] / n
            let variance = max(0, sumSquares[j] / n - mean * mean)
            columns.append(.init(name: names[j], mean: mean, standardDeviation: variance.squareRoot(), minimum: minimum[j], maximum: maximum[j]))
            if minimum[j] == maximum[j] {
                problems.append("\(datasets.features): column \(j) (\(names[j])) is constant (\(minimum[j])); remove it, it cannot be standardized")
            }
        }
        let standardized = !columns.isEmpty && columns.allSatisfy { abs($0.mean) < 0.05 && abs($0.standardDeviation - 1) < 0.05 }

        let counts = tally.counter.cells
        let training = counts.filter { $0.split == "train" || $0.split == "all" }
        let test = counts.filter { $0.split == "test" || $0.split == "all" }
        if training.reduce(0, { $0 + $1.rows }) == 0 { problems.append("\(datasets.split): no training rows (split = 0)") }
        if hasSplit && test.reduce(0, { $0 + $1.rows }) == 0 { problems.append("\(datasets.split): no test rows (split = 1); the diagnostic needs held-out rows") }
        let trainingPlus = training.reduce(0) { $0 + $1.rearranging }, trainingMinus = training.reduce(0) { $0 + $1.notRearranging }
        if encoding == .plusMinusOne && badLabels == 0 && (trainingPlus == 0 || trainingMinus == 0) && trainingPlus + trainingMinus > 0 {
            problems.append("\(datasets.labels): the training rows hold one class only (\(trainingPlus) rearranging, \(trainingMinus) not); an SVM needs both")
        }
        if trainingRows > 0 && trainingRows < d + 2 {
            problems.append("\(datasets.features): \(trainingRows) training rows for \(d) features; need at least d + 2 = \(d + 2)")
        }
        let temperatures = Set(test.map(\.temperature))
        if temperatures.count < 2 {
            warnings.append("test rows at \(temperatures.count) temperature(s); Arrhenius extraction needs two or more (the other results are still computed)")
        }
        for cell in counts where cell.rows > 0 {
            let minority = Double(min(cell.rearranging, cell.notRearranging)) / Double(cell.rows)
            if let limit = trainingImbalanceLimit, cell.split == "train" || cell.split == "all", minority < limit, minority > 0 {
                problems.append(String(format: "\(datasets.labels): training rows at T = %g are %.1f%% R = +1 (beyond %.0f/%.0f); the SVM would learn the base rate. Record a balanced selection with --balance (then diagnose --selection), or pass --allow-imbalance",
                                       cell.temperature, 100 * cell.rearrangingFraction, 100 * (1 - limit), 100 * limit))
            } else if minority < imbalanceWarning && !naturalPopulation {
                warnings.append(String(format: "T = %g, %@: only %.1f%% of rows in the minority class (%d of %d); consider --balance",
                                       cell.temperature, cell.split, 100 * minority, min(cell.rearranging, cell.notRearranging), cell.rows))
            }
        }
        if !hasSplit { warnings.append("no /split: the diagnostic will split rows at random (seeded), half for testing") }
        return ValidationReport(file: path, rows: rows, featureCount: d, problems: problems, warnings: warnings,
                                counts: counts, columns: columns, isStandardized: standardized)
    }
}

/// A seeded balanced selection of training rows: within each training temperature the majority
/// class is subsampled to the size of the minority class. Stored as row indices; the input is
/// never rewritten.
public enum BalancedSelection {
    /// Indices (sorted) of the selected training rows. Test rows are not included.
    public static func trainingRows(labels: [Double], temperature: [Double], isTraining: [Bool], seed: UInt64) -> [Int] {
        var groups: [Double: (plus: [Int], minus: [Int])] = [:]
        for i in labels.indices where isTraining[i] {
            if labels[i] > 0 { groups[temperature[i], default: ([], [])].plus.append(i) } else { groups[temperature[i], default: ([], [])].minus.append(i) }
        }
        var generator = SplitMix64(seed: seed)
        var selected: [Int] = []
        for temperature in groups.keys.sorted() {
            guard let (plus, minus) = groups[temperature] else { continue }
            let keep = min(plus.count, minus.count)
            selected += plus.count > keep ? Array(plus.shuffled(using: &generator).prefix(keep)) : plus
            selected += minus.count > keep ? Array(minus.shuffled(using: &generator).prefix(keep)) : minus
        }
        return selected.sorted()
    }
}
