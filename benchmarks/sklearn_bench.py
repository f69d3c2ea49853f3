#!/usr/bin/env python3
"""numpy / scikit-learn side of the diagnostics benchmark (the Swift side is
benchmarks/DiagnosticsBenchmark). Both read the SAME particle table written by `softness generate`.

Usage:
    sklearn_bench.py svm      FILE [repeats] [tol]     LinearSVC(dual=False, C=1) on the standardized training rows
    sklearn_bench.py pipeline FILE [repeats] [B]       load + the whole diagnose, B bootstrap replicates
    sklearn_bench.py rfe      FILE [repeats] [B]       RFE d -> 1, cold refit at every step (like sklearn.feature_selection.RFE)

Every mode runs in its own process so that peak RSS (resource.getrusage ru_maxrss) belongs to it.
Prints one machine-readable line per result:  key=value pairs, first token "sklearn".

Definitions are those of DESIGN.md section 1 and of softness's BarrierDiagnostic:
  * standardization: mean and population sd (ddof=0) over training rows (/split == 0);
  * SVM objective (liblinear, intercept as a penalized constant feature of value 1):
        0.5*(|w|^2 + b^2) + C * sum_i max(0, 1 - y_i (w.x_i + b))^2, computed here in numpy;
  * softness S = (w.z + b)/|w| for every row;
  * logit P(R=+1|S,T) = a(T) + b(T) S by unpenalized maximum likelihood on the test rows of each T
    (LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-8), i.e. penalty=None, which is
    deprecated in scikit-learn 1.8+; lbfgs at its default tol gives b(T) within ~1e-4 relative and is not faster);
  * a(T), b(T) least squares in 1/T; dE_inf(S) = -(A1 + B1 S);
  * truth: OLS slope of dE_inf(S_i) on the true dE_i over test rows at the training temperature;
  * variance: population Var(dE_inf) over the same rows; bootstrap: multinomial resample of each
    temperature's test rows (as sample weights), refit of the logistic fits and of b(T) in 1/T,
    Var = B1^2 Var_w(S); error = sample sd over replicates.
"""
import os
import resource
import sys
import time
import warnings

import h5py
import numpy as np
import scipy
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

warnings.simplefilter("ignore", ConvergenceWarning)
C = 1.0


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def load(path):
    with h5py.File(path, "r") as f:
        x = f["features"][...].astype(np.float64, copy=False)
        y = f["labels"][...].astype(np.float64)
        t = f["temperature"][...]
        split = f["split"][...]
        energy = f["energy_barrier"][...] if "energy_barrier" in f else None
    return x, y, t, split, energy


def liblinear_objective(z, y, w, b, c=C):
    margin = 1.0 - y * (z @ w + b)
    np.maximum(margin, 0.0, out=margin)
    return 0.5 * (w @ w + b * b) + c * (margin @ margin)


def fit_svm(z, y, tol=1e-4, max_iter=1000):
    clf = LinearSVC(dual=False, C=C, tol=tol, max_iter=max_iter)
    clf.fit(z, y)
    return clf.coef_.ravel().copy(), float(clf.intercept_[0]), int(np.max(clf.n_iter_))


def logistic(s, r, weights=None):
    m = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-8, max_iter=1000)
    m.fit(s[:, None], r, sample_weight=weights)
    return float(m.intercept_[0]), float(m.coef_[0, 0])


def diagnose(x, y, t, split, energy, columns, bootstrap, seed=1, ztrain=None):
    """The whole diagnostic on the given columns. Returns a dict of results."""
    train = split == 0
    test = ~train
    xs = x[:, columns]                                  # copy, as sklearn's RFE does
    if ztrain is None:
        xt = xs[train]
        mean = xt.mean(axis=0)
        sd = xt.std(axis=0)
        z = (xt - mean) / sd
        del xt
    else:
        mean, sd, z = ztrain
        z = z[:, columns]
    w, b, iters = fit_svm(z, y[train])
    objective = liblinear_objective(z, y[train], w, b)
    del z
    norm = np.linalg.norm(w)
    scaled = w / sd
    s = (xs @ scaled - mean @ scaled + b) / norm
    del xs
    train_temperatures = np.unique(t[train])
    temps = np.unique(t[test])
    groups = []
    for temp in temps:
        rows = np.flatnonzero(test & (t == temp))
        groups.append((temp, s[rows], y[rows], energy[rows] if energy is not None else None,
                       temp in train_temperatures))
    fits = [logistic(g[1], g[2]) for g in groups]
    inv_t = 1.0 / temps
    a1, a0 = np.polyfit(inv_t, [f[0] for f in fits], 1)
    b1, b0 = np.polyfit(inv_t, [f[1] for f in fits], 1)
    # R^2 of logit vs 1/T on a 15-point S grid (2.5-97.5 % quantiles of test softness), as softness reports.
    grid = np.quantile(s[test], np.linspace(0.025, 0.975, 15))
    logits = np.array([[f[0] + f[1] * g for f in fits] for g in grid])
    r2 = []
    for row in logits:
        p = np.polyfit(inv_t, row, 1)
        res = row - np.polyval(p, inv_t)
        tot = row - row.mean()
        r2.append(1 - (res @ res) / (tot @ tot) if tot @ tot > 0 else 1.0)
    at_train = [g for g in groups if g[4]]
    s_tr = np.concatenate([g[1] for g in at_train])
    inferred = -(a1 + b1 * s_tr)
    variance = float(np.var(inferred))
    result = dict(iterations=iters, objective=objective, variance=variance,
                  accuracy=float(np.mean(np.where(s_tr > 0, 1.0, -1.0) == np.concatenate([g[2] for g in at_train]))),
                  dE_slope=float(-b1), dE_intercept=float(-a1), weights=w)
    if energy is not None:
        e = np.concatenate([g[3] for g in at_train])
        slope, intercept = np.polyfit(e, inferred, 1)
        result["truth_slope"] = float(slope)
        result["truth_r2"] = float(np.corrcoef(e, inferred)[0, 1] ** 2)
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        values = []
        for _ in range(bootstrap):
            slopes, sw, ss, sq = [], 0.0, 0.0, []
            for temp, sg, rg, _, is_train in groups:
                counts = np.bincount(rng.integers(0, len(sg), len(sg)), minlength=len(sg)).astype(np.float64)
                slopes.append(logistic(sg, rg, counts)[1])
                if is_train:
                    sq.append((sg, counts))
            bb1 = np.polyfit(inv_t, slopes, 1)[0]
            sw = sum(c.sum() for _, c in sq)
            mean_s = sum((c * v).sum() for v, c in sq) / sw
            var_s = sum((c * (v - mean_s) ** 2).sum() for v, c in sq) / sw
            values.append(bb1 * bb1 * var_s)
        result["variance_error"] = float(np.std(values, ddof=1))
    return result


