#!/usr/bin/env python3
"""Fixtures for `softness convert` (Tests/ConversionTests/Fixtures/interchange), both directions.

1. Two small particle tables (float64 and float32 features, written here with h5py) are exported by
   the softness binary to CSV, TSV, LIBSVM, NPY and NPZ. Those files are committed, and what
   pandas.read_csv, numpy.load and sklearn.datasets.load_svmlight_file read from them (shapes,
   dtypes, every value as float.hex) goes to python_reads.json. The Swift test exports the same
   tables again, checks the bytes equal the committed files, and checks Python's values equal the
   table's.
2. numpy.save, numpy.savez(_compressed), DataFrame.to_csv and dump_svmlight_file write files that
   the Swift test imports; their values go to python_written.json.

Run after changing the exporters and commit the output; `make test` itself needs no Python:
    swift build && python3 tools/make_interchange_fixtures.py      (SOFTNESS=path/to/softness to choose the binary)
"""
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd
import sklearn
from sklearn.datasets import dump_svmlight_file, load_svmlight_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
OUT = os.path.join(ROOT, "Tests", "ConversionTests", "Fixtures", "interchange")
SOFTNESS = os.environ.get("SOFTNESS", os.path.join(ROOT, ".build", "debug", "softness"))

ROWS, D = 12, 4


def hexes(values):
    return [float(v).hex() for v in np.asarray(values, dtype=np.float64).ravel()]


