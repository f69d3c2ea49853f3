import ArgumentParser
import Workflows
import Foundation
import ParticleTable
import HDF5

/// Options shared by every command that writes a run into the results file.
struct ResultOptions: ParsableArguments {
    @Option(help: "Run name: results go to /results/<run>/ of the results file.")
    var run: String?

    @Option(help: "Results file (default: NAME.results.h5 beside the input NAME.h5; runs in NAME.results.runs/). The input is never written.")
    var results: String?

    @Flag(name: .customLong("in-place"), help: "Write the run into the input file itself (crash-safe, but every run copies the whole input).")
    var inPlace = false

    @Flag(help: "Replace an existing run of the same name (its space is given back).")
    var overwrite = false

    @Flag(help: "Compute and print, but write no results file.")
    var dryRun = false

    @Option(name: .customLong("softness-storage"), help: "How per-row softness is stored (float32: half the bytes, relative rounding ≤ 6e-8; float64: exact). Fits always use float64.")
    var softnessStorage: FeatureStorage = .float32

    func validate() throws {
        if inPlace && results != nil { throw ValidationError("give either --results or --in-place, not both") }
    }

    /// The results file for an input read with the schema-v1 layout.
    func store(for input: String) -> ResultStore { ResultStore(inputPath: input, path: results, inPlace: inPlace) }

    /// The results file for an input given with its (possibly mapped) layout.
    func store(for input: InputArguments) throws -> ResultStore { try store(for: input.file, layout: input.layout) }

    /// The results file for `file` read with `layout` (links to the mapped datasets).
    func store(for file: String, layout: MappedLayoutOptions) throws -> ResultStore {
        ResultStore(inputPath: file, path: results, links: try layout.links(), inPlace: inPlace,
                    otherInputs: layout.mapping.map { [$0] } ?? [])
    }

    /// The run name, defaulting to the command name.
    func runName(default name: String) -> String { run ?? name }

    /// Provenance attributes of a run (command line, version, time, input and its digest).
    static func provenance(input: String, digest: String) -> [String: AttributeValue] {
        ResultStore.provenance(input: input, digest: digest)
    }
}

/// Refuses early (before any computation) a results path that is an input or not a results
/// file, and a run name that exists without --overwrite.
func checkRunName(_ results: ResultOptions, store: ResultStore, name: String) throws {
    guard !results.dryRun else { return }
    try DamagedFileProbe.check(store.path)
    try store.checkBeforeRun(name: name, overwrite: results.overwrite)
}

/// Writes a run unless --dry-run, and tells where it went.
/// With `loaded`, a split drawn at random (the input has no /split) is stored with the run.
func storeRun(_ results: ResultOptions, store: ResultStore, digest: String, name: String,
              parameters: [String: AttributeValue], loaded: LoadedInput? = nil, body: (Group) throws -> Void) throws {
    guard !results.dryRun else { return }
    try store.writeRun(name: name, overwrite: results.overwrite,
                       provenance: ResultOptions.provenance(input: store.inputPath, digest: digest),
                       parameters: parameters.merging(loaded?.selection?.parameters ?? [:]) { $1 }) { run in
        if let split = loaded?.generatedSplit { try ResultWriting.writeGeneratedSplit(split, to: run) }
        try body(run)
    }
    printError("results: \(store.path):/results/\(name)/")
}

extension AttributeValue {
    /// A 64-bit seed as an attribute: an integer when it fits int64, else its decimal string.
    static func seed(_ value: UInt64) -> AttributeValue {
        value <= UInt64(Int.max) ? .integer(Int(value)) : .string(String(value))
    }
}