def main():
    mode, path = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    extra = sys.argv[4] if len(sys.argv) > 4 else None
    tag = os.path.basename(path)
    versions = f"sklearn={sklearn.__version__} numpy={np.__version__} scipy={scipy.__version__} h5py={h5py.__version__}"
    if mode == "svm":
        tol = float(extra) if extra else 1e-4
        x, y, t, split, energy = load(path)
        feature_mb = x.nbytes / 2**20
        train = split == 0
        xt = x[train]
        del x, t, energy
        z = (xt - xt.mean(axis=0)) / xt.std(axis=0)
        del xt
        yt = y[train]
        best, out = float("inf"), None
        for _ in range(repeats):
            start = time.perf_counter()
            out = fit_svm(z, yt, tol=tol)
            best = min(best, time.perf_counter() - start)
        w, b, iters = out
        objective = liblinear_objective(z, yt, w, b)
        print(f"sklearn svm file={tag} rows={z.shape[0]} d={z.shape[1]} tol={tol:g} best_s={best:.4f} "
              f"repeats={repeats} iterations={iters} objective={objective:.12e} "
              f"peak_rss_mb={peak_rss_mb():.1f} feature_mb={feature_mb:.1f} {versions}")
    elif mode == "pipeline":
        bootstrap = int(extra) if extra else 20
        best, result = float("inf"), None
        for _ in range(repeats):
            start = time.perf_counter()
            x, y, t, split, energy = load(path)
            result = diagnose(x, y, t, split, energy, np.arange(x.shape[1]), bootstrap)
            best = min(best, time.perf_counter() - start)
            feature_mb = x.nbytes / 2**20
            del x
        print(f"sklearn pipeline file={tag} bootstrap={bootstrap} best_s={best:.4f} repeats={repeats} "
              f"objective={result['objective']:.12e} slope={result.get('truth_slope', float('nan')):.6f} "
              f"variance={result['variance']:.6f} variance_error={result.get('variance_error', float('nan')):.6f} "
              f"accuracy={result['accuracy']:.6f} peak_rss_mb={peak_rss_mb():.1f} feature_mb={feature_mb:.1f} {versions}")
    elif mode == "rfe":
        bootstrap = int(extra) if extra else 0
        x, y, t, split, energy = load(path)
        feature_mb = x.nbytes / 2**20
        best, steps = float("inf"), None
        for _ in range(repeats):
            start = time.perf_counter()
            kept = list(range(x.shape[1]))
            steps = []
            while True:
                r = diagnose(x, y, t, split, energy, np.array(kept), bootstrap)
                steps.append((len(kept), r))
                if len(kept) == 1:
                    break
                a = np.abs(r["weights"])
                drop = len(a) - 1 - int(np.argmin(a[::-1]))   # ties: higher column index, as softness
                kept.pop(drop)
            best = min(best, time.perf_counter() - start)
        peak = max(steps, key=lambda kr: kr[1]["variance"])
        total_iters = sum(r["iterations"] for _, r in steps)
        print(f"sklearn rfe file={tag} bootstrap={bootstrap} steps={len(steps)} best_s={best:.4f} repeats={repeats} "
              f"newton_iterations={total_iters} peak_kept={peak[0]} peak_variance={peak[1]['variance']:.6f} "
              f"objective_first={steps[0][1]['objective']:.12e} objective_last={steps[-1][1]['objective']:.12e} "
              f"peak_rss_mb={peak_rss_mb():.1f} feature_mb={feature_mb:.1f} {versions}")
        for kept_count, r in steps:
            print(f"sklearn rfe_step kept={kept_count} variance={r['variance']:.6f} accuracy={r['accuracy']:.6f} "
                  f"slope={r.get('truth_slope', float('nan')):.6f} objective={r['objective']:.12e} iterations={r['iterations']}")
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
