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
    var description: String {
        let message = "\(underlying)"
        return message.hasPrefix("\(file): ") ? message : "\(file): \(message)"
    }
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

/// A result's JSON with two more keys: its `verdict` sentence and the `verdictRules` behind it.
struct WithVerdict<Body: Encodable>: Encodable {
    var body: Body
    var verdict: String

    init(_ body: Body, verdict: String) {
        self.body = body
        self.verdict = verdict
    }

    private enum CodingKeys: String, CodingKey { case verdict, verdictRules }

    func encode(to encoder: any Encoder) throws {
        try body.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(VerdictRules.table, forKey: .verdictRules)
    }
}
