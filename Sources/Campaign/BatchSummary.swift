import Foundation

/// The summary of one batch run (`softness batch --json`, and `OUT/summary.json` for whole and
/// merge runs): per file its status, what was done, rows, labels per class, time and error;
/// per group the diagnostic headline.
public struct BatchSummary: Sendable, Codable {
    /// One trajectory.
    public struct FileReport: Sendable, Codable, Equatable {
        public var key: String
        public var path: String
        public var group: String
        /// done or failed (the sidecar's status).
        public var status: FileSidecar.Status
        /// processed in this run, or skipped (up to date).
        public var work: FileWork
        public var rows: Int?
        public var rearranging: Int?
        public var quiet: Int?
        public var temperature: Double?
        public var temperatureSource: TemperatureOrigin?
        public var temperatureDetail: String?
        public var labelsReused: Bool?
        public var seconds: Double
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case key, path, group, status, work, rows, rearranging, quiet, temperature, temperatureSource = "temperature_source"
            case temperatureDetail = "temperature_detail", labelsReused = "labels_reused", seconds, error
        }
    }

    /// One group.
    public struct GroupReport: Sendable, Codable, Equatable {
        public var group: String
        public var status: FileSidecar.Status
        public var work: FileWork
        public var files: Int
        public var rows: Int?
        public var headline: DiagnosticHeadline?
        public var results: String?
        public var error: String?
    }

    public var plan: String
    public var output: String
    public var mode: BatchMode
    public var shard: String
    public var jobs: Int
    public var threadsPerJob: Int
    public var files: [FileReport]
    public var groups: [GroupReport]
    /// Files processed in this run, skipped as up to date, and failed (now or before).
    public var processed: Int
    public var skipped: Int
    public var failed: Int
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case plan, output, mode, shard, jobs, threadsPerJob = "threads_per_job", files, groups, processed, skipped, failed, seconds
    }

    init(request: BatchRequest, files: [FileOutcome], groups: [GroupOutcome], seconds: Double) {
        plan = request.plan.source
        output = request.layout.root
        mode = request.mode
        shard = request.shard.description
        jobs = request.jobs
        threadsPerJob = request.threadsPerJob
        self.files = files.sorted { $0.sidecar.key < $1.sidecar.key }.map { outcome in
            let s = outcome.sidecar
            return FileReport(key: s.key, path: s.path, group: s.group, status: s.status, work: outcome.work, rows: s.rows,
                              rearranging: s.rearranging, quiet: s.quiet, temperature: s.temperature?.value,
                              temperatureSource: s.temperature?.origin, temperatureDetail: s.temperature?.detail,
                              labelsReused: s.labelsReused, seconds: s.seconds, error: s.error)
        }
        self.groups = groups.map { outcome in
            let s = outcome.sidecar
            return GroupReport(group: s.group, status: s.status, work: outcome.work, files: s.files.count, rows: s.rows,
                               headline: s.headline, results: s.resultsFile, error: s.error)
        }
        processed = files.filter { $0.work == .processed }.count
        skipped = files.filter { $0.work == .skipped }.count
        failed = files.filter { $0.sidecar.status == .failed }.count
        self.seconds = seconds
    }

    /// True when every file and group succeeded.
    public var succeeded: Bool { failed == 0 && groups.allSatisfy { $0.status == .done } }
}
