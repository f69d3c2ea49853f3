#!/usr/bin/env python3
"""Writes a binned rearrangement table (long CSV: S,T,count,fraction) with binomial counts drawn
from a known law, for the verdict examples in RESULTS.md (tools/verdict_examples.sh).

    P_R(S, T) = exp(Σ(S) − ΔE(S) / (T − T0)),  ΔE(S) = 2.4 − 0.6·S,  Σ(S) = −0.6 + 0.3·S

T0 = 0 is an Arrhenius law (ln P_R exactly linear in 1/T); T0 > 0 is a Vogel–Fulcher-like
super-Arrhenius law, curved in 1/T, as real glass formers are. Six temperatures 0.4 … 0.7 and
seven softness bins −1 … 2, `--count` particles per (bin, temperature).

Usage: make_binned_table.py OUT.csv [--t0 0.12] [--count 20000] [--seed 1]
"""
import argparse

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--t0", type=float, default=0.0)
p.add_argument("--count", type=int, default=20000)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
rng = np.random.default_rng(a.seed)
temperatures = [0.4, 0.45, 0.5, 0.55, 0.6, 0.7]
with open(a.out, "w") as f:
    f.write("S,T,count,fraction\n")
    for s in np.linspace(-1, 2, 7):
        for t in temperatures:
            prob = np.exp((-0.6 + 0.3 * s) - (2.4 - 0.6 * s) / (t - a.t0))
            k = rng.binomial(a.count, prob)
            f.write(f"{s:.4f},{t},{a.count},{k / a.count!r}\n")
