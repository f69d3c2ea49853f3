/// What one run of a results file holds, as plain arrays (read by ReportFiles' `ReportReading`
/// from /results/RUN, schemas/results-v2.md): the input of the report's figures and tables.
/// Each part is nil when the run does not have it (a `train` run has no Arrhenius table, a
/// `scan` run no softness, …).
public struct RunRecord: Sendable {
    /// A name and its value as text (provenance attributes, parameters).
    public struct Entry: Sendable, Equatable {
        /// Attribute name.
        public var name: String
        /// Its value, formatted.
        public var value: String
        /// An entry.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The SVM of the run (`svm/`, standardized units).
    public struct SVM: Sendable {
        public var featureNames: [String], weights: [Double]
        public var converged: Bool, iterations: Int, stopReason: String, solver: String
        public init(featureNames: [String], weights: [Double], converged: Bool, iterations: Int, stopReason: String, solver: String) {
            self.featureNames = featureNames; self.weights = weights; self.converged = converged
            self.iterations = iterations; self.stopReason = stopReason; self.solver = solver
        }
    }

    /// logit P(R=+1|S,T) = a(T) + b(T)·S per test temperature (`logistic/`).
    public struct Logistic: Sendable {
        public var temperature: [Double], intercept: [Double], slope: [Double]
        public var interceptError: [Double], slopeError: [Double], covariance: [Double]
        public var rows: [Int], converged: [Bool]
        public init(temperature: [Double], intercept: [Double], slope: [Double], interceptError: [Double], slopeError: [Double],
                    covariance: [Double], rows: [Int], converged: [Bool]) {
            self.temperature = temperature; self.intercept = intercept; self.slope = slope; self.interceptError = interceptError
            self.slopeError = slopeError; self.covariance = covariance; self.rows = rows; self.converged = converged
        }
    }

    /// Binned empirical P_R(S,T) of the test rows (`rates/`): rows[t][b], rearranging[t][b].
    public struct Rates: Sendable {
        public var edges: [Double], temperature: [Double], rows: [[Int]], rearranging: [[Int]]
        public init(edges: [Double], temperature: [Double], rows: [[Int]], rearranging: [[Int]]) {
            self.edges = edges; self.temperature = temperature; self.rows = rows; self.rearranging = rearranging
        }
    }

    /// ΔE_inf(S), Σ(S) on the S grid with errors and line tests (`arrhenius/`).
    public struct Arrhenius: Sendable {
        public var softness: [Double], deltaE: [Double], sigma: [Double], deltaEError: [Double], sigmaError: [Double]
        public var r2: [Double], lackOfFitP: [Double]
        /// a = A0 + A1/T, b = B0 + B1/T.
        public var a0: Double, a1: Double, b0: Double, b1: Double
        /// Lack-of-fit p of a(T) and b(T) against 1/T (NaN when untestable).
        public var interceptLackOfFitP: Double, slopeLackOfFitP: Double
        public init(softness: [Double], deltaE: [Double], sigma: [Double], deltaEError: [Double], sigmaError: [Double], r2: [Double],
                    lackOfFitP: [Double], a0: Double, a1: Double, b0: Double, b1: Double, interceptLackOfFitP: Double, slopeLackOfFitP: Double) {
            self.softness = softness; self.deltaE = deltaE; self.sigma = sigma; self.deltaEError = deltaEError; self.sigmaError = sigmaError
            self.r2 = r2; self.lackOfFitP = lackOfFitP; self.a0 = a0; self.a1 = a1; self.b0 = b0; self.b1 = b1
            self.interceptLackOfFitP = interceptLackOfFitP; self.slopeLackOfFitP = slopeLackOfFitP
        }
    }

    /// The truth check (`truth/`): OLS of ΔE_inf on the true ΔE and their joint density.
    public struct Truth: Sendable {
        public var slope: Double, intercept: Double, r2: Double, rows: Int
        /// density[row * (trueEdges.count − 1) + column]: rows = ΔE_inf bins, columns = true ΔE bins.
        public var trueEdges: [Double], inferredEdges: [Double], density: [Int]
        public init(slope: Double, intercept: Double, r2: Double, rows: Int, trueEdges: [Double], inferredEdges: [Double], density: [Int]) {
            self.slope = slope; self.intercept = intercept; self.r2 = r2; self.rows = rows
            self.trueEdges = trueEdges; self.inferredEdges = inferredEdges; self.density = density
        }
    }

    /// Histogram of S over the test rows (`distribution/`).
    public struct Distribution: Sendable {
        public var edges: [Double], counts: [Int]
        public init(edges: [Double], counts: [Int]) { self.edges = edges; self.counts = counts }
    }

    /// Accuracy per test temperature (`accuracy/`).
    public struct Accuracy: Sendable {
        public var temperature: [Double], accuracy: [Double], rows: [Int], isTraining: [Bool]
        public var training: Double, test: Double
        public init(temperature: [Double], accuracy: [Double], rows: [Int], isTraining: [Bool], training: Double, test: Double) {
            self.temperature = temperature; self.accuracy = accuracy; self.rows = rows; self.isTraining = isTraining
            self.training = training; self.test = test
        }
    }

