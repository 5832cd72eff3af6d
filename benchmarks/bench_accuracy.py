"""Accuracy and fit time: TwoLayerClassifier against MLPClassifier and
LogisticRegression, 5-fold cross-validation.

Every model sits behind a StandardScaler and is scored by 5-fold stratified
cross-validation on scikit-learn's bundled data sets (iris, wine, breast
cancer, digits), generated ones (moons, circles, a hard
``make_classification``) and the course's flower -- the data sets of
``bench_defaults.py``. The contenders: TwoLayerClassifier with its defaults,
TwoLayerClassifier tuned by an inner 3-fold GridSearchCV over ``n_hidden``
(its fit time includes the search), MLPClassifier with its defaults and
LogisticRegression. Within each fold the models are fitted one after the
other, in an order that alternates from fold to fold; the fit time is the
median over the folds.

    python benchmarks/bench_accuracy.py           # full run, ~2 min on 2 cores
    python benchmarks/bench_accuracy.py --quick   # toy size (the smoke test)

The table is printed and written to ``benchmarks/accuracy.md`` (``--out`` to
choose). Sample output (2-core AMD EPYC; see RESULTS.md for the latest)::

    | model | mean acc | worst gap to MLP (pts) | fit time / MLP (geo. mean) |
    |---|---|---|---|
    | TwoLayerClassifier() | 0.8994 | -0.1 | 0.19 |
"""

import argparse
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
from _common import machine_lines, write_results
from bench_defaults import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier

HERE = Path(__file__).resolve().parent
HIDDEN_GRID = [2, 4, 8, 16, 32, 64, 128]
MLP = "MLPClassifier()"


def tuned(grid, folds):
    """TwoLayerClassifier with n_hidden chosen by an inner GridSearchCV
    (shuffled stratified folds)."""
    return GridSearchCV(
        make_pipeline(StandardScaler(), TwoLayerClassifier(random_state=0)),
        {"twolayerclassifier__n_hidden": grid},
        # Shuffled: some data sets (the flower) come ordered by class and angle.
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=0),
    )


ESTIMATORS = {
    "TwoLayerClassifier()": lambda quick: make_pipeline(
        StandardScaler(), TwoLayerClassifier(random_state=0)
    ),
    "TwoLayerClassifier tuned": lambda quick: tuned(
        HIDDEN_GRID[:2] if quick else HIDDEN_GRID, 2 if quick else 3
    ),
    MLP: lambda quick: make_pipeline(StandardScaler(), MLPClassifier(random_state=0)),
    "LogisticRegression()": lambda quick: make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=1000)
    ),
}


def chosen_hidden(model):
    """The n_hidden a fitted GridSearchCV picked, else None."""
    best = getattr(model, "best_params_", None)
    return None if best is None else best["twolayerclassifier__n_hidden"]


def evaluate(X, y, folds, quick):
    """Per model: fold accuracies, fold fit times, n_hidden chosen per fold."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    names = list(ESTIMATORS)
    scores = {name: [] for name in names}
    seconds = {name: [] for name in names}
    hidden = []
    for fold, (train, test) in enumerate(cv.split(X, y)):
        for name in names if fold % 2 == 0 else names[::-1]:
            model = ESTIMATORS[name](quick)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                start = time.perf_counter()
                model.fit(X[train], y[train])
                seconds[name].append(time.perf_counter() - start)
            scores[name].append(model.score(X[test], y[test]))
            if chosen_hidden(model) is not None:
                hidden.append(chosen_hidden(model))
    return scores, seconds, hidden


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size")
    parser.add_argument(
        "--out", type=Path, default=HERE / "accuracy.md", help="results file"
    )
    args = parser.parse_args(argv)
    folds = 2 if args.quick else 5
    data = datasets(quick=args.quick)
    names = list(ESTIMATORS)

    started = time.perf_counter()
    results = {}
    for dname, (X, y) in data.items():
        results[dname] = evaluate(X, y, folds, args.quick)
        print(f"done: {dname} ({time.perf_counter() - started:.0f} s)", flush=True)

    acc = {(m, d): np.mean(r[0][m]) for d, r in results.items() for m in names}
    fit_s = {
        (m, d): statistics.median(r[1][m]) for d, r in results.items() for m in names
    }
    summary = [
        "| model | mean acc | worst gap to MLP (pts) | fit time / MLP (geo. mean) |",
        "|---|---|---|---|",
    ]
    for m in names:
        gaps = [100 * (acc[m, d] - acc[MLP, d]) for d in data]
        time_ratio = np.exp(
            np.mean([np.log(fit_s[m, d] / fit_s[MLP, d]) for d in data])
        )
        summary.append(
            f"| {m} | {np.mean([acc[m, d] for d in data]):.4f} | {min(gaps):+.1f} "
            f"| {time_ratio:.2f} |"
        )
    accuracy = [
        "| data set | n × d | " + " | ".join(names) + " | n_hidden chosen (× folds) |",
        "|---|---|" + "---|" * len(names) + "---|",
    ]
    fit_time = [
        "| data set | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for d, (X, y) in data.items():
        cells = " | ".join(
            f"{acc[m, d]:.4f} ± {np.std(results[d][0][m]):.3f}" for m in names
        )
        picks = ", ".join(f"{h}×{c}" for h, c in sorted(Counter(results[d][2]).items()))
        accuracy.append(f"| {d} | {X.shape[0]}×{X.shape[1]} | {cells} | {picks} |")
        fit_time.append(
            f"| {d} | " + " | ".join(f"{fit_s[m, d]:.3f}" for m in names) + " |"
        )

    command = "python benchmarks/bench_accuracy.py" + (" --quick" if args.quick else "")
    lines = [
        f"# Accuracy: {folds}-fold CV, every model behind a StandardScaler",
        "",
        *machine_lines(),
        f"- Command: `{command}` ({time.perf_counter() - started:.0f} s)",
        f"- Tuned: GridSearchCV over n_hidden in "
        f"{HIDDEN_GRID[:2] if args.quick else HIDDEN_GRID}, inner "
        f"{2 if args.quick else 3}-fold CV, its fit time includes the search",
        "",
        "## Summary over the data sets",
        "",
        *summary,
        "",
        "## Test accuracy (mean ± std over the folds)",
        "",
        *accuracy,
        "",
        "## Fit time of a fold (s, median over the folds)",
        "",
        *fit_time,
        "",
    ]
    text = "\n".join(lines)
    print(text)
    write_results(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
