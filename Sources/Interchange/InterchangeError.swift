import Foundation

/// Errors of reading or writing an interchange file (CSV/TSV, LIBSVM text, NPY, NPZ). Every case
/// names the file and, where there is one, the line (1-based, as an editor shows it), the column
/// or the array, so the message says where to look.
public enum InterchangeError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file cannot be opened or read (`reason` from the system).
    case cannotRead(file: String, reason: String)
    /// A write failed; `errno` is the system's code (ENOSPC for a full disk), 0 when unknown.
    case cannotWrite(file: String, reason: String, errno: Int32)
    /// A CSV/TSV line with another number of fields than the header.
    case ragged(file: String, line: Int, fields: Int, expected: Int)
    /// A cell that should be a number and is not (or is NaN/Inf, or empty).
    /// `column` is 1-based as a spreadsheet counts, `name` its header.
    case nonNumeric(file: String, line: Int, column: Int, name: String, value: String, problem: String)
    /// Anything else wrong at a line of a text file (`line` nil: the file as a whole).
    case malformed(file: String, line: Int?, message: String)
    /// A malformed `.npy` header or array (also an array inside an `.npz`, named `file:array`).
    case badArray(file: String, message: String)
    /// An `.npy` dtype that cannot become particle-table columns.
    case unsupportedDType(file: String, dtype: String, hint: String)
    /// A file given as `.npz` that is not a zip archive.
    case notZip(file: String, reason: String)
    /// A required array missing from an `.npz`.
    case missingArray(file: String, name: String, found: [String])

    public var description: String {
        switch self {
        case .cannotRead(let file, let reason): return "\(file): cannot read: \(reason)"
        case .cannotWrite(let file, let reason, _): return "\(file): cannot write: \(reason)"
        case .ragged(let file, let line, let fields, let expected):
            return "\(file):\(line): \(fields) field\(fields == 1 ? "" : "s"), but the header has \(expected); every line needs one value per header column"
        case .nonNumeric(let file, let line, let column, let name, let value, let problem):
            return "\(file):\(line): column \(column) '\(name)': \(problem) '\(value)'"
        case .malformed(let file, let line, let message):
            return "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
        case .badArray(let file, let message): return "\(file): \(message)"
        case .unsupportedDType(let file, let dtype, let hint):
            return "\(file): dtype '\(dtype)' is not supported; \(hint)"
        case .notZip(let file, let reason):
            return "\(file): not a zip archive, so not a numpy .npz (\(reason)); write one with numpy.savez(path, X=..., y=..., T=...)"
        case .missingArray(let file, let name, let found):
            let list = found.isEmpty ? "no arrays" : found.sorted().joined(separator: ", ")
            return "\(file): no array '\(name)' (it holds \(list)); numpy.savez(path, X=features, y=labels, T=temperature) writes the names softness reads"
        }
    }
}

extension InterchangeError {
    /// Throws `cannotRead` naming `name` unless `path` is an existing regular file (a folder or
    /// a FIFO would be read as nothing or block forever); returns its size in bytes.
    @discardableResult
    static func requireRegularFile(_ path: String, name: String? = nil) throws -> Int {
        let name = name ?? path
        var info = stat()
        if stat(path, &info) != 0 { throw InterchangeError.cannotRead(file: name, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno))) }
        if info.st_mode & S_IFMT == S_IFDIR { throw InterchangeError.cannotRead(file: name, reason: "is a directory") }
        if info.st_mode & S_IFMT != S_IFREG { throw InterchangeError.cannotRead(file: name, reason: "is not a regular file") }
        return Int(info.st_size)
    }
}
