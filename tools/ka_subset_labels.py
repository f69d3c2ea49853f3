#!/usr/bin/env python3
"""Copy a `softness label` file keeping the labelled pairs of a fixed random subset of particles.

    tools/ka_subset_labels.py IN.h5 OUT.h5 --fraction 0.05 --seed 7 [--dump DUMP --type 1]

The subset is drawn once per file from the particle ids (numpy default_rng(seed), without
replacement, round(fraction * N) ids; with --dump/--type only among the particles of that type),
independently of the labels, so the rearranging fraction of the kept pairs estimates the natural
P_R of the whole population without bias (class-blind subsampling); only the pair datasets
(/frame, /particle_id, /labels, /timestep) are filtered, p_hop and the attributes are copied
unchanged and the choice is recorded in the attributes `particle_subset_fraction`,
`particle_subset_seed`, `particle_subset_count`. Used to make the committed compact Kob-Andersen
tables (sample-data/ka-paper/) small.
"""
import argparse
import gzip

import h5py
import numpy as np


def types_of(dump):
    opener = gzip.open if dump.endswith(".gz") else open
    with opener(dump, "rt") as f:
        it = iter(f)
        for line in it:
            if line.startswith("ITEM: NUMBER OF ATOMS"):
                n = int(next(it))
            if line.startswith("ITEM: ATOMS"):
                cols = line.split()[2:]
                rows = [next(it).split() for _ in range(n)]
                return {int(r[cols.index("id")]): int(r[cols.index("type")]) for r in rows}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--fraction", type=float, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--dump")
    ap.add_argument("--type", type=int)
    a = ap.parse_args()
    with h5py.File(a.src, "r") as f, h5py.File(a.dst, "w") as g:
        ids = np.sort(f["particle_ids"][...])
        if a.dump is not None and a.type is not None:
            t = types_of(a.dump)
            ids = np.array([i for i in ids if t[int(i)] == a.type])
        rng = np.random.default_rng(a.seed)
        keep_ids = np.sort(rng.choice(ids, size=int(round(a.fraction * len(ids))), replace=False))
        keep = np.isin(f["particle_id"][...], keep_ids)
        for name, obj in f.items():
            data = obj[...]
            if name in ("frame", "particle_id", "labels", "timestep"):
                data = data[keep]
            g.create_dataset(name, data=data, compression="gzip" if data.ndim and data.size > 1000 else None)
            for k, v in obj.attrs.items():
                g[name].attrs[k] = v
        for k, v in f.attrs.items():
            g.attrs[k] = v
        g.attrs["particle_subset_fraction"] = a.fraction
        g.attrs["particle_subset_seed"] = a.seed
        g.attrs["particle_subset_count"] = len(keep_ids)
        print(f"{a.dst}: kept {keep.sum()} of {len(keep)} labelled pairs ({len(keep_ids)} of {len(ids)} particles, seed {a.seed})")


if __name__ == "__main__":
    main()
