import ArgumentParser
import Foundation
import GlassData
import HDF5

extension LabelEncoding: ExpressibleByArgument {}

/// Options shared by every command that writes a run into the results file.
struct ResultOptions: ParsableArguments {
    @Option(help: "Run name: results go to /results/<run>/ of the results file.")
    var run: String?

    @Option(help: "Results file (default: NAME.results.h5 beside the input NAME.h5). The input is never written.")
    var results: String?

    @Flag(help: "Replace an existing run of the same name.")
    var overwrite = false

    @Flag(help: "Compute and print, but write no results file.")
    var dryRun = false

    func store(for input: String) -> ResultStore { ResultStore(inputPath: input, path: results) }

    /// The results file for an input given with its (possibly mapped) layout.
    func store(for input: InputArguments) throws -> ResultStore {
        ResultStore(inputPath: input.file, path: results, links: try input.links())
    }

    /// The run name, defaulting to the command name.
    func runName(default name: String) -> String { run ?? name }

    /// Provenance attributes of a run (command line, version, time, parameters, input digest).
    static func provenance(input: String, digest: String, parameters: [String: String]) -> [String: AttributeValue] {
        let parameterText = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return [
            "command_line": .string(CommandLine.arguments.joined(separator: " ")),
            "softness_version": .string(SoftnessVersion.current),
            "created": .string(ISO8601DateFormatter().string(from: Date())),
            "parameters": .string(parameterText),
            "input_file": .string(input),
            "input_digest": .string(digest),
            "schema_version": .integer(ResultStore.schemaVersion),
        ]
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
