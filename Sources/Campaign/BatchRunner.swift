import Foundation
import HDF5
import Parallel
import ParticleTable

/// What one `softness batch` invocation does.
public enum BatchMode: String, Sendable, Codable {
    /// Per-file work for every trajectory, then every group's diagnostic.
    case whole
    /// Per-file work for the trajectories of one shard only (a Slurm array task).
    case shard
    /// No per-file work: join and diagnose from the sidecars every shard left (`--merge`).
    case merge
}

/// Progress of a batch, reported from the worker threads as it happens.
public enum BatchEvent: Sendable {
    /// `total` trajectories in this run (this shard).
    case started(total: Int)
    case fileStarted(key: String)
    /// `finished` of `total` are done (skipped ones included).
    case fileFinished(FileOutcome, finished: Int, total: Int)
    case groupStarted(group: String)
    case groupFinished(GroupOutcome)
}

/// The request of one batch run.
public struct BatchRequest: Sendable {
    public var plan: CampaignPlan
    public var settings: CampaignSettings
    public var layout: BatchLayout
    public var mode: BatchMode
    public var shard: ShardAssignment
    /// Files processed at once.
    public var jobs: Int
    /// Cores to divide among the jobs (threads per job = cores / jobs, at least 1).
    public var cores: Int
    public var retryFailed: Bool
    /// Bytes the files in progress may need together (`MemoryBudget`); default half the memory.
    public var memoryLimit: Int
    /// The command recorded in the group results (`GroupDiagnosis.commandLine`).
    public var commandLine: String

    /// A request; `jobs` and `cores` are raised to at least 1.
    public init(plan: CampaignPlan, settings: CampaignSettings, layout: BatchLayout, mode: BatchMode = .whole,
                shard: ShardAssignment = .whole, jobs: Int = 1, cores: Int = Parallel.threadCount(), retryFailed: Bool = false,
                memoryLimit: Int = InputLimits.memoryBudget, commandLine: String = "softness batch") {
        self.memoryLimit = memoryLimit
        self.commandLine = commandLine
        self.plan = plan
        self.settings = settings
        self.layout = layout
        self.mode = mode
        self.shard = shard
        self.jobs = max(1, jobs)
        self.cores = max(1, cores)
        self.retryFailed = retryFailed
    }

    /// Worker threads of one file.
    public var threadsPerJob: Int { max(1, cores / jobs) }
}

/// Runs a campaign: the per-file pipeline over the plan (or one shard of it) on `jobs`
/// concurrent files, then, unless sharded, each group's join → validate → diagnose. A broken
/// file is recorded and the others go on; a rerun does only what changed (sidecars).
public enum BatchRunner {
    /// Runs `request`. `preflight` runs before each trajectory is opened; `observer` hears
    /// progress from worker threads.
    /// - Throws: `CampaignError` when the output folder cannot be made, the temperature pattern
    ///   is invalid, or `--merge` finds trajectories no shard has finished.
    public static func run(_ request: BatchRequest, preflight: @escaping @Sendable (String) throws -> Void = { _ in },
                           observer: @escaping @Sendable (BatchEvent) -> Void = { _ in }) throws -> BatchSummary {
        let started = Date()
        // The outputs carry no wall-clock time (the sidecars do), so that a resumed, repeated or
        // sharded batch reproduces them byte for byte; SOURCE_DATE_EPOCH, when set, is recorded.
        let policy = CreationTime.policy
        if ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] == nil { CreationTime.policy = .omitted }
        defer { CreationTime.policy = policy }
        let temperatures = try TemperatureSource(pattern: request.settings.temperatureFrom)
        try request.layout.create()
        let entries = request.mode == .merge ? [] : request.shard.entries(of: request.plan)
        let pipeline = FilePipeline(settings: request.settings, layout: request.layout, temperatures: temperatures,
                                    retryFailed: request.retryFailed, threads: request.threadsPerJob, preflight: preflight)
        observer(.started(total: entries.count))
        let outcomes = OutcomeSlots(count: entries.count)
        let memory = MemoryBudget(limit: request.memoryLimit)
        Parallel.forEach(min(request.jobs, max(entries.count, 1))) { _ in
            while let index = outcomes.claim() {
                let need = MemoryBudget.estimate(path: entries[index].path)
                memory.acquire(need)
                observer(.fileStarted(key: entries[index].key))
                let outcome = pipeline.run(entries[index])
                memory.release(need)
                let finished = outcomes.store(outcome, at: index)
                observer(.fileFinished(outcome, finished: finished, total: entries.count))
            }
        }
        var files = outcomes.values.compactMap { $0 }
        var groups: [GroupOutcome] = []
        if request.mode != .shard {
            if request.mode == .merge {
                var missing: [String] = []
                for entry in request.plan.entries {
                    if let sidecar = pipeline.currentSidecar(entry) {
                        files.append(FileOutcome(sidecar: sidecar, work: .skipped))
                    } else {
                        missing.append(entry.key)
                    }
                }
                guard missing.isEmpty else { throw CampaignError.mergeIncomplete(output: request.layout.root, missing: missing) }
            }
            if let text = request.settings.configText { try BatchJSON.writeAtomically(Data(text.utf8), to: request.layout.configCopy) }
            let diagnosis = GroupDiagnosis(settings: request.settings, layout: request.layout, threads: request.cores, commandLine: request.commandLine)
            for group in request.plan.groups {
                observer(.groupStarted(group: group))
                let outcome = diagnosis.run(group: group, files: files.map(\.sidecar).filter { $0.group == group })
                groups.append(outcome)
                observer(.groupFinished(outcome))
            }
        }
        let summary = BatchSummary(request: request, files: files, groups: groups, seconds: Date().timeIntervalSince(started))
        if request.mode != .shard { try BatchJSON.write(summary, to: request.layout.summary) }
        return summary
    }
}

/// The outcomes of the files of a run, filled by worker threads (each index claimed once).
private final class OutcomeSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var finished = 0
    private(set) var values: [FileOutcome?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    /// The next unclaimed index, nil when all are claimed.
    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < values.count else { return nil }
        next += 1
        return next - 1
    }

    /// Stores an outcome; returns how many are finished.
    func store(_ outcome: FileOutcome, at index: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        values[index] = outcome
        finished += 1
        return finished
    }
}
