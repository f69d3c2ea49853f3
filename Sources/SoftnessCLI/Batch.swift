import ArgumentParser
import Campaign
import Foundation
import HDF5
import Parallel

/// `softness batch`: a whole campaign of trajectories, resumable, on one machine or as a Slurm array.
struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label, featurize, join and diagnose a whole campaign of trajectories; resumable; one machine or a Slurm job array.",
        discussion: """
        PLAN is a directory (searched recursively for .dump, .lammpstrj, .txt, optionally .gz, and H5MD .h5/.h5md), a glob, \
        or a manifest (.csv, .toml, .json: path, temperature, group and per-file half_window, p_c, quiet_window, every, balance, seed, preset). \
        Temperatures come from the manifest, --temperature-from on the path, or the LAMMPS log beside a dump. Per file: \
        label → featurize (labelled pairs) → OUT/files/*.table.h5 with a sidecar; per group: join → validate → diagnose into \
        OUT/groups/GROUP.results.h5. A rerun redoes only files whose input or parameters changed. \
        Exit status: 0 when everything succeeded, 4 when any file failed (the others are done), 5 when a group's diagnostic failed; \
        a shard (--shard, or a Slurm array task) exits 0 when it recorded failed files, which --merge then reports with 4.
        """)

    /// Exit status when at least one trajectory failed.
    static let filesFailedStatus: Int32 = 4
    /// Exit status when every trajectory succeeded but a group could not be diagnosed.
    static let groupFailedStatus: Int32 = 5

    @Argument(help: "Directory, glob or manifest (.csv, .toml, .json) of trajectories.")
    var plan: String

    @Option(name: [.short, .long], help: "Output folder (per-file tables, sidecars, group results).")
    var output: String = "softness-batch"

    @Option(help: "Batch configuration (TOML): [label], [featurize], [join], [diagnose], temperature_from, jobs. Stored with the results.")
    var config: String?

    @Option(name: .customLong("temperature-from"), help: "Regular expression on each trajectory's path; its first capture group (or the match) is the temperature, e.g. 'T([0-9.]+)'.")
    var temperatureFrom: String?

    @Option(help: "Files processed at once; each gets cores / jobs threads (default 1, or the config's jobs).")
    var jobs: Int?

    @Option(help: "Memory the files in progress may need together, e.g. 8G (default: half of the memory available: the machine's, or less under a Slurm job or cgroup limit); a file starts only when its estimate (about twice its uncompressed size) fits.")
    var memory: String?

    @Flag(help: "Also run recursive feature elimination on each group (run 'rfe' of its results file).")
    var rfe = false

    @Flag(name: .customLong("retry-failed"), help: "Process again the files whose last attempt failed (otherwise they are skipped while unchanged).")
    var retryFailed = false

    @Option(help: "Process only shard I of N (0-based), e.g. 0/4. Inside a Slurm array the shard comes from SLURM_ARRAY_TASK_ID/COUNT.")
    var shard: String?

    @Flag(help: "Do no per-file work: join the shards' per-file tables and diagnose each group (after all shards finished).")
    var merge = false

    @Option(name: .customLong("emit-slurm"), help: "Write a Slurm script to this path (bash it to submit the array and the dependent merge job) and exit.")
    var emitSlurm: String?

    @Option(name: .customLong("array-tasks"), help: "With --emit-slurm: array tasks (default: one per trajectory, at most 1000).")
    var arrayTasks: Int?

    @Option(name: .customLong("cpus-per-task"), help: "With --emit-slurm: cores per array task.")
    var cpusPerTask: Int = 2

    @Option(help: "With --emit-slurm: Slurm partition.")
    var partition: String?

    @Option(help: "With --emit-slurm: time limit per task (Slurm syntax, e.g. 01:00:00).")
    var time: String?

    @OptionGroup var printing: JSONOption

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let memory, InputLimits.parseSize(memory) == nil { throw ValidationError("--memory must be a size such as 8G, 500M or a number of bytes, got \(memory)") }
        if merge && shard != nil { throw ValidationError("give either --merge or --shard, not both") }
        if emitSlurm != nil && (merge || shard != nil) { throw ValidationError("--emit-slurm writes the script only; leave out --merge and --shard") }
        if let arrayTasks, arrayTasks < 1 { throw ValidationError("--array-tasks must be at least 1, got \(arrayTasks)") }
        guard cpusPerTask >= 1 else { throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
    }

    /// The command the results record: the options that change outputs only (plan, config,
    /// --temperature-from, --rfe), so that shards, merges, reruns and a single-machine batch all
    /// record the same one.
    var outputCommandLine: String {
        var words = ["softness", "batch", plan]
        if let config { words += ["--config", config] }
        if let temperatureFrom { words += ["--temperature-from", temperatureFrom] }
        if rfe { words.append("--rfe") }
        return words.joined(separator: " ")
    }

    func run() throws {
        var settings = try config.map { try CampaignSettings.read(path: $0) } ?? CampaignSettings()
        if let temperatureFrom { settings.temperatureFrom = temperatureFrom }
        if rfe { settings.diagnose.rfe = true }
        let discovered = try CampaignPlan.discover(plan, excluding: [output])
        let layout = BatchLayout(root: output)
        if let emitSlurm {
            try writeSlurmScript(to: emitSlurm, plan: discovered)
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let shardAssignment = try shard.map { try ShardAssignment(parsing: $0) } ?? (merge ? nil : try ShardAssignment.fromSlurm(environment)) ?? .whole
        let mode: BatchMode = merge ? .merge : (shardAssignment.count > 1 || shard != nil ? .shard : .whole)
        let cores = environment["SLURM_CPUS_PER_TASK"].flatMap { Int($0) } ?? Parallel.threadCount()
        let request = BatchRequest(plan: discovered, settings: settings, layout: layout, mode: mode, shard: mode == .merge ? .whole : shardAssignment,
                                   jobs: jobs ?? settings.jobs ?? 1, cores: cores, retryFailed: retryFailed,
                                   memoryLimit: memory.flatMap { InputLimits.parseSize($0) } ?? InputLimits.memoryBudget,
                                   commandLine: outputCommandLine)
        let progress = BatchProgress(enabled: isatty(STDERR_FILENO) == 1)
        let summary = try BatchRunner.run(request, preflight: { path in try DamagedFileProbe.check(path) },
                                          observer: { event in progress.report(event) })
        progress.finish()
        if printing.json {
            try printJSON(summary)
        } else {
            print(Self.render(summary))
        }
        if mode == .shard {
            // An array task that recorded failed files succeeded at its job (the merge reports them
            // and exits 4); a non-zero status here would hold the merge job (afterok) forever.
            if summary.failed > 0 { printError("\(summary.failed) file(s) of shard \(summary.shard) failed; `softness batch … --merge` reports them") }
            return
        }
        if summary.failed > 0 { throw ExitCode(Self.filesFailedStatus) }
        if summary.groups.contains(where: { $0.status != .done }) { throw ExitCode(Self.groupFailedStatus) }
    }

    private func writeSlurmScript(to path: String, plan discovered: CampaignPlan) throws {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            throw ValidationError("cannot find the path of this softness executable (/proc/self/exe)")
        }
        func absolute(_ p: String) -> String {
            p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p
        }
        var arguments = [absolute(plan), "--output", absolute(output)]
        if let config { arguments += ["--config", absolute(config)] }
        if let temperatureFrom { arguments += ["--temperature-from", temperatureFrom] }
        if rfe { arguments.append("--rfe") }
        if retryFailed { arguments.append("--retry-failed") }
        arguments += ["--jobs", "1"]
        let tasks = min(arrayTasks ?? discovered.entries.count, 1000, discovered.entries.count)
        let script = SlurmScript(executable: executable, arguments: arguments, tasks: tasks, cpusPerTask: cpusPerTask,
                                 logFolder: absolute(output) + "/slurm", scriptPath: absolute(path), partition: partition, time: time)
        try FileManager.default.createDirectory(atPath: output + "/slurm", withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(script.text.utf8), attributes: [.posixPermissions: 0o755]) else {
            throw ValidationError("\(path): cannot write the Slurm script")
        }
        print("wrote \(path): \(tasks) array tasks over \(discovered.entries.count) trajectories, then a merge + diagnose job (--dependency=afterok); submit with: bash \(path)")
    }

    static func render(_ summary: BatchSummary) -> String {
        var lines: [String] = []
        let done = summary.files.filter { $0.status == .done }.count
        lines.append("\(summary.output): \(summary.files.count) trajectories (shard \(summary.shard)): \(done) done, \(summary.failed) failed; "
                     + "\(summary.processed) processed now, \(summary.skipped) up to date; \(String(format: "%.1f", summary.seconds)) s")
        for file in summary.files where file.status == .failed {
            lines.append("  FAILED \(file.key): \(file.error ?? "unknown error")")
        }
        for group in summary.groups {
            guard let h = group.headline else {
                lines.append("group \(group.group): FAILED: \(group.error ?? "unknown error")")
                continue
            }
            var text = "group \(group.group): \(group.files) files, \(group.rows ?? 0) rows; test accuracy \(String(format: "%.4f", h.testAccuracy))"
            if let a = h.deltaEIntercept, let b = h.deltaESlope, let s0 = h.sigmaIntercept, let s1 = h.sigmaSlope {
                text += String(format: "; ΔE_inf(S) = %.4f %+.4f·S, Σ(S) = %.4f %+.4f·S", a, b, s0, s1)
            }
            if let v = h.varianceOfInferredBarrier { text += String(format: "; Var(ΔE_inf) = %.4f", v) }
            lines.append(text + (group.work == .skipped ? " (up to date)" : ""))
            lines.append("  verdict: \(h.verdict)")
            if let results = group.results { lines.append("  results: \(summary.output)/\(results)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// Progress of a batch on standard error: a redrawn line (done/total, current file, rate, ETA)
/// on a terminal, one plain line per finished file otherwise.
final class BatchProgress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private let start = Date()
    private var total = 0
    private var processed = 0
    private var current = ""

    init(enabled: Bool) { self.enabled = enabled }

    func report(_ event: BatchEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .started(let total):
            self.total = total
        case .fileStarted(let key):
            current = key
            draw(finished: nil)
        case .fileFinished(let outcome, let finished, let total):
            let s = outcome.sidecar
            if outcome.work == .processed { processed += 1 }
            if enabled {
                draw(finished: finished)
                if s.status == .failed { write("\r\u{1B}[K[\(finished)/\(total)] FAILED \(s.key): \(s.error ?? "")\n") }
            } else {
                let what = s.status == .failed ? "FAILED \(s.key): \(s.error ?? "")"
                    : "\(outcome.work == .skipped ? "up to date" : "done") \(s.key): \(s.rows ?? 0) rows (\(s.rearranging ?? 0) R = +1, \(s.quiet ?? 0) R = −1), T = \(s.temperature.map { String(format: "%g", $0.value) } ?? "?") from \(s.temperature?.origin.rawValue ?? "?"), \(String(format: "%.2f", s.seconds)) s"
                write("batch: [\(finished)/\(total)] \(what)\n")
            }
        case .groupStarted(let group):
            if enabled { write("\r\u{1B}[Kgroup \(group): join, validate, diagnose…") } else { write("batch: group \(group): join, validate, diagnose\n") }
        case .groupFinished(let outcome):
            let s = outcome.sidecar
            let what = s.status == .failed ? "FAILED: \(s.error ?? "")" : (outcome.work == .skipped ? "up to date" : "diagnosed (\(s.rows ?? 0) rows)")
            write((enabled ? "\r\u{1B}[K" : "batch: ") + "group \(s.group): \(what)\n")
        }
    }

    private func draw(finished: Int?) {
        guard enabled, let finished else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = processed > 0 ? Double(processed) / elapsed : 0
        let remaining = total - finished
        let eta = rate > 0 ? String(format: "ETA %.0f s", Double(remaining) / rate) : "ETA —"
        write(String(format: "\r\u{1B}[Kbatch [%d/%d] %@  %.2f files/s  %@", finished, total, current, rate, eta))
    }

    func finish() {
        if enabled { write("\r\u{1B}[K") }
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
