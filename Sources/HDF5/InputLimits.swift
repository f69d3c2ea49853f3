import Foundation

/// The bounds every reader applies to its input before it allocates or blocks: one memory
/// budget, and one check that a path is a regular file (a FIFO would block a reader forever).
public enum InputLimits {
    /// Bytes one input may take in memory: half of the memory this process may use —
    /// `availableMemory`.
    public static let memoryBudget = availableMemory / 2

    /// The memory this process may use: the machine's physical memory, or less when a Slurm job
    /// (`SLURM_MEM_PER_NODE`, MB) or the cgroup it runs in (`/sys/fs/cgroup/memory.max`, cgroup v2)
    /// allows less.
    public static let availableMemory = availableMemory(
        physical: Int(clamping: ProcessInfo.processInfo.physicalMemory),
        slurmMegabytes: ProcessInfo.processInfo.environment["SLURM_MEM_PER_NODE"],
        cgroupLimit: try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8))

    /// The smallest of `physical` bytes, `slurmMegabytes` MB (`SLURM_MEM_PER_NODE`: a number of
    /// MB, or with a K/M/G/T suffix) and `cgroupLimit` bytes (`memory.max`: a number, or "max").
    /// Anything unreadable is ignored.
    static func availableMemory(physical: Int, slurmMegabytes: String?, cgroupLimit: String?) -> Int {
        var limit = physical
        if let text = slurmMegabytes?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            let bytes = text.last?.isLetter == true ? parseSize(text) : Int(text).flatMap { $0 > 0 && $0 < Int.max >> 21 ? $0 << 20 : nil }
            if let bytes, bytes > 0 { limit = min(limit, bytes) }
        }
        if let text = cgroupLimit?.trimmingCharacters(in: .whitespacesAndNewlines), let bytes = Int(text), bytes > 0 {
            limit = min(limit, bytes)
        }
        return limit
    }

    /// Whether `count` values of `stride` bytes fit in `memoryBudget` (false on overflow).
    public static func fitsInMemory(_ count: Int, stride: Int) -> Bool {
        count >= 0 && count <= memoryBudget / max(stride, 1)
    }

    /// "half of the memory available (11.7 GB)", for messages.
    public static var memoryBudgetDescription: String {
        "half of the memory available to this process (\(String(format: "%.1f GB", Double(memoryBudget) / 1e9)))"
    }

    /// Parses a size such as `2G`, `500M`, `64k` or a number of bytes (binary units: 1G = 2^30);
    /// nil for anything else (or a size that is not positive).
    public static func parseSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased().replacingOccurrences(of: "B", with: "")
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
        var number = trimmed, scale = 1.0
        if let last = trimmed.last, let unit = units[last] { number = String(trimmed.dropLast()); scale = unit }
        guard let value = Double(number), value.isFinite, value > 0, value * scale < Double(Int.max / 2) else { return nil }
        return Int(value * scale)
    }

    /// Why `path` cannot be read as a file — "no such file", "cannot open: …", "is a directory",
    /// "is not a regular file (a FIFO, socket or device)" — or nil for an existing regular file.
    public static func regularFileProblem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "no such file" : "cannot open: \(String(cString: strerror(errno)))"
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a directory"
        default: return "is not a regular file (a FIFO, socket or device)"
        }
    }
}