def source_values():
    """Values with zeros, -0.0, tiny and huge magnitudes and decimals that are not binary."""
    i = np.arange(ROWS * D, dtype=np.float64).reshape(ROWS, D)
    x = np.sin(1.7 * i + 0.3) * 10.0 ** ((i % 7) - 3)
    x[0, 0], x[1, 1], x[2, 2], x[3, 3] = 0.0, -0.0, 0.1, 1e-30
    x[4, :] = [1e30, -2.5, 3.0, 0.0]
    x[5, 3] = 0.0
    labels = np.array([1, -1] * (ROWS // 2), dtype=np.int8)
    temperature = np.array([0.4, 0.45, 1 / 3] * (ROWS // 3), dtype=np.float64)
    split = (np.arange(ROWS) % 3 == 0).astype(np.uint8)
    barrier = np.cos(np.arange(ROWS) * 0.7) * 3.0
    return x, labels, temperature, split, barrier


def write_table(path, features):
    x, labels, temperature, split, barrier = source_values()
    with h5py.File(path, "w", libver="earliest") as f:
        f.attrs["schema"] = "softness.particles"
        f.attrs["schema_version"] = np.int64(1)
        f.create_dataset("features", data=features)
        f.create_dataset("feature_names", data=["G_A_1.0", "G_B_1.5", "Psi_AA", "name, with comma"],
                         dtype=h5py.string_dtype("utf-8"))
        f.create_dataset("labels", data=labels)
        f.create_dataset("temperature", data=temperature)
        f.create_dataset("split", data=split)
        f.create_dataset("energy_barrier", data=barrier)


def softness(*args):
    subprocess.run([SOFTNESS, *args], check=True, cwd=OUT, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, SOFTNESS_NO_PROBE="1"))


def swift_written():
    x = source_values()[0]
    write_table(os.path.join(OUT, "source64.h5"), x)
    write_table(os.path.join(OUT, "source32.h5"), x.astype(np.float32))
    exports = {
        "s64.csv": [], "s64.tsv": [], "s64.svm": [], "s64.npz": [],
        "s64_X.npy": ["--array", "features"], "s64_y.npy": ["--array", "labels"],
        "s64_T.npy": ["--array", "temperature"], "s64_split.npy": ["--array", "split"],
        "s64_barrier.npy": ["--array", "energy_barrier"],
        "s32.csv": [], "s32.svm": [], "s32_X.npy": [], "s32.npz": [], "s32c.npz": ["--compress"],
    }
    for name, extra in exports.items():
        source = "source32.h5" if name.startswith("s32") else "source64.h5"
        softness("convert", source, name, "--force", *extra)

    reads = {}
    for name in ["s64.csv", "s64.tsv", "s32.csv"]:
        df = pd.read_csv(os.path.join(OUT, name), sep="\t" if name.endswith(".tsv") else ",")
        reads[name] = {"reader": "pandas.read_csv", "columns": list(df.columns), "shape": list(df.shape),
                       "dtypes": [str(t) for t in df.dtypes],
                       "values": {c: hexes(df[c].to_numpy(dtype=np.float64)) for c in df.columns}}
    for name, dtype in [("s64.svm", np.float64), ("s32.svm", np.float32)]:
        X, y = load_svmlight_file(os.path.join(OUT, name), n_features=D, dtype=dtype)
        reads[name] = {"reader": "sklearn.datasets.load_svmlight_file", "shape": list(X.shape), "dtypes": [str(X.dtype)],
                       "values": {"X": hexes(X.toarray()), "y": hexes(y)}}
    for name in ["s64_X.npy", "s64_y.npy", "s64_T.npy", "s64_split.npy", "s64_barrier.npy", "s32_X.npy"]:
        a = np.load(os.path.join(OUT, name))
        reads[name] = {"reader": "numpy.load", "shape": list(a.shape), "dtypes": [a.dtype.str],
                       "fortran_order": bool(np.isfortran(a)) if a.ndim > 1 else False, "values": {"array": hexes(a)}}
    for name in ["s64.npz", "s32.npz", "s32c.npz"]:
        with np.load(os.path.join(OUT, name)) as z:
            keys = sorted(z.files)
            reads[name] = {"reader": "numpy.load", "keys": keys,
                           "shape": list(z["X"].shape), "dtypes": [f"{k}:{z[k].dtype.str}" for k in keys],
                           "feature_names": [str(s) for s in z["feature_names"]],
                           "values": {k: hexes(z[k]) for k in keys if k != "feature_names"}}
    return reads


def python_written():
    rng = np.random.default_rng(12)
    n, d = 9, 3
    x = rng.normal(size=(n, d)) * np.array([1e-3, 1.0, 1e3])
    x[0, 1] = 0.0
    x32 = x.astype(np.float32)
    y01 = np.array([1, 0, 0, 1, 1, 0, 1, 0, 1], dtype=np.int64)
    ypm = (2 * y01 - 1).astype(np.int8)
    t = np.array([0.4, 0.5, 0.6] * 3)
    split = np.array([0, 1, 0, 0, 1, 0, 1, 1, 0], dtype=np.uint8)
    names = np.array(["G_A_1.0", "Ψ_AB", "q6"])

    np.save(os.path.join(OUT, "py_X64.npy"), x)
    np.save(os.path.join(OUT, "py_X32.npy"), x32)
    np.save(os.path.join(OUT, "py_Xfortran.npy"), np.asfortranarray(x))
    np.save(os.path.join(OUT, "py_y01.npy"), y01)
    np.save(os.path.join(OUT, "py_ybool.npy"), y01.astype(bool))
    np.save(os.path.join(OUT, "py_T.npy"), t)
    np.savez(os.path.join(OUT, "py.npz"), X=x32, y=ypm, T=t, split=split, feature_names=names)
    np.savez_compressed(os.path.join(OUT, "py_compressed.npz"), X=x, y=y01, T=t)
    df = pd.DataFrame(x, columns=list(names))
    df["label"] = ypm
    df["temperature"] = t
    df["split"] = split
    df.to_csv(os.path.join(OUT, "py.csv"), index=False)
    df.to_csv(os.path.join(OUT, "py_index.csv"))  # pandas' default: an unnamed index column first
    df.drop(columns=["split"]).rename(columns={"label": "R", "temperature": "T"}).to_csv(
        os.path.join(OUT, "py.tsv"), sep="\t", index=False)
    dump_svmlight_file(x, ypm, os.path.join(OUT, "py.svm"), zero_based=False)
    dump_svmlight_file(x, y01, os.path.join(OUT, "py_zero_based.svm"))  # sklearn's default: 0-based
    # dump_svmlight_file prints %.16g, which does not always round-trip: what load_svmlight_file
    # reads back is what a reader of that text must get.
    x_svm = load_svmlight_file(os.path.join(OUT, "py.svm"), n_features=d)[0].toarray()
    return {"X": hexes(x), "X_svm": hexes(x_svm), "X32": hexes(x32), "y_pm1": [int(v) for v in ypm], "T": hexes(t),
            "split": [int(v) for v in split], "feature_names": [str(s) for s in names], "rows": n, "features": d}


def main():
    if not os.path.exists(SOFTNESS):
        sys.exit(f"{SOFTNESS} not found: run `swift build` first (or set SOFTNESS)")
    os.makedirs(OUT, exist_ok=True)
    fixture = {"numpy": np.__version__, "pandas": pd.__version__, "sklearn": sklearn.__version__, "h5py": h5py.__version__,
               "python_reads": swift_written(), "python_written": python_written()}
    with open(os.path.join(OUT, "interchange.json"), "w") as f:
        json.dump(fixture, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {OUT} (numpy {np.__version__}, pandas {pd.__version__}, scikit-learn {sklearn.__version__})")


if __name__ == "__main__":
    main()
