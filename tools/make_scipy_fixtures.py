#!/usr/bin/env python3
"""Reference values of scipy for the `Learning` statistics tests.

Writes Tests/LearningTests/Fixtures/chi2_sf.json: scipy.stats.chi2.sf(x, k) on a grid of
degrees of freedom and chi-squared values (the p-values of the lack-of-fit checks).

Usage:  python3 tools/make_scipy_fixtures.py
"""
import json
import os

import scipy
from scipy.stats import chi2

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "LearningTests", "Fixtures", "chi2_sf.json")

cases = []
for k in [1, 2, 3, 4, 5, 7, 10, 13, 20, 50, 100]:
    for factor in [0.0, 0.01, 0.1, 0.5, 0.9, 1.0, 1.1, 1.5, 2.0, 3.0, 5.0, 10.0]:
        x = factor * k
        cases.append({"k": k, "x": x, "sf": float(chi2.sf(x, k))})
for x in [17.0 * 4, 46.0 * 4, 200.0]:
    cases.append({"k": 4, "x": x, "sf": float(chi2.sf(x, 4))})

with open(OUT, "w") as f:
    json.dump({"scipy_version": scipy.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"wrote {OUT}: {len(cases)} values")
