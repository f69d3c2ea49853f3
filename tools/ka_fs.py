#!/usr/bin/env python3
"""Self-intermediate scattering function F_s(q, t) and tau_alpha of a LAMMPS dump.

    tools/ka_fs.py DUMP[.gz] [DUMP ...] [--q 7.25] [--type 1] [--dt-frame 1.0] [--origins 200]
                   [--sq] [--markdown]

For each dump (`ITEM: ATOMS id type xu yu zu`, unwrapped, rows sorted by id, evenly spaced frames)
it computes, for the particles of --type (1 = A of Kob-Andersen):

    F_s(q, t) = < sin(q |dr_i(t0, t)|) / (q |dr_i(t0, t)|) >_{i, t0}

(the isotropic average over q directions), dr_i = r_i(t0 + t) - r_i(t0) after removing the
centre-of-mass displacement of all particles, averaged over up to --origins time origins t0
spread evenly over the run. tau_alpha is where F_s falls through 1/e, by linear interpolation in
ln t between the two frames that bracket it; if F_s stays above 1/e it prints a lower bound.
--sq also prints the first peak of the partial S_AA(q) of the last frame (q on the box's
reciprocal lattice, |q| bins of width 2 pi / L), as a check of q = 7.25.
Time is in frames times --dt-frame (1 tau for tools/make_ka_sample.sh). Deterministic, numpy only.
"""
import argparse
import gzip
import math
import sys

import numpy as np


