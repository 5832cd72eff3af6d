"""Each solver, with its defaults, on the flower and the digits.

A stratified 75/25 split (random_state=0), StandardScaler fitted on the
training part, ``random_state=0`` for every model; MLPClassifier's defaults
beside them. This is the table of "Choosing a solver" in the documentation
(doc/user_guide/solvers.rst includes solvers.md).

    python benchmarks/bench_solvers.py           # the table
    python benchmarks/bench_solvers.py --quick   # toy size (the smoke test)

Output is printed and written to ``benchmarks/solvers.md`` (``--out``)::

    | data set | model | early stopping | train acc | test acc | iterations | fit (s) |
    |---|---|---|---|---|---|---|
    | flower | TwoLayerClassifier(solver='lbfgs') | False | 0.863 | 0.810 | 83 | 0.02 |
"""

import argparse
import time
import warnings
from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, make_flower

HERE = Path(__file__).resolve().parent
SOLVERS = ("lbfgs", "adam", "sgd", "gd")


def estimators():
    """name -> (estimator factory taking early_stopping)."""
    models = {
        f"TwoLayerClassifier(solver={s!r})": (
            lambda es, s=s: TwoLayerClassifier(
                solver=s, early_stopping=es, random_state=0
            )
        )
        for s in SOLVERS
    }
    models["MLPClassifier()"] = lambda es: MLPClassifier(
        early_stopping=es, random_state=0
    )
    return models


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size")
    parser.add_argument("--out", type=Path, default=HERE / "solvers.md")
    args = parser.parse_args(argv)
    sets = {
        "flower": make_flower(random_state=1),
        "digits": load_digits(return_X_y=True),
    }
    if args.quick:
        sets = {k: (X[::4], y[::4]) for k, (X, y) in sets.items()}
    lines = [
        "| data set | model | early stopping | train acc | test acc | iterations "
        "| fit (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (X, y) in sets.items():
        X_tr, X_te, y_tr, y_te = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=0
        )
        scaler = StandardScaler().fit(X_tr)
        X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
        for model, make in estimators().items():
            for early in (False, True):
                clf = make(early)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    start = time.perf_counter()
                    clf.fit(X_tr, y_tr)
                    seconds = time.perf_counter() - start
                lines.append(
                    f"| {name} | {model} | {early} | {clf.score(X_tr, y_tr):.3f} "
                    f"| {clf.score(X_te, y_te):.3f} | {clf.n_iter_} | {seconds:.2f} |"
                )
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
