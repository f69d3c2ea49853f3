#!/usr/bin/env python3
"""Generate the scikit-learn reference fixtures for the `Learning` module tests.

Writes into Tests/LearningTests/Fixtures/:

  toy300x5.csv      paper toy model (Sec. II), 5 dims, all relevant, rounded to 4 decimals
  toy2000x14.csv    paper toy model, 14 dims (10 relevant, alpha = 1.2, 4 noise), 2 decimals
  spurious400x20.csv  "spurious" variant (x_1..x_10, z_j = x_j^2 * sum_k x_k), standardized
                    with population sd, then rounded to 3 decimals
  sklearn_fits.json reference fits (coefficients, intercept, primal objective computed in numpy,
                    sklearn's n_iter_) plus the sklearn / numpy versions used.

CSV layout: header `label,x1,...,xd`, then one row per sample, label in {+1,-1}.
The fits are computed on the *rounded* values exactly as written, so parsing the CSV in Swift
reproduces the training data bit for bit (decimal strings -> nearest double on both sides).

Objectives (as liblinear / scikit-learn define them, intercept_scaling = 1):
  squared hinge:  0.5*(|w|^2 + b^2) + C * sum_i max(0, 1 - y_i (w.x_i + b))^2
  hinge:          0.5*(|w|^2 + b^2) + C * sum_i max(0, 1 - y_i (w.x_i + b))
  logistic:       0.5*|w|^2 + C * sum_i log(1 + exp(-y_i (w.x_i + b)))   (intercept unpenalized;
                  without penalty the reported value is the negative log-likelihood)

Usage:  python3 tools/make_sklearn_fixtures.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "LearningTests", "Fixtures")
C_VALUES = [0.01, 1.0, 100.0]
T = 0.4


def toy(rng, n, dims, relevant=10, alpha=1.2):
    x = rng.standard_normal((n, dims))
    a = np.zeros(dims)
    a[: min(relevant, dims)] = alpha
    dE = x @ a
    p = 1.0 / (1.0 + np.exp(dE / T))
    y = np.where(rng.random(n) < p, 1.0, -1.0)
    return x, y


def spurious(rng, n):
    x = rng.standard_normal((n, 10))
    dE = 1.2 * x.sum(axis=1)
    z = x**2 * x.sum(axis=1, keepdims=True)
    p = 1.0 / (1.0 + np.exp(dE / T))
    y = np.where(rng.random(n) < p, 1.0, -1.0)
    f = np.hstack([x, z])
    f = (f - f.mean(axis=0)) / f.std(axis=0)
    return f, y


def write_csv(name, x, y, decimals):
    path = os.path.join(OUT, name)
    fmt = "%." + str(decimals) + "f"
    with open(path, "w") as fh:
        fh.write("label," + ",".join("x%d" % (j + 1) for j in range(x.shape[1])) + "\n")
        for yi, row in zip(y, x):
            fh.write("%d," % int(yi) + ",".join((fmt % v).rstrip("0").rstrip(".") if v != 0 else "0"
                                                 for v in row) + "\n")
    # Re-read exactly what was written so fits use the same doubles as the Swift side.
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, 1:], data[:, 0]


def svm_objective(w, b, x, y, C, loss):
    m = y * (x @ w + b)
    h = np.maximum(0.0, 1.0 - m)
    data = np.sum(h * h) if loss == "squared_hinge" else np.sum(h)
    return 0.5 * (w @ w + b * b) + C * data


def logistic_objective(w, b, x, y, C):
    m = y * (x @ w + b)
    nll = np.sum(np.logaddexp(0.0, -m))
    return nll if C is None else 0.5 * (w @ w) + C * nll, -nll


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    sets = {}
    x, y = toy(rng, 300, 5, relevant=5)
    sets["toy300x5"] = write_csv("toy300x5.csv", x, y, 4)
    x, y = toy(rng, 2000, 14)
    sets["toy2000x14"] = write_csv("toy2000x14.csv", x, y, 2)
    x, y = spurious(rng, 400)
    sets["spurious400x20"] = write_csv("spurious400x20.csv", x, y, 3)

    fits = []
    for name, (x, y) in sets.items():
        for C in C_VALUES:
            # Squared hinge, primal (liblinear TRON).
            m = LinearSVC(dual=False, C=C, tol=1e-12, max_iter=100000).fit(x, y)
            w, b = m.coef_[0], float(m.intercept_[0])
            fits.append(dict(dataset=name, model="svm", loss="squared_hinge", C=C,
                             sklearn="LinearSVC(dual=False, C=%g, tol=1e-12, max_iter=100000)" % C,
                             coef=w.tolist(), intercept=b, n_iter=int(m.n_iter_),
                             objective=svm_objective(w, b, x, y, C, "squared_hinge")))
            # Hinge, dual coordinate descent. liblinear's projected-gradient gap often cannot get
            # below ~1e-11 in floating point (w is updated incrementally), so try tol = 1e-12 first
            # and relax to 1e-10 / 1e-9; keep the fit only when liblinear reports convergence.
            max_iter = 10**6
            for tol in [1e-12, 1e-10, 1e-9]:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    m = LinearSVC(loss="hinge", dual=True, C=C, tol=tol, max_iter=max_iter,
                                  random_state=0).fit(x, y)
                if m.n_iter_ < max_iter:
                    break
            if m.n_iter_ < max_iter:
                w, b = m.coef_[0], float(m.intercept_[0])
                fits.append(dict(dataset=name, model="svm", loss="hinge", C=C,
                                 sklearn="LinearSVC(loss='hinge', dual=True, C=%g, tol=%g, max_iter=1e6)"
                                 % (C, tol),
                                 coef=w.tolist(), intercept=b, n_iter=int(m.n_iter_),
                                 objective=svm_objective(w, b, x, y, C, "hinge")))
            else:
                print("hinge dual did not converge on %s at C=%g; skipped" % (name, C))
        for C in [None, 1.0]:
            # penalty=None is spelled C=np.inf since scikit-learn 1.8. The default lbfgs solver stops
            # ~1e-5 (relative) away from the optimum on the spurious set even at tol=1e-12, so use
            # scikit-learn's Newton solver, which reaches the optimum to ~1e-10.
            m = LogisticRegression(C=np.inf if C is None else C, solver="newton-cholesky",
                                   tol=1e-12, max_iter=10000).fit(x, y)
            w, b = m.coef_[0], float(m.intercept_[0])
            obj, ll = logistic_objective(w, b, x, y, C)
            fits.append(dict(dataset=name, model="logistic", loss="log", C=C,
                             sklearn="LogisticRegression(%s, solver='newton-cholesky', tol=1e-12, max_iter=10000)"
                             % ("C=inf (no penalty)" if C is None else "C=%g" % C),
                             coef=w.tolist(), intercept=b, n_iter=int(m.n_iter_[0]),
                             objective=obj, log_likelihood=ll))
    # 1-D logistic regression on the first feature (the shape used for logit P(R|S) = a + b S).
    x, y = sets["toy300x5"]
    m = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12,
                           max_iter=10000).fit(x[:, :1], y)
    w, b = m.coef_[0], float(m.intercept_[0])
    obj, ll = logistic_objective(w, b, x[:, :1], y, None)
    fits.append(dict(dataset="toy300x5", columns=[0], model="logistic", loss="log", C=None,
                     sklearn="LogisticRegression(C=inf (no penalty), solver='newton-cholesky', tol=1e-12, "
                     "max_iter=10000) on x1",
                     coef=w.tolist(), intercept=b, n_iter=int(m.n_iter_[0]),
                     objective=obj, log_likelihood=ll))

    doc = dict(sklearn_version=sklearn.__version__, numpy_version=np.__version__,
               generator="tools/make_sklearn_fixtures.py", fits=fits)
    with open(os.path.join(OUT, "sklearn_fits.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
    print("scikit-learn", sklearn.__version__, "-", len(fits), "fits written")


if __name__ == "__main__":
    main()
