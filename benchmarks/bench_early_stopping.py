"""Early stopping: how long the plateaus last, and when unlearnable data stop.

Two measurements behind early stopping's rules (see
doc/user_guide/early_stopping.rst):

- **Plateaus**: with ``early_stopping=True`` and the defaults, the iteration
  at which the validation loss first falls 1 % below its first value, on
  data the network can learn (300-point splits of the flower, the flower,
  circles, XOR), for every solver and 12 seeds. Patience starts there; the
  second patience (``10 · n_iter_no_change`` iterations without that fall)
  must outlast the longest.
- **Unlearnable data** (labels drawn independently of X, 500 × 10): the
  iterations run before stopping, ours for every solver and MLPClassifier's
  sgd and adam, with ``max_iter=1000``.

    python benchmarks/bench_early_stopping.py          # ~5 minutes on 2 cores
    python benchmarks/bench_early_stopping.py --quick  # toy size (the smoke test)

The tables are printed and written to ``benchmarks/early_stopping.md``
(``--out`` to choose). Sample output::

    | data set | solver | runs | no fall | fall at (median) | fall at (max) |
    |---|---|---|---|---|---|
    | flower, 300-point splits | gd | 12 | 0 | 11 | 93 |
"""

import argparse
import warnings
from pathlib import Path

import numpy as np
from _common import machine_lines, write_results
from sklearn.datasets import make_circles
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, make_flower

HERE = Path(__file__).resolve().parent
SOLVERS = ("sgd", "adam", "gd", "lbfgs")


def learnable(seed):
    """name -> (X, y) for data seed ``seed`` (0-5): sets with a plateau."""
    X, y = make_flower(random_state=1)
    X300, _, y300, _ = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=seed
    )
    rng = np.random.RandomState(seed)
    X_xor = rng.randn(400, 2)
    return {
        "flower, 300-point splits": (X300, y300),
        "flower": make_flower(random_state=seed),
        "circles": make_circles(400, noise=0.1, factor=0.5, random_state=seed),
        "XOR": (X_xor, (X_xor[:, 0] * X_xor[:, 1] > 0).astype(int)),
    }


def unlearnable(seed, n=500, d=10):
    rng = np.random.RandomState(seed)
    return rng.randn(n, d), rng.randint(0, 2, n)


def fall(curve):
    """The iteration (1-based) at which the curve first falls 1 % below its
    first value, or None."""
    below = np.asarray(curve) < 0.99 * curve[0]
    return int(np.argmax(below)) + 1 if below.any() else None


def measure(seeds, max_iter):
    """The iteration of each fall, and the iterations run on unlearnable data."""
    falls = {}  # (data set, solver) -> [iteration of the fall or None]
    for seed in seeds:
        for name, (X, y) in learnable(seed % 6).items():
            X = StandardScaler().fit_transform(X)
            for solver in SOLVERS:
                clf = TwoLayerClassifier(
                    solver=solver,
                    early_stopping=True,
                    max_iter=max_iter,
                    random_state=seed,
                )
                curve = clf.fit(X, y).validation_loss_curve_
                falls.setdefault((name, solver), []).append(fall(curve))
        print(f"plateaus: seed {seed} done", flush=True)

    stops = {}  # model -> [iterations run]
    for seed in seeds:
        X, y = unlearnable(seed)
        models = {
            f"TwoLayerClassifier(solver={s!r})": TwoLayerClassifier(solver=s)
            for s in SOLVERS
        }
        models |= {
            f"MLPClassifier(solver={s!r})": MLPClassifier(solver=s) for s in SOLVERS[:2]
        }
        for name, model in models.items():
            model.set_params(early_stopping=True, max_iter=max_iter, random_state=0)
            stops.setdefault(name, []).append(model.fit(X, y).n_iter_)
    return falls, stops


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size")
    parser.add_argument("--out", type=Path, default=HERE / "early_stopping.md")
    args = parser.parse_args(argv)
    seeds = range(2 if args.quick else 12)
    max_iter = 30 if args.quick else 1000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        falls, stops = measure(seeds, max_iter)
    lines = [
        "# Early stopping: plateaus and unlearnable data",
        "",
        *machine_lines(),
        f"- Command: `python benchmarks/bench_early_stopping.py"
        f"{' --quick' if args.quick else ''}`",
        "",
        "## When the validation loss first falls 1 % below its first value",
        "",
        f"Defaults with `early_stopping=True`, `max_iter={max_iter}`, "
        f"{len(seeds)} seeds per row.",
        "",
        "| data set | solver | runs | no fall | fall at (median) | fall at (max) |",
        "|---|---|---|---|---|---|",
    ]
    for (name, solver), values in falls.items():
        came = [v for v in values if v is not None]
        median = f"{np.median(came):g}" if came else "-"
        top = max(came) if came else "-"
        lines.append(
            f"| {name} | {solver} | {len(values)} | {len(values) - len(came)} "
            f"| {median} | {top} |"
        )
    every = [v for values in falls.values() for v in values if v is not None]
    lines += [
        "",
        f"Latest fall over all runs: iteration {max(every)}.",
        "",
        "## Iterations run on unlearnable data",
        "",
        f"Labels independent of X (500 × 10), `early_stopping=True`, "
        f"`max_iter={max_iter}`, one data set per seed.",
        "",
        "| model | runs | median | max | runs to max_iter |",
        "|---|---|---|---|---|",
    ]
    for name, values in stops.items():
        lines.append(
            f"| {name} | {len(values)} | {np.median(values):g} | {max(values)} "
            f"| {sum(v >= max_iter for v in values)} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    write_results(args.out, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
