#!/usr/bin/env python3
"""Choose the SVM cost C by k-fold cross-validation over the TRAINING frames of a joined table.

    tools/ka_cv.py TABLE.h5 --c-values 0.001,0.01,0.1,1,10 --folds 5 --seed 1 --workdir DIR
                   [--softness .build/release/softness] [--threads 1] [--extra "--species A"]

The test frames (/split = 1) are never read into a fold. The balanced training sample of the
training frames (/balanced = 1 and /split = 0, i.e. exactly the rows `softness diagnose` trains
on) is cut into k folds by whole frames: every (temperature, frame) group goes to one fold, drawn
with numpy's default_rng(seed). For each fold a mapped-layout HDF5 file is written (features,
labels, temperature, split = 1 on the held-out fold) and `softness diagnose --dry-run --json -C c`
is run on it for every C; the held-out accuracy (balanced rows, so 0.5 is chance) is averaged over
the folds. The chosen C is the one with the highest mean accuracy; among C values whose mean is
within one standard error of the best, the smallest (the strongest regularization) is taken (the
"one-standard-error rule"). Prints a markdown table and, last, `chosen C = <value>`.
Deterministic for a given table, seed and softness build.
"""
import argparse
import json
import os
import subprocess
import sys

import h5py
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("table")
    ap.add_argument("--c-values", default="0.001,0.01,0.1,1,10")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--softness", default=".build/release/softness")
    ap.add_argument("--threads", default="1")
    a = ap.parse_args()
    cs = [float(c) for c in a.c_values.split(",")]
    os.makedirs(a.workdir, exist_ok=True)
    with h5py.File(a.table, "r") as f:
        split = f["split"][...]
        bal = f["balanced"][...]
        rows = np.nonzero((split == 0) & (bal == 1))[0]
        temp = f["temperature"][...][rows]
        frame = f["frame"][...][rows]
        x = f["features"][rows, :]
        y = f["labels"][...][rows]
        names = f["feature_names"][...]
    groups = sorted(set(zip(temp.tolist(), frame.tolist())))
    rng = np.random.default_rng(a.seed)
    order = rng.permutation(len(groups))
    fold_of_group = {groups[g]: k % a.folds for k, g in enumerate(order)}
    fold = np.array([fold_of_group[(t, fr)] for t, fr in zip(temp.tolist(), frame.tolist())])
    print(f"cross-validation: {len(rows)} balanced training rows of {len(groups)} training frames "
          f"(T = {', '.join(f'{t:g}' for t in sorted(set(temp.tolist())))}), {a.folds} folds by frame, seed {a.seed}\n")
    acc = np.zeros((len(cs), a.folds))
    for k in range(a.folds):
        path = os.path.join(a.workdir, f"fold{k}.h5")
        with h5py.File(path, "w") as g:
            g["x"] = x
            g["y"] = y.astype(np.int8)
            g["T"] = temp
            g["split"] = (fold == k).astype(np.int8)
            g["names"] = names
        for i, c in enumerate(cs):
            cmd = [a.softness, "diagnose", path, "--features", "/x", "--labels", "/y", "--temperature", "/T",
                   "--split", "/split", "--feature-names", "/names", "-C", repr(c), "--dry-run", "--json",
                   "--bootstrap", "2", "--threads", a.threads, "--max-iterations", "5000"]
            out = subprocess.run(cmd, capture_output=True, text=True)
            # exit status 3 = no Arrhenius fit (a fold may hold one temperature only): not needed here
            try:
                d = json.loads(out.stdout)
                d["testAccuracy"]
            except (ValueError, KeyError):
                sys.exit(f"softness failed ({out.returncode}): {' '.join(cmd)}\n{out.stderr}")
            acc[i, k] = d["testAccuracy"]
    mean = acc.mean(axis=1)
    se = acc.std(axis=1, ddof=1) / np.sqrt(a.folds)
    best = int(np.argmax(mean))
    chosen = min(i for i in range(len(cs)) if mean[i] >= mean[best] - se[best])
    print("| C | " + " | ".join(f"fold {k}" for k in range(a.folds)) + " | mean ± s.e. |")
    print("| ---: | " + " | ".join("---:" for _ in range(a.folds)) + " | ---: |")
    for i, c in enumerate(cs):
        mark = " (chosen)" if i == chosen else (" (best mean)" if i == best else "")
        print(f"| {c:g}{mark} | " + " | ".join(f"{v:.4f}" for v in acc[i]) + f" | {mean[i]:.4f} ± {se[i]:.4f} |")
    print(f"\nchosen C = {cs[chosen]:g}")


if __name__ == "__main__":
    main()
