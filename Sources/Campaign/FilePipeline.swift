import Foundation
import ParticleTable
import TrajectoryTables

/// What happened to a trajectory in this run of the batch.
public enum FileWork: String, Sendable, Codable {
    /// Labelled and featurized now (or only featurized, with `labelsReused`).
    case processed
    /// Its sidecar matched the input and the parameters: nothing was done.
    case skipped
}

/// One trajectory's result in this run: its sidecar and whether work was done.
public struct FileOutcome: Sendable {
    public var sidecar: FileSidecar
    public var work: FileWork
}

/// The per-file part of a batch: p_hop labels (`RearrangementLabelling`), then the labelled
/// pairs featurized (`TrajectoryFeaturizer`) into a particle table at the trajectory's
/// temperature; the same functions `softness label` and `softness featurize --labels` run.
public struct FilePipeline: Sendable {
    public var settings: CampaignSettings
    public var layout: BatchLayout
    public var temperatures: TemperatureSource
    /// Process files whose last attempt failed even when nothing changed.
    public var retryFailed: Bool
    /// Worker threads for one file.
    public var threads: Int?
    /// Runs before a trajectory is opened (the CLI probes HDF5 files in a child process, so a
    /// file on which libhdf5 crashes fails alone instead of taking the batch down).
    public var preflight: @Sendable (String) throws -> Void

    /// The per-file pipeline of a batch with these settings and outputs.
    public init(settings: CampaignSettings, layout: BatchLayout, temperatures: TemperatureSource, retryFailed: Bool,
                threads: Int?, preflight: @escaping @Sendable (String) throws -> Void = { _ in }) {
        self.settings = settings
        self.layout = layout
        self.temperatures = temperatures
        self.retryFailed = retryFailed
        self.threads = threads
        self.preflight = preflight
    }

    /// The sidecar of `entry` when it describes the trajectory as it is now: a `done` sidecar
    /// whose input and parameter digests match and whose table exists, or a `failed` one (what
    /// `--merge` collects from the shards). Nil when the file was not processed or changed since.
    public func currentSidecar(_ entry: CampaignEntry) -> FileSidecar? {
        guard let previous = try? FileSidecar.read(path: layout.sidecar(entry.key)) else { return nil }
        if previous.status == .failed { return previous }
        guard let input = try? InputDigest.of(path: entry.path), previous.input == input,
              let temperature = try? temperatures.resolve(entry),
              let (label, featurize) = try? settings.effective(for: entry.parameters, file: entry.path) else { return nil }
        let labelDigest = ParameterDigest.labels(label)
        guard previous.labelDigest == labelDigest,
              previous.tableDigest == ParameterDigest.table(labels: labelDigest, featurize: featurize, temperature: temperature.value),
              let table = previous.tableFile, FileManager.default.fileExists(atPath: layout.root + "/" + table) else { return nil }
        return previous
    }

    /// Processes `entry` unless its sidecar says it is up to date; never throws: a failure is
    /// recorded in the sidecar (and the outcome) with its message. Holds the sidecar's
    /// `FileLock` meanwhile, so a second batch on the same output (a resubmitted array task, a
    /// batch started twice) waits and then finds the file done instead of redoing it; where the
    /// file system refuses locks it goes on unlocked (every write is still atomic).
    public func run(_ entry: CampaignEntry) -> FileOutcome {
        let lock = FileLock(for: layout.sidecar(entry.key))
        if let outcome = try? lock.withLock({ process(entry) }) { return outcome }
        return process(entry)
    }

    private func process(_ entry: CampaignEntry) -> FileOutcome {
        let started = Date()
        let sidecarPath = layout.sidecar(entry.key)
        var sidecar = FileSidecar(key: entry.key, path: entry.path, group: entry.group, status: .failed, seconds: 0,
                                  host: HostName.current, finished: "")
        var previous: FileSidecar?
        do {
            previous = try FileSidecar.read(path: sidecarPath)
        } catch {
            previous = nil   // an unreadable sidecar is replaced by this attempt's
        }
        // False while only the cheap checks (input digest, temperature, settings) have run.
        var reachedWork = false
        do {
            let input = try InputDigest.of(path: entry.path)
            sidecar.input = input
            let temperature = try temperatures.resolve(entry)
            sidecar.temperature = temperature
            let (labelSettings, featurize) = try settings.effective(for: entry.parameters, file: entry.path)
            let labelDigest = ParameterDigest.labels(labelSettings)
            let tableDigest = ParameterDigest.table(labels: labelDigest, featurize: featurize, temperature: temperature.value)
            sidecar.labelDigest = labelDigest
            sidecar.tableDigest = tableDigest
            if let previous, previous.input == input, previous.tableDigest == tableDigest, previous.labelDigest == labelDigest {
                if previous.status == .done, let table = previous.tableFile, FileManager.default.fileExists(atPath: layout.root + "/" + table) {
                    return FileOutcome(sidecar: previous, work: .skipped)
                }
                if previous.status == .failed && !retryFailed { return FileOutcome(sidecar: previous, work: .skipped) }
            }
            reachedWork = true
            try preflight(entry.path)
            let labelsPath = layout.labels(entry.key)
            let tablePath = layout.table(entry.key)
            let reuse = previous.map { $0.input == input && $0.labelDigest == labelDigest && $0.labelsFile != nil } ?? false
                && FileManager.default.fileExists(atPath: labelsPath)
            if !reuse {
                let summary = try RearrangementLabelling.run(trajectory: entry.path, settings: labelSettings, output: labelsPath,
                                                             overwrite: true, threads: threads)
                sidecar.frames = summary.frames
                sidecar.particles = summary.particles
            } else {
                sidecar.frames = previous?.frames
                sidecar.particles = previous?.particles
            }
            sidecar.labelsFile = Self.relative(labelsPath, to: layout.root)
            sidecar.labelsReused = reuse
            let choice = try LabelledSelection(every: featurize.every, balance: featurize.balance ? .frame : nil, seed: featurize.seed)
                .choose(from: try LabelTable.read(path: labelsPath), trajectory: entry.path, temperature: temperature.value)
            let rows = try TrajectoryFeaturizer.run(trajectory: entry.path, parameters: try featurize.preset.parameters(),
                                                    selection: choice.selection, output: tablePath,
                                                    storage: featurize.storage, overwrite: true, threads: threads, attributes: choice.attributes)
            sidecar.rows = rows
            sidecar.rearranging = choice.rearranging
            sidecar.quiet = choice.quiet
            sidecar.tableFile = Self.relative(tablePath, to: layout.root)
            sidecar.status = .done
        } catch {
            sidecar.status = .failed
            sidecar.error = "\(error)"
            sidecar.tableFile = nil
            // The same cheap failure of the same input as last time (no temperature, say): nothing
            // was done, so the run counts it as skipped and leaves the sidecar as it is.
            if !reachedWork && !retryFailed, let previous, previous.status == .failed, previous.input == sidecar.input,
               previous.error == sidecar.error {
                return FileOutcome(sidecar: previous, work: .skipped)
            }
        }
        sidecar.seconds = Date().timeIntervalSince(started)
        sidecar.finished = ISO8601DateFormatter().string(from: Date())
        do {
            try sidecar.write(to: sidecarPath)
        } catch {
            sidecar.status = .failed
            sidecar.error = (sidecar.error.map { $0 + "; " } ?? "") + "sidecar not written: \(error)"
        }
        return FileOutcome(sidecar: sidecar, work: .processed)
    }

    /// `path` relative to `root` when inside it.
    static func relative(_ path: String, to root: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}
