#!/usr/bin/env python3
"""numpy + scipy reference for the Swift `Structure` module (benchmark baseline and cross-check).

Same definitions, parameters and cutoffs as Sources/Structure/StructureFunctions.swift:

  G_X(i; r0)        = sum_{j != i, species(j)=X, r_ij < rc_rad} exp(-(r_ij - r0)^2 / (2 delta^2))
  Psi_XY(i; xi,l,z) = sum_{j<k, r_ij, r_ik < rc_ang, {X,Y}} exp(-(r_ij^2 + r_ik^2 + r_jk^2)/xi^2)
                                                            * (1 + l cos theta_jik)^z

Column layout as StructureFunctionParameters.featureNames (radial: channel-major then r0;
angular: species pair, then xi, lambda, zeta). Orthogonal periodic boxes only
(scipy.spatial.cKDTree with boxsize). Presets: `pooled` (50 radial + 20 angular, species pooled,
= StructureFunctionParameters.pooled50Radial20Angular) and `schoenholz2016`.

Implementation (vectorised, no per-pair Python): centres are processed in batches; one cKDTree
of all particles is queried with `sparse_distance_matrix` against a tree of the batch centres;
displacements by the minimum image; radial Gaussians as one (pairs x r0) array reduced per
centre with np.add.reduceat; angular terms on padded (batch x K x K) neighbour blocks: Gram
matrix by batched matmul, cos theta and r_jk^2 from it, then for each xi one exp over the
upper triangle and one batched matmul against the (1 + lambda cos)^zeta powers.

p_hop (Candelier et al. 2009), as Sources/Structure/Phop.swift:
  p_hop(i,t) = sqrt(<(r - <r>_B)^2>_A <(r - <r>_A)^2>_B), A = [t-h, t], B = [t, t+h] (frames),
computed from window means / variances (sums over the h + 1 frame offsets, vectorised over all
frames and particles; positions taken relative to frame 0 to avoid cancellation).

Usage:
  tools/featurize_reference.py featurize DUMP [--preset pooled] [-o out.npy] [--batch 256]
  tools/featurize_reference.py phop DUMP [--half-window 5] [-o out.npy]
Prints timings (read, compute) as JSON on the last line of stdout.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
from scipy.spatial import cKDTree


# ----------------------------------------------------------------------------------- parameters
def preset(name, tol=1e-8):
    grid = [k / 10 for k in range(1, 51)]
    if name == "pooled":
        p = dict(r0=grid, delta=0.1, xi=[0.5, 0.6, 0.7, 0.8, 0.9], lam=[-1.0, 1.0], zeta=[1.0, 2.0],
                 species=[1, 2], resolve=False)
    elif name == "schoenholz2016":
        p = dict(r0=grid, delta=0.1, xi=[1.0, 1.5, 2.0], lam=[-1.0, 1.0], zeta=[1.0, 2.0, 4.0, 16.0],
                 species=[1, 2], resolve=True)
    else:
        raise SystemExit("unknown preset %s" % name)
    p["rc_rad"] = max(p["r0"]) + p["delta"] * math.sqrt(2 * math.log(1 / tol))
    p["rc_ang"] = max(p["xi"]) * math.sqrt(math.log(1 / tol) / 1.5)
    return p


# ----------------------------------------------------------------------------------- input
def read_dump(path, max_frames=None):
    """LAMMPS text dump with an orthogonal box and columns id type x y z (any x/xu naming).
    Returns (boxes [F,3] lengths, lows [F,3], types [N], positions [F,N,3]) sorted by id."""
    with open(path) as fh:
        text = fh.read()
    frames = text.split("ITEM: TIMESTEP")[1:]
    if max_frames:
        frames = frames[:max_frames]
    boxes, lows, pos, types = [], [], [], None
    for chunk in frames:
        head, body = chunk.split("ITEM: ATOMS", 1)
        lines = head.split("\n")
        n = int(lines[lines.index("ITEM: NUMBER OF ATOMS") + 1])
        b = lines.index(next(l for l in lines if l.startswith("ITEM: BOX BOUNDS")))
        bounds = np.array([lines[b + 1 + k].split()[:2] for k in range(3)], dtype=float)
        cols = body.split("\n", 1)[0].split()
        data = np.array(body.split("\n", 1)[1].split(), dtype=float).reshape(n, len(cols))
        order = np.argsort(data[:, cols.index("id")], kind="stable")
        data = data[order]
        xyz = [next(c for c in cols if c in (a + "u", a)) for a in "xyz"]
        pos.append(data[:, [cols.index(c) for c in xyz]])
        if types is None:
            types = data[:, cols.index("type")].astype(int)
        boxes.append(bounds[:, 1] - bounds[:, 0])
        lows.append(bounds[:, 0])
    return np.array(boxes), np.array(lows), types, np.array(pos)


# ----------------------------------------------------------------------------------- features
def featurize(positions, types, box, p, batch=256, limit=None):
    """Feature matrix [centres, F]; centres are particles 0..limit-1 (default all); every
    particle acts as a neighbour."""
    n = len(positions)
    nc = n if limit is None else min(n, limit)
    L = np.asarray(box, dtype=float)
    x = np.mod(positions, L)
    x[x >= L] = 0.0
    code = {s: k for k, s in enumerate(p["species"])}
    ch = np.array([code[t] if p["resolve"] else 0 for t in types], dtype=np.int64)
    nch = len(p["species"]) if p["resolve"] else 1
    r0 = np.asarray(p["r0"])
    nR = len(r0)
    xi = np.asarray(p["xi"])
    lam = np.asarray(p["lam"])
    zeta = np.asarray(p["zeta"])
    nLZ = len(lam) * len(zeta)
    nA = len(xi) * nLZ
    pairs = [(a, b) for a in range(nch) for b in range(a, nch)]
    F = nch * nR + len(pairs) * nA
    out = np.zeros((nc, F))
    tree = cKDTree(x, boxsize=L)
    rc = max(p["rc_rad"], p["rc_ang"])
    inv2d2 = 1.0 / (2 * p["delta"] ** 2)
    inv_xi2 = 1.0 / xi ** 2
    for start in range(0, nc, batch):
        idx = np.arange(start, min(nc, start + batch))
        B = len(idx)
        sub = cKDTree(x[idx], boxsize=L)
        sdm = sub.sparse_distance_matrix(tree, rc, output_type="ndarray")
        ci, nj = sdm["i"].astype(np.int64), sdm["j"].astype(np.int64)
        keep = idx[ci] != nj
        ci, nj = ci[keep], nj[keep]
        order = np.argsort(ci, kind="stable")
        ci, nj = ci[order], nj[order]
        d = x[nj] - x[idx[ci]]
        d -= L * np.round(d / L)
        r2 = np.einsum("ij,ij->i", d, d)
        r = np.sqrt(r2)
        # radial
        rad = r < p["rc_rad"]
        key = ci[rad] * nch + ch[nj[rad]]
        g = np.exp(-((r[rad, None] - r0[None, :]) ** 2) * inv2d2)
        acc = np.zeros((B * nch, nR))
        if len(key):
            # pairs are sorted by centre; sort by (centre, channel) and reduce each run
            o = np.argsort(key, kind="stable")
            key, g = key[o], g[o]
            starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            acc[key[starts]] = np.add.reduceat(g, starts, axis=0)
        out[idx, : nch * nR] = acc.reshape(B, nch * nR)
        # angular: padded neighbour blocks
        ang = r < p["rc_ang"]
        ca, da, ra, cha = ci[ang], d[ang], r[ang], ch[nj[ang]]
        counts = np.bincount(ca, minlength=B)
        K = int(counts.max()) if len(counts) else 0
        if K < 2:
            continue
        first = np.r_[0, np.cumsum(counts)[:-1]]
        slot = np.arange(len(ca)) - first[ca]
        D = np.zeros((B, K, 3))
        D[ca, slot] = da
        R = np.ones((B, K))
        R[ca, slot] = ra
        C = np.full((B, K), -1, dtype=np.int64)
        C[ca, slot] = cha
        valid = np.zeros((B, K), dtype=bool)
        valid[ca, slot] = True
        iu, ju = np.triu_indices(K, 1)
        G = np.matmul(D, D.transpose(0, 2, 1))[:, iu, ju]          # r_j . r_k, (B, P)
        rj, rk = R[:, iu], R[:, ju]
        s = 2 * (rj * rj + rk * rk) - 2 * G                          # r_ij^2 + r_ik^2 + r_jk^2
        cos = np.clip(G / (rj * rk), -1.0, 1.0)
        pv = valid[:, iu] & valid[:, ju]
        pw = np.empty((B, len(iu), nLZ))
        for a, l in enumerate(lam):
            base = np.maximum(1 + l * cos, 0.0)
            for b, z in enumerate(zeta):
                pw[:, :, a * len(zeta) + b] = base ** z if z != int(z) else base ** int(z)
        cj, ck = C[:, iu], C[:, ju]
        for blk, (ca_, cb_) in enumerate(pairs):
            m = pv & (((cj == ca_) & (ck == cb_)) | ((cj == cb_) & (ck == ca_)))
            if nch == 1:
                m = pv
            for q, a_ in enumerate(inv_xi2):
                e = np.exp(-s * a_) * m                                 # (B, P)
                col = nch * nR + blk * nA + q * nLZ
                out[idx, col: col + nLZ] = np.matmul(e[:, None, :], pw)[:, 0, :]
    return out


# ----------------------------------------------------------------------------------- p_hop
def phop(pos, h):
    """pos [F, N, 3] unwrapped; returns p_hop [F - 2h, N] for frames h .. F-1-h."""
    F = pos.shape[0]
    x = pos - pos[0]                                   # relative to frame 0 (no cancellation)
    W = F - h                                          # windows W(f) = frames f .. f+h, f = 0..F-h-1
    m = np.zeros((W,) + pos.shape[1:])
    q = np.zeros((W, pos.shape[1]))
    for g in range(h + 1):
        m += x[g: g + W]
    m /= h + 1
    for g in range(h + 1):
        dx = x[g: g + W] - m
        q += np.einsum("fni,fni->fn", dx, dx)
    q /= h + 1
    # t = h .. F-1-h: A = W(t-h) (index t-h), B = W(t) (index t)
    mA, vA = m[: F - 2 * h], q[: F - 2 * h]
    mB, vB = m[h: F - h], q[h: F - h]
    shift = np.einsum("fni,fni->fn", mA - mB, mA - mB)
    return np.sqrt((vA + shift) * (vB + shift))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("featurize")
    f.add_argument("dump")
    f.add_argument("--preset", default="pooled")
    f.add_argument("--batch", type=int, default=256)
    f.add_argument("--particles", type=int, default=0,
                   help="centres: only the first n particles by id (all still act as neighbours)")
    f.add_argument("-o", "--output")
    ph = sub.add_parser("phop")
    ph.add_argument("dump")
    ph.add_argument("--half-window", type=int, default=5)
    ph.add_argument("-o", "--output")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.mode == "featurize":
        boxes, lows, types, pos = read_dump(args.dump, max_frames=1)
        t1 = time.perf_counter()
        p = preset(args.preset)
        x = pos[0] - lows[0]
        full = featurize(x, types, boxes[0], p, batch=args.batch, limit=args.particles or None)
        t2 = time.perf_counter()
        if args.output:
            np.save(args.output, full)
        info = dict(mode="featurize", n=int(len(types)), features=int(full.shape[1]), read_s=t1 - t0,
                    compute_s=t2 - t1, total_s=time.perf_counter() - t0)
    else:
        boxes, lows, types, pos = read_dump(args.dump)
        t1 = time.perf_counter()
        v = phop(pos, args.half_window)
        t2 = time.perf_counter()
        if args.output:
            np.save(args.output, v)
        info = dict(mode="phop", n=int(pos.shape[1]), frames=int(pos.shape[0]), read_s=t1 - t0,
                    compute_s=t2 - t1, total_s=time.perf_counter() - t0)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
