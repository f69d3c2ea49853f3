import Foundation

/// The file formats `softness convert` reads and writes, and how a path's extension names one.
public enum InterchangeFormat: String, Sendable, CaseIterable {
    /// Comma-separated values with a header line (RFC 4180 quoting), as `pandas.read_csv` reads.
    case csv
    /// Tab-separated values with a header line (`pandas.read_csv(sep="\t")`).
    case tsv
    /// LIBSVM / SVMlight sparse text, `label index:value …` with 1-based ascending indices, as
    /// LIBLINEAR's `train` and `sklearn.datasets.load_svmlight_file` read it.
    case libsvm
    /// One numpy array (`numpy.save`/`numpy.load`, NPY format 1.0–3.0).
    case npy
    /// A zip of `.npy` arrays (`numpy.savez`/`numpy.load`).
    case npz
    /// An HDF5 particle table (schema v1, `schemas/particles-v1.md`).
    case h5

    /// Accepted spellings of `--from`/`--to` besides the raw values.
    public init?(name: String) {
        switch name.lowercased() {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "libsvm", "svmlight", "svm": self = .libsvm
        case "npy": self = .npy
        case "npz": self = .npz
        case "h5", "hdf5", "hdf": self = .h5
        default: return nil
        }
    }

    /// The format a path's extension names, nil when the extension is unknown or ambiguous
    /// (`.txt` may be LIBSVM text or anything else: it needs `--from`/`--to libsvm`).
    public init?(extensionOf path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "svm", "libsvm", "svmlight": self = .libsvm
        case "npy": self = .npy
        case "npz": self = .npz
        case "h5", "hdf5", "hdf": self = .h5
        default: return nil
        }
    }

    /// The formats as `--from`/`--to` lists them.
    public static let names = "csv, tsv, libsvm (svmlight), npy, npz, h5"
}
