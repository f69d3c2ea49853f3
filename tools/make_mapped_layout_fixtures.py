#!/usr/bin/env python3
"""Writes the h5py fixture of the mapped-layout tests (Tests/CLITests/Fixtures/h5py_bool_labels.h5).

The Swift HDF5 module cannot create enum datasets, and numpy bool is written by h5py as the
HDF5 enum FALSE = 0 / TRUE = 1 of int8, so this layout comes from h5py itself. Run once after
changing it and commit the output; the tests need no Python:
    python3 tools/make_mapped_layout_fixtures.py
"""
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "CLITests", "Fixtures", "h5py_bool_labels.h5")


def main():
    rows = 600
    rng = np.random.default_rng(12)
    x = rng.uniform(-2, 2, size=(rows, 2))
    t = np.where(np.arange(rows) % 2 == 0, 0.5, 0.8)
    rearranges = rng.uniform(size=rows) < 1 / (1 + np.exp(2 * x[:, 0] / t))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with h5py.File(OUT, "w", libver="earliest") as f:
        f.create_dataset("sim/x", data=x)
        f.create_dataset("sim/T", data=t)
        f.create_dataset("sim/split", data=((np.arange(rows) // 2) % 2).astype(np.uint8))
        f.create_dataset("sim/rearranged", data=rearranges)  # numpy bool: HDF5 enum FALSE/TRUE of int8
        f.create_dataset("sim/y_pm1", data=np.where(rearranges, 1, -1).astype(np.int8))  # the same labels, schema v1 style
        print(f"wrote {OUT} with h5py {h5py.__version__} (libhdf5 {h5py.version.hdf5_version}); "
              f"/sim/rearranged dtype {f['sim/rearranged'].dtype}, {int(rearranges.sum())} of {rows} TRUE")


if __name__ == "__main__":
    main()
