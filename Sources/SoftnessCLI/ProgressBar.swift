import Foundation

/// A one-line progress bar on standard error, silent when standard error is not a terminal
/// (so logs and CI output stay clean).
final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private let start = Date()

    init(_ label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.enabled = enabled
    }

    /// A counter for work of unknown size (e.g. frames of a trajectory being streamed).
    func count(_ done: Int, unit: String) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let line = String(format: "\r%@: %d %@  %.1fs", label, done, unit, now.timeIntervalSince(start))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends a `count` line.
    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    func update(_ done: Int, of total: Int) {
        guard enabled else { return }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let elapsed = now.timeIntervalSince(start)
        let line = String(format: "\r%@ [%@] %5.1f%%  %d/%d rows  %.1fs", label, bar, 100 * fraction, done, total, elapsed)
        FileHandle.standardError.write(Data(line.utf8))
        if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
