import Foundation
import Testing
import HDF5

/// `softness convert` end to end: a generated table out to every format and back, then used.
@Suite struct ConvertCLITests {
    @Test func generatedTableRoundTripsThroughEveryFormat() throws {
        try withScratch { dir in
            let made = try softness(["generate", "--variant", "spurious", "-n", "600", "--test-rows", "200", "--temperatures", "0.4,0.5,0.6",
                                     "--train-temperatures", "0.5", "--storage", "float32", "--seed", "5", "-o", "toy.h5"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
            let original = try File.open(dir.appendingPathComponent("toy.h5").path)
            defer { original.close() }
            let features = try original.dataset("features").read(as: Float.self)
            let labels = try original.dataset("labels").read(as: Int8.self)
            for (file, back) in [("toy.csv", ["--storage", "float32"]), ("toy.tsv", ["--storage", "float32"]), ("toy.npz", []),
                                 ("toy.svm", ["--storage", "float32", "--temperature", "0.5", "--features", "20"])] {
                let out = try softness(["convert", "toy.h5", file, "--block-rows", "97"], in: dir)
                #expect(out.status == 0, "\(file): \(out.stderr)")
                #expect(out.stdout.contains("wrote \(file): 1200 rows × 20 features (h5 → "), "\(out.stdout)")
                let table = "back-\(file).h5"
                let read = try softness(["convert", file, table, "--block-rows", "113"] + back, in: dir)
                #expect(read.status == 0, "\(file): \(read.stderr)")
                let copy = try File.open(dir.appendingPathComponent(table).path)
                defer { copy.close() }
                #expect(try copy.dataset("features").read(as: Float.self).map(\.bitPattern) == features.map(\.bitPattern), "\(file)")
                #expect(try copy.dataset("labels").read(as: Int8.self) == labels, "\(file)")
            }
            // The converted table is a table every command reads: the diagnostic runs on it.
            let diagnosed = try softness(["diagnose", "back-toy.npz.h5", "--bootstrap", "2"], in: dir)
            #expect(diagnosed.status == 0, "\(diagnosed.stderr)")
            #expect(diagnosed.stdout.contains("verdict:"))
            // An existing output is replaced only with --force.
            let again = try softness(["convert", "toy.h5", "toy.csv"], in: dir)
            #expect(again.status == 64 && again.stderr.contains("toy.csv: output file exists; pass --force"))
            let forced = try softness(["convert", "toy.h5", "toy.txt", "--to", "libsvm", "--force"], in: dir)
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(forced.stdout.contains("note: LIBSVM text holds labels and features only: temperature, split, energy_barrier and feature names are not in toy.txt"))
        }
    }
}