def read_dump(path):
    """Frames of a LAMMPS text dump as (timesteps, box lengths [F,3], types [N], positions [F,N,3])."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        text = f.read()
    blocks = text.split("ITEM: TIMESTEP\n")[1:]
    steps, boxes, pos = [], [], []
    types = None
    for b in blocks:
        head, atoms = b.split("ITEM: ATOMS ", 1)
        lines = head.split("\n")
        steps.append(int(lines[0]))
        i = lines.index(next(l for l in lines if l.startswith("ITEM: BOX BOUNDS")))
        lo_hi = [tuple(map(float, lines[i + k].split()[:2])) for k in (1, 2, 3)]
        boxes.append([hi - lo for lo, hi in lo_hi])
        cols, body = atoms.split("\n", 1)
        cols = cols.split()
        data = np.fromstring(body, sep=" ").reshape(-1, len(cols))
        ids = data[:, cols.index("id")]
        if not np.all(np.diff(ids) > 0):
            data = data[np.argsort(ids)]
        if types is None:
            types = data[:, cols.index("type")].astype(int)
        pos.append(data[:, [cols.index(c) for c in ("xu", "yu", "zu")]])
    return np.array(steps), np.array(boxes), types, np.array(pos)


def fs_curve(pos, sel, q, origins):
    """F_s(q, lag) for lag = 0 .. F-1 (in frames)."""
    nf = pos.shape[0]
    com = pos.mean(axis=1)                      # centre of mass of all particles (equal masses)
    p = pos[:, sel, :] - com[:, None, :]
    fs = np.full(nf, np.nan)
    counts = np.zeros(nf)
    for lag in range(nf):
        n0 = nf - lag
        t0s = np.unique(np.linspace(0, n0 - 1, min(origins, n0)).round().astype(int))
        dr = p[t0s + lag] - p[t0s]
        r = np.sqrt((dr ** 2).sum(axis=2)) * q
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.where(r > 1e-12, np.sin(r) / r, 1.0)
        fs[lag] = v.mean()
        counts[lag] = len(t0s)
    return fs, counts


def tau_alpha(t, fs):
    """(tau, exact) where F_s = 1/e, log-linear interpolation; (t_max, False) if never crossed."""
    target = 1.0 / math.e
    below = np.nonzero(fs < target)[0]
    if len(below) == 0:
        return t[-1], False
    k = below[0]
    t1, t2, f1, f2 = t[k - 1], t[k], fs[k - 1], fs[k]
    if t1 <= 0:
        return t2, True
    x = math.log(t1) + (math.log(t2) - math.log(t1)) * (f1 - target) / (f1 - f2)
    return math.exp(x), True


def sq_peak(x, L, qmin=4.0, qmax=10.0):
    """First peak of S(q) of the particles at x in a cubic box of edge L, searched in [qmin, qmax]."""
    nmax = int(qmax * L / (2 * math.pi)) + 1
    n = np.arange(-nmax, nmax + 1)
    g = np.array(np.meshgrid(n, n, n, indexing="ij")).reshape(3, -1).T
    g = g[(g ** 2).sum(1) > 0]
    qv = 2 * math.pi / L * g
    qn = np.sqrt((qv ** 2).sum(1))
    keep = (qn >= qmin) & (qn <= qmax)
    qv, qn = qv[keep], qn[keep]
    s = np.empty(len(qv))
    for a in range(0, len(qv), 2000):
        ph = x @ qv[a:a + 2000].T
        s[a:a + 2000] = (np.cos(ph).sum(0) ** 2 + np.sin(ph).sum(0) ** 2) / len(x)
    width = 2 * math.pi / L
    bins = np.floor(qn / width).astype(int)
    sb = np.bincount(bins, weights=s) / np.maximum(np.bincount(bins), 1)
    qb = np.bincount(bins, weights=qn) / np.maximum(np.bincount(bins), 1)
    ok = np.bincount(bins) > 0           # first peak of KA S_AA(q) lies near 7
    k = np.argmax(np.where(ok, sb, -1))
    return qb[k], sb[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dumps", nargs="+")
    ap.add_argument("--q", type=float, default=7.25)
    ap.add_argument("--type", type=int, default=1)
    ap.add_argument("--dt-frame", type=float, default=1.0, help="time between frames (default 1 tau)")
    ap.add_argument("--origins", type=int, default=200, help="time origins per lag (default 200)")
    ap.add_argument("--sq", action="store_true", help="also print the first peak of S(q) of --type")
    ap.add_argument("--markdown", action="store_true", help="one markdown table row per dump")
    ap.add_argument("--json", help="also write the numbers to this JSON file")
    ap.add_argument("--curve", help="write t, F_s of every dump to this CSV prefix (PREFIX_<name>.csv)")
    a = ap.parse_args()
    if a.markdown:
        print("| dump | N | N_type | frames | span (τ) | F_s(10 τ) | τ_α (τ) | q* of S(q) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    results = []
    for path in a.dumps:
        steps, boxes, types, pos = read_dump(path)
        if len(set(np.diff(steps))) > 1:
            sys.exit(f"{path}: frames are not evenly spaced")
        sel = types == a.type
        fs, _ = fs_curve(pos, sel, a.q, a.origins)
        t = np.arange(len(fs)) * a.dt_frame
        tau, exact = tau_alpha(t, fs)
        f10 = fs[int(round(10 / a.dt_frame))] if len(fs) > 10 / a.dt_frame else float("nan")
        peak = ""
        if a.sq:
            qs, ss = sq_peak(pos[-1][sel], boxes[-1][0])
            peak = f"{qs:.2f} (S = {ss:.2f})"
        name = path.rsplit("/", 1)[-1]
        tau_s = f"{tau:.1f}" if exact else f"> {tau:.0f}"
        if a.markdown:
            print(f"| {name} | {len(types)} | {sel.sum()} | {len(fs)} | {t[-1]:.0f} | {f10:.3f} | {tau_s} | {peak} |")
        else:
            print(f"{name}: N={len(types)} type {a.type}: {sel.sum()}, {len(fs)} frames over {t[-1]:.0f}; "
                  f"F_s(q={a.q}, 10)={f10:.3f}; tau_alpha={tau_s}" + (f"; S(q) peak at q={peak}" if peak else ""))
        results.append(dict(dump=name, N=int(len(types)), N_type=int(sel.sum()), frames=int(len(fs)), span=float(t[-1]),
                            fs10=float(f10), tau_alpha=float(tau), crossed=bool(exact), q=a.q,
                            sq_peak=(float(qs), float(ss)) if a.sq else None))
        if a.curve:
            stem = name.replace(".dump.gz", "").replace(".dump", "")
            np.savetxt(f"{a.curve}_{stem}.csv", np.c_[t, fs], delimiter=",", header="t,F_s", comments="", fmt="%.6g")

    if a.json:
        import json
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
