#!/usr/bin/env python3
"""Writes the small H5MD fixtures of Tests/TrajectoryTests/Fixtures/trajectories/.

H5MD 1.1 layout (https://www.nongnu.org/h5md/h5md.html). Run from the repository root:

    python3 tools/make_trajectory_fixtures.py

The files are committed; rerun only to change them (the tests check the values written here).
"""
import os

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TrajectoryTests", "Fixtures", "trajectories")


def h5md_header(f):
    h = f.create_group("h5md")
    h.attrs["version"] = np.array([1, 1], dtype=np.int32)
    h.create_group("author").attrs["name"] = "softness tests"
    c = h.create_group("creator")
    c.attrs["name"] = "make_trajectory_fixtures.py"
    c.attrs["version"] = "1"


def box_group(g, boundary=("periodic", "periodic", "periodic")):
    box = g.create_group("box")
    box.attrs["dimension"] = np.int32(3)
    box.attrs["boundary"] = np.array(boundary, dtype=h5py.string_dtype())
    return box


def fixed_box():
    """4 particles, 3 frames, cuboid box fixed in time, ids stored shuffled and time-dependent,
    fixed species, image flags: unwrapped = position + image * L."""
    with h5py.File(os.path.join(OUT, "h5md_fixed_box.h5"), "w", libver=("v108", "v110")) as f:
        h5md_header(f)
        g = f.create_group("particles/all")
        box = box_group(g)
        box.create_dataset("edges", data=np.array([10.0, 12.0, 14.0]))
        pos = g.create_group("position")
        pos.create_dataset("step", data=np.array([0, 10, 20], dtype=np.int64))
        pos.create_dataset("time", data=np.array([0.0, 0.05, 0.1]))
        # Rows are stored in the id order [3, 1, 4, 2]; the reader sorts them to [1, 2, 3, 4].
        ids = np.array([3, 1, 4, 2], dtype=np.int64)
        value = np.zeros((3, 4, 3))
        for frame in range(3):
            for row, pid in enumerate(ids):
                value[frame, row] = [pid + 0.5 * frame, 2.0 * pid, 9.5]
        pos.create_dataset("value", data=value, chunks=(1, 4, 3))
        image = np.zeros((3, 4, 3), dtype=np.int32)
        image[2, 0] = [1, 0, -1]  # id 3 at frame 2
        ig = g.create_group("image")
        ig["step"] = pos["step"]  # hard links, as H5MD requires
        ig["time"] = pos["time"]
        ig.create_dataset("value", data=image)
        idg = g.create_group("id")
        idg["step"] = pos["step"]
        idg.create_dataset("value", data=np.tile(ids, (3, 1)))
        g.create_dataset("species", data=np.array([2, 1, 2, 1], dtype=np.int32))


def time_box():
    """3 particles, 3 frames, triclinic box changing in time (edges/value [3][3][3]), scalar
    step/time intervals (H5MD 1.1: step = offset + i * interval), time-dependent species, no id,
    no image (positions therefore 'wrapped')."""
    with h5py.File(os.path.join(OUT, "h5md_time_box.h5"), "w", libver=("v108", "v110")) as f:
        h5md_header(f)
        g = f.create_group("particles/fluid")
        box = box_group(g)
        edges = box.create_group("edges")
        pos = g.create_group("position")
        step = pos.create_dataset("step", data=np.int64(5))
        step.attrs["offset"] = np.int64(100)
        t = pos.create_dataset("time", data=np.float64(0.25))
        t.attrs["offset"] = np.float64(1.0)
        edges["step"] = step
        edges["time"] = t
        value = np.array([[[1.0 * i + 0.1 * frame, 2.0 * i, 3.0 * i] for i in range(3)] for frame in range(3)])
        pos.create_dataset("value", data=value.astype(np.float32))
        matrices = np.array([[[10.0 + frame, 0, 0], [1.0, 11.0, 0], [0.5, -0.5, 12.0]] for frame in range(3)])
        edges.create_dataset("value", data=matrices)
        sp = g.create_group("species")
        sp["step"] = step
        sp.create_dataset("value", data=np.array([[0, 1, 1], [0, 1, 1], [1, 1, 0]], dtype=np.int8))


def broken():
    with h5py.File(os.path.join(OUT, "h5md_no_box.h5"), "w", libver=("v108", "v110")) as f:
        h5md_header(f)
        g = f.create_group("particles/all")
        pos = g.create_group("position")
        pos.create_dataset("step", data=np.array([0], dtype=np.int64))
        pos.create_dataset("value", data=np.zeros((1, 2, 3)))
    with h5py.File(os.path.join(OUT, "h5md_no_position.h5"), "w", libver=("v108", "v110")) as f:
        h5md_header(f)
        g = f.create_group("particles/all")
        box_group(g).create_dataset("edges", data=np.array([5.0, 5.0, 5.0]))
        g.create_dataset("species", data=np.array([1, 1], dtype=np.int32))
    with h5py.File(os.path.join(OUT, "h5md_no_particles.h5"), "w", libver=("v108", "v110")) as f:
        h5md_header(f)
        f.create_group("observables")
    with h5py.File(os.path.join(OUT, "h5md_bad_shape.h5"), "w", libver=("v108", "v110")) as f:
        h5md_header(f)
        g = f.create_group("particles/all")
        box_group(g).create_dataset("edges", data=np.array([5.0, 5.0, 5.0]))
        pos = g.create_group("position")
        pos.create_dataset("step", data=np.array([0], dtype=np.int64))
        pos.create_dataset("value", data=np.zeros((1, 2, 2)))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    fixed_box()
    time_box()
    broken()
    for name in sorted(os.listdir(OUT)):
        if name.endswith(".h5"):
            print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")
