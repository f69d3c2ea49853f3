import Diagnostics
import Foundation
import Learning

/// Says loudly on standard error when a fit did not converge.
func warnIfNotConverged(_ report: FitReport, context: String) {
    guard !report.converged else { return }
    printError("WARNING: the SVM did NOT converge (\(context)): \(report.summary). Raise --max-iterations or loosen --tolerance; results from an unconverged fit are recorded with converged = 0.")
}

/// A computation error (from Learning or Diagnostics, which know nothing of files) tagged with
/// the input file it came from.
struct InputError: Error, CustomStringConvertible {
    let file: String
    let underlying: any Error
    var description: String { "\(file): \(underlying)" }
}

/// Runs `body`, prefixing computation errors with the input file name.
func naming<R>(_ file: String, _ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as DiagnosticError {
        throw InputError(file: file, underlying: error)
    } catch let error as LearningError {
        throw InputError(file: file, underlying: error)
    }
}

/// Prints an Encodable value as sorted, indented JSON.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Writes `message` to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
