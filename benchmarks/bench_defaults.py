"""How TwoLayerClassifier's defaults were chosen: 5-fold CV against MLPClassifier.

Every model sits behind a StandardScaler and is scored by 5-fold stratified
cross-validation (accuracy, and the total fit time over the folds) on
scikit-learn's bundled and generated data sets and the course's flower.

    python benchmarks/bench_defaults.py               # defaults vs MLPClassifier
    python benchmarks/bench_defaults.py --candidates  # the sweep behind them
    python benchmarks/bench_defaults.py --quick       # toy size (the smoke test)

The table is printed and written to ``benchmarks/defaults.md`` (the sweep to
``benchmarks/candidates.md``; ``--out`` to choose).
Sample output (2-core machine; see defaults.md for the latest run)::

    | data set | MLPClassifier() acc | TwoLayerClassifier() acc | ... |
"""

import argparse
import itertools
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_circles,
    make_classification,
    make_moons,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, make_flower

HERE = Path(__file__).resolve().parent


def datasets(quick=False):
    """name -> (X, y). ``quick`` keeps 120 rows of each, for the smoke test."""
    sets = {
        "iris": load_iris(return_X_y=True),
        "wine": load_wine(return_X_y=True),
        "breast_cancer": load_breast_cancer(return_X_y=True),
        "digits": load_digits(return_X_y=True),
        "moons": make_moons(n_samples=500, noise=0.3, random_state=0),
        "circles": make_circles(n_samples=500, noise=0.2, factor=0.5, random_state=0),
        "hard_classification": make_classification(
            n_samples=1000,
            n_features=20,
            n_informative=6,
            n_redundant=4,
            n_classes=3,
            n_clusters_per_class=2,
            class_sep=0.8,
            flip_y=0.05,
            random_state=0,
        ),
        "flower": make_flower(random_state=1),
    }
    if quick:
        rng = np.random.RandomState(0)
        sets = {
            k: (X[idx], y[idx])
            for k, (X, y) in sets.items()
            for idx in [rng.permutation(len(y))[:120]]
        }
    return sets


def cross_validate(model, X, y, folds=5):
    """Mean accuracy and total fit seconds over stratified folds."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    scores, seconds = [], 0.0
    for train, test in cv.split(X, y):
        pipe = make_pipeline(StandardScaler(), model)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            pipe.fit(X[train], y[train])
            seconds += time.perf_counter() - start
        scores.append(pipe.score(X[test], y[test]))
    return float(np.mean(scores)), seconds


def candidates():
    """The sweep behind the defaults (lbfgs, the default solver)."""
    grid = {}
    for act, h, alpha, it in itertools.product(
        ("tanh", "relu"), (32, 64, 100), (0.5, 1.0, 2.0), (100, 200)
    ):
        grid[f"lbfgs {act} h={h} alpha={alpha:g} it={it}"] = TwoLayerClassifier(
            n_hidden=h, activation=act, alpha=alpha, max_iter=it, random_state=0
        )
    return grid


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", action="store_true", help="run the sweep")
    parser.add_argument("--quick", action="store_true", help="toy size")
    parser.add_argument("--out", type=Path, default=None, help="results file")
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = HERE / ("candidates.md" if args.candidates else "defaults.md")

    data = datasets(quick=args.quick)
    folds = 2 if args.quick else 5
    reference = {"MLPClassifier()": MLPClassifier(random_state=0)}
    if args.candidates:
        models = {**reference, **candidates()}
    else:
        models = {
            **reference,
            "TwoLayerClassifier()": TwoLayerClassifier(random_state=0),
            "LogisticRegression()": LogisticRegression(),
        }

    results = {}  # (model, data set) -> (accuracy, seconds)
    for name, model in models.items():
        for dname, (X, y) in data.items():
            results[name, dname] = cross_validate(model, X, y, folds)
        print(f"done: {name}", flush=True)

    mlp = "MLPClassifier()"
    lines = [
        f"# Default settings, {folds}-fold CV behind StandardScaler",
        "",
        f"Machine: {platform.machine()}, {platform.python_version()}, "
        f"scikit-learn {sklearn.__version__}, numpy {np.__version__}.",
        f"Command: `python benchmarks/bench_defaults.py"
        f"{' --candidates' if args.candidates else ''}"
        f"{' --quick' if args.quick else ''}`",
        "",
    ]
    # Per model: mean accuracy, worst gap to MLP, fit-time ratio (geometric mean).
    lines += [
        "| model | mean acc | mean acc MLP | worst gap (pts) | fit time / MLP |",
        "|---|---|---|---|---|",
    ]
    summary = []
    for name in models:
        accs = np.array([results[name, d][0] for d in data])
        mlp_accs = np.array([results[mlp, d][0] for d in data])
        ratios = np.array([results[name, d][1] / results[mlp, d][1] for d in data])
        gap = 100 * (accs - mlp_accs).min()
        summary.append(
            (accs.mean(), name, mlp_accs.mean(), gap, np.exp(np.log(ratios).mean()))
        )
    for acc, name, mlp_acc, gap, ratio in sorted(summary, reverse=True):
        lines.append(
            f"| {name} | {acc:.4f} | {mlp_acc:.4f} | {gap:+.1f} | {ratio:.3f} |"
        )
    if not args.candidates:
        lines += [
            "",
            "| data set | "
            + " | ".join(f"{m} acc | {m} fit (s)" for m in models)
            + " |",
        ]
        lines.append("|---|" + "---|---|" * len(models))
        for d in data:
            cells = " | ".join(
                f"{results[m, d][0]:.4f} | {results[m, d][1]:.2f}" for m in models
            )
            lines.append(f"| {d} | {cells} |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
