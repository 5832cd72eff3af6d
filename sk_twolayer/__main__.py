"""``python -m sk_twolayer``: the two-layer network against LogisticRegression.

Fits, on the course's flower data, LogisticRegression, the course's network
(n_hidden=4, tanh, gradient descent, learning rate 1.2, init 0.01) and
TwoLayerClassifier with its defaults, and prints their accuracies.
"""

import argparse
import sys
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from . import TwoLayerClassifier, __version__
from .datasets import make_flower


def models(seed):
    """The models compared, by name."""
    return {
        "LogisticRegression": LogisticRegression(),
        "course network (n_h=4, gd)": TwoLayerClassifier(
            n_hidden=4,
            solver="gd",
            learning_rate=1.2,
            init=0.01,
            alpha=0.0,
            max_iter=10_000,
            tol=0.0,
            n_iter_no_change=10_000,
            random_state=2,
        ),
        "TwoLayerClassifier()": TwoLayerClassifier(random_state=seed),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sk_twolayer",
        description="Compare the two-layer network with LogisticRegression "
        "on the course's flower data set.",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)

    X, y = make_flower(random_state=1)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=args.seed
    )
    print(f"sk-twolayer {__version__}: the flower data set, 300 train / 100 test\n")
    header = f"{'model':<30} {'train acc':>9} {'test acc':>9} {'fit (s)':>8}"
    print(header)
    print("-" * len(header))
    for name, model in models(args.seed).items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        print(
            f"{name:<30} {model.score(X_train, y_train):>9.3f} "
            f"{model.score(X_test, y_test):>9.3f} {seconds:>8.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
