"""Prototype check on the 8 original sets (bench_defaults) and the demo's
flower split: 5-fold CV behind a StandardScaler, as bench_accuracy.py."""

import sys
import warnings

import numpy as np
from _auto_alpha_proto import VARIANTS
from bench_defaults import datasets
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import make_flower

names = sys.argv[1].split(",")
for dname, (X, y) in datasets().items():
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    row = []
    for v in names:
        scores, alphas, conv = [], [], 0
        for tr, te in cv.split(X, y):
            est = make_pipeline(StandardScaler(), VARIANTS[v]())
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est.fit(X[tr], y[tr])
            scores.append(est.score(X[te], y[te]))
            alphas.append(est[-1].alpha_)
            conv += est[-1].converged_
        row.append(
            f"{v}={np.mean(scores):.4f} (α̃={np.median(alphas):.3g}, conv {conv}/5)"
        )
    print(dname, *row, flush=True)
X, y = make_flower(random_state=1)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
for v in names:
    est = make_pipeline(StandardScaler(), VARIANTS[v]()).fit(Xtr, ytr)
    print("demo flower", v, est.score(Xte, yte), est[-1].alpha_)
