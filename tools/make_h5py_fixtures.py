#!/usr/bin/env python3
"""Writes small HDF5 fixtures with h5py for the Swift tests (Tests/HDF5Tests/Fixtures).

Run once after changing it and commit the output; `make test` itself needs no Python:
    python3 tools/make_h5py_fixtures.py
The values are simple closed forms so the Swift test can recompute them.
"""
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "HDF5Tests", "Fixtures", "h5py_fixture.h5")


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with h5py.File(OUT, "w", libver="earliest") as f:
        # float32 [5, 3] with value 0.5 * (3 * i + j)
        f.create_dataset("matrix_f32", data=(0.5 * np.arange(15).reshape(5, 3)).astype(np.float32))
        # int16 [4] = [-2, -1, 0, 1] * 1000
        f.create_dataset("ints_i16", data=(np.arange(4, dtype=np.int16) - 2) * 1000)
        # chunked + gzip + shuffle, unlimited first dim: float64 [100, 2] = (i, -i)
        rows = np.arange(100, dtype=np.float64)
        f.create_dataset("nested/group/chunked", data=np.stack([rows, -rows], axis=1),
                         chunks=(16, 2), compression="gzip", compression_opts=4, shuffle=True,
                         maxshape=(None, 2))
        # variable-length UTF-8 strings and fixed-length ASCII strings
        f.create_dataset("names_vlen", data=["alpha", "beta", "γ-ray"], dtype=h5py.string_dtype("utf-8"))
        f.create_dataset("names_fixed", data=np.array([b"G_A_1.0", b"G_B_1.5"], dtype="S8"))
        f.create_dataset("uint8_flags", data=np.array([0, 1, 1, 0], dtype=np.uint8))
        f.attrs["schema_version"] = np.int64(1)
        f.attrs["title"] = "h5py fixture"
        f.attrs["temperatures"] = np.array([0.3, 0.4], dtype=np.float64)
        f["matrix_f32"].attrs["units"] = "sigma"
        f["matrix_f32"].attrs["scale"] = np.float32(0.5)
        print(f"wrote {OUT} with h5py {h5py.__version__} (libhdf5 {h5py.version.hdf5_version})")


if __name__ == "__main__":
    main()
