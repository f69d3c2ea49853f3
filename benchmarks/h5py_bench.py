#!/usr/bin/env python3
"""h5py side of the HDF5 benchmark: same matrix size, chunk shape and filters as HDF5Benchmark.
Usage: h5py_bench.py [rows] [directory] [repeats]"""
import os
import sys
import tempfile
import time

import h5py
import numpy as np

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
directory = sys.argv[2] if len(sys.argv) > 2 else tempfile.gettempdir()
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
columns, chunk_rows = 20, 16_384
values = np.random.default_rng(42).uniform(-1, 1, size=(rows, columns))

for name, kwargs in [("deflate4", dict(chunks=(chunk_rows, columns), compression="gzip", compression_opts=4)),
                     ("uncompressed", {})]:
    path = os.path.join(directory, f"h5py-bench-{name}.h5")
    best_write = best_read = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        with h5py.File(path, "w") as f:
            f.create_dataset("x", data=values, **kwargs)
        best_write = min(best_write, time.perf_counter() - t)
        t = time.perf_counter()
        with h5py.File(path, "r") as f:
            back = f["x"][...]
        best_read = min(best_read, time.perf_counter() - t)
        assert back[-1, -1] == values[-1, -1]
    print(f"h5py {name} write {best_write:.4f} s read {best_read:.4f} s")
    os.remove(path)
print(f"h5py {h5py.__version__}, libhdf5 {h5py.version.hdf5_version}, numpy {np.__version__}")
