import Foundation

/// The script `softness batch --emit-slurm FILE` writes: run with `bash FILE` on a login node,
/// it submits a job array whose tasks each run `softness batch` on their shard (the shard comes
/// from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT), then a merge job that joins the shard
/// outputs and runs the diagnostic (`--merge`), held until every array task succeeded
/// (`--dependency=afterok`). Submitted with `sbatch FILE` it runs the array only.
public struct SlurmScript: Sendable, Equatable {
    /// The `softness` executable (an absolute path).
    public var executable: String
    /// The arguments of `softness batch` every task shares (plan, --config, -o, …).
    public var arguments: [String]
    /// Array tasks (shards).
    public var tasks: Int
    /// Cores per task (`--cpus-per-task`); each task runs one file at a time on them.
    public var cpusPerTask: Int
    /// Folder of the Slurm logs (`%A_%a.out`).
    public var logFolder: String
    public var jobName = "softness-batch"
    /// `--partition`, `--time` and `--mem` when given.
    public var partition: String?
    public var time: String?
    public var memory: String?
    /// Where the script itself will be (it resubmits itself as the array).
    public var scriptPath: String

    /// A script; `tasks` and `cpusPerTask` are raised to at least 1.
    public init(executable: String, arguments: [String], tasks: Int, cpusPerTask: Int, logFolder: String, scriptPath: String,
                partition: String? = nil, time: String? = nil, memory: String? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.tasks = max(1, tasks)
        self.cpusPerTask = max(1, cpusPerTask)
        self.logFolder = logFolder
        self.scriptPath = scriptPath
        self.partition = partition
        self.time = time
        self.memory = memory
    }

    /// Single-quotes `text` for bash.
    public static func quote(_ text: String) -> String {
        if !text.isEmpty && text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-=:,+@%".contains($0) }) && text.allSatisfy(\.isASCII) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The script's text.
    public var text: String {
        let q = Self.quote
        var options = ["--job-name=\(jobName)", "--cpus-per-task=\(cpusPerTask)"]
        if let partition { options.append("--partition=\(partition)") }
        if let time { options.append("--time=\(time)") }
        if let memory { options.append("--mem=\(memory)") }
        let command = ([q(executable), "batch"] + arguments.map(q)).joined(separator: " ")
        var lines = [
            "#!/bin/bash",
            "#SBATCH --array=0-\(tasks - 1)",
            "#SBATCH --output=\(logFolder)/%x-%A_%a.out",
        ]
        lines += options.map { "#SBATCH \($0)" }
        lines += [
            "# Written by `softness batch --emit-slurm`.",
            "#   bash \(q(scriptPath))    submits the array (\(tasks) tasks, one shard each) and the merge + diagnose job after it",
            "#   sbatch \(q(scriptPath))  submits the array only; then run the merge yourself: \(command) --merge",
            "set -euo pipefail",
            "if [ -n \"${SLURM_ARRAY_TASK_ID:-}\" ]; then",
            "  # An array task: softness batch takes its shard from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT.",
            "  exec \(command)",
            "fi",
            "mkdir -p \(q(logFolder))",
            "array=$(sbatch --parsable \(q(scriptPath)))",
            "array=${array%%;*}",
            "merge=$(sbatch --parsable --dependency=afterok:$array --kill-on-invalid-dep=yes \(options.map { q($0.replacingOccurrences(of: jobName, with: jobName + "-merge")) }.joined(separator: " ")) --output=\(q(logFolder + "/%x-%j.out")) --wrap=\(q("exec " + command + " --merge")))",
            "echo \"submitted array job $array (\(tasks) tasks) and merge job $merge (after the array succeeds)\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