    /// Recursive feature elimination (`rfe/`).
    public struct RFE: Sendable {
        public var kept: [Int], removedName: [String], variance: [Double], varianceError: [Double], accuracy: [Double]
        public var converged: [Bool], timesChosen: [Int], replicates: Int, peakIndex: Int?, recommendedIndex: Int?
        public var recommendedNames: [String]
        public init(kept: [Int], removedName: [String], variance: [Double], varianceError: [Double], accuracy: [Double], converged: [Bool],
                    timesChosen: [Int], replicates: Int, peakIndex: Int?, recommendedIndex: Int?, recommendedNames: [String]) {
            self.kept = kept; self.removedName = removedName; self.variance = variance; self.varianceError = varianceError
            self.accuracy = accuracy; self.converged = converged; self.timesChosen = timesChosen; self.replicates = replicates
            self.peakIndex = peakIndex; self.recommendedIndex = recommendedIndex; self.recommendedNames = recommendedNames
        }
    }

    /// N × C scan (`scan/`), mean ± sd over seeds per cell.
    public struct Scan: Sendable {
        public var n: [Int], c: [Double], slopeMean: [Double], slopeSD: [Double], accuracyMean: [Double], accuracySD: [Double]
        public var varianceMean: [Double], varianceSD: [Double], seeds: Int
        public init(n: [Int], c: [Double], slopeMean: [Double], slopeSD: [Double], accuracyMean: [Double], accuracySD: [Double],
                    varianceMean: [Double], varianceSD: [Double], seeds: Int) {
            self.n = n; self.c = c; self.slopeMean = slopeMean; self.slopeSD = slopeSD; self.accuracyMean = accuracyMean
            self.accuracySD = accuracySD; self.varianceMean = varianceMean; self.varianceSD = varianceSD; self.seeds = seeds
        }
    }

    /// The binned Arrhenius route (`arrhenius_binned/`) with the table it fitted.
    public struct Binned: Sendable {
        public var softness: [Double], deltaE: [Double], deltaEError: [Double], sigma: [Double], sigmaError: [Double]
        public var chiSquared: [Double], lackOfFitP: [Double], temperaturesUsed: [Int]
        /// "logit" or "log".
        public var response: String
        /// The fitted table: bin centres, temperatures, P_R[bin][t], counts[bin][t] (empty for
        /// runs written before the table was stored).
        public var tableSoftness: [Double], tableTemperature: [Double], tableFraction: [[Double]], tableCounts: [[Int]]
        public var skipped: [String]
        public init(softness: [Double], deltaE: [Double], deltaEError: [Double], sigma: [Double], sigmaError: [Double], chiSquared: [Double],
                    lackOfFitP: [Double], temperaturesUsed: [Int], response: String, tableSoftness: [Double], tableTemperature: [Double],
                    tableFraction: [[Double]], tableCounts: [[Int]], skipped: [String]) {
            self.softness = softness; self.deltaE = deltaE; self.deltaEError = deltaEError; self.sigma = sigma; self.sigmaError = sigmaError
            self.chiSquared = chiSquared; self.lackOfFitP = lackOfFitP; self.temperaturesUsed = temperaturesUsed; self.response = response
            self.tableSoftness = tableSoftness; self.tableTemperature = tableTemperature; self.tableFraction = tableFraction
            self.tableCounts = tableCounts; self.skipped = skipped
        }
    }

    /// Run name (/results/NAME).
    public var name: String
    /// Unique key of the run in a report (anchor and figure-file prefix): the name, or
    /// RESULTSSTEM-NAME when several results files are reported together.
    public var key: String
    /// The results file the run is in.
    public var resultsFile: String?
    /// Provenance attributes of the run (command line, version, created, input, digest).
    public var provenance: [Entry] = []
    /// The run's parameters.
    public var parameters: [Entry] = []
    /// The verdict sentence(s) stored with the run (diagnose/rfe and binned).
    public var verdicts: [String] = []
    /// Warnings and caveats stored with the run.
    public var warnings: [String] = []
    /// Parts of the run.
    public var svm: SVM?, logistic: Logistic?, rates: Rates?, arrhenius: Arrhenius?, truth: Truth?
    public var distribution: Distribution?, accuracy: Accuracy?, rfe: RFE?, scan: Scan?, binned: Binned?
    /// Lack-of-fit p below which a line counts as rejected: the run's stored `rule_poor_fit_p`
    /// (VerdictRules), or the current rule for runs that store none.
    public var poorFitPValue = 0.01
    /// Var(ΔE_inf) pooled over the test rows at the training temperatures, and its error.
    public var variance: Double?, varianceError: Double?

    /// An empty record of run `name`.
    public init(name: String) {
        self.name = name
        self.key = name
    }

    /// What kind of run this is, from the parts it has: "rfe", "scan", "arrhenius (binned)",
    /// "diagnose", "train" or "other".
    public var kind: String {
        if rfe != nil { return "rfe" }
        if scan != nil { return "scan" }
        if binned != nil { return logistic != nil ? "arrhenius (binned, on softness)" : "arrhenius (binned)" }
        if logistic != nil { return "diagnose" }
        if svm != nil { return "train" }
        return "other"
    }
}
