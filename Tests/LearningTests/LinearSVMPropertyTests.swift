import Foundation
import Testing
@testable import Learning

@Suite struct LinearSVMPropertyTests {
    @Test func primalAndDualSolversAgree() throws {
        let (x, labels) = try Fixtures.dataset("toy2000x14")
        for c in [0.01, 1.0] {
            let primal = try LinearSVM.fit(x: x, labels: labels,
                                           options: LinearSVMOptions(c: c, solver: .primalNewton, tolerance: 1e-10))
            let dual = try LinearSVM.fit(x: x, labels: labels,
                                         options: LinearSVMOptions(c: c, solver: .dualCoordinateDescent,
                                                                   tolerance: 1e-10, maxIterations: 100_000))
            #expect(primal.report.converged && dual.report.converged)
            #expect(componentsClose(primal.weights + [primal.bias], dual.weights + [dual.bias],
                                    relative: 1e-6, absolute: 1e-8),
                    "max rel diff \(maxRelativeDifference(primal.weights + [primal.bias], dual.weights + [dual.bias]))")
            let p = primal.report.primalObjective, d = dual.report.primalObjective
            #expect(abs(p - d) <= 1e-9 * p, "primal \(p) dual \(d)")
            // Duality gap of the converged dual fit is tiny relative to the objective.
            let gap = try #require(dual.report.dualityGap)
            #expect(gap >= -1e-9 * p && gap <= 1e-8 * p, "gap \(gap)")
            #expect(try #require(dual.report.projectedGradientViolation) <= 1e-10 * 1.0001)
        }
    }

    @Test func automaticSolverChoice() throws {
        #expect(LinearSVM.resolvedSolver(.automatic, loss: .squaredHinge, rows: 2000, columns: 14) == .primalNewton)
        #expect(LinearSVM.resolvedSolver(.automatic, loss: .squaredHinge, rows: 200, columns: 14) == .dualCoordinateDescent)
        #expect(LinearSVM.resolvedSolver(.automatic, loss: .hinge, rows: 10_000, columns: 14) == .dualCoordinateDescent)
        #expect(LinearSVM.resolvedSolver(.primalNewton, loss: .squaredHinge, rows: 5, columns: 14) == .primalNewton)
        let (x, labels) = try Fixtures.dataset("toy300x5")
        let model = try LinearSVM.fit(x: x, labels: labels)
        #expect(model.report.solver == .primalNewton)
        let hinge = try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(loss: .hinge))
        #expect(hinge.report.solver == .dualCoordinateDescent)
    }

    /// 60 000 rows → 30 row blocks; the reduction is in block order, so the result must be bitwise
    /// identical for every thread count.
    @Test func resultDoesNotDependOnThreadCount() throws {
        let (x, labels) = try toyData(rows: 60_000, seed: 7)
        var models: [LinearSVMModel] = []
        for threads in [1, 2, 3, 8] {
            models.append(try LinearSVM.fit(x: x, labels: labels,
                                            options: LinearSVMOptions(solver: .primalNewton, threadCount: threads)))
        }
        models.append(try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(solver: .primalNewton)))
        for model in models.dropFirst() {
            #expect(model.weights == models[0].weights)
            #expect(model.bias == models[0].bias)
            #expect(model.report == models[0].report)
        }
        #expect(models[0].report.converged)
    }

    @Test func primalWarmStartConvergesInFewerIterations() throws {
        let (x, labels) = try toyData(rows: 20_000, seed: 11)
        let options = LinearSVMOptions(c: 1, solver: .primalNewton, tolerance: 1e-8)
        let previous = try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(c: 1.2, solver: .primalNewton, tolerance: 1e-8))
        let cold = try LinearSVM.fit(x: x, labels: labels, options: options)
        let warm = try LinearSVM.fit(x: x, labels: labels, options: options, warmStart: previous)
        #expect(cold.report.converged && warm.report.converged)
        #expect(warm.report.iterations < cold.report.iterations, "warm \(warm.report.iterations) cold \(cold.report.iterations)")
        // Same stopping target (‖∇f(0)‖-based) for warm and cold fits.
        let warmTarget = try #require(warm.report.gradientNormTarget)
        let coldTarget = try #require(cold.report.gradientNormTarget)
        #expect(abs(warmTarget - coldTarget) <= 1e-12 * coldTarget)
        #expect(componentsClose(warm.weights, cold.weights, relative: 1e-6, absolute: 1e-8))
        // Warm start from the solution itself: zero iterations.
        let again = try LinearSVM.fit(x: x, labels: labels, options: options, warmStart: cold)
        #expect(again.report.iterations == 0 && again.report.converged)
    }

    @Test func dualWarmStartConvergesInFewerIterations() throws {
        let (x, labels) = try Fixtures.dataset("toy2000x14")
        for loss in SVMLoss.allCases {
            let options = LinearSVMOptions(c: 1, loss: loss, solver: .dualCoordinateDescent, tolerance: 1e-6,
                                           maxIterations: 100_000)
            let previous = try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(
                c: 0.8, loss: loss, solver: .dualCoordinateDescent, tolerance: 1e-6, maxIterations: 100_000))
            let cold = try LinearSVM.fit(x: x, labels: labels, options: options)
            let warm = try LinearSVM.fit(x: x, labels: labels, options: options, warmStart: previous)
            #expect(cold.report.converged && warm.report.converged)
            #expect(warm.report.iterations < cold.report.iterations,
                    "\(loss): warm \(warm.report.iterations) cold \(cold.report.iterations)")
            #expect(abs(warm.report.primalObjective - cold.report.primalObjective) <= 1e-6 * cold.report.primalObjective)
            // A primal model (no dual variables) also warm-starts the dual through the KKT conditions.
            if loss == .squaredHinge {
                let primal = try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(c: 1, solver: .primalNewton, tolerance: 1e-10))
                let fromPrimal = try LinearSVM.fit(x: x, labels: labels, options: options, warmStart: primal)
                #expect(fromPrimal.report.iterations < cold.report.iterations)
            }
        }
    }

    @Test func permutingRowsDoesNotChangeTheSolution() throws {
        let (x, labels) = try Fixtures.dataset("toy2000x14")
        var rng = TestRandom(seed: 3)
        var order = Array(0..<x.rows)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.nextUInt64() % UInt64(i + 1)))
        }
        let shuffled = try x.selectingRows(order)
        let shuffledLabels = order.map { labels[$0] }
        for c in [0.01, 1.0, 100.0] {
            let options = LinearSVMOptions(c: c, solver: .primalNewton, tolerance: 1e-10)
            let a = try LinearSVM.fit(x: x, labels: labels, options: options)
            let b = try LinearSVM.fit(x: shuffled, labels: shuffledLabels, options: options)
            #expect(componentsClose(a.weights + [a.bias], b.weights + [b.bias], relative: 1e-9, absolute: 1e-12),
                    "C=\(c) max rel diff \(maxRelativeDifference(a.weights + [a.bias], b.weights + [b.bias]))")
        }
        let dualOptions = LinearSVMOptions(c: 1, loss: .hinge, solver: .dualCoordinateDescent, tolerance: 1e-12,
                                           maxIterations: 200_000)
        let a = try LinearSVM.fit(x: x, labels: labels, options: dualOptions)
        let b = try LinearSVM.fit(x: shuffled, labels: shuffledLabels, options: dualOptions)
        #expect(componentsClose(a.weights + [a.bias], b.weights + [b.bias], relative: 1e-9, absolute: 1e-11),
                "hinge max rel diff \(maxRelativeDifference(a.weights + [a.bias], b.weights + [b.bias]))")
    }

    @Test func nonConvergenceIsReported() throws {
        let (x, labels) = try Fixtures.dataset("toy2000x14")
        let primal = try LinearSVM.fit(x: x, labels: labels,
                                       options: LinearSVMOptions(solver: .primalNewton, tolerance: 1e-10, maxIterations: 1))
        #expect(!primal.report.converged)
        #expect(primal.report.stopReason == .maxIterationsReached)
        #expect(primal.report.iterations == 1)
        #expect(try #require(primal.report.gradientNorm) > (try #require(primal.report.gradientNormTarget)))
        #expect(primal.report.summary.contains("NOT converged"))
        let dual = try LinearSVM.fit(x: x, labels: labels, options: LinearSVMOptions(
            c: 100, loss: .hinge, solver: .dualCoordinateDescent, tolerance: 1e-10, maxIterations: 5))
        #expect(!dual.report.converged)
        #expect(dual.report.stopReason == .maxIterationsReached)
        #expect(try #require(dual.report.projectedGradientViolation) > 1e-10)
        #expect(try #require(dual.report.dualityGap) > 0)
    }

    @Test func defaultToleranceMatchesLinearSVCDefaults() throws {
        // LinearSVC() defaults: C = 1, tol = 1e-4, squared hinge; stopping rule from liblinear.
        let options = LinearSVMOptions()
        #expect(options.c == 1 && options.tolerance == 1e-4 && options.maxIterations == 1000 && options.loss == .squaredHinge)
        let (x, labels) = try Fixtures.dataset("toy2000x14")
        let model = try LinearSVM.fit(x: x, labels: labels)
        let fixtures = try Fixtures.fits()
        let reference = try #require(fixtures.fits.first { $0.dataset == "toy2000x14" && $0.loss == "squared_hinge" && $0.C == 1 })
        #expect(model.report.converged)
        #expect(abs(model.report.primalObjective - reference.objective) <= 1e-6 * reference.objective)
    }

    @Test func decisionFunctionAndAccuracy() throws {
        let x = try DenseMatrix(rowArrays: [[1, 2], [-1, 0], [0, 0], [3, -4]])
        let report = FitReport(solver: .primalNewton, loss: .squaredHinge, c: 1, iterations: 0, primalObjective: 0,
                               gradientNorm: nil, gradientNormTarget: nil, dualObjective: nil, dualityGap: nil,
                               projectedGradientViolation: nil, converged: true, stopReason: .toleranceReached)
        let model = LinearSVMModel(weights: [0.5, -1], bias: 0.25, report: report)
        #expect(try model.decisionFunction(x) == [-1.25, -0.25, 0.25, 5.75])
        #expect(try model.predict(x) == [-1, -1, 1, 1])
        #expect(try model.accuracy(x, labels: [-1, 1, 1, -1]) == 0.5)
        #expect(throws: LearningError.columnCountMismatch(expected: 2, actual: 1)) {
            try model.decisionFunction(try x.selectingColumns([0]))
        }
        #expect(throws: LearningError.labelCountMismatch(labels: 1, rows: 4)) {
            try model.accuracy(x, labels: [1])
        }
        // On the toy data the fitted SVM classifies like the paper's ~94%.
        let (toyX, toyLabels) = try Fixtures.dataset("toy2000x14")
        let fitted = try LinearSVM.fit(x: toyX, labels: toyLabels)
        let accuracy = try fitted.accuracy(toyX, labels: toyLabels)
        #expect(accuracy > 0.9 && accuracy < 0.98)
    }
}
