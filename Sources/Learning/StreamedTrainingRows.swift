import Foundation

/// Training rows that are not all in memory at once (a table larger than RAM): they are read
/// again, piece by piece, for every pass of the solver.
///
/// `forEachPiece(of:_:)` hands out the training rows `rows` (view order: the i-th training row
/// is view row i) in consecutive pieces, each as a `TrainingView` with the labels of its rows.
/// The view's values must be exactly those the in-memory view of the same rows would give (same
/// raw values, same standardization arithmetic); then `LinearSVM.fit(streaming:…)` returns
/// bitwise the model of the in-memory fit, because the solver accumulates the same fixed row
/// blocks (`RowBlocks`) in the same order whatever the piece sizes. It may be called from several
/// threads at once, for disjoint ranges.
public protocol TrainingRowSource: Sendable {
    /// Training rows l.
    var rowCount: Int { get }
    /// Columns of every piece (features d).
    var columnCount: Int { get }
    /// Calls `body` with consecutive pieces covering `rows`, in order, and their labels (±1).
    /// - Throws: `LearningError.rowSource` when the rows cannot be read.
    func forEachPiece(of rows: Range<Int>, _ body: (TrainingView, UnsafeBufferPointer<Double>) -> Void) throws(LearningError)
}

/// The squared-hinge primal over a `TrainingRowSource`: each pass streams every training row
/// once, blocks on up to `threads` threads, each thread reading its own block's pieces (so one
/// thread's reading overlaps the others' arithmetic). Bitwise the sums of `SquaredHingeEvaluator`.
final class StreamedSquaredHingeEvaluator: SquaredHingeObjective {
    let source: any TrainingRowSource
    let threads: Int?
    private var sums: SquaredHingeSums
    /// Passes over the data so far (∇f(0) and every evaluation), and the evaluations' wall-clock time in seconds.
    private(set) var passes = 0
    private(set) var passSeconds = 0.0

    /// Called after every pass with (passes so far, objective f, ‖∇f‖, seconds of the pass).
    let onPass: ((Int, Double, Double, Double) -> Void)?

    init(source: any TrainingRowSource, c: Double, threads: Int?, onPass: ((Int, Double, Double, Double) -> Void)? = nil) {
        self.source = source
        self.threads = threads
        self.onPass = onPass
        sums = SquaredHingeSums(rowCount: source.rowCount, columns: source.columnCount, c: c)
    }

    var rowCount: Int { source.rowCount }

    func evaluate(_ w: [Double]) throws(LearningError) -> SquaredHingeEvaluation {
        let d = sums.d, p = sums.p, stride = sums.stride, blocks = sums.blocks, source = self.source
        let started = Date()
        var failures = [LearningError?](repeating: nil, count: blocks.count)
        w.withUnsafeBufferPointer { wBuffer in
            sums.partials.withUnsafeMutableBufferPointer { partialBuffer in
                failures.withUnsafeMutableBufferPointer { failureBuffer in
                    guard let wBase = wBuffer.baseAddress, let out = partialBuffer.baseAddress,
                          let failed = failureBuffer.baseAddress else { return }
                    blocks.forEachBlock(threads: threads) { block in
                        var accumulator = SquaredHingeBlockAccumulator(d: d, p: p, out: out + block * stride)
                        defer { accumulator.finish() }
                        do throws(LearningError) {
                            try source.forEachPiece(of: blocks.range(block)) { view, labels in
                                guard let y = labels.baseAddress else { return }
                                view.withRowSource { rows in
                                    accumulator.consume(x: rows, y: y, rows: 0..<view.rowCount, w: wBase)
                                }
                            }
                        } catch {
                            failed[block] = error
                        }
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        passes += 1
        let seconds = Date().timeIntervalSince(started)
        passSeconds += seconds
        let evaluation = sums.evaluation(at: w)
        onPass?(passes, evaluation.objective, euclideanNorm(evaluation.gradient), seconds)
        return evaluation
    }

    func gradientAtZero() throws(LearningError) -> [Double] {
        let d = sums.d, p = sums.p, blocks = sums.blocks, source = self.source
        var partial = [Double](repeating: 0, count: blocks.count * p)
        var failures = [LearningError?](repeating: nil, count: blocks.count)
        partial.withUnsafeMutableBufferPointer { sumBuffer in
            failures.withUnsafeMutableBufferPointer { failureBuffer in
                guard let out = sumBuffer.baseAddress, let failed = failureBuffer.baseAddress else { return }
                blocks.forEachBlock(threads: threads) { block in
                    do throws(LearningError) {
                        try source.forEachPiece(of: blocks.range(block)) { view, labels in
                            guard let y = labels.baseAddress else { return }
                            view.withRowSource { rows in
                                addLabelledRows(x: rows, y: y, rows: 0..<view.rowCount, d: d, out: out + block * p)
                            }
                        }
                    } catch {
                        failed[block] = error
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        passes += 1
        return sums.gradientAtZero(partial)
    }
}

extension LinearSVM {
    /// Fits the squared-hinge SVM to training rows streamed from `source` (tables larger than
    /// memory): the trust-region Newton solver of `fit(_:labels:options:warmStart:)`, one read of
    /// every training row per pass, at most a few pieces per thread in memory.
    ///
    /// Bitwise the model of the in-memory primal fit on the same rows (see `TrainingRowSource`).
    /// The caller has checked labels and values (the source is read only by the solver).
    /// - Parameters:
    ///   - positives, negatives: training rows with label +1 and −1 (liblinear's stopping rule).
    ///   - onPass: called after every evaluation pass with (passes so far, f, ‖∇f‖, seconds), for progress.
    /// - Returns: the model, the number of data passes and their total time in seconds.
    /// - Throws: `.invalidOption` for hinge loss or the dual solver (streaming needs the primal
    ///   solver), option errors, `.singleClass`, `.columnCountMismatch` for a bad warm
    ///   start, and the source's `.rowSource` errors.
    public static func fit(streaming source: any TrainingRowSource, positives: Int, negatives: Int,
                           options: LinearSVMOptions = LinearSVMOptions(), warmStart: LinearSVMModel? = nil,
                           onPass: ((Int, Double, Double, Double) -> Void)? = nil) throws(LearningError) -> (model: LinearSVMModel, passes: Int, seconds: Double) {
        try validateOptions(options)
        guard source.columnCount > 0 else { throw .noColumns }
        guard source.rowCount > 0 else { throw .noRows }
        if positives == 0 { throw .singleClass(label: -1) }
        if negatives == 0 { throw .singleClass(label: 1) }
        if let warm = warmStart, warm.weights.count != source.columnCount {
            throw .columnCountMismatch(expected: source.columnCount, actual: warm.weights.count)
        }
        let solver = resolvedSolver(options.solver, loss: options.loss, rows: source.rowCount, columns: source.columnCount)
        guard options.loss == .squaredHinge, solver == .primalNewton else {
            throw .invalidOption(name: "solver", reason: "training rows streamed from a file are fitted by the primal Newton solver only (squared hinge loss, at least 20 training rows per feature); got the \(options.loss.rawValue) loss and the \(solver.rawValue) solver — use the squared hinge, or give --memory enough to hold the training rows")
        }
        let objective = StreamedSquaredHingeEvaluator(source: source, c: options.c, threads: options.threadCount, onPass: onPass)
        let model = try PrimalNewtonSolver(objective: objective, options: options,
                                           classCounts: ClassCounts(positives: positives, negatives: negatives, columns: source.columnCount))
            .solve(warmStart: warmStart)
        return (model, objective.passes, objective.passSeconds)
    }
}
