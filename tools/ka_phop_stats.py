#!/usr/bin/env python3
"""The p_hop distribution of one species, from `softness label` files, as markdown tables.

    tools/ka_phop_stats.py --type 1 --p-c 0.2 T=LABELS.h5:DUMP[.gz] [T=LABELS.h5:DUMP ...]

For every labels file (its /phop [frames, N] and /particle_ids, written by `softness label`) it
takes the particles of --type (read from the first frame of the dump the labels came from) and
prints
  1. quantiles of p_hop (σ²) over all (particle, frame) pairs with a full window, and the
     fraction above candidate thresholds;
  2. the density of log10 p_hop in 0.25-decade bins (the thermal core and the hop tail);
  3. for the labels actually stored (p_c and q of the file): the fractions of pairs labelled
     R = +1, R = -1 (quiet) and neither, over the frames where a label can exist.
Deterministic; numpy and h5py only.
"""
import argparse
import gzip

import h5py
import numpy as np

CANDIDATES = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0)


def first_frame_types(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        lines = []
        for line in f:
            if line.startswith("ITEM: ATOMS"):
                cols = line.split()[2:]
                break
        n = None
    with opener(path, "rt") as f:
        it = iter(f)
        for line in it:
            if line.startswith("ITEM: NUMBER OF ATOMS"):
                n = int(next(it))
            if line.startswith("ITEM: ATOMS"):
                rows = [next(it).split() for _ in range(n)]
                break
    ids = np.array([int(r[cols.index("id")]) for r in rows])
    types = np.array([int(r[cols.index("type")]) for r in rows])
    return dict(zip(ids, types))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="T=LABELS.h5:DUMP")
    ap.add_argument("--type", type=int, default=1)
    ap.add_argument("--json", help="also write the numbers to this JSON file")
    a = ap.parse_args()
    rows = []
    for spec in a.runs:
        t, rest = spec.split("=", 1)
        lab, dump = rest.split(":", 1)
        types = first_frame_types(dump)
        with h5py.File(lab, "r") as f:
            phop = f["phop"][...]
            pids = f["particle_ids"][...]
            sel = np.array([types[int(i)] == a.type for i in pids])
            p = phop[:, sel].ravel()
            p = p[np.isfinite(p)]
            pc = float(f.attrs["threshold_p_c"]); h = int(f.attrs["half_window_frames"]); q = int(f.attrs["quiet_window_frames"])
            lbl = f["labels"][...]; lpid = f["particle_id"][...]; lfr = f["frame"][...]
            keep = np.array([types[int(i)] == a.type for i in lpid])
            lbl, lfr = lbl[keep], lfr[keep]
            pf = f["phop_frame"][...]
            # frames where a quiet label can exist: the whole [t - q, t + q] has p_hop
            possible = pf[(pf - q >= pf.min()) & (pf + q <= pf.max())]
            in_possible = np.isin(lfr, possible)
            npairs = len(possible) * sel.sum()
            plus = int(((lbl > 0) & in_possible).sum()); minus = int(((lbl < 0) & in_possible).sum())
        rows.append(dict(T=float(t), p=p, pc=pc, h=h, q=q, plus=plus, minus=minus, npairs=npairs,
                         nA=int(sel.sum()), frames=len(possible)))
    rows.sort(key=lambda r: r["T"])
    print(f"p_hop of type {a.type} (σ²), all (particle, frame) pairs with a full window:\n")
    print("| T | pairs | median | 90 % | 99 % | 99.9 % | " + " | ".join(f"> {c:g}" for c in CANDIDATES) + " |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in CANDIDATES) + " |")
    for r in rows:
        qs = np.quantile(r["p"], [0.5, 0.9, 0.99, 0.999])
        fr = [100 * (r["p"] > c).mean() for c in CANDIDATES]
        print(f"| {r['T']:.2f} | {len(r['p'])} | " + " | ".join(f"{x:.3f}" for x in qs) + " | "
              + " | ".join(f"{x:.2f} %" for x in fr) + " |")
    edges = np.arange(-3.0, 1.01, 0.25)
    print("\nDensity of log10 p_hop (fraction of pairs per 0.25-decade bin, in %; bins labelled by their lower edge):\n")
    print("| T | " + " | ".join(f"{e:+.2f}" for e in edges[:-1]) + " |")
    print("| --- | " + " | ".join("---:" for _ in edges[:-1]) + " |")
    for r in rows:
        hist, _ = np.histogram(np.log10(np.maximum(r["p"], 1e-30)), bins=edges)
        print(f"| {r['T']:.2f} | " + " | ".join(f"{100 * x / len(r['p']):.3g}" for x in hist) + " |")
    windows = ((0.05, 0.1), (0.1, 0.15), (0.15, 0.2), (0.2, 0.3), (0.3, 0.5))
    print("\nLocal slope of ln(density) in p_hop (1/σ², straight-line fit of ln counts in 10 bins per window): "
          "a kink would mark a natural p_c; a smooth flattening means there is none:\n")
    print("| T | " + " | ".join(f"[{lo:g}, {hi:g}]" for lo, hi in windows) + " |")
    print("| --- | " + " | ".join("---:" for _ in windows) + " |")
    for r in rows:
        r["slopes"] = []
        for lo, hi in windows:
            h, e = np.histogram(r["p"], bins=np.linspace(lo, hi, 11))
            c = 0.5 * (e[1:] + e[:-1]); k = h > 0
            r["slopes"].append(float(np.polyfit(c[k], np.log(h[k]), 1)[0]) if k.sum() >= 2 else float("nan"))
        print(f"| {r['T']:.2f} | " + " | ".join(f"{x:.1f}" for x in r["slopes"]) + " |")
    print("\nLabels as stored (R = +1: p_hop > p_c; R = -1: p_hop ≤ p_c on all of [t - q, t + q]), over the "
          "frames where a quiet label can exist:\n")
    print("| T | p_c (σ²) | h (frames) | q (frames) | frames | R = +1 | R = -1 | neither |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        n = r["npairs"]
        print(f"| {r['T']:.2f} | {r['pc']:g} | {r['h']} | {r['q']} | {r['frames']} | {100 * r['plus'] / n:.2f} % | "
              f"{100 * r['minus'] / n:.1f} % | {100 * (n - r['plus'] - r['minus']) / n:.1f} % |")


    if a.json:
        import json
        out = []
        for r in rows:
            qs = np.quantile(r["p"], [0.5, 0.9, 0.99, 0.999])
            n = r["npairs"]
            out.append(dict(T=r["T"], pairs=int(len(r["p"])), median=float(qs[0]), q90=float(qs[1]), q99=float(qs[2]),
                            q999=float(qs[3]), above={f"{c:g}": float((r["p"] > c).mean()) for c in CANDIDATES},
                            p_c=r["pc"], h=r["h"], q=r["q"], plus=r["plus"] / n, minus=r["minus"] / n,
                            neither=(n - r["plus"] - r["minus"]) / n, log_slopes=r["slopes"]))
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
