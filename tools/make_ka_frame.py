#!/usr/bin/env python3
"""Write Kob-Andersen-like benchmark inputs as LAMMPS text dumps (`id type xu yu zu`).

  tools/make_ka_frame.py frame N OUT [--seed S]
      one frame of N particles at number density 1.2 in a cubic periodic box, types 1/2 in
      the ratio 80:20 (randomly assigned). Positions: N sites drawn without replacement from
      the smallest simple-cubic lattice with >= N sites, each displaced by a Gaussian of
      0.12 lattice spacings per axis (a dense disordered configuration without the
      unphysical overlaps of an ideal gas; neighbour counts per cutoff are those of
      density 1.2, which is what sets the cost of the structure functions).

  tools/make_ka_frame.py walk N FRAMES OUT [--seed S] [--step D]
      FRAMES frames of N particles: frame 0 as above, then independent Gaussian random walks
      (step D per axis and frame, default 0.05) in unwrapped coordinates, for p_hop.

Deterministic for a given seed (numpy PCG64). Needs numpy only.
"""
import argparse
import sys

import numpy as np

DENSITY = 1.2


def initial_frame(n, rng):
    box = (n / DENSITY) ** (1.0 / 3.0)
    m = int(np.ceil(n ** (1.0 / 3.0) - 1e-9))
    sites = rng.choice(m ** 3, size=n, replace=False)
    ijk = np.stack(np.unravel_index(sites, (m, m, m)), axis=1).astype(np.float64)
    a = box / m
    pos = (ijk + 0.5) * a + rng.normal(0.0, 0.12 * a, size=(n, 3))
    pos %= box
    types = np.full(n, 1, dtype=np.int64)
    types[rng.choice(n, size=int(round(0.2 * n)), replace=False)] = 2
    return box, pos, types


def write_frame(fh, timestep, box, pos, types):
    n = len(types)
    fh.write("ITEM: TIMESTEP\n%d\nITEM: NUMBER OF ATOMS\n%d\nITEM: BOX BOUNDS pp pp pp\n" % (timestep, n))
    for _ in range(3):
        fh.write("0.0000000000000000e+00 %.16e\n" % box)
    fh.write("ITEM: ATOMS id type xu yu zu\n")
    # Fast formatting: one big string per frame (np.savetxt is ~3x slower).
    ids = np.arange(1, n + 1)
    fmt = "%d %d %.10f %.10f %.10f\n"
    fh.write("".join(fmt % row for row in zip(ids, types, pos[:, 0], pos[:, 1], pos[:, 2])))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("frame")
    f.add_argument("n", type=int)
    f.add_argument("out")
    f.add_argument("--seed", type=int, default=1)
    w = sub.add_parser("walk")
    w.add_argument("n", type=int)
    w.add_argument("frames", type=int)
    w.add_argument("out")
    w.add_argument("--seed", type=int, default=2)
    w.add_argument("--step", type=float, default=0.05)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    box, pos, types = initial_frame(args.n, rng)
    with open(args.out, "w") as fh:
        if args.mode == "frame":
            write_frame(fh, 0, box, pos, types)
        else:
            for t in range(args.frames):
                if t > 0:
                    pos = pos + rng.normal(0.0, args.step, size=pos.shape)
                write_frame(fh, 100 * t, box, pos, types)
    return 0


if __name__ == "__main__":
    sys.exit(main())
