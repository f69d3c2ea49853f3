#!/usr/bin/env python3
"""Reads a particle table written by softness with plain h5py and checks it against
schemas/particles-v1.json: root attributes, dataset kinds and shapes, label values.

    python3 tools/check_with_h5py.py table.h5
Exit status 0 when the file conforms, 1 with a list of problems otherwise.
"""
import json
import os
import sys

import h5py
import numpy as np

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas", "particles-v1.json")
KINDS = {"f": "float", "i": "int", "u": "uint", "O": "string", "S": "string", "U": "string"}


def check(path):
    schema = json.load(open(SCHEMA))
    problems = []
    with h5py.File(path, "r") as f:
        for attr in schema["root_attributes"]:
            if attr["name"] not in f.attrs:
                if attr["required"]:
                    problems.append(f"missing root attribute {attr['name']}")
                continue
            value = f.attrs[attr["name"]]
            if "value" in attr and value != attr["value"]:
                problems.append(f"root attribute {attr['name']} = {value!r}, expected {attr['value']!r}")
        n, d = f["features"].shape
        extents = {"N": n, "d": d}
        for spec in schema["datasets"]:
            if spec["path"] not in f:
                if spec["required"]:
                    problems.append(f"missing {spec['path']}")
                continue
            ds = f[spec["path"]]
            kind = "string" if h5py.check_string_dtype(ds.dtype) else KINDS.get(ds.dtype.kind, "other")
            if kind not in spec["kinds"]:
                problems.append(f"{spec['path']}: kind {kind}, expected {spec['kinds']}")
            expected = tuple(extents.get(s, None) if not s.isdigit() else int(s) for s in spec["shape"])
            if ds.shape != expected:
                problems.append(f"{spec['path']}: shape {ds.shape}, expected {expected}")
            if "values" in spec and kind != "string":
                bad = np.setdiff1d(np.unique(ds[...]), spec["values"])
                if bad.size:
                    problems.append(f"{spec['path']}: values {bad[:5]} outside {spec['values']}")
        names = [s.decode() if isinstance(s, bytes) else s for s in f["feature_names"][...]]
        features = f["features"][...]
        print(f"{path}: N={n} d={d} dtype={features.dtype} names={names[:3]}... "
              f"chunks={f['features'].chunks} compression={f['features'].compression} "
              f"feature means={np.round(features.mean(axis=0)[:3], 3)}")
    return problems


if __name__ == "__main__":
    problems = check(sys.argv[1])
    for p in problems:
        print("problem:", p)
    print("h5py check:", "ok" if not problems else f"{len(problems)} problems")
    sys.exit(1 if problems else 0)
